"""A write nested in a read snapshot (Store.snapshot) is refused on both engines, and writes elsewhere still nest.

A snapshot never took the write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock), so a write inside it
would not queue behind other hosts' writers, and would be checked against what may be a stale read (issue 16).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from store.errors import Refused
from store.queries.integrity import integrity_report
from store.sleeves import set_leverage
from tests.unit.conftest import snapshot


def test_a_write_inside_a_read_snapshot_is_refused_and_writes_nothing(story_store, db_path):
    before = snapshot(db_path)
    with story_store.snapshot():
        story_store.scalar("SELECT count(*) FROM accounts")
        with pytest.raises(Refused, match="a write inside a read snapshot is refused"):
            set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "alice")
    assert snapshot(db_path) == before


def test_writes_after_a_snapshot_and_nested_in_a_write_still_work(story_store, db_path):
    with story_store.snapshot():
        story_store.scalar("SELECT count(*) FROM accounts")
    assert integrity_report(story_store).ok  # its own read transaction, ended by a rollback
    set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "alice")
    with story_store.transaction(), story_store.snapshot():  # a snapshot inside a write is the write's own read
        set_leverage(story_store, "A-1002-M1", Decimal("1.25"), "alice")
    saved = dict(story_store.execute("SELECT id, leverage FROM sleeves WHERE id IN ('A-1001-M1', 'A-1002-M1')"))
    assert {k: Decimal(v) for k, v in saved.items()} == {"A-1001-M1": Decimal("1.25"), "A-1002-M1": Decimal("1.25")}
