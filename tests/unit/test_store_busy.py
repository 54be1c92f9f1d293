"""Found by the writers drill (docs/RELIABILITY.md): a writer that waits out the busy timeout gets one clear line,
not 'unexpected error (OperationalError)'. And DESIGN.md's durability: synchronous=FULL."""
from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from store.core import Store
from store.errors import Busy, StoreError
from store.settings import Settings
from store.sleeves import set_leverage
from tests.conftest import fixed_clock
from tests.unit.conftest import snapshot

# SQLite only: a raw sqlite3 connection holds the lock; PRAGMA synchronous (test_store_postgres.py holds the advisory lock).
pytestmark = pytest.mark.sqlite_only


def test_a_write_that_waits_out_the_lock_is_a_busy_store_error(story_store, db_path):
    story_store.close()
    before = snapshot(db_path)
    holder = sqlite3.connect(str(db_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(db_path, Settings(db=db_path, busy_timeout_ms=50), fixed_clock) as waiting:
            with pytest.raises(Busy) as refused:
                set_leverage(waiting, "A-1001-M1", Decimal("1.25"), "alice")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert isinstance(refused.value, StoreError)
    assert str(refused.value) == ("the book is locked by another writer (waited 0.05 s): nothing was written, "
                                  "try again")
    assert snapshot(db_path) == before


def test_the_cli_says_busy_in_one_line_and_exits_1(run, story, monkeypatch):
    monkeypatch.setenv("MARGIN_CONSOLE_BUSY_TIMEOUT_MS", "50")
    holder = sqlite3.connect(str(story), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("set-leverage", "A-1001-M1", "1.25")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "margin-console: error: the book is locked by another writer (waited 0.05 s): nothing was written, "
        "try again"]


def test_commits_are_durable_across_a_power_cut(story_store):
    """DESIGN.md: WAL with synchronous=FULL, so an ACR confirmed to the operator survives a power cut."""
    assert story_store.scalar("PRAGMA synchronous") == 2  # FULL
