"""The audit trail, newest first."""
from __future__ import annotations

from calc.views import AuditRecord
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


def audit_head(store: Store) -> int:
    """The audit log's last id (0 when empty)."""
    return int(store.scalar("SELECT coalesce(max(id), 0) FROM audit"))
