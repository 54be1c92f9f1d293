"""The rules with one home in calc: the leverage range, the account debit and the acknowledgement ids."""
from __future__ import annotations

from decimal import Decimal

import pytest

from calc import ACK_IDS, Account, Sleeve, account_margin
from calc.checklist import acknowledgement_problem
from calc.models import account_debit, leverage_cap, leverage_problem

D = Decimal


@pytest.mark.parametrize("value", [D(1), D("1.5"), D("1.2345"), D(2), D("2.0000")])
def test_leverage_within_reg_t_and_four_places_has_no_problem(value):
    assert leverage_problem(value, D(2)) is None


@pytest.mark.parametrize("value, cap, expected", [
    (D("0.99"), D(2), "leverage must be between 1.00 and 2.00, got 0.99"),
    (D("2.01"), D(2), "leverage must be between 1.00 and 2.00, got 2.01"),
    (D("1.6"), D("1.5"), "leverage must be between 1.00 and 1.50, got 1.6"),  # the account's house cap
    (D("2.5"), D(3), "leverage must be between 1.00 and 2.00, got 2.5"),  # a cap above Reg T is still 2.0
    (D("1.23456"), D(2), "leverage takes at most 4 decimal places, got 1.23456"),
    (D("NaN"), D(2), "leverage must be a number, got NaN"),
])
def test_leverage_problem_names_the_rule_broken(value, cap, expected):
    assert leverage_problem(value, cap) == expected


def test_leverage_problem_names_the_field_it_checks():
    assert leverage_problem(D(3), name="applied_leverage").startswith("applied_leverage must be between")
    assert leverage_cap(D("1.5")) == D("1.5") and leverage_cap(D(3)) == D(2)


def test_the_sleeve_model_uses_the_same_rule():
    with pytest.raises(ValueError, match="at most 4 decimal places"):
        Sleeve(id="s", kind="model", model="m", leverage=D("1.23456"))


def _account(*cash: str) -> Account:
    sleeves = [Sleeve(id="apm", kind="apm", cash=D(cash[0]))]
    sleeves += [Sleeve(id=f"m{i}", kind="model", model="m", cash=D(c)) for i, c in enumerate(cash[1:])]
    return Account(id="a", sleeves=sleeves)


@pytest.mark.parametrize("cash, debit", [
    (("5000", "-50000"), D(45000)),      # DOMAIN.md: the debit is the account's net negative cash
    (("5000", "100000"), D(0)),          # a credit balance is no debit
    (("-1", "-2", "3"), D(0)),           # sleeves net out across the account
    (("0", "-50000", "-25000"), D(75000)),
])
def test_account_debit_is_max_zero_minus_summed_sleeve_cash(cash, debit):
    account = _account(*cash)
    assert account_debit(account) == debit
    assert account_margin(account, {}).debit == debit  # the margin figures use the same formula


def test_acknowledgements_are_checked_against_the_catalogue():
    assert acknowledgement_problem(set(ACK_IDS)) is None
    assert acknowledgement_problem(set()) is None
    assert acknowledgement_problem({"sleeve-cash-reviewed", "bogus", "also-bogus"}) == (
        f"unknown acknowledgement(s): also-bogus, bogus; known: {', '.join(ACK_IDS)}")


def test_the_build_and_the_calculator_use_the_same_leverage_rule():
    from datetime import date

    from calc import Model, Price, build_acr, whatif_leverage

    today = date(2024, 6, 3)
    prices = {"SPY": Price(symbol="SPY", price=D(500), as_of=today)}
    models = {"m": Model(id="m", weights={"SPY": D(1)})}
    capped = Account(id="a", max_leverage=D("1.5"), margin_enabled=True, sleeves=[
        Sleeve(id="apm", kind="apm"), Sleeve(id="s", kind="model", model="m", cash=D(100000))])
    build = build_acr(capped, "s", "rebalance", prices, models, today, leverage=D("1.6"))
    assert build.code == "LEVERAGE_OUT_OF_RANGE"
    assert build.reason.endswith(leverage_problem(D("1.6"), D("1.5")))
    with pytest.raises(ValueError, match="^leverage takes at most 4 decimal places, got 1.23456$"):
        whatif_leverage(D(100000), D("1.23456"))
