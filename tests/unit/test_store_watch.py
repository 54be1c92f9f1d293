"""What the live book polls: PRAGMA data_version moves when another connection commits, and audit_since says who."""
from __future__ import annotations

from decimal import Decimal

from store.queries.audit import audit_head, audit_since, data_version
from store.sleeves import set_leverage


def test_another_connections_write_moves_data_version_and_shows_in_the_audit(story_store, open_store):
    watcher = open_store()
    version, head = data_version(watcher), audit_head(watcher)
    assert data_version(watcher) == version  # nothing committed: no change
    set_leverage(story_store, "A-1001-M1", Decimal("1.7"), "bob")
    assert data_version(watcher) != version
    records = audit_since(watcher, head)
    assert [(r.operator, r.action, r.account_id, r.sleeve_id) for r in records] == [
        ("bob", "set-leverage", "A-1001", "A-1001-M1")]
    assert audit_since(watcher, records[-1].id) == []
