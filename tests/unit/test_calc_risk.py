"""The risk panel's figures (calc/risk.py): every expected value below is worked out by hand in the comments."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc import (
    DEFAULT_MOVES,
    Account,
    Model,
    Price,
    Sleeve,
    account_margin,
    build_acr,
    proposed_risk,
    risk_report,
    stress,
    to_cents,
)
from calc.risk import stressed_prices

D = Decimal
TODAY = date(2024, 6, 3)
PRICES = {
    "SPY": Price(symbol="SPY", price=D(500), as_of=TODAY),
    "AGG": Price(symbol="AGG", price=D(100), as_of=TODAY),
    "QQQ": Price(symbol="QQQ", price=D(400), as_of=TODAY),
}
MODELS = {
    "CORE6040": Model(id="CORE6040", weights={"SPY": D("0.6"), "AGG": D("0.4")}),
    "TACT": Model(id="TACT", weights={"QQQ": D("0.8")}, cash=D("0.2"), tactical=True),
}
FAST = settings(max_examples=120, deadline=None)


def account(cash: Decimal = D(100000), leverage: Decimal = D("1.5"), apm_cash: Decimal | None = None,
            positions: dict[str, Decimal] | None = None, model: str = "CORE6040", house: Decimal = D("0.30"),
            track_manager: bool = True, reserve: Decimal = D(0)) -> Account:
    sleeves = [] if apm_cash is None else [Sleeve(id="APM", kind="apm", cash=apm_cash)]
    sleeves.append(Sleeve(id="S", kind="model", model=model, cash=cash, positions=positions or {},
                          leverage=leverage, applied_leverage=D(1), track_manager=track_manager,
                          cash_reserve=reserve))
    return Account(id="A", custodian="Schwab", margin_enabled=True, house_maintenance=house, sleeves=sleeves)


def built(acc: Account, leverage: Decimal | None = None):
    return build_acr(acc, "S", "rebalance", PRICES, MODELS, TODAY, leverage=leverage)


def by_move(report) -> dict[Decimal, object]:
    return {s.move: s for s in report.scenarios}


# --- stress: the DOMAIN.md $16,000 / $8,000 / $12,000 case ---------------------------------------

def margin_loan(house: str) -> Account:
    """160 XYZ at $100 = $16,000 bought with $8,000 borrowed (sleeve cash -8,000)."""
    return Account(id="A", margin_enabled=True, house_maintenance=D(house), sleeves=[
        Sleeve(id="S", kind="model", model="X", cash=D(-8000), positions={"XYZ": D(160)})])


XYZ = {"XYZ": Price(symbol="XYZ", price=D(100), as_of=TODAY)}


def test_stress_value_falls_to_12000_at_25_percent_no_call():
    # -25 %: 160 x 75 = 12,000; debit 8,000 unchanged -> equity 4,000; requirement 0.25 x 12,000 = 3,000; no call.
    fig = stress(margin_loan("0.25"), XYZ, D("-0.25"))
    assert (fig.lmv, fig.debit, fig.equity, fig.requirement, fig.call) == (D(12000), D(8000), D(4000), D(3000), D(0))


def test_stress_value_falls_to_12000_at_40_percent_call_800():
    # requirement 0.40 x 12,000 = 4,800 > equity 4,000 -> call 800.
    fig = stress(margin_loan("0.40"), XYZ, D("-0.25"))
    assert (fig.equity, fig.requirement, fig.call) == (D(4000), D(4800), D(800))


def test_stress_zero_move_is_account_margin():
    acc = margin_loan("0.30")
    assert stress(acc, XYZ, D(0)) == account_margin(acc, XYZ)


@pytest.mark.parametrize("move", [D(-1), D("-1.5"), D("NaN")])
def test_stress_refuses_moves_that_wipe_out_prices(move):
    with pytest.raises(ValueError, match="above -100"):
        stressed_prices(XYZ, move)


def test_default_moves():
    assert DEFAULT_MOVES == (D("-0.10"), D("-0.20"), D("-0.30"), D("0.10"))


# --- the brief's book: $100,000 sleeve at 1.5x, no APM, SPY 500 / AGG 100, 30 % house -----------------

def test_proposed_at_1_5_without_apm():
    # Build: SPY floor(100,000 x 1.5 x 0.6 / 500) = 180 (90,000); AGG floor(100,000 x 1.5 x 0.4 / 100) = 600
    # (60,000); sleeve cash 100,000 - 150,000 = -50,000. LMV 150,000, debit 50,000, equity 100,000.
    build = built(account())
    assert build.ok
    report = proposed_risk(build, PRICES, MODELS, D("0.09"))
    assert report.basis == "rebalance" and report.leverage == D("1.5") and report.code is None
    assert report.sleeve_equity == D(100000) and report.sleeve_lmv == D(150000)
    assert report.debit == D(50000)
    moves = by_move(report)
    # -10 %: LMV 135,000, equity 135,000 - 50,000 = 85,000, requirement 0.3 x 135,000 = 40,500: no call.
    # -20 %: LMV 120,000, equity 70,000, requirement 36,000: no call.
    # -30 %: LMV 105,000, equity 55,000, requirement 31,500: no call.
    # +10 %: LMV 165,000, equity 115,000, requirement 49,500: no call.
    expected = {D("-0.10"): (D(85000), D(40500)), D("-0.20"): (D(70000), D(36000)),
                D("-0.30"): (D(55000), D(31500)), D("0.10"): (D(115000), D(49500))}
    for move, (equity, requirement) in expected.items():
        s = moves[move]
        assert (s.equity_after, s.requirement_after, s.call_amount, s.call) == (equity, requirement, D(0), False)
    # P&L at 1.0x = move x 100,000 x 1.0; at 1.5x = move x 100,000 x 1.5 (= the LMV change 150,000 -> 105,000).
    assert (moves[D("-0.30")].sleeve_pnl_1x, moves[D("-0.30")].sleeve_pnl_at_l) == (D(-30000), D(-45000))
    assert (moves[D("0.10")].sleeve_pnl_1x, moves[D("0.10")].sleeve_pnl_at_l) == (D(10000), D(15000))
    # Call distance: trigger 50,000 / 0.7 = 71,428.57; 1 - 71,428.57 / 150,000 = 52.38 %
    # (= 1 - (1.5 - 1) / (1.5 x 0.7)).
    assert report.call_distance.quantize(D("0.0001")) == D("0.5238")
    # Interest at 9 %: 50,000 x 0.09 / 360 = 12.50/day; x 30 = 375.00/month; x 365 = 4,562.50/year.
    assert (report.interest_day, report.interest_month, report.interest_year) == (D("12.5"), D(375), D("4562.5"))
    # Break-even: 4,562.50 / 150,000 = 3.0417 % a year.
    assert report.break_even_return.quantize(D("0.0001")) == D("0.0304")
    assert not report.any_call


def test_proposed_at_2_0_calls_at_minus_30():
    # Build at 2.0: SPY floor(120,000 / 500) = 240; AGG floor(80,000 / 100) = 800; cash 100,000 - 200,000 =
    # -100,000. LMV 200,000, debit 100,000, equity 100,000 (Reg T 0.5 x 200,000 = 100,000: passes, just).
    report = proposed_risk(built(account(leverage=D(2))), PRICES, MODELS, D("0.08"))
    moves = by_move(report)
    # -20 %: LMV 160,000, equity 60,000, requirement 48,000: no call.
    assert (moves[D("-0.20")].equity_after, moves[D("-0.20")].call_amount) == (D(60000), D(0))
    # -30 %: LMV 140,000, equity 40,000, requirement 0.3 x 140,000 = 42,000: call 2,000.
    s = moves[D("-0.30")]
    assert (s.equity_after, s.requirement_after, s.call_amount, s.call) == (D(40000), D(42000), D(2000), True)
    assert (s.sleeve_pnl_1x, s.sleeve_pnl_at_l) == (D(-30000), D(-60000))
    assert report.any_call
    # Call distance 1 - (100,000 / 0.7) / 200,000 = 1 - 0.714286 = 28.57 % (a -30 % move is past it).
    assert report.call_distance.quantize(D("0.0001")) == D("0.2857")
    # Interest at 8 %: 100,000 x 0.08 / 360 = 22.2222/day; x 30 = 666.67/month; x 365 = 8,111.11/year;
    # break-even 8,111.11 / 200,000 = 4.06 %.
    assert to_cents(report.interest_day) == D("22.22")
    assert to_cents(report.interest_month) == D("666.67")
    assert to_cents(report.interest_year) == D("8111.11")
    assert report.break_even_return.quantize(D("0.0001")) == D("0.0406")


def test_story_a1001_current_and_proposed():
    # A-1001: APM cash 5,000; model sleeve cash 100,000, nothing held, saved 1.5, applied 1.0.
    acc = account(apm_cash=D(5000))
    # Current: the account as held (all cash) at the applied 1.0x. LMV 0, no debit: equity stays 105,000.
    current = risk_report(acc, "S", PRICES, MODELS, acc.sleeve("S").applied, D("0.09"))
    assert current.current and current.leverage == D(1)
    for s in current.scenarios:
        assert (s.equity_after, s.call_amount, s.call) == (D(105000), D(0), False)
        # P&L at 1.0x = P&L at the applied 1.0x = move x 100,000 x 1.0 (what the built sleeve would make).
        assert s.sleeve_pnl_1x == s.sleeve_pnl_at_l == s.move * D(100000)
    assert current.call_distance == D(1) and current.debit == D(0)
    assert (current.interest_day, current.interest_month, current.interest_year) == (D(0), D(0), D(0))
    assert current.break_even_return == D(0)
    # Proposed at 1.5: sleeve cash -50,000 less the APM's 5,000 credit = account debit 45,000.
    proposed = proposed_risk(built(acc), PRICES, MODELS, D("0.09"))
    assert proposed.debit == D(45000)
    # Equity 150,000 - 45,000 = 105,000; -30 %: LMV 105,000, equity 60,000, requirement 31,500: no call.
    s = by_move(proposed)[D("-0.30")]
    assert (s.equity_after, s.requirement_after, s.call_amount) == (D(60000), D(31500), D(0))
    # Call distance 1 - (45,000 / 0.7) / 150,000 = 1 - 64,285.71 / 150,000 = 57.14 %.
    assert proposed.call_distance.quantize(D("0.0001")) == D("0.5714")
    # Interest 45,000 x 0.09 / 360 = 11.25/day; 337.50/month; 4,106.25/year; break-even 4,106.25 / 150,000
    # = 2.7375 %.
    assert (proposed.interest_day, proposed.interest_month, proposed.interest_year) == \
        (D("11.25"), D("337.5"), D("4106.25"))
    assert proposed.break_even_return == D("0.027375")


def test_current_uses_holdings_now():
    # A built 1.5x sleeve already held: SPY 180, AGG 600, cash -50,000 (applied 1.5).
    acc = Account(id="A", margin_enabled=True, sleeves=[
        Sleeve(id="S", kind="model", model="CORE6040", cash=D(-50000), positions={"SPY": D(180), "AGG": D(600)},
               leverage=D("1.5"), applied_leverage=D("1.5"))])
    report = risk_report(acc, "S", PRICES, MODELS, D("1.5"), D("0.09"))
    # Same figures as the projection above: -30 % -> equity 55,000, call distance 52.38 %, 12.50 a day.
    assert by_move(report)[D("-0.30")].equity_after == D(55000)
    assert report.interest_day == D("12.5")
    assert report.sleeve_equity == D(100000)


def test_tactical_model_cash_weight_in_pnl():
    # TACT (QQQ 80 %, cash 20 %), track manager ON, $20,000 sleeve: invested ratio 0.8 at 1.0x, 1.2 at 1.5x.
    # -10 %: P&L 1.0x = -0.1 x 20,000 x 0.8 = -1,600; at 1.5x = -0.1 x 20,000 x 1.2 = -2,400.
    acc = account(cash=D(20000), model="TACT")
    s = by_move(risk_report(acc, "S", PRICES, MODELS, D("1.5")))[D("-0.10")]
    assert (s.sleeve_pnl_1x, s.sleeve_pnl_at_l) == (D(-1600), D(-2400))


def test_track_manager_off_uses_reserve():
    # Track OFF, reserve 10 %: invested ratio L x 0.9. -20 % of $50,000: 1.0x -9,000; 1.5x -13,500.
    acc = account(cash=D(50000), model="TACT", track_manager=False, reserve=D("0.10"))
    s = by_move(risk_report(acc, "S", PRICES, MODELS, D("1.5")))[D("-0.20")]
    assert (s.sleeve_pnl_1x, s.sleeve_pnl_at_l) == (D(-9000), D(-13500))


def test_failed_build_without_projection_still_reports_pnl():
    # 2.5x is above the account's 2.0 maximum: LEVERAGE_OUT_OF_RANGE, nothing projected.
    build = built(account(), D("2.5"))
    assert build.code == "LEVERAGE_OUT_OF_RANGE" and build.projected is None
    report = proposed_risk(build, PRICES, MODELS, D("0.09"))
    assert report.code == "LEVERAGE_OUT_OF_RANGE" and "2.5" in report.reason
    assert not report.projected
    # P&L only: -10 % x 100,000 x 2.5 = -25,000; the account figures are unknown.
    s = by_move(report)[D("-0.10")]
    assert (s.sleeve_pnl_1x, s.sleeve_pnl_at_l) == (D(-10000), D(-25000))
    assert (s.equity_after, s.call_amount, s.call) == (None, None, None)
    assert (report.call_distance, report.interest_day, report.break_even_return, report.debit) == (None,) * 4


def test_failed_build_with_projection_reports_everything():
    # House 55 %: at 2.0x equity 100,000 < requirement 0.55 x 200,000 = 110,000 -> MAINTENANCE (kept projection).
    build = built(account(leverage=D(2), house=D("0.55")))
    assert build.code == "MAINTENANCE"
    report = proposed_risk(build, PRICES, MODELS)
    assert report.code == "MAINTENANCE" and report.projected
    assert report.figures.call == D(10000)  # 110,000 - 100,000 before any move
    # -10 %: LMV 180,000, equity 80,000, requirement 99,000 -> call 19,000.
    s = by_move(report)[D("-0.10")]
    assert (s.equity_after, s.requirement_after, s.call_amount) == (D(80000), D(99000), D(19000))
    assert report.call_distance == D(0)  # already in call: no room to fall
    assert report.interest_day == D(0)  # no rate given


def test_debit_without_long_value_has_no_break_even():
    acc = account(cash=D(-1000))  # the sleeve owes 1,000 and holds nothing
    report = risk_report(acc, "S", PRICES, MODELS, D(1), D("0.09"))
    assert report.interest_day == D("0.25")  # 1,000 x 0.09 / 360
    assert report.break_even_return is None


def test_apm_sleeve_is_refused():
    acc = account(apm_cash=D(5000))
    with pytest.raises(ValueError, match="model sleeves only"):
        risk_report(acc, "APM", PRICES, MODELS, D(1))


# --- properties --------------------------------------------------------------------------------

cents = st.integers(0, 2_000_000 * 100).map(lambda n: D(n) / 100)
moves = st.integers(-99, 200).map(lambda n: D(n) / 100)
leverages = st.integers(100, 200).map(lambda n: D(n) / 100)


@st.composite
def held_accounts(draw) -> Account:
    """A model sleeve holding any whole shares and any cash (a debit or a credit), at any house rate."""
    positions = {s: D(draw(st.integers(0, 2000))) for s in ("SPY", "AGG", "QQQ")}
    cash = draw(st.integers(-1_000_000, 500_000).map(D))
    house = draw(st.integers(25, 100).map(lambda n: D(n) / 100))
    return account(cash=cash, positions=positions, house=house)


@FAST
@given(acc=held_accounts(), move=moves, leverage=leverages)
def test_call_amount_never_negative_and_debit_never_moves(acc, move, leverage):
    report = risk_report(acc, "S", PRICES, MODELS, leverage, D("0.09"), moves=(move,))
    s = report.scenarios[0]
    assert s.call_amount >= 0
    assert s.call == (s.call_amount > 0)
    # The debit does not move with the market, so equity changes by exactly move x LMV.
    now = report.figures
    assert s.equity_after == now.equity + move * now.lmv


@FAST
@given(equity=cents.filter(lambda v: v > 0), leverage=leverages, move=moves, tactical=st.booleans())
def test_pnl_at_l_is_l_times_pnl_at_one(equity, leverage, move, tactical):
    # Model cash 0 (CORE6040) and the tactical 20 % cash model: the invested ratio is L x (1 - cash) either way.
    acc = account(cash=equity, model="TACT" if tactical else "CORE6040")
    for s in risk_report(acc, "S", PRICES, MODELS, leverage, moves=(move,)).scenarios:
        assert s.sleeve_pnl_at_l == leverage * s.sleeve_pnl_1x


@FAST
@given(acc=held_accounts())
def test_calls_only_grow_as_the_market_falls(acc):
    ordered = (D("0.10"), D("-0.10"), D("-0.20"), D("-0.30"))
    calls = [s.call_amount for s in risk_report(acc, "S", PRICES, MODELS, D(1), moves=ordered).scenarios]
    assert calls == sorted(calls)
