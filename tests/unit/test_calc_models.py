"""The models check their values when built: bad input is a FieldProblem (a ValueError) whose one-line message
says what is wrong and whose `field` names where."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from calc import Account, CalcSettings, Model, Order, Price, Sleeve, cents_int, dec, from_cents, price_map, to_cents
from calc.model_checks import FieldProblem

D = Decimal
TODAY = date(2024, 6, 3)


def message(info: pytest.ExceptionInfo) -> str:
    return str(info.value)


def field(info: pytest.ExceptionInfo) -> str | None:
    return info.value.field


def test_weights_must_sum_to_one():
    with pytest.raises(FieldProblem) as info:
        Model(id="m", weights={"SPY": D("0.6"), "AGG": D("0.3")})
    assert "sum to 1" in message(info)
    assert "0.9" in message(info)


def test_weights_plus_cash_sum_to_one():
    model = Model(id="m", weights={"SPY": D("0.48"), "AGG": D("0.32")}, cash=D("0.2"))
    assert model.cash == D("0.2")
    with pytest.raises(FieldProblem, match="sum to 1"):
        Model(id="m", weights={"SPY": D("0.6"), "AGG": D("0.4")}, cash=D("0.2"))


@pytest.mark.parametrize("weight", [D("-0.1"), D("1.1")])
def test_weight_out_of_range(weight):
    with pytest.raises(FieldProblem) as info:
        Model(id="m", weights={"SPY": weight}, cash=D(0))
    assert "weight of SPY must be between 0 and 1" in message(info)


def test_weight_not_finite():
    with pytest.raises(FieldProblem) as info:
        Model(id="m", weights={"SPY": D("NaN")}, cash=D(0))
    assert message(info) == "weight of SPY must be a finite number, got NaN"
    assert field(info) == "weights"


def test_negative_shares():
    with pytest.raises(FieldProblem) as info:
        Sleeve(id="s", kind="model", model="m", positions={"SPY": D(-5)})
    assert "shares of SPY must be zero or more" in message(info)


@pytest.mark.parametrize("leverage", [D(3), D("0.5"), D("2.01"), D("0.99")])
def test_sleeve_leverage_out_of_range(leverage):
    with pytest.raises(FieldProblem) as info:
        Sleeve(id="s", kind="model", model="m", leverage=leverage)
    assert "leverage must be between 1.00 and 2.00" in message(info)
    assert str(leverage) in message(info)


@pytest.mark.parametrize("leverage", [D(1), D("1.5"), D(2)])
def test_sleeve_leverage_in_range(leverage):
    sleeve = Sleeve(id="s", kind="model", model="m", leverage=leverage)
    assert sleeve.applied == leverage  # applied defaults to saved


def test_max_leverage_above_regt():
    with pytest.raises(FieldProblem) as info:
        Account(id="a", max_leverage=D("2.5"))
    assert message(info) == "max_leverage must be between 1 and 2, got 2.5"
    assert field(info) == "max_leverage"


def test_max_leverage_below_one():
    with pytest.raises(FieldProblem, match="max_leverage"):
        Account(id="a", max_leverage=D("0.9"))


def test_model_sleeve_without_model():
    with pytest.raises(FieldProblem) as info:
        Sleeve(id="s", kind="model")
    assert "a model sleeve must name its model" in message(info)


@pytest.mark.parametrize("kind", ["apm", "funding", "transition", "protected"])
def test_leverage_on_a_non_model_sleeve(kind):
    with pytest.raises(FieldProblem) as info:
        Sleeve(id="apm", kind=kind, leverage=D("1.5"))
    assert "leverage applies to model sleeves only" in message(info)
    assert kind in message(info)


def test_read_only_kinds_are_accepted_without_leverage():
    for kind in ("transition", "protected", "funding"):
        assert Sleeve(id=kind, kind=kind, cash=D(5)).kind == kind


def test_unknown_sleeve_kind():
    with pytest.raises(FieldProblem, match="kind"):
        Sleeve(id="s", kind="margin")


def test_unknown_account_type():
    with pytest.raises(FieldProblem, match="type"):
        Account(id="a", type="joint")


def test_one_apm_and_unique_ids():
    apm = Sleeve(id="apm", kind="apm")
    with pytest.raises(FieldProblem, match="at most one APM"):
        Account(id="a", sleeves=[apm, Sleeve(id="apm2", kind="apm")])
    with pytest.raises(FieldProblem, match="unique"):
        Account(id="a", sleeves=[apm, Sleeve(id="apm", kind="model", model="m")])


def test_price_must_be_positive_and_finite():
    with pytest.raises(FieldProblem, match="price"):
        Price(symbol="SPY", price=D(0), as_of=TODAY)
    with pytest.raises(FieldProblem, match="price"):
        Price(symbol="SPY", price=D("Infinity"), as_of=TODAY)
    with pytest.raises(FieldProblem, match="maintenance"):
        Price(symbol="SPY", price=D(1), as_of=TODAY, maintenance=D("1.5"))


def test_nan_cash_rejected():
    with pytest.raises(FieldProblem, match="cash"):
        Sleeve(id="s", kind="model", model="m", cash=D("NaN"))


def test_extra_fields_forbidden_and_frozen():
    with pytest.raises(TypeError, match="lev"):
        Sleeve(id="s", kind="model", model="m", lev=D(2))
    sleeve = Sleeve(id="s", kind="model", model="m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sleeve.cash = D(5)
    with pytest.raises((AttributeError, TypeError)):  # slotted: no attribute outside the fields, even by force
        object.__setattr__(sleeve, "note", "x")


def test_house_maintenance_is_a_fraction():
    with pytest.raises(FieldProblem, match="house_maintenance"):
        Account(id="a", house_maintenance=D("1.2"))


def test_can_margin_needs_enabled_margin_account():
    assert Account(id="a", type="margin", margin_enabled=True).can_margin
    assert not Account(id="a", type="margin", margin_enabled=False).can_margin
    assert not Account(id="a", type="cash", margin_enabled=True).can_margin
    assert not Account(id="a", type="ira", margin_enabled=True).can_margin


def test_account_lookup():
    acct = Account(id="a", sleeves=[Sleeve(id="apm", kind="apm"), Sleeve(id="s", kind="model", model="m")])
    assert acct.apm.id == "apm"
    assert acct.sleeve("s").model == "m"
    with pytest.raises(KeyError):
        acct.sleeve("nope")
    assert Account(id="b").apm is None


def test_settings_defaults():
    s = CalcSettings()
    assert s.min_trade == D(0)
    assert s.call_distance_warning == D("0.20")
    assert s.drift_tolerance == D("0.05")
    assert s.initial_margin == D("0.50")


def test_order_notional_and_price_map():
    assert Order(sleeve_id="s", symbol="SPY", side="buy", quantity=D(3), price=D(500)).notional == D(1500)
    p = Price(symbol="SPY", price=D(1), as_of=TODAY)
    assert price_map([p]) == {"SPY": p}


def test_money_helpers():
    assert dec(0.1) == D("0.1")
    assert dec("2.50") == D("2.50")
    assert to_cents(D("11.115")) == D("11.12")
    assert to_cents(D("11.125")) == D("11.12")  # banker's rounding
    assert cents_int(D("123.456")) == 12346
    assert from_cents(12346) == D("123.46")
