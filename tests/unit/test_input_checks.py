"""Bad data refused instead of accepted silently (issue 11, item 8): duplicate JSON keys, bad operator names,
and a filter of non-ASCII words, which must filter rather than return the whole book."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from store.book import import_book
from store.queries.accounts import account_page, fts_query
from store.config_file import ConfigError
from store.settings import Settings
from tests.unit.conftest import one_error_line, problems, snapshot, story_data

# -- duplicate keys in a book file ---------------------------------------------------------------------


def test_duplicate_keys_in_a_book_are_refused_with_their_paths(run, story, tmp_path: Path):
    text = json.dumps(story_data(), indent=1)
    text = text.replace('"cash": 5000.0,', '"cash": 5000.0, "cash": 9000000.0,', 1)
    text = text.replace('"prices": [', '"models": [], "prices": [', 1)
    assert text.count('"cash": 9000000.0') == 1
    book = tmp_path / "dup.json"
    book.write_text(text, encoding="utf-8")
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "duplicate key" in result.stderr.splitlines()[0]
    assert "$.models: duplicate key" in listed
    assert any(p.startswith("$.accounts[0].sleeves[0].cash: duplicate key") for p in listed), listed
    assert snapshot(story) == before


# -- the operator's name --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "al\nice", "bob\x1b[31m", "eve\u202e", "tab\there"])
def test_settings_refuse_a_blank_operator_or_control_characters(name):
    with pytest.raises(ConfigError, match="^operator: the operator name .*(blank|control characters)"):
        Settings(operator=name)


@pytest.mark.parametrize("name", ["alice", "Zoë Müller", "o'brien", "j.smith@desk"])
def test_settings_take_an_ordinary_operator(name):
    assert Settings(operator=name).operator == name


@pytest.mark.parametrize("how", ["option", "env"])
@pytest.mark.parametrize("name", ["  ", "mallory\nforged line"])
def test_cli_refuses_a_bad_operator_before_writing(run, story, how, name):
    before = snapshot(story)
    args = ["set-leverage", "A-1001-M1", "1.2"]
    result = run("--operator", name, *args) if how == "option" else run(*args, operator=name)
    assert "operator" in one_error_line(result, code=1)
    assert snapshot(story) == before


# -- non-ASCII filters --------------------------------------------------------------------------------


@pytest.fixture
def intl_store(open_store):
    data = story_data()
    extra = json.loads(json.dumps(data["accounts"][2]).replace("A-1003", "A-1004"))
    extra["name"] = "Zoë Ångström 日本商事"
    extra["custodian"] = "Crédit Agricole"
    data["accounts"].append(extra)
    store = open_store()
    import_book(store, data, "alice")
    return store


@pytest.mark.parametrize("text", ["日本", "日本商事", "Zoë", "zoe", "ÅNGS", "Crédit", "cred", "ångström 日本"])
def test_a_non_ascii_filter_finds_that_account_only(intl_store, text):
    page = account_page(intl_store, text)
    assert [r.id for r in page.rows] == ["A-1004"] and page.total == 1


def test_fts_query_keeps_non_ascii_words():
    assert fts_query("日本 Zoë") == '"日本"* AND "Zoë"*'
    assert fts_query("Zoe\u0308") == '"Zoë"*'  # combining marks are composed first
    assert fts_query('-- " _') is None


def test_cli_filter_of_a_non_ascii_word(run, db_path, intl_store):
    result = run("accounts", "--filter", "日本", "--json")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)["accounts"]] == ["A-1004"]
