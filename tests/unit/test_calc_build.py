"""The trade build of an ACR (DOMAIN.md "Trade build"): orders, cash movements and every failure code."""
from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from calc import (
    ACR_KINDS,
    FAILURE_FIXES,
    FAILURE_REASONS,
    Account,
    CalcSettings,
    Model,
    Price,
    Sleeve,
    build_acr,
)

D = Decimal
TODAY = date(2024, 6, 3)
PRICES = {
    "SPY": Price(symbol="SPY", price=D(500), as_of=TODAY),
    "AGG": Price(symbol="AGG", price=D(100), as_of=TODAY),
    "QQQ": Price(symbol="QQQ", price=D(400), as_of=TODAY),
}
MODELS = {"m6040": Model(id="m6040", weights={"SPY": D("0.6"), "AGG": D("0.4")})}
FAILURE_CODES = ("MARGIN_NOT_ENABLED", "LEVERAGE_OUT_OF_RANGE", "MISSING_PRICE", "STALE_PRICE", "REGT_INITIAL",
                 "MAINTENANCE", "NAV_NOT_POSITIVE", "APM_INSUFFICIENT", "NO_TRADES")


def make_account(
    *,
    leverage: Decimal = D(1),
    cash: Decimal = D(100000),
    positions: dict[str, Decimal] | None = None,
    apm_cash: Decimal | None = D(0),
    type: str = "margin",
    margin_enabled: bool = True,
    max_leverage: Decimal = D("2.0"),
    house: Decimal = D("0.30"),
) -> Account:
    sleeves = [Sleeve(id="s1", kind="model", model="m6040", cash=cash, positions=positions or {}, leverage=leverage)]
    if apm_cash is not None:
        sleeves.insert(0, Sleeve(id="apm", kind="apm", cash=apm_cash))
    return Account(id="acct", type=type, margin_enabled=margin_enabled, max_leverage=max_leverage,
                   house_maintenance=house, sleeves=sleeves)


def build(account: Account, kind: str = "rebalance", prices=PRICES, models=MODELS, **kw):
    return build_acr(account, "s1", kind, prices, models, TODAY, **kw)


def assert_failed(result, code: str) -> None:
    assert not result.ok
    assert result.code == code
    assert result.orders == ()
    assert result.reason.startswith(FAILURE_REASONS[code])
    assert len(result.reason) > 20
    assert result.fix == FAILURE_FIXES[code]


def sides(result) -> list[tuple[str, str, Decimal]]:
    return [(o.side, o.symbol, o.quantity) for o in result.orders]


# --- orders ----------------------------------------------------------------------------------------


def test_orders_from_cash_are_buys_at_the_price():
    result = build(make_account(leverage=D("1.5")))
    assert result.ok
    assert sides(result) == [("buy", "AGG", D(600)), ("buy", "SPY", D(180))]
    assert all(o.price == PRICES[o.symbol].price and o.sleeve_id == "s1" for o in result.orders)
    assert result.leverage == D("1.5")


def test_sells_before_buys_and_liquidates_what_the_model_does_not_hold():
    # Sleeve: SPY 200 (100,000) + QQQ 10 (4,000), cash 0 -> E = 104,000. At 1.0:
    # SPY 62,400 -> 124 sh (sell 76), AGG 41,600 -> 416 sh (buy), QQQ not in the model -> sell all 10.
    account = make_account(cash=D(0), positions={"SPY": D(200), "QQQ": D(10)})
    result = build(account)
    assert result.ok
    assert sides(result) == [("sell", "QQQ", D(10)), ("sell", "SPY", D(76)), ("buy", "AGG", D(416))]
    first_buy = next(i for i, o in enumerate(result.orders) if o.side == "buy")
    assert all(o.side == "sell" for o in result.orders[:first_buy])
    assert all(o.side == "buy" for o in result.orders[first_buy:])
    projected = result.projected.sleeve("s1")
    assert projected.positions == {"SPY": D(124), "AGG": D(416)}
    assert projected.cash == D(400)  # 104,000 - 62,000 - 41,600


def test_balanced_sleeve_builds_no_orders():
    account = make_account(cash=D(0), positions={"SPY": D(120), "AGG": D(400)})
    result = build(account)
    assert result.ok
    assert result.orders == ()


def test_min_trade_skips_small_orders():
    # SPY 119 + AGG 400 + cash 500 = E 100,000; at 1.0 SPY wants 120: one buy of 1 share = $500 notional.
    account = make_account(cash=D(500), positions={"SPY": D(119), "AGG": D(400)})
    assert sides(build(account)) == [("buy", "SPY", D(1))]
    skipped = build(account, settings=CalcSettings(min_trade=D(1000)))
    assert skipped.ok
    assert skipped.orders == ()
    assert skipped.projected_sleeve_cash == D(500)
    assert skipped.projected.sleeve("s1").positions == {"SPY": D(119), "AGG": D(400)}
    # An order exactly at the minimum is kept (only orders *below* the minimum are skipped).
    assert sides(build(account, settings=CalcSettings(min_trade=D(500)))) == [("buy", "SPY", D(1))]


def test_min_trade_skips_only_the_small_order():
    # From cash at 1.5 with a $50,000 minimum: AGG 600 x 100 = 60,000 stays, SPY 180 x 500 = 90,000 stays;
    # with a $70,000 minimum only SPY is bought.
    result = build(make_account(leverage=D("1.5")), settings=CalcSettings(min_trade=D(70000)))
    assert sides(result) == [("buy", "SPY", D(180))]
    assert result.projected_sleeve_cash == D(10000)


def test_build_does_not_mutate_the_input_account():
    account = make_account(leverage=D("1.5"))
    before = asdict(account)
    result = build(account)
    assert asdict(account) == before
    assert result.before == account


def test_preview_leverage_overrides_the_saved_leverage():
    result = build(make_account(leverage=D(1)), leverage=D("1.5"))
    assert result.ok
    assert result.projected_sleeve_cash == D(-50000)


# --- cash movements --------------------------------------------------------------------------------


def test_one_dollar_moves_one_dollar_from_apm_to_sleeve():
    # Sleeve already built at 1.0 (SPY 120, AGG 400, cash 0), APM 10. One-dollar: APM 9, sleeve cash +1 -> E 100,001.
    # Saved leverage 1.5 takes effect: targets on 100,001 x 1.5 -> SPY 90,000.9 -> 180 sh, AGG 60,000.6 -> 600 sh.
    account = make_account(leverage=D("1.5"), cash=D(0), positions={"SPY": D(120), "AGG": D(400)}, apm_cash=D(10))
    result = build(account, "one-dollar")
    assert result.ok
    assert result.projected.apm.cash == D(9)
    assert result.projected.sleeve("s1").positions == {"SPY": D(180), "AGG": D(600)}
    assert result.projected_sleeve_cash == D(1) - D(30000) - D(20000)  # -49,999
    assert sides(result) == [("buy", "AGG", D(200)), ("buy", "SPY", D(60))]


def test_deposit_adds_to_sleeve_only():
    # Deposit 10,000 into 100,000 at 1.0: targets on 110,000 -> SPY 132, AGG 440, cash 0; APM untouched.
    result = build(make_account(apm_cash=D(7)), "deposit", amount=D(10000))
    assert result.ok
    assert result.projected.sleeve("s1").positions == {"SPY": D(132), "AGG": D(440)}
    assert result.projected_sleeve_cash == D(0)
    assert result.projected.apm.cash == D(7)


def test_withdrawal_takes_from_sleeve_only():
    # Withdraw 10,000 from a built 100,000 sleeve at 1.0: E 90,000 -> SPY 108 (sell 12), AGG 360 (sell 40);
    # sleeve cash -10,000 + 6,000 + 4,000 = 0.
    account = make_account(cash=D(0), positions={"SPY": D(120), "AGG": D(400)}, apm_cash=D(7))
    result = build(account, "withdrawal", amount=D(10000))
    assert result.ok
    assert sides(result) == [("sell", "AGG", D(40)), ("sell", "SPY", D(12))]
    assert result.projected_sleeve_cash == D(0)
    assert result.projected.apm.cash == D(7)


def test_allocation_moves_cash_from_apm_to_sleeve():
    # APM 20,000 allocates 20,000: sleeve E 120,000 at 1.0 -> SPY 144, AGG 480; APM 0.
    result = build(make_account(apm_cash=D(20000)), "allocation", amount=D(20000))
    assert result.ok
    assert result.projected.apm.cash == D(0)
    assert result.projected.sleeve("s1").positions == {"SPY": D(144), "AGG": D(480)}
    assert result.projected_sleeve_cash == D(0)


def test_liquidation_moves_cash_from_sleeve_to_apm():
    # Liquidate 50,000 of a built 100,000 sleeve: E 50,000 -> SPY 60 (sell 60), AGG 200 (sell 200); APM +50,000.
    account = make_account(cash=D(0), positions={"SPY": D(120), "AGG": D(400)}, apm_cash=D(0))
    result = build(account, "liquidation", amount=D(50000))
    assert result.ok
    assert result.projected.apm.cash == D(50000)
    assert result.projected.sleeve("s1").positions == {"SPY": D(60), "AGG": D(200)}
    assert result.projected_sleeve_cash == D(0)
    assert all(o.side == "sell" for o in result.orders)


def test_rebalance_moves_no_cash():
    result = build(make_account(apm_cash=D(123)))
    assert result.projected.apm.cash == D(123)


def test_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown ACR kind"):
        build(make_account(), "transfer")


def test_building_an_apm_raises():
    with pytest.raises(ValueError, match="model sleeves only"):
        build_acr(make_account(), "apm", "rebalance", PRICES, MODELS, TODAY)


def test_acr_kinds_are_the_domain_kinds():
    assert set(ACR_KINDS) == {"rebalance", "one-dollar", "deposit", "withdrawal", "allocation", "liquidation"}


# --- failure codes ---------------------------------------------------------------------------------


def built_at_one(saved: Decimal) -> Account:
    """60/40 of 100,000 built at 1.0 (applied 1.0), with `saved` pending."""
    return Account(id="acct", type="margin", margin_enabled=True, sleeves=[
        Sleeve(id="apm", kind="apm", cash=D(0)),
        Sleeve(id="s1", kind="model", model="m6040", cash=D(0), positions={"SPY": D(120), "AGG": D(400)},
               leverage=saved, applied_leverage=D(1))])


def test_no_trades_when_no_order_survives_the_minimum_trade():
    # 1.5 wants +60 SPY (30,000) and +200 AGG (20,000): both under a 100,000 minimum trade, so nothing builds
    # while the sleeve sits at 1.0, far outside the 0.05 tolerance of 1.5: the ACR fails, leverage stays pending.
    result = build(built_at_one(D("1.5")), settings=CalcSettings(min_trade=D(100000)))
    assert_failed(result, "NO_TRADES")
    assert "1.00x to 1.50x" in result.reason
    assert "(u puts it back)" in result.fix


def test_no_orders_within_the_tolerance_is_applied():
    # 1.02 wants +2 SPY (1,000) and +8 AGG (800), under a 5,000 minimum; the sleeve at 1.0 is within 0.05 of
    # 1.02, so the target is already what it holds: the build succeeds with no order (not NO_TRADES).
    result = build(built_at_one(D("1.02")), settings=CalcSettings(min_trade=D(5000)))
    assert result.ok and result.orders == ()


def test_one_dollar_acr_with_no_trades_fails_too():
    account = built_at_one(D("1.5"))
    account = replace(account, sleeves=[replace(account.sleeves[0], cash=D(10)), account.sleeves[1]])
    assert_failed(build(account, "one-dollar", settings=CalcSettings(min_trade=D(100000))), "NO_TRADES")


def test_every_failure_code_has_a_reason_and_a_fix():
    assert set(FAILURE_REASONS) == set(FAILURE_CODES)
    assert set(FAILURE_FIXES) == set(FAILURE_CODES)
    assert all(FAILURE_REASONS[c] and FAILURE_FIXES[c] for c in FAILURE_CODES)


@pytest.mark.parametrize(("type_", "enabled", "why"), [
    ("cash", False, "cash account cannot carry margin"),  # the type first: no custodian can enable it
    ("cash", True, "cash account"),
    ("ira", True, "ira account"),
    ("margin", False, "margin is not enabled"),
])
def test_margin_not_enabled(type_, enabled, why):
    result = build(make_account(leverage=D("1.5"), type=type_, margin_enabled=enabled))
    assert_failed(result, "MARGIN_NOT_ENABLED")
    assert why in result.reason
    assert "projected sleeve cash 50,000.00 debit" in result.reason  # the one debit format (issue 13 item 9)
    # The projection is kept for display, but no orders.
    assert result.projected_sleeve_cash == D(-50000)


@pytest.mark.parametrize("type_", ["cash", "ira"])
def test_accounts_that_cannot_margin_build_at_one(type_):
    result = build(make_account(leverage=D(1), type=type_, margin_enabled=False))
    assert result.ok
    assert result.projected_sleeve_cash >= 0


@pytest.mark.parametrize("lev", [D("0.5"), D("0.99"), D("2.01"), D(3)])
def test_leverage_out_of_range_preview(lev):
    result = build(make_account(), leverage=lev)
    assert_failed(result, "LEVERAGE_OUT_OF_RANGE")
    assert str(lev) in result.reason


def test_leverage_above_the_house_cap():
    result = build(make_account(leverage=D("1.8"), max_leverage=D("1.5")))
    assert_failed(result, "LEVERAGE_OUT_OF_RANGE")
    assert "1.5" in result.reason
    assert build(make_account(leverage=D("1.5"), max_leverage=D("1.5"))).ok


def test_missing_price_of_a_model_symbol():
    prices = {"SPY": PRICES["SPY"]}
    result = build(make_account(), prices=prices)
    assert_failed(result, "MISSING_PRICE")
    assert "AGG" in result.reason


def test_missing_price_of_a_held_symbol():
    result = build(make_account(positions={"ZZZ": D(3)}))
    assert_failed(result, "MISSING_PRICE")
    assert "ZZZ" in result.reason


def test_stale_price():
    old = dict(PRICES, AGG=Price(symbol="AGG", price=D(100), as_of=TODAY - timedelta(days=6)))
    result = build(make_account(), prices=old)
    assert_failed(result, "STALE_PRICE")
    assert "AGG" in result.reason
    # Exactly the configured age (5 days) is still fresh; a larger allowance accepts 6 days.
    edge = dict(PRICES, AGG=Price(symbol="AGG", price=D(100), as_of=TODAY - timedelta(days=5)))
    assert build(make_account(), prices=edge).ok
    assert build(make_account(), prices=old, settings=CalcSettings(max_price_age_days=6)).ok


def test_regt_initial_with_non_marginable_security():
    # Derived: AGG non-marginable, 60/40 at 1.5 from 100,000 cash: SPY 90,000 marginable, AGG 60,000 at 100 %.
    # Reg T = 0.5 x 90,000 + 60,000 = 105,000 > equity 100,000 -> REGT_INITIAL.
    # (Maintenance 0.3 x 90,000 + 60,000 = 87,000 would pass.)
    prices = dict(PRICES, AGG=Price(symbol="AGG", price=D(100), as_of=TODAY, marginable=False))
    result = build(make_account(leverage=D("1.5")), prices=prices)
    assert_failed(result, "REGT_INITIAL")
    assert "105,000.00" in result.reason
    assert result.projected_margin.requirement == D(87000)


def test_regt_initial_passes_exactly_at_two():
    # At L = 2.0 all marginable: LMV 200,000, debit 100,000, equity 100,000 = Reg T 100,000 -> passes.
    result = build(make_account(leverage=D("2.0")))
    assert result.ok
    assert result.projected_margin.equity == result.projected_margin.regt_requirement == D(100000)


def test_maintenance_with_a_high_security_override():
    # Derived: both symbols carry a 90 % override; at 1.5: requirement 0.9 x 150,000 = 135,000 > equity 100,000;
    # Reg T 75,000 passes -> MAINTENANCE.
    prices = {s: Price(symbol=s, price=p.price, as_of=TODAY, maintenance=D("0.9")) for s, p in PRICES.items()}
    result = build(make_account(leverage=D("1.5")), prices=prices)
    assert_failed(result, "MAINTENANCE")
    assert "135,000.00" in result.reason


def test_maintenance_with_a_high_house_rate():
    # House 70 % at 1.5: requirement 105,000 > equity 100,000.
    assert_failed(build(make_account(leverage=D("1.5"), house=D("0.70"))), "MAINTENANCE")


def test_nav_not_positive_empty_sleeve():
    assert_failed(build(make_account(cash=D(0))), "NAV_NOT_POSITIVE")


def test_nav_not_positive_after_withdrawal():
    result = build(make_account(cash=D(1000)), "withdrawal", amount=D(1000))
    assert_failed(result, "NAV_NOT_POSITIVE")


def test_nav_not_positive_underwater_sleeve():
    # AGG 100 x 100 = 10,000 against cash -12,000: equity -2,000.
    assert_failed(build(make_account(cash=D(-12000), positions={"AGG": D(100)})), "NAV_NOT_POSITIVE")


@pytest.mark.parametrize(("kind", "amount", "apm_cash"), [
    ("one-dollar", D(0), D(0)),
    ("one-dollar", D(0), D("0.99")),
    ("one-dollar", D(0), None),
    ("allocation", D(5000), D(4999)),
    ("allocation", D(5000), None),
])
def test_apm_insufficient(kind, amount, apm_cash):
    result = build(make_account(apm_cash=apm_cash), kind, amount=amount)
    assert_failed(result, "APM_INSUFFICIENT")


def test_apm_exactly_sufficient():
    assert build(make_account(apm_cash=D(1)), "one-dollar").ok
    result = build(make_account(apm_cash=D(5000)), "allocation", amount=D(5000))
    assert result.ok
    assert result.projected.apm.cash == D(0)


def test_failure_leaves_the_apm_alone_and_carries_no_orders():
    result = build(make_account(leverage=D("1.5"), type="cash", margin_enabled=False, apm_cash=D(10)), "one-dollar")
    assert_failed(result, "MARGIN_NOT_ENABLED")
    assert result.before.apm.cash == D(10)


@pytest.mark.parametrize("kind, amount, leverage, cash, positions", [
    ("rebalance", D(0), D("1.5"), D(100000), {}),  # a debit: interest to reprice
    ("rebalance", D(0), D("2.0"), D(-40000), {"SPY": D(96), "AGG": D(320)}),
    ("one-dollar", D(0), D("1.25"), D(100000), {}),
    ("deposit", D(2500), D("1.0"), D(100000), {}),  # no debit: no interest at either rate
    ("rebalance", D(0), D("1.5"), D(0), {}),  # NAV_NOT_POSITIVE: no projection at all
])
def test_a_build_at_another_rate_is_the_build_made_at_that_rate(kind, amount, leverage, cash, positions):
    """Issue 17 item 7: the batch builds once and reprices the projected debit's interest at its tier, instead of
    building again at that tier's rate; the result must be the rebuilt one, field for field."""
    from calc.build import at_rate

    account = make_account(leverage=leverage, cash=cash, positions=positions, apm_cash=D(10))
    for first, second in ((D("0.09"), D("0.08")), (D(0), D("0.1075")), (D("0.0583"), D("0.0583"))):
        at_first = build(account, kind, amount=amount, settings=CalcSettings(annual_rate=first))
        rebuilt = build(account, kind, amount=amount, settings=CalcSettings(annual_rate=second))
        assert at_rate(at_first, second) == rebuilt
        if rebuilt.projected_margin is not None and rebuilt.projected_margin.debit and first != second:
            assert at_first != rebuilt  # the interest is the one field that differs, so the check has teeth
