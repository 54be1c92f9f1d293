"""Shared fixtures of the store and CLI tests: real SQLite files in tmp_path and a CLI runner, on the fixed clock."""
from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import console.cli
from store.book import import_book
from store.core import Store
from tests.conftest import count, fixed_clock, raw_rows  # noqa: F401 - re-exported to the unit tests

STORY_BOOK = Path(__file__).resolve().parents[1] / "data" / "story_book.json"


def integrity_errors() -> tuple[type[Exception], ...]:
    """A constraint violation as either engine's driver raises it."""
    import psycopg

    return sqlite3.IntegrityError, psycopg.IntegrityError


def story_data() -> dict[str, Any]:
    return json.loads(STORY_BOOK.read_text(encoding="utf-8"))


def snapshot(db: Path | str) -> dict[str, Any]:
    """Every row of every table (and the schema version) through a separate raw connection, on either engine."""
    if isinstance(db, str):
        return _server_snapshot(db)
    conn = sqlite3.connect(str(db))
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        state: dict[str, Any] = {"user_version": conn.execute("PRAGMA user_version").fetchone()[0]}
        for name in names:
            state[name] = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"'))
        return state
    finally:
        conn.close()


def _server_snapshot(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "ORDER BY table_name")]
        return {name: sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"')) for name in names}


@pytest.fixture
def db_path(book_url: Path | str) -> Path | str:
    """The test's book: a file on SQLite, a database URL on PostgreSQL (tests/conftest.py's `engine`)."""
    return book_url


@pytest.fixture
def open_store(db_path: Path):
    """Open Store objects on the test's file (each closed at teardown)."""
    opened: list[Store] = []

    def _open(path: Path | None = None) -> Store:
        store = Store(path or db_path, clock=fixed_clock)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


@pytest.fixture
def story_store(open_store) -> Store:
    store = open_store()
    import_book(store, story_data(), "alice")
    return store


@pytest.fixture
def run(db_path: Path):
    """Invoke the CLI on the test's file as operator alice with the fixed clock (a fresh ctx.obj each call)."""

    def _run(*args: Any, operator: str = "alice") -> Result:
        env = {"MARGIN_CONSOLE_DB": str(db_path), "MARGIN_CONSOLE_OPERATOR": operator}
        return CliRunner().invoke(console.cli.cli, [str(a) for a in args], obj={"clock": fixed_clock}, env=env)

    return _run


def book_with(account: dict[str, Any], prices: list[dict[str, Any]] | None = None,
              models: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A one-account book on the story's prices and models, with extra prices/models."""
    data = story_data()
    data["accounts"] = [copy.deepcopy(account)]
    data["prices"] += prices or []
    data["models"] += models or []
    return data


# -- the CLI tests' helpers: a successful command, a refused one, the story book imported ------------------

ACK = ("--ack", "all")


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def as_json(result) -> Any:
    return json.loads(ok(result))


def one_error_line(result, code: int | None = None) -> str:
    """A refused command: non-zero exit, exactly one line on stderr, no traceback."""
    assert result.exit_code != 0, result.stdout
    if code is not None:
        assert result.exit_code == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("margin-console: ") and "Traceback" not in result.output
    return lines[0]


def problems(result) -> list[str]:
    """The problem lines an InvalidInput prints under its one-line summary."""
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    lines = result.stderr.rstrip("\n").splitlines()
    assert lines[0].startswith("margin-console: error: ") and "Traceback" not in result.output
    assert all(line.startswith("  ") for line in lines[1:]), lines
    return [line.strip() for line in lines[1:]]


def assert_refused_writes_nothing(run, db: Path, args: list[str], words: str, code: int) -> None:
    """A refused command: one error line with `words`, exit `code`, and the database unchanged."""
    before = snapshot(db)
    line = one_error_line(run(*args), code=code)
    assert words in line
    assert snapshot(db) == before


@pytest.fixture
def story(run, db_path) -> Path:
    ok(run("import", STORY_BOOK))
    return db_path


@pytest.fixture
def built(run, story) -> dict[str, Any]:
    """The story's one-dollar ACR (JSON)."""
    return as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh, empty database on the session's throwaway PostgreSQL cluster."""
    return pg_cluster.fresh_url()


@pytest.fixture
def pg_book(pg_url):
    """The story's book on that database."""
    with Store(pg_url, clock=fixed_clock) as s:
        import_book(s, story_data(), "alice")
        yield s
