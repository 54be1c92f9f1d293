"""`import` and `demo` (console/cli/book.py): all-or-nothing imports, every bad row listed, the demo book."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.conftest import (
    STORY_BOOK,
    as_json,
    count,
    ok,
    one_error_line,
    problems,
    snapshot,
    story_data,
)


def test_import_readable(run, db_path):
    text = ok(run("import", STORY_BOOK))
    assert text.strip() == "Imported 4 prices, 2 models, 2 rates, 3 accounts, 6 sleeves"
    assert count(db_path, "accounts") == 3


def test_operator_option_overrides_the_environment(run, db_path):
    ok(run("--operator", "carol", "import", STORY_BOOK))
    assert as_json(run("audit", "--json"))[0]["operator"] == "carol"


# -- bad inputs leave the database unchanged --------------------------------------------------------


def fresh_book() -> dict[str, Any]:
    """The story book with new account and sleeve ids, importable next to the story."""
    data = story_data()
    for acc in data["accounts"]:
        acc["id"] = "N" + acc["id"]
        for sleeve in acc["sleeves"]:
            sleeve["id"] = "N" + sleeve["id"]
    return data


def _unknown_model(d):
    d["accounts"][0]["sleeves"][1]["model"] = "NOPE"


def _weights(d):
    d["models"][0]["weights"]["SPY"] = 0.5


def _leverage(d):
    d["accounts"][1]["sleeves"][1]["leverage"] = 3


def _negative_shares(d):
    d["accounts"][2]["sleeves"][1]["positions"]["QQQ"] = -40


def _duplicate_account(d):
    d["accounts"][1]["id"] = d["accounts"][0]["id"]


def _duplicate_sleeve_across_accounts(d):
    d["accounts"][1]["sleeves"][0]["id"] = d["accounts"][0]["sleeves"][0]["id"]


def _duplicate_sleeve_in_account(d):
    d["accounts"][0]["sleeves"][1]["id"] = d["accounts"][0]["sleeves"][0]["id"]


def _margin_maybe(d):
    d["accounts"][0]["margin_enabled"] = "maybe"


def _cash_abc(d):
    d["accounts"][0]["sleeves"][0]["cash"] = "abc"


def _leverage_above_house_cap(d):
    d["accounts"][0]["max_leverage"] = 1.25


def _leverage_on_apm(d):
    d["accounts"][0]["sleeves"][0]["leverage"] = 1.5


def _bad_type(d):
    d["accounts"][2]["type"] = "futures"


def _bad_price(d):
    d["prices"][1]["price"] = -3


def _unknown_section(d):
    d["positions"] = []


BAD_BOOKS = {
    "unknown model": (_unknown_model, "$.accounts[0].sleeves[1].model", "unknown model NOPE"),
    "weights": (_weights, "$.models[0]", "must sum to 1"),
    "leverage 3": (_leverage, "$.accounts[1].sleeves[1]", "leverage"),
    "negative shares": (_negative_shares, "$.accounts[2].sleeves[1].positions", "QQQ"),
    "duplicate account": (_duplicate_account, "$.accounts[1].id", "duplicate account id NA-1001"),
    "duplicate sleeve": (_duplicate_sleeve_across_accounts, "$.accounts[1].sleeves[0].id", "duplicate sleeve id"),
    "duplicate sleeve in account": (_duplicate_sleeve_in_account, "$.accounts[0]", "unique"),
    "margin_enabled maybe": (_margin_maybe, "$.accounts[0].margin_enabled", "boolean"),
    "cash abc": (_cash_abc, "$.accounts[0].sleeves[0].cash", "decimal"),
    "above house cap": (_leverage_above_house_cap, "$.accounts[0]", "max_leverage"),
    "leverage on the APM": (_leverage_on_apm, "$.accounts[0].sleeves[0]", "model sleeves only"),
    "account type": (_bad_type, "$.accounts[2].type", ""),
    "negative price": (_bad_price, "$.prices[1].price", ""),
    "unknown section": (_unknown_section, "$.positions", "unknown section"),
}


@pytest.mark.parametrize("case", list(BAD_BOOKS))
def test_bad_book_lists_the_row_and_writes_nothing(run, story, tmp_path, case):
    mutate, path, words = BAD_BOOKS[case]
    data = fresh_book()
    mutate(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "nothing was written" in result.stderr.splitlines()[0]
    # a row's path, or a field below it (a fix may locate the problem more precisely)
    assert any(p.startswith(path) and p[len(path)] in ":.[" and words in p for p in listed), listed
    assert snapshot(story) == before


def test_bad_leverage_is_reported_at_its_field(run, story, tmp_path):
    """The path of a bad value names the field, e.g. $.accounts[1].sleeves[1].leverage."""
    data = fresh_book()
    _leverage(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    listed = problems(run("import", book))
    assert any(p.startswith("$.accounts[1].sleeves[1].leverage:") for p in listed), listed


def test_every_bad_row_is_listed(run, story, tmp_path):
    data = fresh_book()
    for mutate in (_weights, _margin_maybe, _cash_abc, _leverage, _negative_shares, _bad_price):
        mutate(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "the book has 6 problem(s)" in result.stderr.splitlines()[0]
    expected = ["$.prices[1].price", "$.models[0]", "$.accounts[0].margin_enabled",
                "$.accounts[0].sleeves[0].cash", "$.accounts[1].sleeves[1]", "$.accounts[2].sleeves[1].positions"]
    assert len(listed) == len(expected)
    assert all(p.startswith(path) for p, path in zip(listed, expected)), listed
    assert snapshot(story) == before


def test_bad_book_into_an_empty_store_writes_nothing(run, db_path, tmp_path):
    data = story_data()
    _unknown_model(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    problems(run("import", book))
    ok(run("accounts"))  # opens (and creates) the store
    assert {t: count(db_path, t) for t in ("accounts", "sleeves", "prices", "models", "audit")} == {
        "accounts": 0, "sleeves": 0, "prices": 0, "models": 0, "audit": 0}


@pytest.mark.parametrize("text, where", [
    ('{"prices": [}', "$: line 1 column 13"),
    ("", "$: line 1 column 1"),
    ('{"accounts": []', "$: line 1 column 16"),
])
def test_malformed_json(run, story, tmp_path, text, where):
    book = tmp_path / "bad.json"
    book.write_text(text)
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "is not valid JSON" in result.stderr.splitlines()[0]
    assert listed and listed[0].startswith(where), listed
    assert snapshot(story) == before


@pytest.mark.parametrize("content", ['[1, 2]', '{"accounts": {}}'])
def test_wrong_top_level_shapes(run, story, tmp_path, content):
    book = tmp_path / "bad.json"
    book.write_text(content)
    before = snapshot(story)
    assert problems(run("import", book))[0].startswith("$")
    assert snapshot(story) == before


def test_missing_book_file(run, story, tmp_path):
    before = snapshot(story)
    assert "cannot read" in one_error_line(run("import", tmp_path / "nope.json"))
    assert snapshot(story) == before


def test_a_directory_as_db_is_one_clear_error(run, tmp_path):
    result = run("--db", tmp_path, "accounts")  # a directory, not a file
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert result.stderr.startswith("margin-console: ")


def test_demo_command(run, db_path):
    made = as_json(run("demo", "--accounts", "30", "--seed", "7", "--json"))
    assert made["accounts"] == 30 and made["db"] == str(db_path)
    assert count(db_path, "accounts") == 30 and count(db_path, "audit") == 1
    assert as_json(run("accounts", "--limit", "5", "--json"))["total"] == 30
    assert ok(run("doctor")).strip()
    before = snapshot(db_path)
    assert "already holds 30 accounts" in one_error_line(run("demo", "--accounts", "5"))
    assert snapshot(db_path) == before
