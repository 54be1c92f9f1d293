"""Hypothesis properties of targets, the trade build and the margin figures."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from calc import (
    Account,
    CalcSettings,
    Model,
    Price,
    Sleeve,
    account_margin,
    build_acr,
    sleeve_call_distance,
    sleeve_equity,
)
from calc.build import cash_movement
from calc.margin import margin_from_totals

D = Decimal
TODAY = date(2024, 6, 3)
SYMBOLS = ("AAA", "BBB", "CCC")
FAST = settings(max_examples=150, deadline=None)


def cents(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    """Dollar amounts with whole cents between lo and hi dollars."""
    return st.integers(lo * 100, hi * 100).map(lambda n: D(n) / 100)


def fraction(lo: str = "0", hi: str = "1", places: int = 4) -> st.SearchStrategy[Decimal]:
    scale = 10 ** places
    return st.integers(int(D(lo) * scale), int(D(hi) * scale)).map(lambda n: D(n) / scale)


leverages = st.integers(100, 200).map(lambda n: D(n) / 100)


@st.composite
def models(draw, with_cash: bool = False) -> Model:
    """A model over 1-3 symbols with weights in whole percent summing (with cash) to exactly 1."""
    n = draw(st.integers(1, len(SYMBOLS)))
    cash_pct = draw(st.integers(0, 50)) if with_cash else 0
    parts = draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    budget = 100 - cash_pct
    raw = [p * budget // sum(parts) for p in parts]
    raw[0] += budget - sum(raw)
    weights = {SYMBOLS[i]: D(raw[i]) / 100 for i in range(n)}
    return Model(id="m", weights=weights, cash=D(cash_pct) / 100)


@st.composite
def price_sets(draw) -> dict[str, Price]:
    return {s: Price(symbol=s, price=draw(cents(1, 1000)), as_of=TODAY) for s in SYMBOLS}


@st.composite
def sleeves(draw, model: Model, leverage: Decimal, track: bool = True) -> Sleeve:
    """A model sleeve with some cash and maybe some holdings (possibly of symbols the model does not hold)."""
    positions = draw(st.dictionaries(st.sampled_from(SYMBOLS), st.integers(0, 500).map(D), max_size=3))
    return Sleeve(id="s1", kind="model", model=model.id, cash=draw(cents(1000, 1_000_000)), positions=positions,
                  leverage=leverage, track_manager=track)


def margin_account(sleeve: Sleeve, apm_cash: Decimal = D(0), **kw) -> Account:
    return Account(id="a", margin_enabled=True, sleeves=[Sleeve(id="apm", kind="apm", cash=apm_cash), sleeve], **kw)


@FAST
@given(data=st.data(), model=models(), prices=price_sets(), leverage=leverages)
def test_invested_within_one_share_per_symbol_of_target(data, model, prices, leverage):
    """Track ON, no model cash: E x L - sum(price_i) < invested <= E x L, per symbol too."""
    sleeve = data.draw(sleeves(model, leverage))
    account = margin_account(sleeve)
    equity = sleeve_equity(sleeve, prices)
    result = build_acr(account, "s1", "rebalance", prices, {"m": model}, TODAY)
    assert result.ok, result.reason
    held = result.projected.sleeve("s1").positions
    invested = sum((q * prices[s].price for s, q in held.items()), D(0))
    assert equity * leverage - sum(prices[s].price for s in model.weights) < invested <= equity * leverage
    for symbol, weight in model.weights.items():
        value = held.get(symbol, D(0)) * prices[symbol].price
        target = equity * leverage * weight
        assert target - prices[symbol].price < value <= target
    assert set(held) <= set(model.weights)


@FAST
@given(data=st.data(), model=models(), prices=price_sets())
def test_unlevered_build_never_borrows(data, model, prices):
    """At L = 1.0 with no model cash the projected sleeve cash is never negative."""
    sleeve = data.draw(sleeves(model, D(1)))
    result = build_acr(margin_account(sleeve), "s1", "rebalance", prices, {"m": model}, TODAY)
    assert result.ok
    assert result.projected_sleeve_cash >= 0
    assert result.projected_margin.debit == 0


@FAST
@given(l1=leverages, l2=leverages, m=fraction("0", "1"))
def test_call_distance_non_increasing_in_leverage(l1, l2, m):
    lo, hi = sorted((l1, l2))
    assert sleeve_call_distance(hi, m) <= sleeve_call_distance(lo, m)


@FAST
@example(leverage=D(2), m1=D("0.75"), m2=D(1))
@given(leverage=leverages, m1=fraction("0", "1"), m2=fraction("0", "1"))
def test_call_distance_non_increasing_in_maintenance(leverage, m1, m2):
    lo, hi = sorted((m1, m2))
    assert sleeve_call_distance(leverage, hi) <= sleeve_call_distance(leverage, lo)


@st.composite
def risky_accounts(draw):
    """Accounts and prices that may fail any check: cannot margin, house cap, odd rates, stale or missing prices."""
    model = draw(models(with_cash=True))
    leverage = draw(leverages)
    prices = {}
    for s in SYMBOLS:
        if draw(st.integers(0, 39)) == 17:  # rarely (hypothesis favours the ends of a range)
            continue  # missing
        age = 9 if draw(st.integers(0, 19)) == 13 else 0  # now and then older than the 5-day limit
        prices[s] = Price(
            symbol=s, price=draw(cents(1, 1000)), as_of=TODAY - timedelta(days=age),
            marginable=draw(st.booleans()), maintenance=draw(st.none() | fraction("0.25", "1", 2)),
        )
    sleeve = draw(sleeves(model, leverage, track=draw(st.booleans())))
    if draw(st.booleans()):
        sleeve = replace(sleeve, cash=-draw(cents(0, 1_000_000)))
    apm_cash = draw(cents(0, 100))
    account = Account(
        id="a", type=draw(st.sampled_from(["margin", "margin", "cash", "ira"])), margin_enabled=draw(st.booleans()),
        house_maintenance=draw(fraction("0.25", "0.9", 2)),
        max_leverage=draw(st.sampled_from([D(2), D(2), D(2), D("1.5")])),
        sleeves=[Sleeve(id="apm", kind="apm", cash=apm_cash), sleeve],
    )
    kind = draw(st.sampled_from(["rebalance", "one-dollar", "deposit", "withdrawal", "allocation", "liquidation"]))
    amount = draw(cents(0, 200))
    preview = draw(st.sampled_from([None] * 6 + [D("0.5"), D(1), D("1.5"), D(2), D(3)]))
    return account, prices, model, kind, amount, preview


@settings(max_examples=200, deadline=None)
@given(case=risky_accounts(), min_trade=st.sampled_from([D(0), D(100), D(5000)]))
def test_failed_build_has_no_orders_and_apm_moves_only_by_the_acr(case, min_trade):
    account, prices, model, kind, amount, preview = case
    result = build_acr(account, "s1", kind, prices, {"m": model}, TODAY, CalcSettings(min_trade=min_trade),
                       amount=amount, leverage=preview)
    if not result.ok:
        assert result.orders == ()
        assert result.code and result.reason
        return
    assert all(o.sleeve_id == "s1" for o in result.orders)
    sleeve_delta, apm_delta = cash_movement(kind, amount)
    apm_before, apm_after = account.apm, result.projected.apm
    assert apm_after.cash == apm_before.cash + apm_delta
    assert apm_after.cash >= 0, "the build put a debit on the APM"
    assert apm_after.positions == apm_before.positions
    # Trades at the order price conserve the sleeve's equity after the cash movement.
    equity_after_move = sleeve_equity(account.sleeve("s1"), prices) + sleeve_delta
    assert sleeve_equity(result.projected.sleeve("s1"), prices) == equity_after_move
    # A successful build passes the checks it claims to have run.
    fig = result.projected_margin
    assert fig.equity >= fig.regt_requirement
    assert fig.equity >= fig.requirement
    if not account.can_margin:
        assert result.projected_sleeve_cash >= 0


@FAST
@given(lmv=cents(0, 10_000_000), debit=cents(0, 10_000_000), rate=fraction("0", "1"),
       marginable_share=fraction("0", "1"))
def test_margin_figures_from_totals(lmv, debit, rate, marginable_share):
    fig = margin_from_totals(lmv, debit, rate * lmv, marginable_lmv=lmv * marginable_share)
    assert fig.call >= 0
    assert fig.equity == fig.lmv - fig.debit
    assert fig.sma >= 0
    assert fig.cure_cash >= 0 and fig.cure_securities >= 0 and fig.cure_sell >= 0
    assert fig.call == max(D(0), fig.requirement - fig.equity)
    # A call and the call distance agree: in call there is no room left to fall, out of call there is.
    tiny = D("1e-20")
    if fig.call > 0:
        assert fig.call_distance <= tiny
    else:
        assert fig.call_distance >= -tiny


@FAST
@given(case=risky_accounts())
def test_account_margin_call_never_negative(case):
    account, prices, *_ = case
    fig = account_margin(account, prices)
    assert fig.call >= 0
    assert fig.debit >= 0
    net_cash = sum((s.cash for s in account.sleeves), D(0))
    assert fig.debit == max(D(0), -net_cash)
    # Equity = LMV - debit; a net credit balance (no debit) counts as equity too.
    assert fig.equity == fig.lmv - fig.debit + max(D(0), net_cash)
    if net_cash <= 0:
        assert fig.equity == fig.lmv - fig.debit
    assert fig.requirement <= fig.lmv
