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
from bisect import bisect
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from store.demo_data import (
    COMPANY_NAMES,
    CUSTODIANS,
    DEFAULT_SEED,
    DEFAULT_TODAY,
    DRIFT,
    ENTITY_NAMES,
    FIRST_NAMES,
    HEALTHY_LEVERAGE,
    HEALTHY_LEVERAGE_CUM,
    HIGH_MAINTENANCE_MODELS,
    HOUSE_MAINTENANCE,
    IRA_NAMES,
    LAST_NAMES,
    LOW_CALL_DISTANCE,
    MARGIN_CALL,
    MARGIN_NOT_ENABLED,
    MAX_ACCOUNTS,
    MAX_SLEEVE_EQUITY,
    MIN_SLEEVE_EQUITY,
    NEGATIVE_APM,
    PENDING_LEVERAGE,
    PERSONAL_NAMES,
    PLAN_NAMES,
    RATES,
    RESIDUE_LIMIT,
    SAFE_CALL_DISTANCE,
    SHOWCASE_SPECS,
    STALE_PRICES,
    STALE_SYMBOLS,
    STATE_SHARES,
    STEP_DOWN,
    TACTICAL_MODELS,
    TACTICAL_TRACK_OFF,
    DemoContext,
    account_spec,
    sleeve_spec,
)


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
    accounts: int, seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY,
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(codes the account is built to show, account dict) for accounts 1..N; () means healthy."""
    today = _check(accounts, seed, today)
    ctx = _context(seed, today)
    for i in range(accounts):
        account_id = f"A-{i + 1:06d}"
        if i < len(SHOWCASE_SPECS):
            spec = SHOWCASE_SPECS[i]
        else:
            spec = _random_spec(ctx, random.Random(seed * 16_777_216 + i))
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
    return {
        "id": account_id, "name": spec["name"], "custodian": spec["custodian"], "type": spec["type"],
        "margin_enabled": spec["margin_enabled"], "house_maintenance": house, "max_leverage": spec["max_leverage"],
        "sleeves": sleeves,
    }


def _name(rng: random.Random, kind: str) -> str:
    f = rng.randrange(len(FIRST_NAMES))
    first, first2 = FIRST_NAMES[f], FIRST_NAMES[(f + 1 + rng.randrange(len(FIRST_NAMES) - 1)) % len(FIRST_NAMES)]
    last, last2 = rng.choice(LAST_NAMES), rng.choice(LAST_NAMES)
    if kind == "ira":
        pattern = rng.choice(IRA_NAMES)
    elif kind == "plan":
        pattern = rng.choice(PLAN_NAMES)
    elif kind == "entity":
        pattern = rng.choice(ENTITY_NAMES)
    else:
        pattern = rng.choice(PERSONAL_NAMES)
    return pattern.format(f=first, f2=first2, l=last, l2=last2, c=rng.choice(COMPANY_NAMES))


def _equity(rng: random.Random) -> float:
    """A sleeve's equity: log-normal around $180,000, kept within $25,000 .. $2,000,000."""
    value = rng.lognormvariate(12.1, 0.85)
    return round(min(MAX_SLEEVE_EQUITY, max(MIN_SLEEVE_EQUITY, value)), 2)


def _pick(rng: random.Random, items: tuple[Any, ...], cum: tuple[int, ...]) -> Any:
    return items[bisect(cum, rng.random() * cum[-1])]


def _healthy_sleeve(ctx: DemoContext, rng: random.Random, can_margin: bool, max_leverage: float,
                    model: str | None = None) -> dict[str, Any]:
    """A sleeve with no problem: saved == applied, track manager ON for tactical models, built to target."""
    model = model or _pick(rng, ctx.model_ids, ctx.model_cum)
    leverage = 1.0
    if can_margin:
        leverage = min(_pick(rng, HEALTHY_LEVERAGE, HEALTHY_LEVERAGE_CUM), max_leverage)
        if model in HIGH_MAINTENANCE_MODELS:
            leverage = min(leverage, 1.5)
    track, reserve = True, 0.0
    if not ctx.models[model][2] and rng.random() < 0.2:
        track, reserve = False, rng.choice((0.0, 0.02, 0.05, 0.10))
    return sleeve_spec(model, _equity(rng), leverage, track=track, reserve=reserve, free=True)


def _random_spec(ctx: DemoContext, rng: random.Random) -> dict[str, Any]:
    """One account after the showcase: healthy, or one problem state in its steady share."""
    u = rng.random() * 1000
    k = bisect(ctx.state_cum, u)
    state = STATE_SHARES[k][0] if k < len(STATE_SHARES) else None
    custodian = _pick(rng, CUSTODIANS, ctx.custodian_cum)
    house = rng.choice(HOUSE_MAINTENANCE)
    max_leverage = 1.5 if rng.random() < 0.15 else 2.0
    apm_cash = round(rng.uniform(250, 20_000), 2) if rng.random() < 0.9 else 0.0
    apm_positions: dict[str, int] = {}
    if rng.random() < 0.2:
        legacy = rng.choice(("AAPL", "MSFT", "JNJ", "KO", "SWVXX", "SWVXX"))
        apm_positions[legacy] = rng.randint(5_000, 60_000) if legacy == "SWVXX" else rng.randint(20, 400)

    # Account type: mostly margin-enabled margin accounts; cash, IRA and margin-disabled ones too.
    t = rng.random()
    if state in (PENDING_LEVERAGE, MARGIN_CALL, LOW_CALL_DISTANCE, TACTICAL_TRACK_OFF) or (
            state == DRIFT and t < 0.75):
        acct_type, enabled = "margin", True
    elif state == MARGIN_NOT_ENABLED:
        acct_type, enabled = ("cash", False) if t < 0.4 else ("ira", False) if t < 0.75 else ("margin", False)
    elif t < 0.64:
        acct_type, enabled = "margin", True
    elif t < 0.70:
        acct_type, enabled = "margin", False
    elif t < 0.87:
        acct_type, enabled = "ira", False
    else:
        acct_type, enabled = "cash", False
    can_margin = acct_type == "margin" and enabled
    if acct_type == "ira":
        name = _name(rng, "ira")
    elif acct_type == "cash" and rng.random() < 0.3:
        name = _name(rng, "plan")
    else:
        name = _name(rng, "entity" if rng.random() < 0.15 else "personal")

    n = 1 + bisect((55, 85), rng.random() * 100)
    sleeves = [_healthy_sleeve(ctx, rng, can_margin, max_leverage) for _ in range(n)]
    intent: tuple[str, ...] = (state,) if state else ()
    adjust = None
    target: dict[str, Any] | None = None  # the problem sleeve, placed first

    if state == NEGATIVE_APM:
        v = rng.random()
        if v < 0.4:  # fees booked to the APM: the model sleeves carry no debit
            apm_cash = -round(rng.uniform(25, 450), 2)
            for s in sleeves:
                s["saved"] = s["applied"] = 1.0
        elif v < 0.8:  # margin at the account level: the APM bought an ETF on margin
            symbol = rng.choice(("SPY", "QQQ", "IWM"))
            borrowed = rng.uniform(0.15, 0.5) * sleeves[0]["equity"]
            apm_positions = {symbol: max(1, int(borrowed * rng.uniform(0.9, 1.3) / ctx.prices[symbol]))}
            apm_cash = -round(borrowed, 2)
        else:  # fractional-share residue
            apm_cash = -round(rng.uniform(0.01, 0.99), 2)
    elif state == PENDING_LEVERAGE:
        saved, applied = rng.choice(((1.5, 1.0), (1.5, 1.0), (1.25, 1.0), (2.0, 1.5), (1.0, 1.5), (1.0, 1.25)))
        if saved > max_leverage:
            saved, applied = 1.5, 1.0
        target = sleeve_spec(_pick(rng, ctx.model_ids, ctx.model_cum), _equity(rng), saved, applied)
    elif state == MARGIN_NOT_ENABLED:
        model = _pick(rng, ctx.model_ids, ctx.model_cum)
        if acct_type == "margin" and rng.random() < 0.5:  # margin revoked after a levered build
            lev = rng.choice((1.25, 1.5))
            target = sleeve_spec(model, _equity(rng), lev)
        else:  # saved leverage the custodian will never carry
            target = sleeve_spec(model, _equity(rng), min(rng.choice((1.25, 1.5, 1.5, 2.0)), max_leverage), 1.0)
            intent = (MARGIN_NOT_ENABLED, PENDING_LEVERAGE)
    elif state == MARGIN_CALL:
        max_leverage = 2.0
        model = rng.choice(("TECHLEAD", "GROWTH8020", "CONCGROW", "LEVGROWTH", "CORE6040"))
        target = sleeve_spec(model, _equity(rng), 2.0)
        sleeves = []
        apm_positions, apm_cash = {}, round(rng.uniform(0, 2_000), 2)
        adjust = ("call", rng.uniform(0.55, 0.92))
    elif state == LOW_CALL_DISTANCE:
        max_leverage, house = 2.0, 0.35
        target = sleeve_spec(rng.choice(("LEVGROWTH", "LEVGROWTH", "CONCGROW")), _equity(rng), 2.0)
        sleeves = []  # alone, so its debit is the account's and the call distance is the sleeve's own
        apm_positions, apm_cash = {}, round(rng.uniform(0, 2_000), 2)
        adjust = ("distance", rng.uniform(0.06, 0.16))
    elif state == TACTICAL_TRACK_OFF:
        lev = min(rng.choice((1.0, 1.25, 1.5)), max_leverage)
        target = sleeve_spec(rng.choice(TACTICAL_MODELS), _equity(rng), lev, track=False,
                         reserve=rng.choice((0.0, 0.0, 0.05, 0.10)))
    elif state == DRIFT:
        model = _pick(rng, ctx.model_ids, ctx.model_cum)
        tactical = ctx.models[model][2]
        lev = min(rng.choice((1.5, 1.5, 1.75, 2.0)), max_leverage) if can_margin else 1.0
        if model in HIGH_MAINTENANCE_MODELS:
            lev = min(lev, 1.5)
        v = rng.random()
        if not can_margin or tactical or v < 0.45:
            amount = rng.uniform(0.2, 0.6)
            equity = min(_equity(rng), MAX_SLEEVE_EQUITY / (1 + amount))
            target = sleeve_spec(model, round(equity, 2), lev, mode="deposit", amount=amount)
        elif v < 0.65:
            target = sleeve_spec(model, _equity(rng), 1.0, mode="withdrawal", amount=rng.uniform(0.12, 0.3))
        else:  # the market moved since the build: a fall (bought dearer) or a rally (bought cheaper)
            move = rng.uniform(0.12, 0.2) if rng.random() < 0.6 else -rng.uniform(0.18, 0.3)
            target = sleeve_spec(model, _equity(rng), lev, mode="moved", move=move)
    elif state == STALE_PRICES:
        apm_positions = dict(apm_positions)
        apm_positions[rng.choice(STALE_SYMBOLS)] = rng.randint(2, 60) * 100

    if target is not None:
        sleeves = [target, *sleeves] if state in (MARGIN_CALL, LOW_CALL_DISTANCE) else [target, *sleeves[: n - 1]]
    return account_spec(intent, name, custodian, sleeves, type=acct_type, margin_enabled=enabled, house=house,
                    max_leverage=max_leverage, apm_cash=apm_cash, apm_positions=apm_positions, adjust=adjust)
