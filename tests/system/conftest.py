"""Fixtures of the system tests: the console run as an operator runs it, through sshd or a browser.

These tests start real programs (sshd, the `serve` web server, Chromium) and drive the console over a real
terminal or page, so they run the code the installed command runs, in a child process of the same Python.
"""
from __future__ import annotations

import json
import os
import shlex
import sqlite3
import sys
from pathlib import Path

import pytest

from store.book import import_book
from store.core import Store
from store.settings import Settings
from tests.conftest import fixed_clock

REPO = Path(__file__).resolve().parents[2]
STORY_BOOK = REPO / "tests" / "data" / "story_book.json"
CONSOLE = "from console.cli import main; main()"


def console_command(*args: str) -> str:
    """A shell command that runs `margin-console ARGS` from this checkout with this test run's Python."""
    argv = [sys.executable, "-c", CONSOLE, *args]
    return f"cd {shlex.quote(str(REPO))} && exec {shlex.join(argv)}"


def missing_tool(what: str, install: str) -> None:
    """Skip where the tool cannot be had; in CI, where .ci/run installs it, its absence is a failure."""
    message = f"{what} is not installed ({install}; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def story_book(tmp_path: Path) -> Path:
    """The small fixed book (tests/data/story_book.json) in a fresh SQLite file."""
    db = tmp_path / "book.db"
    with Store(db, Settings(db=db, operator="seed"), fixed_clock) as store:
        import_book(store, json.loads(STORY_BOOK.read_text(encoding="utf-8")), "seed")
    return db


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows read from the book through a connection of its own (what the console left on disk)."""
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
