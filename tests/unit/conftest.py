"""Shared fixtures of the store and CLI tests: a fixed clock, real SQLite files in tmp_path, a CLI runner."""
from __future__ import annotations

import copy
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import console.cli
from store.book import import_book
from store.core import Store

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)
STORY_BOOK = Path(__file__).resolve().parents[1] / "data" / "story_book.json"


def fixed_clock() -> datetime:
    return NOW


def story_data() -> dict[str, Any]:
    return json.loads(STORY_BOOK.read_text(encoding="utf-8"))


def snapshot(db: Path) -> dict[str, Any]:
    """Every row of every table (and the schema version) through a separate raw connection."""
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


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "book.db"


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
