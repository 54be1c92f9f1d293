"""The demo book's fixed tables: securities, models, custodian rates, names, the problem-state shares and
the hand-picked showcase accounts. store/demo.py turns them into a book."""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

DEFAULT_SEED = 7
DEFAULT_TODAY = date(2026, 11, 20)
MAX_ACCOUNTS = 9_999_999
ID_DIGITS = 6  # ids are zero-padded so they sort: six digits up to 999,999 accounts, seven above
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
OUT_OF_SYNC = "OUT_OF_SYNC"

# The custodian's file on the demo's day: most accounts match their sleeves, a few differ, a few were not in it.
REPORT_OFF_SHARE = 0.02
REPORT_MISSING_SHARE = 0.05
REPORT_EXTRA_SHARES = 5  # an out-of-sync account: the custodian holds this many more of one symbol

# (symbol, base price, marginable, maintenance override, leverage factor, days since the price)
SECURITIES: tuple[tuple[str, float, bool, float | None, int | None, int], ...] = (
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
STALE_SYMBOLS: tuple[str, ...] = tuple(s[0] for s in SECURITIES if s[5] > 5)

# (id, name, manager, tactical, cash in basis points, ((symbol, weight in basis points), ...))
# The last weight absorbs the remainder so weights + cash add up to exactly 10,000 bp.
MODELS: tuple[tuple[str, str, str, bool, int, tuple[tuple[str, int], ...]], ...] = (
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
TACTICAL_MODELS: tuple[str, ...] = tuple(m[0] for m in MODELS if m[3])
MODEL_POPULARITY = {
    "CORE6040": 18, "GROWTH8020": 14, "GLOBALBAL": 10, "EQINCOME": 8, "DIVGROW": 8, "TECHLEAD": 8,
    "CONCGROW": 3, "FIXEDINC": 7, "REALASSET": 4, "LEVGROWTH": 3, "INTLEQ": 5, "TACTROT": 5,
    "TACTRISK": 4, "ALLWEATHER": 3,
}

# Custodian margin rate tiers: (min debit, annual rate); the rate of the highest tier at or below the debit applies.
RATES: dict[str, tuple[tuple[int, float], ...]] = {
    "Schwab": ((0, 0.0925), (50_000, 0.0875), (100_000, 0.0825), (500_000, 0.0775), (1_000_000, 0.0725)),
    "Fidelity": ((0, 0.1075), (25_000, 0.1025), (100_000, 0.0925), (500_000, 0.0800), (1_000_000, 0.0775)),
    "Pershing": ((0, 0.1000), (100_000, 0.0900), (500_000, 0.0825), (1_000_000, 0.0750)),
    "BNY": ((0, 0.0950), (250_000, 0.0875), (1_000_000, 0.0775)),
    "Interactive Brokers": ((0, 0.0583), (100_000, 0.0533), (1_000_000, 0.0508), (50_000_000, 0.0483)),
}
CUSTODIANS: tuple[str, ...] = tuple(RATES)
CUSTODIAN_SHARE = (36, 28, 20, 8, 8)
HOUSE_MAINTENANCE = (0.25, 0.28, 0.30, 0.30, 0.30, 0.30, 0.32, 0.35)

FIRST_NAMES = (
    "Jane", "John", "Maria", "David", "Linda", "Robert", "Susan", "Michael", "Karen", "James", "Patricia",
    "William", "Elizabeth", "Richard", "Barbara", "Thomas", "Jennifer", "Charles", "Margaret", "Daniel",
    "Sarah", "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Betty", "Steven", "Sandra", "Paul", "Ashley",
    "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda",
    "George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Laura",
    "Priya", "Wei", "Hiroshi", "Aisha", "Carlos", "Sofia", "Omar", "Mei", "Raj", "Elena", "Luis",
)
LAST_NAMES = (
    "Doe", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
    "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "Chen", "Patel", "Kim", "Shah", "Cohen", "Murphy", "O'Brien", "Schmidt", "Rossi", "Tanaka",
    "Sullivan", "Bennett", "Foster", "Hughes", "Price", "Reed", "Morgan", "Cooper", "Peterson", "Ward",
)
COMPANY_NAMES = (
    "Acme", "Summit", "Pioneer", "Beacon", "Cedar", "Liberty", "Atlas", "Evergreen", "Keystone", "Northstar",
    "Redwood", "Harbor", "Granite", "Lakeside", "Meridian", "Oakmont", "Silverline", "Bluebird", "Ironwood",
)
PERSONAL_NAMES = (
    "{f} {l}", "{f} {l} Trust", "{l} Family Revocable Trust", "{f} {l} Living Trust", "{f} and {f2} {l}",
    "{l} Family Trust", "{f} {l} TOD", "Estate of {f} {l}", "{f} {l} Irrevocable Trust",
)
ENTITY_NAMES = (
    "{l} Holdings LLC", "{l} & {l2} Partners LP", "{l} Family Foundation", "{c} Capital LLC",
    "{c} Corp Profit Sharing Plan", "{l} Family Office LLC",
)
IRA_NAMES = ("{f} {l} IRA", "{f} {l} Roth IRA", "{f} {l} Rollover IRA", "{f} {l} SEP IRA", "{f} {l} Inherited IRA")
PLAN_NAMES = ("{c} Corp 401k", "{c} Corp Cash Balance Plan", "{c} Inc Defined Benefit Plan")

# Leverage a healthy margin sleeve is saved at, and the step down when an account would sit too close to a call.
HEALTHY_LEVERAGE = (1.0, 1.25, 1.5, 1.75, 2.0)
HEALTHY_LEVERAGE_CUM = (30, 50, 80, 88, 100)
STEP_DOWN = {2.0: 1.5, 1.75: 1.5, 1.5: 1.25, 1.25: 1.0}

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


def sleeve_spec(model: str, equity: float, saved: float, applied: float | None = None, track: bool = True,
            reserve: float = 0.0, free: bool = False, **history: Any) -> dict[str, Any]:
    """A model sleeve spec; `history` is mode= (built, cash, deposit, withdrawal, moved) with amount= or move=."""
    return {"model": model, "equity": equity, "saved": saved, "applied": saved if applied is None else applied,
            "track": track, "reserve": reserve, "free": free, **history}


def account_spec(intent: tuple[str, ...], name: str, custodian: str, sleeves: list[dict[str, Any]], *,
             type: str = "margin", margin_enabled: bool | None = None, house: float = 0.30,
             max_leverage: float = 2.0, apm_cash: float = 5_000.0, apm_positions: dict[str, int] | None = None,
             adjust: tuple[str, float] | None = None, report: str = "match") -> dict[str, Any]:
    """An account spec for _realize; `report` is the custodian's file on it: match, off (out of sync) or none."""
    return {
        "intent": intent, "name": name, "custodian": custodian, "type": type,
        "margin_enabled": type == "margin" if margin_enabled is None else margin_enabled,
        "house": house, "max_leverage": max_leverage, "apm_cash": apm_cash, "apm_positions": apm_positions or {},
        "sleeves": sleeves, "adjust": adjust, "report": report,
    }


# ----------------------------------------------------------------------------------------------- showcase

# Hand-picked first accounts: every diagnostic shows in a book of SHOWCASE_SIZE accounts.
SHOWCASE_SPECS: tuple[dict[str, Any], ...] = (
    # A-000001: healthy, one sleeve at 1.5x.
    account_spec((), "Jane Doe Trust", "Schwab", [sleeve_spec("GROWTH8020", 250_000.0, 1.5)]),
    # A-000002: the source document's story: $100,000 of cash, 1.5 saved, never applied (no ACR built).
    account_spec((PENDING_LEVERAGE, DRIFT), "Smith Family Revocable Trust", "Schwab",
             [sleeve_spec("CORE6040", 100_000.0, 1.5, 1.0, mode="cash")]),
    # A-000003: a cash account with 1.5 saved; the build fails, applied stays 1.0.
    account_spec((MARGIN_NOT_ENABLED, PENDING_LEVERAGE), "Maria Garcia Living Trust", "Fidelity",
             [sleeve_spec("GLOBALBAL", 180_000.0, 1.5, 1.0)], type="cash", apm_cash=2_500.0),
    # A-000004: margin revoked at the custodian after a 1.25x build.
    account_spec((MARGIN_NOT_ENABLED,), "Patel Holdings LLC", "Pershing",
             [sleeve_spec("DIVGROW", 420_000.0, 1.25)], margin_enabled=False, apm_cash=12_000.0),
    # A-000005: leverage taken at the account level: the APM bought QQQ on margin.
    account_spec((NEGATIVE_APM,), "Thompson Family Trust", "Schwab", [sleeve_spec("CORE6040", 300_000.0, 1.0)],
             apm_cash=-48_250.0, apm_positions={"QQQ": 110}),
    # A-000006: advisory fees booked to the APM.
    account_spec((NEGATIVE_APM,), "Robert and Susan Miller", "Fidelity", [sleeve_spec("EQINCOME", 150_000.0, 1.0)],
             apm_cash=-187.50),
    # A-000007: 2.0x technology sleeve after a sell-off: a margin call (and drift, the sleeve is now ~4x).
    account_spec((MARGIN_CALL, DRIFT), "Walker Capital Partners LP", "Interactive Brokers",
             [sleeve_spec("TECHLEAD", 400_000.0, 2.0)], apm_cash=1_000.0, adjust=("call", 0.80)),
    # A-000008: 2.0x on leveraged ETFs at a 35 % house: call distance under 20 %.
    account_spec((LOW_CALL_DISTANCE,), "Chen Family Office LLC", "Schwab", [sleeve_spec("LEVGROWTH", 500_000.0, 2.0)],
             house=0.35, apm_cash=750.0, adjust=("distance", 0.12)),
    # A-000009: tactical model with track manager OFF and a 5 % reserve.
    account_spec((TACTICAL_TRACK_OFF,), "Emily Nguyen Trust", "Pershing",
             [sleeve_spec("TACTROT", 275_000.0, 1.25, track=False, reserve=0.05)]),
    # A-000010: a $240,000 deposit sits uninvested in a 1.5x sleeve.
    account_spec((DRIFT,), "Harris & Young Partners LP", "BNY", [sleeve_spec("GROWTH8020", 600_000.0, 1.5,
                                                                      mode="deposit", amount=0.40)]),
    # A-000011: the APM holds a closed-end fund whose price is weeks old.
    account_spec((STALE_PRICES,), "William Baker IRA", "Fidelity", [sleeve_spec("FIXEDINC", 220_000.0, 1.0)],
             type="ira", apm_cash=3_200.0, apm_positions={"NEA": 1_200}),
    # A-000012: healthy, three sleeves: 1.0x, 1.25x track OFF with a 5 % reserve, a tactical model ON.
    account_spec((), "Anderson Family Foundation", "Schwab", [
        sleeve_spec("CORE6040", 800_000.0, 1.0), sleeve_spec("EQINCOME", 350_000.0, 1.25, track=False, reserve=0.05),
        sleeve_spec("TACTRISK", 250_000.0, 1.0)], apm_cash=15_000.0),
    # A-000013: de-levering saved (1.0) but the 2.0x build is still what the sleeve holds.
    account_spec((PENDING_LEVERAGE,), "Michael Rossi", "Interactive Brokers",
             [sleeve_spec("CORE6040", 320_000.0, 1.0, 2.0)], house=0.25, apm_cash=2_000.0),
    # A-000014: healthy IRA, two unlevered sleeves.
    account_spec((), "Linda Scott Rollover IRA", "Fidelity",
             [sleeve_spec("FIXEDINC", 140_000.0, 1.0), sleeve_spec("DIVGROW", 210_000.0, 1.0)], type="ira",
             apm_cash=1_800.0),
    # A-000015: healthy cash-type plan account holding a money market fund in the APM.
    account_spec((), "Acme Corp 401k", "Schwab", [sleeve_spec("GLOBALBAL", 950_000.0, 1.0)], type="cash",
             apm_cash=1_000.0, apm_positions={"SWVXX": 25_000}),
    # A-000016: healthy 2.0x on a 60/40 at a 25 % house (call distance about 33 %).
    account_spec((), "Kim Holdings LLC", "Interactive Brokers", [sleeve_spec("CORE6040", 1_200_000.0, 2.0)],
             house=0.25, apm_cash=4_000.0),
    # A-000017: a 1.5x sleeve after a 15 % fall since its build: leverage drifted up.
    account_spec((DRIFT,), "Estate of George Hill", "Pershing",
             [sleeve_spec("GROWTH8020", 380_000.0, 1.5, mode="moved", move=0.15)], apm_cash=600.0),
    # A-000018: fractional-share residue left the APM a few cents short.
    account_spec((NEGATIVE_APM,), "Sofia Torres", "BNY", [sleeve_spec("INTLEQ", 90_000.0, 1.0)], apm_cash=-0.42),
    # A-000019: a tactical sleeve with track manager OFF and a pending 1.5x, next to a healthy one.
    account_spec((PENDING_LEVERAGE, TACTICAL_TRACK_OFF), "Cooper Family Trust", "Pershing",
             [sleeve_spec("TACTRISK", 300_000.0, 1.5, 1.0, track=False), sleeve_spec("REALASSET", 200_000.0, 1.25)]),
    # A-000020: capped at 1.5x by the house, both sleeves at the cap; the custodian holds 5 shares no sleeve has.
    account_spec((OUT_OF_SYNC,), "Summit Capital LLC", "Fidelity",
             [sleeve_spec("TECHLEAD", 500_000.0, 1.5), sleeve_spec("INTLEQ", 150_000.0, 1.5)], max_leverage=1.5,
             apm_cash=8_500.0, report="off"),
)
assert len(SHOWCASE_SPECS) == SHOWCASE_SIZE

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
    ("A-000020", "out of sync: the custodian holds 5 shares more than the sleeves (two sleeves at the 1.5x cap)"),
)


# ----------------------------------------------------------------------------------------------- random accounts


def cumulative(weights: Any) -> tuple[int, ...]:
    total = 0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return tuple(out)



class DemoContext:
    """Everything shared by the accounts of one (seed, today): float prices, models, maintenance rates."""

    def __init__(self, seed: int, today: date) -> None:
        rng = random.Random(f"margin-console-demo-prices:{seed}")
        self.today = today
        self.prices: dict[str, float] = {}
        self.price_rows: list[dict[str, Any]] = []
        for symbol, base, marginable, override, factor, age in SECURITIES:
            price = base if symbol == "SWVXX" else round(base * (1 + rng.uniform(-0.03, 0.03)), 2)
            self.prices[symbol] = price
            self.price_rows.append({
                "symbol": symbol, "price": price, "as_of": (today - timedelta(days=age)).isoformat(),
                "marginable": marginable, "maintenance": override, "leverage_factor": factor,
            })
        self.models: dict[str, tuple[tuple[tuple[str, float], ...], float, bool]] = {}
        self.model_rows: list[dict[str, Any]] = []
        for model_id, name, manager, tactical, cash_bp, weights in MODELS:
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
        for house in set(HOUSE_MAINTENANCE):
            rates: dict[str, float] = {}
            for symbol, _, marginable, override, factor, _ in SECURITIES:
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
        self.model_ids = tuple(MODEL_POPULARITY)
        self.model_cum = cumulative(MODEL_POPULARITY.values())
        self.custodian_cum = cumulative(CUSTODIAN_SHARE)
        self.state_cum = cumulative(share for _, share in STATE_SHARES)
