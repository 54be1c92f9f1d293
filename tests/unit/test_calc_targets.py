"""Targets (DOMAIN.md "Targets"): the worked examples table and hand-derived cases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from calc import (
    Account,
    Model,
    Price,
    Sleeve,
    actual_leverage,
    build_acr,
    invested_ratio,
    market_value,
    sleeve_equity,
    target_quantities,
    target_values,
)
from calc.targets import target_cash

D = Decimal
TODAY = date(2024, 6, 3)
PRICES = {
    "SPY": Price(symbol="SPY", price=D(500), as_of=TODAY),
    "AGG": Price(symbol="AGG", price=D(100), as_of=TODAY),
}
MODEL_6040 = Model(id="m6040", name="60/40", weights={"SPY": D("0.6"), "AGG": D("0.4")})
# 20 % cash model: 80 % of equity in securities, split 60/40 -> SPY 0.48, AGG 0.32.
MODEL_CASH20 = Model(id="mcash", name="60/40 with 20% cash", weights={"SPY": D("0.48"), "AGG": D("0.32")},
                     cash=D("0.20"))
MODELS = {m.id: m for m in (MODEL_6040, MODEL_CASH20)}


def cash_sleeve_account(leverage: Decimal, model: str = "m6040", track: bool = True,
                        reserve: Decimal = D(0)) -> Account:
    """A margin account whose model sleeve holds $100,000 cash and nothing else."""
    return Account(
        id="acct", type="margin", margin_enabled=True,
        sleeves=[
            Sleeve(id="apm", kind="apm", cash=D(0)),
            Sleeve(id="s1", kind="model", model=model, cash=D(100000), leverage=leverage,
                   track_manager=track, cash_reserve=reserve),
        ],
    )


@pytest.mark.parametrize(
    ("leverage", "spy", "agg", "cash_after", "exposure"),
    [
        (D("1.0"), D(120), D(400), D(0), D(100000)),
        (D("1.5"), D(180), D(600), D(-50000), D(150000)),
    ],
)
def test_worked_examples_table(leverage, spy, agg, cash_after, exposure):
    """DOMAIN.md worked examples: SPY 500 / AGG 100, $100,000 cash, 60/40 at 1.0 and 1.5 (track on, reserve 0)."""
    result = build_acr(cash_sleeve_account(leverage), "s1", "rebalance", PRICES, MODELS, TODAY)
    assert result.ok, result.reason
    sleeve = result.projected.sleeve("s1")
    assert sleeve.positions == {"SPY": spy, "AGG": agg}
    assert sleeve.cash == cash_after
    assert result.projected_sleeve_cash == cash_after
    assert market_value(sleeve.positions, PRICES) == exposure
    # Equity is unchanged by trading at the order prices: still 100,000.
    assert sleeve_equity(sleeve, PRICES) == D(100000)
    assert actual_leverage(sleeve, PRICES) == leverage
    # The debit sits in the model sleeve, never on the APM.
    assert result.projected.apm.cash == D(0)


def test_source_document_example_debit_is_in_the_sleeve():
    """$100,000 at 1.5 = $150,000 exposure; the extra $50,000 is a margin debit inside the sleeve."""
    result = build_acr(cash_sleeve_account(D("1.5")), "s1", "rebalance", PRICES, MODELS, TODAY)
    assert result.projected_margin.lmv == D(150000)
    assert result.projected_margin.debit == D(50000)
    assert result.projected_margin.equity == D(100000)
    assert result.targets == {"SPY": D(90000), "AGG": D(60000)}


def test_target_values_track_on_formula():
    # E x L x w_i: 100,000 x 1.5 x 0.6 = 90,000 and x 0.4 = 60,000.
    assert target_values(D(100000), D("1.5"), MODEL_6040) == {"SPY": D(90000), "AGG": D(60000)}


def test_track_on_follows_model_cash_weight():
    # Track ON, 20 % cash model at 1.0: SPY 100,000 x 0.48 = 48,000 -> 96 sh; AGG 32,000 -> 320 sh; cash 20,000.
    targets = target_values(D(100000), D(1), MODEL_CASH20, track_manager=True)
    assert targets == {"SPY": D(48000), "AGG": D(32000)}
    qty = target_quantities(targets, PRICES)
    assert qty == {"SPY": D(96), "AGG": D(320)}
    assert target_cash(D(100000), qty, PRICES) == D(20000)


def test_track_off_with_reserve_ignores_model_cash():
    # Derived by hand: track OFF, reserve 0.10, model with 20 % cash, E = 100,000, L = 1.0.
    # scale = E x L x (1 - r) / (1 - w_c) = 100,000 x 0.9 / 0.8 = 112,500
    # SPY 112,500 x 0.48 = 54,000 -> 108 sh; AGG 112,500 x 0.32 = 36,000 -> 360 sh; cash 100,000 - 90,000 = 10,000.
    targets = target_values(D(100000), D(1), MODEL_CASH20, track_manager=False, reserve=D("0.10"))
    assert targets == {"SPY": D(54000), "AGG": D(36000)}
    result = build_acr(cash_sleeve_account(D(1), "mcash", track=False, reserve=D("0.10")), "s1", "rebalance",
                       PRICES, MODELS, TODAY)
    assert result.ok
    assert result.projected.sleeve("s1").positions == {"SPY": D(108), "AGG": D(360)}
    assert result.projected_sleeve_cash == D(10000)


def test_track_off_with_reserve_levered():
    # Derived by hand: track OFF, reserve 0.10, 20 % cash model, L = 1.5.
    # scale = 100,000 x 1.5 x 0.9 / 0.8 = 168,750; SPY x 0.48 = 81,000 -> 162 sh; AGG x 0.32 = 54,000 -> 540 sh.
    # cash = 100,000 - 81,000 - 54,000 = -35,000 (a margin debit in the sleeve).
    result = build_acr(cash_sleeve_account(D("1.5"), "mcash", track=False, reserve=D("0.10")), "s1", "rebalance",
                       PRICES, MODELS, TODAY)
    assert result.ok
    assert result.projected.sleeve("s1").positions == {"SPY": D(162), "AGG": D(540)}
    assert result.projected_sleeve_cash == D(-35000)


def test_track_off_zero_reserve_is_fully_invested():
    # Track OFF, reserve 0, 20 % cash model at 1.0: scale = 100,000 / 0.8 = 125,000 -> SPY 60,000, AGG 40,000.
    targets = target_values(D(100000), D(1), MODEL_CASH20, track_manager=False)
    assert targets == {"SPY": D(60000), "AGG": D(40000)}


def test_whole_shares_floor_remainder_stays_in_cash():
    # E = 1,000, SPY 100 %: 1,000 / 300 = 3.33 -> 3 shares, 100 stays in cash.
    prices = {"SPY": Price(symbol="SPY", price=D(300), as_of=TODAY)}
    model = Model(id="spy", weights={"SPY": D(1)})
    qty = target_quantities(target_values(D(1000), D(1), model), prices)
    assert qty == {"SPY": D(3)}
    assert target_cash(D(1000), qty, prices) == D(100)


def test_sleeve_equity_counts_negative_cash():
    sleeve = Sleeve(id="s", kind="model", model="m6040", cash=D(-50000), positions={"SPY": D(180), "AGG": D(600)},
                    leverage=D("1.5"))
    assert sleeve_equity(sleeve, PRICES) == D(100000)
    assert actual_leverage(sleeve, PRICES) == D("1.5")


def test_actual_leverage_of_a_20_percent_cash_model_at_one():
    """DOMAIN.md: a model that holds 20 % cash at 1.0x shows about 0.80 actual leverage."""
    sleeve = Sleeve(id="s", kind="model", model="mcash", cash=D(20000), positions={"SPY": D(96), "AGG": D(320)})
    assert actual_leverage(sleeve, PRICES) == D("0.8")
    assert invested_ratio(D(1), MODEL_CASH20, True, D(0)) == D("0.8")


def test_actual_leverage_none_without_positive_equity():
    sleeve = Sleeve(id="s", kind="model", model="m6040", cash=D(-60000), positions={"AGG": D(600)})
    assert actual_leverage(sleeve, PRICES) is None


@pytest.mark.parametrize(
    ("leverage", "track", "reserve", "expected"),
    [
        (D("1.5"), True, D(0), D("1.2")),       # 1.5 x (1 - 0.2)
        (D("1.5"), False, D("0.1"), D("1.35")),  # 1.5 x (1 - 0.1)
        (D("1.0"), False, D(0), D("1.0")),
    ],
)
def test_invested_ratio(leverage, track, reserve, expected):
    assert invested_ratio(leverage, MODEL_CASH20, track, reserve) == expected


def test_market_value_ignores_unpriced_symbols():
    assert market_value({"SPY": D(2), "ZZZ": D(5)}, PRICES) == D(1000)
