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
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

DEFAULT_SEED = 7
DEFAULT_TODAY = date(2026, 11, 20)
MAX_ACCOUNTS = 999_999  # ids are zero-padded to six digits so they sort
SHOWCASE_SIZE = 20

MIN_SLEEVE_EQUITY = 25_000.0
MAX_SLEEVE_EQUITY = 2_000_000.0
RESIDUE_LIMIT = 0.02  # whole-share residue allowed on a built sleeve, as a fraction of its equity
SAFE_CALL_DISTANCE = 0.24  # healthy accounts keep their call distance above this (warning is 0.20)

# Diagnostic codes (calc.diagnostics.DIAGNOSTIC_CODES), spelled here to keep calc out of the hot path.
NEGATIVE_APM = "NEGATIVE_APM"
PENDING_LEVERAGE = "PENDING_LEVERAGE"
MARGIN_NOT_ENABLED = "MARGIN_NOT_ENABLED"
MARGIN_CALL = "MARGIN_CALL"
LOW_CALL_DISTANCE = "LOW_CALL_DISTANCE"
TACTICAL_TRACK_OFF = "TACTICAL_TRACK_OFF"
DRIFT = "DRIFT"
STALE_PRICES = "STALE_PRICES"

# (symbol, base price, marginable, maintenance override, leverage factor, days since the price)
_SECURITIES: tuple[tuple[str, float, bool, float | None, int | None, int], ...] = (
    ("SPY", 705.40, True, None, None, 0),
    ("QQQ", 640.15, True, None, None, 0),
    ("IWM", 252.30, True, None, None, 0),
    ("EFA", 96.80, True, None, None, 0),
    ("EEM", 55.20, True, None, None, 0),
    ("AGG", 100.45, True, None, None, 0),
    ("SHY", 82.90, True, None, None, 0),
    ("TLT", 91.25, True, None, None, 0),
    ("LQD", 111.60, True, None, None, 0),
    ("HYG", 80.75, True, None, None, 0),
    ("TIP", 111.10, True, None, None, 0),
    ("VNQ", 92.40, True, None, None, 0),
    ("GLD", 385.50, True, None, None, 0),
    ("XLK", 310.20, True, None, None, 0),
    ("XLF", 54.10, True, None, None, 0),
    ("XLE", 92.30, True, None, None, 0),
    ("XLV", 152.60, True, None, None, 0),
    ("XLI", 158.40, True, None, None, 0),
    ("AAPL", 272.35, True, None, None, 0),
    ("MSFT", 525.80, True, None, None, 0),
    ("NVDA", 195.40, True, None, None, 0),
    ("AMZN", 238.90, True, None, None, 0),
    ("GOOGL", 285.10, True, None, None, 0),
    ("META", 690.25, True, None, None, 0),
    ("AVGO", 365.70, True, None, None, 0),
    ("JPM", 318.45, True, None, None, 0),
    ("JNJ", 196.30, True, None, None, 0),
    ("PG", 152.80, True, None, None, 0),
    ("KO", 71.25, True, None, None, 0),
    ("PEP", 150.60, True, None, None, 0),
    ("XOM", 118.90, True, None, None, 0),
    ("HD", 372.15, True, None, None, 0),
    ("TSLA", 435.60, True, 0.40, None, 0),
    ("PLTR", 182.30, True, 0.45, None, 0),
    ("COIN", 310.50, True, 0.50, None, 0),
    ("SSO", 118.40, True, None, 2, 0),
    ("TQQQ", 112.75, True, None, 3, 0),
    ("SWVXX", 1.00, False, None, None, 1),  # money market fund: NAV posts a day late, never marginable
    ("NEA", 11.42, True, None, None, 14),  # thinly traded closed-end funds: stale prices
    ("PDI", 18.95, True, None, None, 21),
)
STALE_SYMBOLS: tuple[str, ...] = tuple(s[0] for s in _SECURITIES if s[5] > 5)

# (id, name, manager, tactical, cash in basis points, ((symbol, weight in basis points), ...))
# The last weight absorbs the remainder so weights + cash add up to exactly 10,000 bp.
_MODELS: tuple[tuple[str, str, str, bool, int, tuple[tuple[str, int], ...]], ...] = (
    ("CORE6040", "Core 60/40", "Northfield Asset Management", False, 0, (("SPY", 6000), ("AGG", 4000))),
    ("GROWTH8020", "Growth 80/20", "Northfield Asset Management", False, 0,
     (("SPY", 4000), ("QQQ", 1500), ("IWM", 800), ("EFA", 1000), ("EEM", 700), ("AGG", 1200), ("LQD", 800))),
    ("GLOBALBAL", "Global Balanced", "Harbor Lane Capital", False, 200,
     (("SPY", 3000), ("EFA", 1500), ("EEM", 500), ("AGG", 2800), ("TLT", 1000), ("GLD", 1000))),
    ("EQINCOME", "Equity Income", "Bluewater Advisors", False, 0,
     (("JNJ", 1200), ("PG", 1100), ("KO", 1000), ("PEP", 900), ("XOM", 1100), ("JPM", 1200), ("VNQ", 700),
      ("HYG", 1300), ("LQD", 1500))),
    ("DIVGROW", "Dividend Growth", "Bluewater Advisors", False, 0,
     (("MSFT", 1000), ("AAPL", 900), ("JPM", 1100), ("JNJ", 1000), ("PG", 1000), ("KO", 900), ("PEP", 800),
      ("HD", 1000), ("XLV", 1200), ("XLI", 1100))),
    ("TECHLEAD", "Technology Leaders", "Granite Peak Investors", False, 0,
     (("AAPL", 1600), ("MSFT", 1600), ("NVDA", 1500), ("AMZN", 1300), ("GOOGL", 1300), ("META", 1200),
      ("AVGO", 900), ("XLK", 600))),
    ("CONCGROW", "Concentrated Growth", "Granite Peak Investors", False, 0,
     (("TSLA", 2000), ("NVDA", 2000), ("PLTR", 1500), ("COIN", 1500), ("META", 1500), ("AMZN", 1500))),
    ("FIXEDINC", "Core Fixed Income", "Harbor Lane Capital", False, 0,
     (("AGG", 3500), ("SHY", 1500), ("TLT", 1500), ("LQD", 1500), ("HYG", 1000), ("TIP", 1000))),
    ("REALASSET", "Real Assets", "Sterling Ridge Partners", False, 0,
     (("VNQ", 3000), ("GLD", 2500), ("XLE", 2000), ("TIP", 2500))),
    ("LEVGROWTH", "Leveraged Growth Tilt", "Sterling Ridge Partners", False, 0,
     (("SPY", 3500), ("QQQ", 3500), ("SSO", 1500), ("TQQQ", 1500))),
    ("INTLEQ", "International Equity", "Harbor Lane Capital", False, 0, (("EFA", 6500), ("EEM", 3500))),
    ("TACTROT", "Tactical Sector Rotation", "Meridian Quant", True, 1500,
     (("XLK", 2500), ("XLF", 1700), ("XLE", 1300), ("XLV", 1600), ("XLI", 1400))),
    ("TACTRISK", "Tactical Risk-On/Risk-Off", "Meridian Quant", True, 2500,
     (("SPY", 3000), ("QQQ", 2000), ("TLT", 1500), ("GLD", 1000))),
    ("ALLWEATHER", "All-Weather Tactical", "Harbor Lane Capital", True, 1000,
     (("SPY", 2700), ("TLT", 2000), ("SHY", 1300), ("GLD", 1500), ("TIP", 1500))),
)
# Models whose holdings carry high maintenance (overrides, leveraged ETFs): 2.0x on them sits near a call.
HIGH_MAINTENANCE_MODELS = frozenset({"CONCGROW", "LEVGROWTH"})
TACTICAL_MODELS: tuple[str, ...] = tuple(m[0] for m in _MODELS if m[3])
_MODEL_POPULARITY = {
    "CORE6040": 18, "GROWTH8020": 14, "GLOBALBAL": 10, "EQINCOME": 8, "DIVGROW": 8, "TECHLEAD": 8,
    "CONCGROW": 3, "FIXEDINC": 7, "REALASSET": 4, "LEVGROWTH": 3, "INTLEQ": 5, "TACTROT": 5,
    "TACTRISK": 4, "ALLWEATHER": 3,
}

# Custodian margin rate tiers: (min debit, annual rate); the rate of the highest tier at or below the debit applies.
_RATES: dict[str, tuple[tuple[int, float], ...]] = {
    "Schwab": ((0, 0.0925), (50_000, 0.0875), (100_000, 0.0825), (500_000, 0.0775), (1_000_000, 0.0725)),
    "Fidelity": ((0, 0.1075), (25_000, 0.1025), (100_000, 0.0925), (500_000, 0.0800), (1_000_000, 0.0775)),
    "Pershing": ((0, 0.1000), (100_000, 0.0900), (500_000, 0.0825), (1_000_000, 0.0750)),
    "BNY": ((0, 0.0950), (250_000, 0.0875), (1_000_000, 0.0775)),
    "Interactive Brokers": ((0, 0.0583), (100_000, 0.0533), (1_000_000, 0.0508), (50_000_000, 0.0483)),
}
CUSTODIANS: tuple[str, ...] = tuple(_RATES)
_CUSTODIAN_SHARE = (36, 28, 20, 8, 8)
_HOUSE_MAINTENANCE = (0.25, 0.28, 0.30, 0.30, 0.30, 0.30, 0.32, 0.35)

_FIRST = (
    "Jane", "John", "Maria", "David", "Linda", "Robert", "Susan", "Michael", "Karen", "James", "Patricia",
    "William", "Elizabeth", "Richard", "Barbara", "Thomas", "Jennifer", "Charles", "Margaret", "Daniel",
    "Sarah", "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Betty", "Steven", "Sandra", "Paul", "Ashley",
    "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda",
    "George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Laura",
    "Priya", "Wei", "Hiroshi", "Aisha", "Carlos", "Sofia", "Omar", "Mei", "Raj", "Elena", "Luis",
)
_LAST = (
    "Doe", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
    "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "Chen", "Patel", "Kim", "Shah", "Cohen", "Murphy", "O'Brien", "Schmidt", "Rossi", "Tanaka",
    "Sullivan", "Bennett", "Foster", "Hughes", "Price", "Reed", "Morgan", "Cooper", "Peterson", "Ward",
)
_COMPANY = (
    "Acme", "Summit", "Pioneer", "Beacon", "Cedar", "Liberty", "Atlas", "Evergreen", "Keystone", "Northstar",
    "Redwood", "Harbor", "Granite", "Lakeside", "Meridian", "Oakmont", "Silverline", "Bluebird", "Ironwood",
)
_PERSONAL_NAMES = (
    "{f} {l}", "{f} {l} Trust", "{l} Family Revocable Trust", "{f} {l} Living Trust", "{f} and {f2} {l}",
    "{l} Family Trust", "{f} {l} TOD", "Estate of {f} {l}", "{f} {l} Irrevocable Trust",
)
_ENTITY_NAMES = (
    "{l} Holdings LLC", "{l} & {l2} Partners LP", "{l} Family Foundation", "{c} Capital LLC",
    "{c} Corp Profit Sharing Plan", "{l} Family Office LLC",
)
_IRA_NAMES = ("{f} {l} IRA", "{f} {l} Roth IRA", "{f} {l} Rollover IRA", "{f} {l} SEP IRA", "{f} {l} Inherited IRA")
_PLAN_NAMES = ("{c} Corp 401k", "{c} Corp Cash Balance Plan", "{c} Inc Defined Benefit Plan")

# Leverage a healthy margin sleeve is saved at, and the step down when an account would sit too close to a call.
_HEALTHY_LEVERAGE = (1.0, 1.25, 1.5, 1.75, 2.0)
_HEALTHY_LEVERAGE_CUM = (30, 50, 80, 88, 100)
_STEP_DOWN = {2.0: 1.5, 1.75: 1.5, 1.5: 1.25, 1.25: 1.0}

# Share (in per mille) of generated accounts after the showcase carrying each problem state; the rest are healthy.
STATE_SHARES: tuple[tuple[str, int], ...] = (
    (NEGATIVE_APM, 30),
    (PENDING_LEVERAGE, 50),
    (MARGIN_NOT_ENABLED, 30),
    (MARGIN_CALL, 20),
    (LOW_CALL_DISTANCE, 30),
    (TACTICAL_TRACK_OFF, 30),
    (DRIFT, 40),
    (STALE_PRICES, 25),
)


class _Context:
    """Everything shared by the accounts of one (seed, today): float prices, models, maintenance rates."""

    def __init__(self, seed: int, today: date) -> None:
        rng = random.Random(f"margin-console-demo-prices:{seed}")
        self.today = today
        self.prices: dict[str, float] = {}
        self.price_rows: list[dict[str, Any]] = []
        for symbol, base, marginable, override, factor, age in _SECURITIES:
            price = base if symbol == "SWVXX" else round(base * (1 + rng.uniform(-0.03, 0.03)), 2)
            self.prices[symbol] = price
            self.price_rows.append({
                "symbol": symbol, "price": price, "as_of": (today - timedelta(days=age)).isoformat(),
                "marginable": marginable, "maintenance": override, "leverage_factor": factor,
            })
        self.models: dict[str, tuple[tuple[tuple[str, float], ...], float, bool]] = {}
        self.model_rows: list[dict[str, Any]] = []
        for model_id, name, manager, tactical, cash_bp, weights in _MODELS:
            bps = [bp for _, bp in weights]
            bps[-1] = 10_000 - cash_bp - sum(bps[:-1])
            floats = tuple((sym, bp / 10_000) for (sym, _), bp in zip(weights, bps))
            self.models[model_id] = (floats, cash_bp / 10_000, tactical)
            self.model_rows.append({
                "id": model_id, "name": name, "manager": manager, "tactical": tactical,
                "weights": dict(floats), "cash": cash_bp / 10_000,
            })
        # Per-security maintenance rate at each house rate (calc.margin.security_maintenance).
        self.maintenance: dict[float, dict[str, float]] = {}
        for house in set(_HOUSE_MAINTENANCE):
            rates: dict[str, float] = {}
            for symbol, _, marginable, override, factor, _ in _SECURITIES:
                rate = house
                if not marginable:
                    rate = 1.0
                else:
                    if override is not None:
                        rate = max(rate, override)
                    if factor is not None:
                        rate = max(rate, min(1.0, 0.25 * factor))
                rates[symbol] = rate
            self.maintenance[house] = rates
        self.model_ids = tuple(_MODEL_POPULARITY)
        self.model_cum = _cumulative(_MODEL_POPULARITY.values())
        self.custodian_cum = _cumulative(_CUSTODIAN_SHARE)
        self.state_cum = _cumulative(share for _, share in STATE_SHARES)


def _cumulative(weights: Any) -> tuple[int, ...]:
    total = 0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return tuple(out)


@lru_cache(maxsize=8)
def _context(seed: int, today: date) -> _Context:
    return _Context(seed, today)


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
            for custodian, tiers in _RATES.items() for floor, rate in tiers]


def iter_accounts_with_intent(
    accounts: int, seed: int = DEFAULT_SEED, today: date = DEFAULT_TODAY,
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(codes the account is built to show, account dict) for accounts 1..N; () means healthy."""
    today = _check(accounts, seed, today)
    ctx = _context(seed, today)
    for i in range(accounts):
        account_id = f"A-{i + 1:06d}"
        if i < len(_SHOWCASE):
            spec = _SHOWCASE[i]
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
    ctx: _Context, model_id: str, equity: float, leverage: float, track: bool, reserve: float, cost: float = 1.0,
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


def _figures(ctx: _Context, house: float, sleeves: list[tuple[dict[str, int], float]]) -> tuple[float, float, float]:
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


def _build_sleeve(ctx: _Context, s: dict[str, Any]) -> tuple[dict[str, int], float]:
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


def _realize(ctx: _Context, account_id: str, spec: dict[str, Any]) -> dict[str, Any]:
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
            specs[k]["applied"] = specs[k]["saved"] = _STEP_DOWN[specs[k]["applied"]]
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


def _sleeve(model: str, equity: float, saved: float, applied: float | None = None, track: bool = True,
            reserve: float = 0.0, free: bool = False, **history: Any) -> dict[str, Any]:
    """A model sleeve spec; `history` is mode= (built, cash, deposit, withdrawal, moved) with amount= or move=."""
    return {"model": model, "equity": equity, "saved": saved, "applied": saved if applied is None else applied,
            "track": track, "reserve": reserve, "free": free, **history}


def _account(intent: tuple[str, ...], name: str, custodian: str, sleeves: list[dict[str, Any]], *,
             type: str = "margin", margin_enabled: bool | None = None, house: float = 0.30,
             max_leverage: float = 2.0, apm_cash: float = 5_000.0, apm_positions: dict[str, int] | None = None,
             adjust: tuple[str, float] | None = None) -> dict[str, Any]:
    """An account spec for _realize."""
    return {
        "intent": intent, "name": name, "custodian": custodian, "type": type,
        "margin_enabled": type == "margin" if margin_enabled is None else margin_enabled,
        "house": house, "max_leverage": max_leverage, "apm_cash": apm_cash, "apm_positions": apm_positions or {},
        "sleeves": sleeves, "adjust": adjust,
    }


# ----------------------------------------------------------------------------------------------- showcase

# Hand-picked first accounts: every diagnostic shows in a book of SHOWCASE_SIZE accounts.
_SHOWCASE: tuple[dict[str, Any], ...] = (
    # A-000001: healthy, one sleeve at 1.5x.
    _account((), "Jane Doe Trust", "Schwab", [_sleeve("GROWTH8020", 250_000.0, 1.5)]),
    # A-000002: the source document's story: $100,000 of cash, 1.5 saved, never applied (no ACR built).
    _account((PENDING_LEVERAGE, DRIFT), "Smith Family Revocable Trust", "Schwab",
             [_sleeve("CORE6040", 100_000.0, 1.5, 1.0, mode="cash")]),
    # A-000003: a cash account with 1.5 saved; the build fails, applied stays 1.0.
    _account((MARGIN_NOT_ENABLED, PENDING_LEVERAGE), "Maria Garcia Living Trust", "Fidelity",
             [_sleeve("GLOBALBAL", 180_000.0, 1.5, 1.0)], type="cash", apm_cash=2_500.0),
    # A-000004: margin revoked at the custodian after a 1.25x build.
    _account((MARGIN_NOT_ENABLED,), "Patel Holdings LLC", "Pershing",
             [_sleeve("DIVGROW", 420_000.0, 1.25)], margin_enabled=False, apm_cash=12_000.0),
    # A-000005: leverage taken at the account level: the APM bought QQQ on margin.
    _account((NEGATIVE_APM,), "Thompson Family Trust", "Schwab", [_sleeve("CORE6040", 300_000.0, 1.0)],
             apm_cash=-48_250.0, apm_positions={"QQQ": 110}),
    # A-000006: advisory fees booked to the APM.
    _account((NEGATIVE_APM,), "Robert and Susan Miller", "Fidelity", [_sleeve("EQINCOME", 150_000.0, 1.0)],
             apm_cash=-187.50),
    # A-000007: 2.0x technology sleeve after a sell-off: a margin call (and drift, the sleeve is now ~4x).
    _account((MARGIN_CALL, DRIFT), "Walker Capital Partners LP", "Interactive Brokers",
             [_sleeve("TECHLEAD", 400_000.0, 2.0)], apm_cash=1_000.0, adjust=("call", 0.80)),
    # A-000008: 2.0x on leveraged ETFs at a 35 % house: call distance under 20 %.
    _account((LOW_CALL_DISTANCE,), "Chen Family Office LLC", "Schwab", [_sleeve("LEVGROWTH", 500_000.0, 2.0)],
             house=0.35, apm_cash=750.0, adjust=("distance", 0.12)),
    # A-000009: tactical model with track manager OFF and a 5 % reserve.
    _account((TACTICAL_TRACK_OFF,), "Emily Nguyen Trust", "Pershing",
             [_sleeve("TACTROT", 275_000.0, 1.25, track=False, reserve=0.05)]),
    # A-000010: a $240,000 deposit sits uninvested in a 1.5x sleeve.
    _account((DRIFT,), "Harris & Young Partners LP", "BNY", [_sleeve("GROWTH8020", 600_000.0, 1.5,
                                                                      mode="deposit", amount=0.40)]),
    # A-000011: the APM holds a closed-end fund whose price is weeks old.
    _account((STALE_PRICES,), "William Baker IRA", "Fidelity", [_sleeve("FIXEDINC", 220_000.0, 1.0)],
             type="ira", apm_cash=3_200.0, apm_positions={"NEA": 1_200}),
    # A-000012: healthy, three sleeves: 1.0x, 1.25x track OFF with a 5 % reserve, a tactical model ON.
    _account((), "Anderson Family Foundation", "Schwab", [
        _sleeve("CORE6040", 800_000.0, 1.0), _sleeve("EQINCOME", 350_000.0, 1.25, track=False, reserve=0.05),
        _sleeve("TACTRISK", 250_000.0, 1.0)], apm_cash=15_000.0),
    # A-000013: de-levering saved (1.0) but the 2.0x build is still what the sleeve holds.
    _account((PENDING_LEVERAGE,), "Michael Rossi", "Interactive Brokers",
             [_sleeve("CORE6040", 320_000.0, 1.0, 2.0)], house=0.25, apm_cash=2_000.0),
    # A-000014: healthy IRA, two unlevered sleeves.
    _account((), "Linda Scott Rollover IRA", "Fidelity",
             [_sleeve("FIXEDINC", 140_000.0, 1.0), _sleeve("DIVGROW", 210_000.0, 1.0)], type="ira",
             apm_cash=1_800.0),
    # A-000015: healthy cash-type plan account holding a money market fund in the APM.
    _account((), "Acme Corp 401k", "Schwab", [_sleeve("GLOBALBAL", 950_000.0, 1.0)], type="cash",
             apm_cash=1_000.0, apm_positions={"SWVXX": 25_000}),
    # A-000016: healthy 2.0x on a 60/40 at a 25 % house (call distance about 33 %).
    _account((), "Kim Holdings LLC", "Interactive Brokers", [_sleeve("CORE6040", 1_200_000.0, 2.0)],
             house=0.25, apm_cash=4_000.0),
    # A-000017: a 1.5x sleeve after a 15 % fall since its build: leverage drifted up.
    _account((DRIFT,), "Estate of George Hill", "Pershing",
             [_sleeve("GROWTH8020", 380_000.0, 1.5, mode="moved", move=0.15)], apm_cash=600.0),
    # A-000018: fractional-share residue left the APM a few cents short.
    _account((NEGATIVE_APM,), "Sofia Torres", "BNY", [_sleeve("INTLEQ", 90_000.0, 1.0)], apm_cash=-0.42),
    # A-000019: a tactical sleeve with track manager OFF and a pending 1.5x, next to a healthy one.
    _account((PENDING_LEVERAGE, TACTICAL_TRACK_OFF), "Cooper Family Trust", "Pershing",
             [_sleeve("TACTRISK", 300_000.0, 1.5, 1.0, track=False), _sleeve("REALASSET", 200_000.0, 1.25)]),
    # A-000020: healthy, capped at 1.5x by the house, both sleeves at the cap.
    _account((), "Summit Capital LLC", "Fidelity",
             [_sleeve("TECHLEAD", 500_000.0, 1.5), _sleeve("INTLEQ", 150_000.0, 1.5)], max_leverage=1.5,
             apm_cash=8_500.0),
)
assert len(_SHOWCASE) == SHOWCASE_SIZE

SHOWCASE: tuple[tuple[str, str], ...] = (
    ("A-000001", "healthy: GROWTH8020 at 1.5x"),
    ("A-000002", "source document story: $100,000 cash sleeve on CORE6040, saved 1.5, applied 1.0"),
    ("A-000003", "cash account with 1.5 saved: the build fails, applied stays 1.0"),
    ("A-000004", "margin revoked at the custodian after a 1.25x build"),
    ("A-000005", "negative APM: margin taken at the account level to buy QQQ"),
    ("A-000006", "negative APM: advisory fees"),
    ("A-000007", "margin call: 2.0x TECHLEAD after a sell-off"),
    ("A-000008", "low call distance: 2.0x LEVGROWTH at a 35 % house"),
    ("A-000009", "tactical TACTROT with track manager OFF"),
    ("A-000010", "drift: uninvested deposit in a 1.5x sleeve"),
    ("A-000011", "stale prices: IRA whose APM holds NEA"),
    ("A-000012", "healthy: three sleeves (1.0x, 1.25x track OFF + reserve, tactical ON)"),
    ("A-000013", "pending de-lever: saved 1.0, applied 2.0"),
    ("A-000014", "healthy IRA, two unlevered sleeves"),
    ("A-000015", "healthy cash-type 401k holding SWVXX in the APM"),
    ("A-000016", "healthy 2.0x CORE6040 at a 25 % house"),
    ("A-000017", "drift: 1.5x sleeve after a 15 % fall"),
    ("A-000018", "negative APM: fractional-share residue"),
    ("A-000019", "pending 1.5 on a tactical sleeve with track manager OFF"),
    ("A-000020", "healthy: two sleeves at the account's 1.5x cap"),
)


# ----------------------------------------------------------------------------------------------- random accounts

def _name(rng: random.Random, kind: str) -> str:
    f = rng.randrange(len(_FIRST))
    first, first2 = _FIRST[f], _FIRST[(f + 1 + rng.randrange(len(_FIRST) - 1)) % len(_FIRST)]
    last, last2 = rng.choice(_LAST), rng.choice(_LAST)
    if kind == "ira":
        pattern = rng.choice(_IRA_NAMES)
    elif kind == "plan":
        pattern = rng.choice(_PLAN_NAMES)
    elif kind == "entity":
        pattern = rng.choice(_ENTITY_NAMES)
    else:
        pattern = rng.choice(_PERSONAL_NAMES)
    return pattern.format(f=first, f2=first2, l=last, l2=last2, c=rng.choice(_COMPANY))


def _equity(rng: random.Random) -> float:
    """A sleeve's equity: log-normal around $180,000, kept within $25,000 .. $2,000,000."""
    value = rng.lognormvariate(12.1, 0.85)
    return round(min(MAX_SLEEVE_EQUITY, max(MIN_SLEEVE_EQUITY, value)), 2)


def _pick(rng: random.Random, items: tuple[Any, ...], cum: tuple[int, ...]) -> Any:
    return items[bisect(cum, rng.random() * cum[-1])]


def _healthy_sleeve(ctx: _Context, rng: random.Random, can_margin: bool, max_leverage: float,
                    model: str | None = None) -> dict[str, Any]:
    """A sleeve with no problem: saved == applied, track manager ON for tactical models, built to target."""
    model = model or _pick(rng, ctx.model_ids, ctx.model_cum)
    leverage = 1.0
    if can_margin:
        leverage = min(_pick(rng, _HEALTHY_LEVERAGE, _HEALTHY_LEVERAGE_CUM), max_leverage)
        if model in HIGH_MAINTENANCE_MODELS:
            leverage = min(leverage, 1.5)
    track, reserve = True, 0.0
    if not ctx.models[model][2] and rng.random() < 0.2:
        track, reserve = False, rng.choice((0.0, 0.02, 0.05, 0.10))
    return _sleeve(model, _equity(rng), leverage, track=track, reserve=reserve, free=True)


def _random_spec(ctx: _Context, rng: random.Random) -> dict[str, Any]:
    """One account after the showcase: healthy, or one problem state in its steady share."""
    u = rng.random() * 1000
    k = bisect(ctx.state_cum, u)
    state = STATE_SHARES[k][0] if k < len(STATE_SHARES) else None
    custodian = _pick(rng, CUSTODIANS, ctx.custodian_cum)
    house = rng.choice(_HOUSE_MAINTENANCE)
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
        target = _sleeve(_pick(rng, ctx.model_ids, ctx.model_cum), _equity(rng), saved, applied)
    elif state == MARGIN_NOT_ENABLED:
        model = _pick(rng, ctx.model_ids, ctx.model_cum)
        if acct_type == "margin" and rng.random() < 0.5:  # margin revoked after a levered build
            lev = rng.choice((1.25, 1.5))
            target = _sleeve(model, _equity(rng), lev)
        else:  # saved leverage the custodian will never carry
            target = _sleeve(model, _equity(rng), min(rng.choice((1.25, 1.5, 1.5, 2.0)), max_leverage), 1.0)
            intent = (MARGIN_NOT_ENABLED, PENDING_LEVERAGE)
    elif state == MARGIN_CALL:
        max_leverage = 2.0
        model = rng.choice(("TECHLEAD", "GROWTH8020", "CONCGROW", "LEVGROWTH", "CORE6040"))
        target = _sleeve(model, _equity(rng), 2.0)
        sleeves = []
        apm_positions, apm_cash = {}, round(rng.uniform(0, 2_000), 2)
        adjust = ("call", rng.uniform(0.55, 0.92))
    elif state == LOW_CALL_DISTANCE:
        max_leverage, house = 2.0, 0.35
        target = _sleeve(rng.choice(("LEVGROWTH", "LEVGROWTH", "CONCGROW")), _equity(rng), 2.0)
        sleeves = []  # alone, so its debit is the account's and the call distance is the sleeve's own
        apm_positions, apm_cash = {}, round(rng.uniform(0, 2_000), 2)
        adjust = ("distance", rng.uniform(0.06, 0.16))
    elif state == TACTICAL_TRACK_OFF:
        lev = min(rng.choice((1.0, 1.25, 1.5)), max_leverage)
        target = _sleeve(rng.choice(TACTICAL_MODELS), _equity(rng), lev, track=False,
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
            target = _sleeve(model, round(equity, 2), lev, mode="deposit", amount=amount)
        elif v < 0.65:
            target = _sleeve(model, _equity(rng), 1.0, mode="withdrawal", amount=rng.uniform(0.12, 0.3))
        else:  # the market moved since the build: a fall (bought dearer) or a rally (bought cheaper)
            move = rng.uniform(0.12, 0.2) if rng.random() < 0.6 else -rng.uniform(0.18, 0.3)
            target = _sleeve(model, _equity(rng), lev, mode="moved", move=move)
    elif state == STALE_PRICES:
        apm_positions = dict(apm_positions)
        apm_positions[rng.choice(STALE_SYMBOLS)] = rng.randint(2, 60) * 100

    if target is not None:
        sleeves = [target, *sleeves] if state in (MARGIN_CALL, LOW_CALL_DISTANCE) else [target, *sleeves[: n - 1]]
    return _account(intent, name, custodian, sleeves, type=acct_type, margin_enabled=enabled, house=house,
                    max_leverage=max_leverage, apm_cash=apm_cash, apm_positions=apm_positions, adjust=adjust)
