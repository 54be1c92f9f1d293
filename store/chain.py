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


def chain_existing_rows(conn: sqlite3.Connection) -> None:
    """Link every row in id order (migration 4; the caller lifts the update guard around it)."""
    prev = GENESIS
    for row in conn.execute(f"SELECT {CONTENT_SQL} FROM audit ORDER BY id").fetchall():
        digest = link_hash(prev, tuple(row))
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row[-1]])
        prev = digest
