"""The audit log's hash chain: each row's hash covers the previous row's hash and the row's own content.

Plain hashing, shared by migration 4 (chaining the rows of an older book), Store.audit (appending) and the
verifier (store/queries/audit.py), so the three agree on one canonical form.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

GENESIS = "0" * 64  # the prev_hash of the first row
CONTENT = ("at", "operator", "action", "account_id", "sleeve_id", "detail", "id")
CONTENT_SQL = ", ".join(CONTENT)
INSERT = f"INSERT INTO audit ({CONTENT_SQL}, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
# One row to append: at, operator, action, account_id, sleeve_id, detail (stored as sorted-key JSON).
AuditRow = tuple[str, str, str, "str | None", "str | None", dict[str, Any]]


def link_hash(prev_hash: str, content: tuple[Any, ...]) -> str:
    """sha256 over the previous row's hash and this row's canonical content (CONTENT, in that order)."""
    canonical = json.dumps(list(content), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The last row's id and hash, or (0, GENESIS) on an empty log: what the next row links to."""
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return 0, GENESIS
    return int(row[0]), row[1] or ""


def append_audit(conn: sqlite3.Connection, rows: list[AuditRow]) -> int:
    """Append rows in order, each chained to the one before, in one statement (inside the caller's write
    transaction, which holds the book's write lock: the head read here stays the head); the last row's id."""
    last_id, prev_hash = chain_head(conn)
    values = []
    for at, operator, action, account_id, sleeve_id, detail in rows:
        last_id += 1
        content = (at, operator, action, account_id, sleeve_id, json.dumps(detail, default=str, sort_keys=True),
                   last_id)
        digest = link_hash(prev_hash, content)
        values.append((*content, prev_hash, digest))
        prev_hash = digest
    conn.executemany(INSERT, values)
    conn.dialect.announce(conn, last_id)  # type: ignore[attr-defined]  # the live book: once per statement
    return last_id


def chain_existing_rows(conn: sqlite3.Connection) -> None:
    """Link every row in id order (migration 4; the caller lifts the update guard around it)."""
    prev = GENESIS
    for row in conn.execute(f"SELECT {CONTENT_SQL} FROM audit ORDER BY id").fetchall():
        digest = link_hash(prev, tuple(row))
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row[-1]])
        prev = digest
