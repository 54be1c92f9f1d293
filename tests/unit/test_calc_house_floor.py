"""A house maintenance rate below FINRA 4210's 25 % floor: never used as is, refused on import unless exempted."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from calc import Account, Price, Sleeve, account_margin, security_maintenance
from calc.margin import house_floor_note
from calc.models import house_maintenance_problem

D = Decimal
TODAY = date(2024, 6, 3)
SPY = Price(symbol="SPY", price=D(500), as_of=TODAY)


def test_a_house_rate_below_the_floor_is_raised_to_25_percent():
    assert security_maintenance(SPY, D("0.10")) == D("0.25")
    assert security_maintenance(SPY, D("0.30")) == D("0.30")


def test_the_requirement_uses_the_floor_not_the_house_rate():
    # 24 SPY at 500 = 12,000: 25 % is 3,000 (a 10 % house rate would say 1,200).
    acct = Account(id="a", margin_enabled=True, house_maintenance=D("0.10"), maintenance_exemption="test",
                   sleeves=[Sleeve(id="s", kind="apm", cash=D(-8000), positions={"SPY": D(24)})])
    assert account_margin(acct, {"SPY": SPY}).requirement == D(3000)


def test_the_floor_note_names_both_rates():
    assert house_floor_note(D("0.20")) == "house 20 % -> 25 % FINRA floor"
    assert house_floor_note(D("0.25")) == house_floor_note(D("0.30")) == ""


@pytest.mark.parametrize(("house", "exemption", "refused"), [
    ("0.20", None, True), ("0.20", "", True), ("0.20", "  ", True), ("0.20", "custodian letter 2024-03", False),
    ("0.25", None, False), ("0.30", None, False),
])
def test_a_low_house_rate_needs_a_stated_exemption(house, exemption, refused):
    acct = Account(id="a", house_maintenance=D(house), maintenance_exemption=exemption)
    problem = house_maintenance_problem(acct)
    assert bool(problem) is refused
    if refused:
        assert "25 %" in problem and "maintenance_exemption" in problem
