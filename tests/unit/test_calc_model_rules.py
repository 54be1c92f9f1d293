"""Every rule of calc's plain models, one row each: the field it names and its one-line message (issue 17: the
models are frozen dataclasses that check themselves, no pydantic)."""
from __future__ import annotations

import dataclasses
import typing
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from calc.model_checks import FieldProblem
from calc.models import (
    Account,
    CalcSettings,
    CustodianReport,
    Model,
    Order,
    Price,
    Sleeve,
    trusted,
    updated,
)

D = Decimal
TODAY = date(2024, 6, 3)
PRICE = {"symbol": "SPY", "price": D(500), "as_of": TODAY}
MODEL = {"id": "m", "weights": {"SPY": D(1)}}
SLEEVE = {"id": "s", "kind": "model", "model": "m"}
ORDER = {"sleeve_id": "s", "symbol": "SPY", "side": "buy", "quantity": D(3), "price": D(500)}

# (model, the base values, what changes, the field named, the message)
REFUSED: list[tuple[type, dict[str, Any], dict[str, Any], str | None, str]] = [
    (Price, PRICE, {"symbol": ""}, "symbol", "symbol must not be empty"),
    (Price, PRICE, {"symbol": "S" * 17}, "symbol", "symbol must have at most 16 characters, got 17"),
    (Price, PRICE, {"symbol": 5}, "symbol", "symbol must be text, got 5"),
    (Price, PRICE, {"price": D(0)}, "price",
     "price must be greater than 0 and at most 1,000,000,000,000,000, got 0"),
    (Price, PRICE, {"price": D("2e15")}, "price",
     "price must be greater than 0 and at most 1,000,000,000,000,000, got 2E+15"),
    (Price, PRICE, {"price": D("Infinity")}, "price", "price must be a finite number, got Infinity"),
    (Price, PRICE, {"price": 500.0}, "price", "price must be a decimal number, got 500.0"),
    (Price, PRICE, {"price": "500"}, "price", "price must be a decimal number, got '500'"),
    (Price, PRICE, {"as_of": "2024-06-03"}, "as_of", "as_of must be a date, got '2024-06-03'"),
    (Price, PRICE, {"marginable": 1}, "marginable", "marginable must be true or false (a boolean), got 1"),
    (Price, PRICE, {"maintenance": D("-0.1")}, "maintenance", "maintenance must be between 0 and 1, got -0.1"),
    (Price, PRICE, {"leverage_factor": D(0)}, "leverage_factor", "leverage_factor must be greater than 0, got 0"),
    (Model, MODEL, {"id": ""}, "id", "id must not be empty"),
    (Model, MODEL, {"name": None}, "name", "name must be text, got None"),
    (Model, MODEL, {"tactical": "yes"}, "tactical", "tactical must be true or false (a boolean), got 'yes'"),
    (Model, MODEL, {"weights": {"SPY": D("0.5")}, "cash": D("1.5")}, "cash",
     "cash must be between 0 and 1, got 1.5"),
    (Model, MODEL, {"weights": {"SPY": 0.5, "AGG": 0.5}}, "weights",
     "weight of SPY must be a decimal number, got 0.5 (and 1 more)"),
    (Model, MODEL, {"weights": [("SPY", D(1))]}, "weights",
     "weights must map symbols to numbers, got [('SPY', Decimal('1'))]"),
    (Model, MODEL, {"weights": {"SPY": D("0.5")}}, None, "weights plus cash must sum to 1, got 0.5"),
    (Sleeve, SLEEVE, {"kind": "margin"}, "kind",
     "kind must be one of apm, model, transition, protected, funding, got 'margin'"),
    (Sleeve, SLEEVE, {"model": 7}, "model", "model must be text, got 7"),
    (Sleeve, SLEEVE, {"cash": D("-2e15")}, "cash",
     "cash must be between -1,000,000,000,000,000 and 1,000,000,000,000,000, got -2E+15"),
    (Sleeve, SLEEVE, {"cash": D("NaN")}, "cash", "cash must be a finite number, got NaN"),
    (Sleeve, SLEEVE, {"positions": {"SPY": D(-5)}}, "positions", "shares of SPY must be zero or more, got -5"),
    (Sleeve, SLEEVE, {"positions": {"SPY": D("2e15")}}, "positions",
     "shares of SPY must be at most 1,000,000,000,000,000, got 2E+15"),
    (Sleeve, SLEEVE, {"positions": {"SPY": D("sNaN")}}, "positions", "shares of SPY must be a finite number, got sNaN"),
    (Sleeve, SLEEVE, {"leverage": D("2.5")}, "leverage", "leverage must be between 1.00 and 2.00, got 2.5"),
    (Sleeve, SLEEVE, {"leverage": D("1.23456")}, "leverage",
     "leverage takes at most 4 decimal places, got 1.23456"),
    (Sleeve, SLEEVE, {"applied_leverage": D("0.5")}, "applied_leverage",
     "applied_leverage must be between 1.00 and 2.00, got 0.5"),
    (Sleeve, SLEEVE, {"track_manager": None}, "track_manager",
     "track_manager must be true or false (a boolean), got None"),
    (Sleeve, SLEEVE, {"cash_reserve": D(1)}, "cash_reserve", "cash_reserve must be at least 0 and below 1, got 1"),
    (Sleeve, SLEEVE, {"model": None}, None, "a model sleeve must name its model"),
    (Sleeve, {"id": "apm", "kind": "apm"}, {"applied_leverage": D("1.5")}, None,
     "leverage applies to model sleeves only; this apm sleeve has applied 1.5"),
    (CustodianReport, {"as_of": TODAY}, {"positions": {"SPY": D("Infinity")}}, "positions",
     "shares of SPY must be a finite number, got Infinity"),
    (CustodianReport, {"as_of": TODAY}, {"cash": D("NaN")}, "cash", "cash must be a finite number, got NaN"),
    (CustodianReport, {"as_of": TODAY}, {"as_of": None}, "as_of", "as_of must be a date, got None"),
    (Account, {"id": "a"}, {"id": ""}, "id", "id must not be empty"),
    (Account, {"id": "a"}, {"custodian": None}, "custodian", "custodian must be text, got None"),
    (Account, {"id": "a"}, {"type": "joint"}, "type", "type must be one of margin, cash, ira, got 'joint'"),
    (Account, {"id": "a"}, {"margin_enabled": "no"}, "margin_enabled",
     "margin_enabled must be true or false (a boolean), got 'no'"),
    (Account, {"id": "a"}, {"house_maintenance": D("1.2")}, "house_maintenance",
     "house_maintenance must be between 0 and 1, got 1.2"),
    (Account, {"id": "a"}, {"maintenance_exemption": "x" * 501}, "maintenance_exemption",
     "maintenance_exemption must have at most 500 characters, got 501"),
    (Account, {"id": "a"}, {"max_leverage": D("0.9")}, "max_leverage", "max_leverage must be between 1 and 2, got 0.9"),
    (Account, {"id": "a"}, {"sleeves": [{"id": "s", "kind": "apm"}]}, "sleeves", "sleeves must be a list of sleeves"),
    (Account, {"id": "a"}, {"sleeves": (Sleeve(id="s", kind="apm"),)}, "sleeves", "sleeves must be a list of sleeves"),
    (Account, {"id": "a"}, {"custodian_report": {"as_of": TODAY}}, "custodian_report",
     "custodian_report must be a custodian report or none"),
    (Order, ORDER, {"side": "short"}, "side", "side must be one of buy, sell, got 'short'"),
    (Order, ORDER, {"quantity": D("NaN")}, "quantity", "quantity must be a finite number, got NaN"),
    (Order, ORDER, {"price": None}, "price", "price must be a decimal number, got None"),
    (CalcSettings, {}, {"min_trade": D(-1)}, "min_trade", "min_trade must be at least 0, got -1"),
    (CalcSettings, {}, {"max_price_age_days": -1}, "max_price_age_days",
     "max_price_age_days must be a whole number of days, at least 0, got -1"),
    (CalcSettings, {}, {"max_price_age_days": D(5)}, "max_price_age_days",
     "max_price_age_days must be a whole number of days, at least 0, got Decimal('5')"),
    (CalcSettings, {}, {"call_distance_warning": D("1.5")}, "call_distance_warning",
     "call_distance_warning must be between 0 and 1, got 1.5"),
    (CalcSettings, {}, {"drift_tolerance": D("-0.01")}, "drift_tolerance", "drift_tolerance must be at least 0, got -0.01"),
    (CalcSettings, {}, {"initial_margin": D(0)}, "initial_margin",
     "initial_margin must be greater than 0 and at most 1, got 0"),
    (CalcSettings, {}, {"annual_rate": D("-0.05")}, "annual_rate", "annual_rate must be at least 0, got -0.05"),
    (CalcSettings, {}, {"reconcile_cash_tolerance": D("-1")}, "reconcile_cash_tolerance",
     "reconcile_cash_tolerance must be at least 0, got -1"),
]


@pytest.mark.parametrize("cls, base, change, field, words", REFUSED,
                         ids=[f"{c.__name__}-{f or 'whole'}-{i}" for i, (c, _, _, f, _) in enumerate(REFUSED)])
def test_each_rule_refuses_with_one_line_naming_its_field(cls, base, change, field, words):
    cls(**base)  # the base values pass: the change alone is refused
    with pytest.raises(FieldProblem) as refused:
        cls(**{**base, **change})
    assert str(refused.value) == words
    assert refused.value.field == field
    assert isinstance(refused.value, ValueError)  # the CLI's one-line handler and the store's catch it as before


def test_whole_numbers_are_taken_exactly_as_decimals():
    sleeve = Sleeve(id="s", kind="model", model="m", cash=100_000, positions={"SPY": 10}, leverage=2)
    assert (sleeve.cash, sleeve.positions, sleeve.leverage, sleeve.applied) == (
        D(100_000), {"SPY": D(10)}, D(2), D(2))
    assert all(type(v) is Decimal for v in (sleeve.cash, sleeve.positions["SPY"], sleeve.leverage))
    with pytest.raises(FieldProblem, match="cash must be a decimal number, got True"):
        Sleeve(id="s", kind="apm", cash=True)


def test_models_are_frozen_slotted_values():
    price = Price(**PRICE)
    assert price == Price(**PRICE) and hash(price) == hash(Price(**PRICE))
    assert not hasattr(price, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        price.price = D(1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        Price("SPY", D(500), TODAY)  # type: ignore[misc]  # keyword-only, as the pydantic models were


def test_updated_is_a_copy_that_leaves_the_original_and_is_not_rechecked():
    sleeve = Sleeve(id="s", kind="model", model="m", cash=D(10), positions={"SPY": D(1)})
    moved = updated(sleeve, cash=D(-5), positions={})
    assert (moved.cash, moved.positions, moved.id, moved.applied) == (D(-5), {}, "s", D(1))
    assert (sleeve.cash, sleeve.positions) == (D(10), {"SPY": D(1)})
    # A projection may leave an input's range (prices after a fall, a sleeve after its orders): not refused.
    assert updated(Price(**PRICE), price=D(0)).price == D(0)


def test_trusted_builds_the_same_value_without_the_checks():
    checked = Sleeve(id="s", kind="model", model="m", cash=D(5), leverage=D("1.5"))
    values = {name: getattr(checked, name) for name in checked.__slots__}
    assert trusted(Sleeve, **values) == checked
    assert trusted(Order, **{**ORDER, "quantity": D(-1)}).quantity == D(-1)  # no check ran


def test_every_problem_of_a_model_is_carried_by_its_one_refusal():
    """Review finding 3: the checks stopped at the first bad field; the str stays one clear line."""
    with pytest.raises(FieldProblem) as refused:
        Sleeve(id="", kind="model", model="m", leverage=D("2.5"), cash_reserve=D(1), positions={"A": D(-1), "B": 1.5})
    assert str(refused.value) == "id must not be empty (and 4 more)" and refused.value.field == "id"
    assert [(p.field, str(p)) for p in refused.value.problems] == [
        ("id", "id must not be empty"),
        ("positions", "shares of B must be a decimal number, got 1.5"),
        ("positions", "shares of A must be zero or more, got -1"),
        ("leverage", "leverage must be between 1.00 and 2.00, got 2.5"),
        ("cash_reserve", "cash_reserve must be at least 0 and below 1, got 1")]


def test_a_models_amounts_are_its_own_copy():
    """Review finding 5: the frozen model kept the caller's dict, so changing that dict changed the model."""
    weights = {"SPY": D("0.6"), "AGG": D("0.4")}
    model = Model(id="m", weights=weights)
    weights["QQQ"] = D(1)
    assert model.weights == {"SPY": D("0.6"), "AGG": D("0.4")}
    positions = {"SPY": D(3)}
    sleeve, report = Sleeve(**SLEEVE, positions=positions), CustodianReport(as_of=TODAY, positions=positions)
    positions["SPY"] = D(-3)
    assert sleeve.positions == report.positions == {"SPY": D(3)}


def test_a_datetime_is_not_a_date():
    """Review finding 5: a datetime was kept, saved as 2026-11-20T10:30:00, which the loader cannot read back."""
    from datetime import datetime
    with pytest.raises(FieldProblem, match=r"as_of must be a date, got datetime\.datetime\(2026, 11, 20, 10, 30\)"):
        Price(**{**PRICE, "as_of": datetime(2026, 11, 20, 10, 30)})
    with pytest.raises(FieldProblem, match="as_of must be a date"):
        CustodianReport(as_of=datetime(2026, 11, 20))


def test_trusted_needs_every_field():
    """Review finding 5: a missing field left an unset slot that failed far away, at its first read."""
    with pytest.raises(AssertionError, match="Order: every field must be given"):
        trusted(Order, **{k: v for k, v in ORDER.items() if k != "price"})


def test_order_sides_are_the_literals():
    from calc.models import ORDER_SIDES, OrderSide
    assert ORDER_SIDES == ("buy", "sell") == typing.get_args(OrderSide)
