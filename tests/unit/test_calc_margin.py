"""Account-level margin (DOMAIN.md "Account-level margin"): every check value, plus hand-derived cases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from calc import (
    Account,
    Price,
    Sleeve,
    account_margin,
    call_distance,
    daily_interest,
    security_maintenance,
    sleeve_call_distance,
    to_cents,
    trigger_value,
    whatif_leverage,
    whatif_totals,
)
from calc.margin import cures, margin_from_totals

D = Decimal
TODAY = date(2024, 6, 3)


def r4(value: Decimal) -> Decimal:
    return value.quantize(D("0.0001"))


# --- $16,000 / $8,000 / $12,000 ------------------------------------------------------------------


def test_fallen_to_12000_at_25_percent_no_call():
    """Buy $16,000, borrow $8,000, value falls to $12,000: equity 4,000; at 25 % requirement 3,000, no call."""
    fig = margin_from_totals(D(12000), D(8000), D("0.25") * D(12000))
    assert fig.equity == D(4000)
    assert fig.requirement == D(3000)
    assert fig.call == D(0)
    assert fig.maintenance_ok


def test_fallen_to_12000_at_40_percent_call_800():
    """At 40 % the requirement is $4,800 and the call $800."""
    fig = margin_from_totals(D(12000), D(8000), D("0.40") * D(12000))
    assert fig.equity == D(4000)
    assert fig.requirement == D(4800)
    assert fig.call == D(800)
    assert not fig.maintenance_ok
    # Cures at m = 0.4 (derived): cash 800; securities 800 / 0.6 = 1,333.33; sell 800 / 0.4 = 2,000.
    assert fig.cure_cash == D(800)
    assert to_cents(fig.cure_securities) == D("1333.33")
    assert fig.cure_sell == D(2000)


@pytest.mark.parametrize(("maintenance", "requirement", "call"), [
    (D("0.25"), D(3000), D(0)),
    (D("0.40"), D(4800), D(800)),
])
def test_fallen_to_12000_via_whatif_totals(maintenance, requirement, call):
    result = whatif_totals(D(12000), D(8000), maintenance)
    assert result.equity == D(4000)
    assert result.maintenance_requirement == requirement
    assert result.margin_call == call


def test_cures_actually_cure_the_800_call():
    # Selling 2,000 at m = 0.4: LMV 10,000, debit 6,000, equity 4,000, requirement 4,000 -> no call.
    after_sale = margin_from_totals(D(10000), D(6000), D("0.4") * D(10000))
    assert after_sale.call == D(0)
    # Depositing 800 cash: debit 7,200 -> equity 4,800 = requirement.
    assert margin_from_totals(D(12000), D(7200), D(4800)).call == D(0)


def test_cures_of_no_call_are_zero():
    assert cures(D(0), D("0.3")) == (D(0), D(0), D(0))


# --- call distance ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("leverage", "expected"), [(D("1.5"), D("0.5556")), (D("2.0"), D("0.3333"))])
def test_sleeve_call_distance_check_values(leverage, expected):
    """1 - (L - 1) / (L x (1 - m)) at m = 25 %: 55.56 % at 1.5, 33.33 % at 2.0."""
    assert r4(sleeve_call_distance(leverage, D("0.25"))) == expected


@pytest.mark.parametrize(("leverage", "expected"), [(D("1.5"), D("0.5556")), (D("2.0"), D("0.3333"))])
def test_call_distance_check_values_via_whatif_leverage(leverage, expected):
    result = whatif_leverage(D(100000), leverage, D("0.25"))
    assert r4(result.call_distance) == expected
    assert abs(result.call_distance - sleeve_call_distance(leverage, D("0.25"))) < D("1e-20")


def test_call_distance_without_debit_is_one():
    assert sleeve_call_distance(D(1), D("0.3")) == D(1)
    assert call_distance(D(100000), D(0), D("0.3")) == D(1)


def test_call_distance_at_30_percent_house():
    # Derived: L = 1.5, m = 0.30: 1 - 0.5 / (1.5 x 0.7) = 1 - 0.47619 = 0.5238.
    assert r4(sleeve_call_distance(D("1.5"), D("0.30"))) == D("0.5238")
    # Same through the totals: LMV 150,000, debit 50,000: trigger 50,000 / 0.7 = 71,428.57.
    assert r4(call_distance(D(150000), D(50000), D("0.30"))) == D("0.5238")


def test_call_distance_has_no_room_when_already_in_call():
    # LMV 12,000, debit 8,000, m = 0.4: trigger 8,000 / 0.6 = 13,333.33 > LMV, so 1 - trigger / LMV = -0.1111:
    # the account is already in call and has no room to fall (whether that is shown as -11 % or 0).
    fig = margin_from_totals(D(12000), D(8000), D("0.4") * D(12000))
    assert fig.call > 0
    assert fig.trigger_value > fig.lmv
    assert fig.call_distance <= 0


def test_full_requirement_with_a_debit_reports_no_room_before_a_call():
    """At a 100 % requirement any debit is a call (equity LMV - D < requirement LMV at every LMV).

    So the account is already in call and cannot fall any further: the call distance must not be
    positive, and the call must not "come" at a positive LMV below today's.
    """
    fig = margin_from_totals(D(150000), D(50000), D(150000))
    assert fig.call == D(50000)
    assert fig.call_distance <= 0, f"in call at m = 100 % but call distance {fig.call_distance}"
    assert call_distance(D(150000), D(50000), D(1)) <= 0


def test_sleeve_call_distance_does_not_jump_up_at_full_requirement():
    """Raising m from 75 % to 100 % at L = 2 must not increase the call distance.

    1 - (L - 1) / (L x (1 - m)) at L = 2, m = 0.75 is 1 - 1 / 0.5 = -1 (already in call); m = 100 % is
    deeper in call (the formula tends to minus infinity), yet the 100 % special case reports 0.
    """
    at_75 = sleeve_call_distance(D(2), D("0.75"))
    at_100 = sleeve_call_distance(D(2), D(1))
    assert at_75 <= 0
    assert at_100 <= at_75, f"call distance rose from {at_75} at m = 75 % to {at_100} at m = 100 %"


def test_account_call_distance_does_not_jump_up_at_full_requirement():
    """Through the totals: LMV 150,000, debit 50,000; at 75 % trigger 200,000 -> 1 - 200,000 / 150,000 = -1/3."""
    at_75 = call_distance(D(150000), D(50000), D("0.75"))
    at_100 = call_distance(D(150000), D(50000), D(1))
    assert at_75 <= 0
    assert at_100 <= at_75, f"call distance rose from {at_75} at m = 75 % to {at_100} at m = 100 %"


# --- trigger ---------------------------------------------------------------------------------------


def test_trigger_price_80_long_50_initial_25_maintenance():
    """$80 long on 50 % initial margin: debit 40 per share; the call comes at 40 / (1 - 0.25) = $53.33."""
    debit_per_share = D(80) * (D(1) - D("0.50"))
    assert debit_per_share == D(40)
    assert to_cents(trigger_value(debit_per_share, D("0.25"))) == D("53.33")
    fig = margin_from_totals(D(80), D(40), D("0.25") * D(80))
    assert to_cents(fig.trigger_value) == D("53.33")
    # At the trigger price equity exactly meets the requirement.
    price = D(40) / D("0.75")
    assert abs((price - D(40)) - D("0.25") * price) < D("1e-20")


def test_trigger_without_debit_is_zero():
    assert trigger_value(D(0), D("0.3")) == D(0)


# --- SMA -------------------------------------------------------------------------------------------


def test_sma_example():
    """1,000 sh bought at $50 on 50 % margin (debit 25,000), price 70: equity 45,000, Reg T 35,000, SMA 10,000."""
    debit = D(1000) * D(50) * D("0.5")
    assert debit == D(25000)
    lmv = D(1000) * D(70)
    fig = margin_from_totals(lmv, debit, D("0.25") * lmv)
    assert fig.equity == D(45000)
    assert fig.regt_requirement == D(35000)
    assert fig.sma == D(10000)
    # Derived: buying power = SMA / 50 % = 20,000.
    assert fig.buying_power == D(20000)
    assert fig.regt_ok


def test_sma_example_through_an_account():
    account = Account(id="a", margin_enabled=True, house_maintenance=D("0.25"), sleeves=[
        Sleeve(id="s", kind="model", model="m", cash=D(-25000), positions={"XYZ": D(1000)}),
    ])
    prices = {"XYZ": Price(symbol="XYZ", price=D(70), as_of=TODAY)}
    fig = account_margin(account, prices)
    assert (fig.lmv, fig.debit, fig.equity) == (D(70000), D(25000), D(45000))
    assert fig.regt_requirement == D(35000)
    assert fig.sma == D(10000)
    assert fig.requirement == D(17500)


# --- maintenance rates -----------------------------------------------------------------------------


def px(symbol: str, **kw) -> Price:
    return Price(symbol=symbol, price=D(50), as_of=TODAY, **kw)


def test_leveraged_etf_maintenance():
    # Derived: 3x leveraged ETF: min(100 %, 25 % x 3) = 75 % (above the 30 % house rate).
    assert security_maintenance(px("TQQQ", leverage_factor=D(3)), D("0.30")) == D("0.75")
    # 2x: 50 %; 5x: min(100 %, 125 %) = 100 %.
    assert security_maintenance(px("SSO", leverage_factor=D(2)), D("0.30")) == D("0.50")
    assert security_maintenance(px("XXX", leverage_factor=D(5)), D("0.30")) == D(1)


def test_non_marginable_is_100_percent():
    assert security_maintenance(px("MMF", marginable=False), D("0.30")) == D(1)
    assert security_maintenance(None, D("0.30")) == D(1)


def test_override_and_house_take_the_max():
    assert security_maintenance(px("A", maintenance=D("0.40")), D("0.30")) == D("0.40")
    assert security_maintenance(px("B", maintenance=D("0.20")), D("0.30")) == D("0.30")
    assert security_maintenance(px("C"), D("0.30")) == D("0.30")


def test_account_margin_mixes_rates_and_nets_cash():
    # Derived: SPY 100 sh x 500 = 50,000 at 30 %; MMF 10,000 x 1 non-marginable at 100 %;
    # TQQQ 200 x 50 = 10,000 at 75 %.
    # requirement = 15,000 + 10,000 + 7,500 = 32,500. Cash: APM +5,000, sleeve -35,000 -> debit 30,000.
    # LMV 70,000, equity 40,000, Reg T = 0.5 x 60,000 + 10,000 = 40,000, SMA 0; call 0.
    prices = {
        "SPY": Price(symbol="SPY", price=D(500), as_of=TODAY),
        "MMF": Price(symbol="MMF", price=D(1), as_of=TODAY, marginable=False),
        "TQQQ": Price(symbol="TQQQ", price=D(50), as_of=TODAY, leverage_factor=D(3)),
    }
    account = Account(id="a", margin_enabled=True, sleeves=[
        Sleeve(id="apm", kind="apm", cash=D(5000), positions={"MMF": D(10000)}),
        Sleeve(id="s", kind="model", model="m", cash=D(-35000), positions={"SPY": D(100), "TQQQ": D(200)},
               leverage=D("1.5")),
    ])
    fig = account_margin(account, prices)
    assert fig.lmv == D(70000)
    assert fig.marginable_lmv == D(60000)
    assert fig.debit == D(30000)
    assert fig.equity == D(40000)
    assert fig.requirement == D(32500)
    assert fig.regt_requirement == D(40000)
    assert fig.sma == D(0)
    assert fig.call == D(0)


def test_positive_cash_means_no_debit_and_counts_as_equity():
    account = Account(id="a", margin_enabled=True, sleeves=[Sleeve(id="apm", kind="apm", cash=D(1000))])
    fig = account_margin(account, {})
    assert fig.debit == D(0)
    assert fig.call == D(0)
    assert fig.equity == D(1000)  # an all-cash account's equity is its credit balance


def test_credit_in_one_sleeve_nets_against_debit_in_another():
    # APM +1,000, model sleeve -50,000 with SPY 300 x 500: debit 49,000, equity 150,000 - 49,000 = 101,000.
    account = Account(id="a", margin_enabled=True, sleeves=[
        Sleeve(id="apm", kind="apm", cash=D(1000)),
        Sleeve(id="s", kind="model", model="m", cash=D(-50000), positions={"SPY": D(300)}, leverage=D("1.5")),
    ])
    fig = account_margin(account, {"SPY": Price(symbol="SPY", price=D(500), as_of=TODAY)})
    assert fig.debit == D(49000)
    assert fig.equity == D(101000)


# --- interest --------------------------------------------------------------------------------------


def test_daily_interest():
    # Derived: 50,000 x 0.08 / 360 = 11.111... -> 11.11 a day.
    assert to_cents(daily_interest(D(50000), D("0.08"))) == D("11.11")
    assert daily_interest(D(0), D("0.08")) == D(0)


def test_daily_interest_via_whatif():
    result = whatif_leverage(D(100000), D("1.5"), rate=D("0.08"))
    assert result.debit == D(50000)
    assert to_cents(result.daily_interest) == D("11.11")


# --- the whatif calculator -------------------------------------------------------------------------


def test_whatif_leverage_source_example_full_figures():
    # E 100,000 at 1.5, m 30 %: exposure 150,000, debit 50,000, equity 100,000, requirement 45,000,
    # Reg T 75,000, SMA 25,000, buying power 50,000, trigger 71,428.57.
    result = whatif_leverage(D(100000), D("1.5"))
    assert result.exposure == D(150000)
    assert result.invested == D(150000)
    assert result.sleeve_cash == D(-50000)
    assert result.debit == D(50000)
    assert result.equity == D(100000)
    assert result.maintenance_requirement == D(45000)
    assert result.margin_call == D(0)
    assert result.regt_requirement == D(75000)
    assert result.sma == D(25000)
    assert result.buying_power == D(50000)
    assert to_cents(result.trigger_value) == D("71428.57")


def test_whatif_leverage_with_model_cash():
    # Derived: E 100,000, L 1.5, 20 % model cash (track ON): invested 120,000, sleeve cash -20,000.
    result = whatif_leverage(D(100000), D("1.5"), model_cash=D("0.2"))
    assert result.exposure == D(150000)
    assert result.invested == D(120000)
    assert result.sleeve_cash == D(-20000)
    assert result.debit == D(20000)


def test_whatif_leverage_track_off_reserve():
    # Derived: E 100,000, L 1.5, track OFF, reserve 0.1: invested 135,000, sleeve cash -35,000.
    result = whatif_leverage(D(100000), D("1.5"), model_cash=D("0.2"), track_manager=False, reserve=D("0.1"))
    assert result.invested == D(135000)
    assert result.sleeve_cash == D(-35000)


@pytest.mark.parametrize("kwargs", [
    {"equity": D(0), "leverage": D("1.5")},
    {"equity": D(-1), "leverage": D("1.5")},
    {"equity": D(100), "leverage": D("0.5")},
    {"equity": D(100), "leverage": D(3)},
    {"equity": D(100), "leverage": D("NaN")},
    {"equity": D(100), "leverage": D("Infinity")},
    {"equity": D(100), "leverage": D("1.5"), "maintenance": D("1.5")},
    {"equity": D(100), "leverage": D("1.5"), "maintenance": D("-0.1")},
    {"equity": D(100), "leverage": D("1.5"), "reserve": D(1)},
])
def test_whatif_leverage_rejects_bad_input(kwargs):
    with pytest.raises(ValueError) as info:
        whatif_leverage(**kwargs)
    assert "must" in str(info.value)


@pytest.mark.parametrize(("lmv", "debit", "maintenance"), [
    (D(-1), D(0), D("0.3")), (D(1), D(-1), D("0.3")), (D(1), D(0), D("1.01")), (D("NaN"), D(0), D("0.3")),
])
def test_whatif_totals_rejects_bad_input(lmv, debit, maintenance):
    with pytest.raises(ValueError):
        whatif_totals(lmv, debit, maintenance)


def test_whatif_and_show_agree_on_equity_sma_and_buying_power():
    # One sleeve of 100,000 at 1.0x on a 20 % cash model: 160 SPY at 500 = 80,000 invested, 20,000 cash.
    acct = Account(id="a", margin_enabled=True, sleeves=[
        Sleeve(id="s", kind="model", model="m", cash=D(20000), positions={"SPY": D(160)})])
    shown = account_margin(acct, {"SPY": Price(symbol="SPY", price=D(500), as_of=TODAY)})
    calc = whatif_leverage(D(100000), D(1), model_cash=D("0.2"))
    assert (calc.equity, calc.regt_requirement, calc.sma, calc.buying_power) == (
        shown.equity, shown.regt_requirement, shown.sma, shown.buying_power) == (
        D(100000), D(40000), D(60000), D(120000))
