"""The audit trail, newest first, and the check of its hash chain."""
from __future__ import annotations

from typing import Any

from calc.integrity import ChainReport
from calc.views import AuditRecord
from store.chain import CONTENT_SQL, GENESIS, link_hash
from store.core import Store
from store.errors import NotFound
from store.mapping import audit_from_row


def audit_trail(store: Store, account_id: str | None = None, limit: int = 200) -> list[AuditRecord]:
    """The newest audit rows, of one account or of the book."""
    if account_id is not None:
        if store.scalar("SELECT 1 FROM accounts WHERE id = ?", [account_id]) is None:
            raise NotFound(f"no account {account_id}")
        found = store.rows("SELECT * FROM audit WHERE account_id = ? ORDER BY id DESC LIMIT ?", [account_id, limit])
    else:
        found = store.rows("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit])
    return [audit_from_row(r) for r in found]


def data_version(store: Store) -> int:
    """A number that moves when another connection commits (SQLite's PRAGMA data_version; one poll per connection)."""
    return store.conn.dialect.data_version(store.conn)


def audit_since(store: Store, after_id: int, limit: int = 500) -> list[AuditRecord]:
    """The audit rows after `after_id`, oldest first: what was written since a watcher last looked."""
    found = store.rows("SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit])
    return [audit_from_row(r) for r in found]


def verify_chain(store: Store) -> ChainReport:
    """Walk the audit log in id order and report the first row whose link or hash does not hold."""
    prev = GENESIS
    rows = 0
    cursor = store.execute(f"SELECT {CONTENT_SQL}, prev_hash, hash FROM audit ORDER BY id")
    for row in cursor:
        rows += 1
        content, prev_hash, digest = tuple(row[:-2]), row[-2], row[-1]
        row_id = content[-1]
        if prev_hash != prev:
            return _broken(cursor, rows, row_id, f"prev_hash {_short(prev_hash)} does not match the previous "
                                                 f"row's hash {_short(prev)} (a row was removed, inserted or edited)")
        expected = link_hash(prev, content)
        if digest != expected:
            return _broken(cursor, rows, row_id, f"hash {_short(digest)} does not match its content "
                                                 f"(expected {_short(expected)}: the row was edited or written "
                                                 "outside the store)")
        prev = digest
    return ChainReport(rows)


def _broken(cursor: Any, seen: int, row_id: int, problem: str) -> ChainReport:
    return ChainReport(seen + len(cursor.fetchall()), row_id, problem)


def _short(digest: str | None) -> str:
    return "none" if digest is None else (digest[:12] or "''")
