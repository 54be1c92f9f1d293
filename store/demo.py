"""A deterministic, realistic demo book: prices, models, custodian rate tiers and accounts (DESIGN.md book file).

Pure stdlib: no SQLite, no Textual, no pydantic in the hot path. Everything derives from
`random.Random` instances seeded from `seed` (and the account's index), never from the global
generator or the clock, so the same (accounts, seed, today) always gives the same book, and account
`i` does not depend on how many accounts are generated.

The first `SHOWCASE_SIZE` accounts are hand-picked so that even a tiny book shows every diagnostic;
after them each account is healthy (about three in four) or carries one problem state in a steady
share. `iter_accounts_with_intent` yields the diagnostic codes each account is built to show.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from store.demo_data import (
    DEFAULT_SEED,
    DEFAULT_TODAY,
    ID_DIGITS,
    MAX_ACCOUNTS,
    RATES,
    REPORT_EXTRA_SHARES,
    RESIDUE_LIMIT,
    SAFE_CALL_DISTANCE,
    SHOWCASE_SPECS,
    STEP_DOWN,
    DemoContext,
)
from store.demo_random import random_spec


@lru_cache(maxsize=8)
def _context(seed: int, today: date) -> DemoContext:
    return DemoContext(seed, today)


def _check(accounts: int, seed: int, today: date | str) -> date:
    if isinstance(accounts, bool) or not isinstance(accounts, int) or not 0 <= accounts <= MAX_ACCOUNTS:
        raise ValueError(f"accounts must be a whole number from 0 to {MAX_ACCOUNTS:,}, got {accounts!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    if isinstance(today, str):
        today = date.fromisoformat(today)
    if not isinstance(today, date):
        raise ValueError(f"today must be a date, got {today!r}")
    return today


# ----------------------------------------------------------------------------------------------- public API

def demo_prices(seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY) -> list[dict[str, Any]]:
    """The book's price rows (a fresh copy): most priced today, SWVXX a day late, NEA and PDI stale."""
    return [dict(row) for row in _context(seed, _check(0, seed, today)).price_rows]


def demo_models(seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY) -> list[dict[str, Any]]:
    """The book's model rows (a fresh copy); weights plus cash add up to exactly 1."""
    rows = _context(seed, _check(0, seed, today)).model_rows
    return [dict(row, weights=dict(row["weights"])) for row in rows]


def demo_rates() -> list[dict[str, Any]]:
    """Margin rate tiers per custodian: the rate applies to a debit from min_debit upward."""
    return [{"custodian": custodian, "min_debit": floor, "annual_rate": rate}
            for custodian, tiers in RATES.items() for floor, rate in tiers]


def iter_accounts_with_intent(
    accounts: int, seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY, start: int = 0, stop: int | None = None,
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(codes the account is built to show, account dict) for accounts 1..N, or the N-account book's accounts
    start+1..stop (a batch a worker process makes); () means healthy."""
    today = _check(accounts, seed, today)
    ctx = _context(seed, today)
    # A book of a million accounts or more pads its ids to seven digits, so they still sort; below that every
    # account keeps its six-digit id whatever the book's size.
    digits = max(ID_DIGITS, len(str(accounts)))
    for i in range(start, accounts if stop is None else min(stop, accounts)):
        account_id = f"A-{i + 1:0{digits}d}"
        if i < len(SHOWCASE_SPECS):
            spec = SHOWCASE_SPECS[i]
        else:
            spec = random_spec(ctx, random.Random(seed * 16_777_216 + i))
        yield spec["intent"], _realize(ctx, account_id, spec)


def iter_accounts(accounts: int, seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY) -> Iterator[dict[str, Any]]:
    """Account dicts one by one (for streaming imports with progress); account i never depends on N."""
    for _, account in iter_accounts_with_intent(accounts, seed, today):
        yield account


def generate_book(accounts: int, seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY) -> dict[str, Any]:
    """A whole demo book in the book file format, plus the custodians' margin rate tiers."""
    today = _check(accounts, seed, today)
    return {
        "prices": demo_prices(seed, today),
        "models": demo_models(seed, today),
        "rates": demo_rates(),
        "accounts": list(iter_accounts(accounts, seed, today)),
    }


# ----------------------------------------------------------------------------------------------- building

def _build(
    ctx: DemoContext, model_id: str, equity: float, leverage: float, track: bool, reserve: float, cost: float = 1.0,
) -> tuple[float, dict[str, int], float]:
    """Whole-share targets of DOMAIN.md at `cost` x today's prices: (equity, positions, cash).

    Equity is raised when whole shares would leave more than RESIDUE_LIMIT of it in cash, so a
    built sleeve never shows drift from rounding alone.
    """
    weights, model_cash, _ = ctx.models[model_id]
    prices = ctx.prices
    while True:
        scale = equity * leverage if track else equity * leverage * (1 - reserve) / (1 - model_cash)
        positions: dict[str, int] = {}
        invested = target = 0.0
        for symbol, weight in weights:
            price = prices[symbol] * cost
            value = scale * weight
            target += value
            qty = int(value / price)
            if qty > 0:
                positions[symbol] = qty
                invested += qty * price
        if target - invested <= RESIDUE_LIMIT * equity:
            return equity, positions, round(equity - invested, 2)
        equity = round(equity * 1.6, 2)


def _figures(ctx: DemoContext, house: float, sleeves: list[tuple[dict[str, int], float]]) -> tuple[float, float, float]:
    """(long market value, maintenance requirement, total cash) of an account, as calc.account_margin."""
    rates = ctx.maintenance[house]
    prices = ctx.prices
    lmv = requirement = cash = 0.0
    for positions, sleeve_cash in sleeves:
        cash += sleeve_cash
        for symbol, qty in positions.items():
            value = qty * prices[symbol]
            lmv += value
            requirement += rates[symbol] * value
    return lmv, requirement, cash


def _call_distance(lmv: float, requirement: float, cash: float) -> float:
    """calc.margin.call_distance at the account's effective rate; 1.0 with no debit."""
    debit = max(0.0, -cash)
    if debit <= 0:
        return 1.0
    if lmv <= 0:
        return 0.0
    rate = requirement / lmv
    trigger = debit if rate >= 1 else debit / (1 - rate)
    return 1 - trigger / lmv


def _build_sleeve(ctx: DemoContext, s: dict[str, Any]) -> tuple[dict[str, int], float]:
    """Positions and cash of one model sleeve spec, per its history ("mode")."""
    mode = s.get("mode", "built")
    equity = s["equity"]
    if mode == "cash":
        return {}, round(equity, 2)
    cost = 1.0 + s["move"] if mode == "moved" else 1.0  # bought at cost x today's price
    equity, positions, cash = _build(ctx, s["model"], equity, s["applied"], s["track"], s["reserve"], cost)
    if mode == "deposit":  # a deposit arrived and was never invested
        cash = round(cash + s["amount"] * equity, 2)
    elif mode == "withdrawal":  # a withdrawal was paid from the sleeve without a rebalance
        cash = round(cash - s["amount"] * equity, 2)
    return positions, cash


def _realize(ctx: DemoContext, account_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Turn an account spec into a book account dict, keeping healthy sleeves clear of warnings."""
    house = spec["house"]
    specs = [dict(s) for s in spec["sleeves"]]
    built = [_build_sleeve(ctx, s) for s in specs]
    apm = (spec.get("apm_positions") or {}, spec["apm_cash"])

    # Healthy ("free") sleeves step their leverage down until the account sits well away from a call.
    while True:
        lmv, requirement, cash = _figures(ctx, house, [apm, *built])
        equity = lmv + min(0.0, cash)
        if _call_distance(lmv, requirement, cash) >= SAFE_CALL_DISTANCE and equity >= requirement:
            break
        levered = [k for k, s in enumerate(specs) if s.get("free") and s["applied"] > 1.0]
        if not levered:
            break
        for k in levered:
            specs[k]["applied"] = specs[k]["saved"] = STEP_DOWN[specs[k]["applied"]]
            built[k] = _build_sleeve(ctx, specs[k])

    adjust = spec.get("adjust")
    if adjust is not None:
        kind, value = adjust
        lmv, requirement, cash = _figures(ctx, house, [apm, *built])
        target_cash = None
        if kind == "call":  # the market fell after a 2.0x build: equity is now a fraction of the requirement
            target_cash = value * requirement - lmv
        elif kind == "distance":
            distance = _call_distance(lmv, requirement, cash)
            if not 0.03 <= distance <= 0.19:
                target_cash = -(1 - value) * (lmv - requirement)
        if target_cash is not None:
            positions, sleeve_cash = built[0]
            built[0] = (positions, round(sleeve_cash + target_cash - cash, 2))

    sleeves: list[dict[str, Any]] = [
        {"id": f"{account_id}-APM", "kind": "apm", "cash": round(apm[1], 2), "positions": dict(apm[0])},
    ]
    for k, (s, (positions, sleeve_cash)) in enumerate(zip(specs, built), start=1):
        sleeves.append({
            "id": f"{account_id}-M{k}", "kind": "model", "model": s["model"], "leverage": s["saved"],
            "applied_leverage": s["applied"], "track_manager": s["track"], "cash_reserve": s["reserve"],
            "cash": sleeve_cash, "positions": positions,
        })
    account = {
        "id": account_id, "name": spec["name"], "custodian": spec["custodian"], "type": spec["type"],
        "margin_enabled": spec["margin_enabled"], "house_maintenance": house, "max_leverage": spec["max_leverage"],
        "sleeves": sleeves,
    }
    if spec["report"] != "none":
        account["custodian_report"] = _custodian_report(ctx, sleeves, spec["report"] == "off")
    return account


def _custodian_report(ctx: DemoContext, sleeves: list[dict[str, Any]], off: bool) -> dict[str, Any]:
    """The custodian's account-level view of the sleeves on the demo's day; `off` adds shares no sleeve holds."""
    held: dict[str, int] = {}
    for sleeve in sleeves:
        for symbol, quantity in sleeve["positions"].items():
            held[symbol] = held.get(symbol, 0) + quantity
    cash = round(sum(sleeve["cash"] for sleeve in sleeves), 2)
    if off:
        symbol = next(iter(sleeves[1]["positions"]), None) if len(sleeves) > 1 else None
        if symbol is None:
            cash = round(cash + 250.0, 2)
        else:
            held[symbol] += REPORT_EXTRA_SHARES
    return {"as_of": ctx.today.isoformat(), "positions": held, "cash": cash}
