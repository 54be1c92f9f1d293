"""The book file's reader (store/book_schema.py): JSON values to calc's models, each problem at its JSON path."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from calc.models import Account, Model, Price, Sleeve
from store.book_file import RateTier
from store.book_schema import read_object

D = Decimal


def read(cls: type, data: Any) -> tuple[Any, list[str]]:
    problems: list[str] = []
    return read_object(cls, data, "$.x", problems), problems


def test_json_values_become_the_models_types():
    price, problems = read(Price, {"symbol": "SPY", "price": 500.1, "as_of": "2024-06-03", "marginable": "yes",
                                   "maintenance": "0.3", "leverage_factor": 3})
    assert problems == []
    assert price == Price(symbol="SPY", price=D("500.1"), as_of=date(2024, 6, 3), marginable=True,
                          maintenance=D("0.3"), leverage_factor=D(3))
    assert str(price.price) == "500.1"  # a float through its shortest repr, never its binary expansion


@pytest.mark.parametrize("given, flag", [(True, True), (False, False), (1, True), (0, False), ("on", True),
                                         ("OFF", False), ("t", True), ("n", False), (1.0, True)])
def test_flags_take_the_usual_spellings(given, flag):
    price, problems = read(Price, {"symbol": "SPY", "price": 1, "as_of": "2024-06-03", "marginable": given})
    assert problems == [] and price.marginable is flag


def test_defaults_and_nested_objects():
    account, problems = read(Account, {
        "id": "A-1", "type": "margin", "margin_enabled": True,
        "sleeves": [{"id": "A-1-APM", "kind": "apm", "cash": 5000.0},
                    {"id": "A-1-M1", "kind": "model", "model": "M", "leverage": 1.5, "positions": {"SPY": 10}}],
        "custodian_report": {"as_of": "2024-06-03", "positions": {"SPY": 10}, "cash": "5000.00"}})
    assert problems == []
    assert account.house_maintenance == D("0.30") and account.max_leverage == D("2.0")
    assert account.sleeve("A-1-M1") == Sleeve(id="A-1-M1", kind="model", model="M", leverage=D("1.5"),
                                              applied_leverage=D("1.5"), positions={"SPY": D(10)})
    assert account.custodian_report.cash == D("5000.00")
    assert account.custodian_report.as_of == date(2024, 6, 3)


def test_every_problem_of_an_object_is_listed_at_its_path():
    _, problems = read(Price, {"symbol": 7, "price": "abc", "as_of": "June 3", "marginable": "maybe", "extra": 1})
    assert problems == [
        "$.x.extra: unknown field",
        "$.x.symbol: must be text, got 7",
        "$.x.price: must be a decimal number, got 'abc'",
        "$.x.as_of: must be a date as YYYY-MM-DD, got 'June 3'",
        "$.x.marginable: must be true or false (a boolean), got 'maybe'",
    ]


def test_missing_fields_and_wrong_shapes():
    assert read(Price, {"symbol": "SPY"})[1] == ["$.x.price: required", "$.x.as_of: required"]
    assert read(Price, [1, 2])[1] == ["$.x: expected an object, got [1, 2]"]
    assert read(Model, {"id": "m", "weights": [0.5]})[1] == ["$.x.weights: expected an object, got [0.5]"]
    assert read(Account, {"id": "a", "sleeves": {}})[1] == ["$.x.sleeves: expected a list, got {}"]
    assert read(Price, {"symbol": "SPY", "price": True, "as_of": "2024-06-03"})[1] == [
        "$.x.price: must be a decimal number, got True"]


def test_nested_problems_name_the_nested_path():
    _, problems = read(Account, {"id": "a", "sleeves": [
        {"id": "s0", "kind": "apm"},
        {"id": "s1", "kind": "model", "model": "M", "positions": {"SPY": "ten"}},
        {"id": "s2", "kind": "model", "model": "M", "leverage": 3}]})
    assert problems == ["$.x.sleeves[1].positions.SPY: must be a decimal number, got 'ten'",
                        "$.x.sleeves[2].leverage: leverage must be between 1.00 and 2.00, got 3"]
    _, problems = read(Model, {"id": "m", "weights": {"SPY": "NaN"}})
    assert problems == ["$.x.weights: weight of SPY must be a finite number, got NaN"]


def test_a_rule_of_the_whole_object_names_the_object():
    _, problems = read(Account, {"id": "a", "sleeves": [{"id": "s", "kind": "apm"}, {"id": "s", "kind": "apm"}]})
    assert problems == ["$.x: sleeve ids must be unique within the account"]
    _, problems = read(Model, {"id": "m", "weights": {"SPY": 0.6, "AGG": 0.3}})
    assert problems == ["$.x: weights plus cash must sum to 1, got 0.9"]


def test_rate_tiers_check_themselves():
    tier, problems = read(RateTier, {"custodian": "Schwab", "min_debit": 0, "annual_rate": 0.0825})
    assert problems == [] and tier.annual_rate == D("0.0825")
    assert read(RateTier, {"custodian": "", "min_debit": -1, "annual_rate": 2})[1] == [
        "$.x.custodian: custodian must not be empty", "$.x.min_debit: min_debit must be at least 0, got -1",
        "$.x.annual_rate: annual_rate must be between 0 and 1, got 2"]
    assert read(RateTier, {"custodian": "S", "min_debit": 0, "annual_rate": 2})[1] == [
        "$.x.annual_rate: annual_rate must be between 0 and 1, got 2"]


def test_a_long_value_is_shortened_in_its_problem():
    _, problems = read(Price, {"symbol": "SPY", "price": "9" * 80 + "x", "as_of": "2024-06-03"})
    assert problems == [f"$.x.price: must be a decimal number, got '{'9' * 36}..."]


def test_every_range_problem_is_listed_even_beside_a_type_problem():
    """Review finding 3: range checks stopped at the first and did not run once any field's type was wrong."""
    _, problems = read(Price, {"symbol": "SPY", "price": 0, "as_of": "June 3", "maintenance": 2})
    assert problems == ["$.x.as_of: must be a date as YYYY-MM-DD, got 'June 3'",
                        "$.x.price: price must be greater than 0 and at most 1,000,000,000,000,000, got 0",
                        "$.x.maintenance: maintenance must be between 0 and 1, got 2"]
    _, problems = read(Account, {"id": "a", "max_leverage": 3, "sleeves": [
        {"id": "s", "kind": "model", "model": "M", "leverage": 2.5, "cash_reserve": 1,
         "positions": {"SPY": -1, "AGG": -2}}]})
    assert problems == ["$.x.sleeves[0].positions: shares of SPY must be zero or more, got -1",
                        "$.x.sleeves[0].positions: shares of AGG must be zero or more, got -2",
                        "$.x.sleeves[0].leverage: leverage must be between 1.00 and 2.00, got 2.5",
                        "$.x.sleeves[0].cash_reserve: cash_reserve must be at least 0 and below 1, got 1",
                        "$.x.max_leverage: max_leverage must be between 1 and 2, got 3"]


def test_a_rule_of_the_whole_object_waits_for_its_fields():
    _, problems = read(Model, {"id": "m", "weights": {"SPY": 0.5}, "cash": 2})
    assert problems == ["$.x.cash: cash must be between 0 and 1, got 2"]


def test_a_decimal_from_a_book_made_in_python_is_taken():
    """Review finding 4a: import_book(store, data) takes Python dicts, whose numbers may be Decimals."""
    price, problems = read(Price, {"symbol": "SPY", "price": D("500.25"), "as_of": "2024-06-03",
                                   "maintenance": D("0.3")})
    assert problems == [] and (price.price, price.maintenance) == (D("500.25"), D("0.3"))
    assert read(Price, {"symbol": "SPY", "price": D("NaN"), "as_of": "2024-06-03"})[1] == [
        "$.x.price: price must be a finite number, got NaN"]


@pytest.mark.parametrize("given", ["20240603", "2024-W23-1", " 2024-06-03 ", "2024-06-03T00:00:00", "2024-6-3",
                                   "2024-02-30", 1717372800, "２０２４-06-03"])
def test_a_date_is_yyyy_mm_dd_only(given):
    """Review finding 4b: date.fromisoformat (3.11) also took 20240603, week dates and padded text."""
    assert read(Price, {"symbol": "SPY", "price": 1, "as_of": given})[1] == [
        f"$.x.as_of: must be a date as YYYY-MM-DD, got {given!r}"]


@pytest.mark.parametrize("word", ["true", "TRUE", "t", "Yes", "y", "on", "1"])
def test_every_true_word_is_taken_in_any_case(word):
    assert read(Price, {"symbol": "SPY", "price": 1, "as_of": "2024-06-03", "marginable": word})[0].marginable


@pytest.mark.parametrize("given", ["1.0", " yes ", "", 2, 0.5, -1, None, [True]])
def test_other_flag_spellings_are_refused(given):
    """Review finding 4c: the comment said pydantic's spellings, but " yes " and "1.0" were taken as well."""
    assert read(Price, {"symbol": "SPY", "price": 1, "as_of": "2024-06-03", "marginable": given})[1] == [
        f"$.x.marginable: must be true or false (a boolean), got {given!r}"]


def test_a_bad_book_lists_every_problem_as_the_pydantic_release_did():
    """Review finding 3: this book had 9 problems listed before issue 17 (as_of aside, refused now) and 4 after."""
    from store.book_file import parse_book
    from store.errors import InvalidInput
    book = {"prices": [{"symbol": "SPY", "price": 0, "as_of": "2026-11-20T00:00:00", "maintenance": 2}],
            "models": [{"id": "M", "weights": {"SPY": 0.5}}],
            "rates": [{"custodian": "", "min_debit": -1, "annual_rate": 2}],
            "accounts": [{"id": "A", "house_maintenance": 0.1, "max_leverage": 3, "sleeves": [
                {"id": "S", "kind": "model", "model": "M", "leverage": 2.5, "cash_reserve": 1}]}]}
    with pytest.raises(InvalidInput) as refused:
        parse_book(book)
    assert refused.value.problems == [
        "$.prices[0].as_of: must be a date as YYYY-MM-DD, got '2026-11-20T00:00:00'",
        "$.prices[0].price: price must be greater than 0 and at most 1,000,000,000,000,000, got 0",
        "$.prices[0].maintenance: maintenance must be between 0 and 1, got 2",
        "$.models[0]: weights plus cash must sum to 1, got 0.5",
        "$.rates[0].custodian: custodian must not be empty",
        "$.rates[0].min_debit: min_debit must be at least 0, got -1",
        "$.rates[0].annual_rate: annual_rate must be between 0 and 1, got 2",
        "$.accounts[0].sleeves[0].leverage: leverage must be between 1.00 and 2.00, got 2.5",
        "$.accounts[0].sleeves[0].cash_reserve: cash_reserve must be at least 0 and below 1, got 1",
        "$.accounts[0].max_leverage: max_leverage must be between 1 and 2, got 3"]
