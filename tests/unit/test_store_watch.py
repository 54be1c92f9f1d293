"""What the live book polls: data_version (SQLite's PRAGMA, PostgreSQL's LISTEN/NOTIFY) moves when another
connection commits, and audit_since says who."""
from __future__ import annotations

import time
from decimal import Decimal

from store.queries.audit import audit_since, data_version
from store.sleeves import set_leverage


def moved(watcher, version: int, within: float = 2.0) -> bool:
    """Whether data_version moves within `within` seconds: SQLite's at once; PostgreSQL's NOTIFY reaches the
    listening session an instant after the writer's commit returns (the live book looks once a second)."""
    deadline = time.monotonic() + within
    while data_version(watcher) == version:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_another_connections_write_moves_data_version_and_shows_in_the_audit(story_store, open_store):
    watcher = open_store()
    version, head = data_version(watcher), watcher.audit_head()
    assert data_version(watcher) == version  # nothing committed: no change
    set_leverage(story_store, "A-1001-M1", Decimal("1.7"), "bob")
    assert moved(watcher, version)
    records = audit_since(watcher, head)
    assert [(r.operator, r.action, r.account_id, r.sleeve_id) for r in records] == [
        ("bob", "set-leverage", "A-1001", "A-1001-M1")]
    assert audit_since(watcher, records[-1].id) == []
