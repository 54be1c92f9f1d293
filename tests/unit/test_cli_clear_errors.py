"""Input the CLI cannot use is one clear line on stderr, never "unexpected error (...)" (issue 11, item 7)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from store.db import SCHEMA_VERSION
from tests.unit.conftest import ACK, one_error_line, snapshot, story_data

HUGE = "99999999999999999999"


def clear(result, *words: str) -> str:
    line = one_error_line(result)
    assert "unexpected error" not in line, line
    for word in words:
        assert word in line, line
    return line


@pytest.mark.parametrize("args", [
    ("orders", "--acr", HUGE),
    ("accounts", "--offset", HUGE),
    ("accounts", "--limit", HUGE),
    ("fills", "--simulate", HUGE),
    ("walkthrough", "export", HUGE),
    ("set-leverage", "A-1001-M1", "1.5", "--expect-version", HUGE),
])
def test_huge_integers_are_refused_clearly(run, story, args):
    before = snapshot(story)
    clear(run(*args), HUGE)
    assert snapshot(story) == before


@pytest.mark.parametrize("args", [
    ("acr", "A-1001-M1", "--kind", "deposit", "--amount", "1e30", *ACK),
    ("set-leverage", "A-1001-M1", "1e30"),
    ("whatif", "--equity", "1e30", "--leverage", "1.5"),
    ("whatif", "--lmv", "1e999999", "--debit", "1"),
])
def test_huge_amounts_are_refused_clearly(run, story, args):
    before = snapshot(story)
    line = clear(run(*args), "too large")
    assert len(line) < 200
    assert snapshot(story) == before


def test_whatif_refuses_an_equity_of_a_million_digits(run):
    result = run("whatif", "--equity", "1e999999", "--leverage", "1.5")
    clear(result, "--equity", "too large")
    assert result.stdout == ""


def test_huge_amounts_in_a_book_name_their_path(run, story, tmp_path):
    data = story_data()
    data["accounts"] = [data["accounts"][0]]
    data["accounts"][0]["id"] = "Z-1"
    for sleeve in data["accounts"][0]["sleeves"]:
        sleeve["id"] = "Z-" + sleeve["id"]
    data["accounts"][0]["sleeves"][0]["cash"] = 1e30
    data["accounts"][0]["sleeves"][1]["positions"] = {"SPY": 1e30}
    book = tmp_path / "big.json"
    book.write_text(json.dumps(data))
    before = snapshot(story)
    result = run("import", book)
    assert result.exit_code == 1 and "unexpected error" not in result.stderr
    assert "$.accounts[0].sleeves[0].cash" in result.stderr
    assert "$.accounts[0].sleeves[1].positions: shares of SPY must be at most 1,000,000,000,000,000, got 1E+30" \
        in result.stderr
    assert snapshot(story) == before


def test_deeply_nested_book_json(run, story, tmp_path):
    book = tmp_path / "deep.json"
    book.write_text("[" * 100_000 + "]" * 100_000)
    before = snapshot(story)
    clear(run("import", book), "nested too deeply", str(book))
    assert snapshot(story) == before


@pytest.mark.parametrize("content", [b"garbage, not a database\n" * 20, b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_file_that_is_not_a_book(run, tmp_path: Path, content: bytes):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    for args in (("accounts",), ("demo", "--accounts", "3")):
        assert clear(run("--db", bad, *args)).endswith(f"not a margin-console book: {bad}")
    assert bad.read_bytes() == content


def test_another_programs_sqlite_file_is_not_a_book(run, tmp_path: Path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert clear(run("--db", other, "accounts")).endswith(f"not a margin-console book: {other}")
    assert other.read_bytes() == before


def test_a_read_command_in_a_missing_directory_creates_nothing(run, tmp_path: Path):
    missing = tmp_path / "nowhere" / "book.db"
    line = clear(run("--db", missing, "accounts"), f"no book at {missing}", "margin-console demo", "import")
    assert "margin-console demo" in line
    assert not missing.parent.exists()
    assert run("--db", missing, "demo", "--accounts", "2").exit_code == 0  # demo and import still make one
    assert missing.exists()


def test_a_newer_schema_is_refused_before_anything_changes(run, tmp_path: Path):
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(str(newer))
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = newer.read_bytes()
    for args in (("accounts",), ("import", "nothing.json"), ("demo", "--accounts", "2")):
        clear(run("--db", newer, *args), "newer margin-console", str(newer))
        assert newer.read_bytes() == before  # still journal_mode=delete: nothing was switched
    assert {p.name for p in tmp_path.iterdir()} == {"newer.db"}
