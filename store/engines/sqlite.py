"""SQLite's pieces of SQL that PostgreSQL spells differently (store/engines/postgres.py has the same names).

The connection itself, its pragmas, migrations bookkeeping (PRAGMA user_version) and BEGIN IMMEDIATE are in
store/db.py, the SQLite engine's opener.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

ORDERED_JOIN = "CROSS JOIN"  # SQLite keeps a CROSS JOIN's table order (a planner hint; with ON it is an inner join)
NAME = "sqlite"
DatabaseError = sqlite3.DatabaseError  # the driver's base error, for checks that report instead of stopping
STORAGE_CHECK = "sqlite"  # doctor --integrity's name for file_problems (PRAGMA integrity_check)
SEARCH_PREFIX_MAX = 3  # accounts_fts is built with prefix="1 2 3": a longer prefix is not in the index
# The browser's filter: FTS5 over id, name and custodian (unicode61 folds case and diacritics).
SEARCH_COUNT = "SELECT count(*) FROM accounts_fts WHERE accounts_fts MATCH :q"
ACCOUNT_COUNT = "SELECT count(*) FROM accounts"  # the smallest index's b-tree: fast enough on SQLite
SEARCH_PROBE = "EXISTS (SELECT 1 FROM accounts_fts f WHERE f.accounts_fts MATCH :q AND f.rowid = a.rowid)"
SEARCH_COLLECT = "{rowid} IN (SELECT rowid FROM accounts_fts WHERE accounts_fts MATCH :q)"  # rowid: a.rowid or +a.rowid
# The first :k matches in rowid order: FTS5 yields its matches in rowid order, so this stops after k
# (0.1 ms for "s" at 1,000,000 accounts, where counting every match takes 31 ms).
SEARCH_FIRST = "SELECT rowid FROM accounts_fts WHERE accounts_fts MATCH :q ORDER BY rowid LIMIT :k"


def search_terms(words: list[str]) -> str:
    """Each word a prefix term; all must match."""
    return " AND ".join(f'"{w}"*' for w in words)


def group_concat(expr: str) -> str:
    """The distinct values of `expr` joined by commas."""
    return f"group_concat(DISTINCT {expr})"


def insert_rows(conn: sqlite3.Connection, table: str, rows: Iterable[dict[str, Any]], replace: bool = False,
                batch: int = 100) -> None:
    """Rows of one table through one prepared statement (`replace`: INSERT OR REPLACE on the key)."""
    rows = list(rows)
    if not rows:
        return
    columns = list(dict.fromkeys(c for row in rows for c in row))
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    conn.executemany(f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [tuple(row.get(c) for c in columns) for row in rows])


def rebuild_search(conn: sqlite3.Connection) -> None:
    """Rebuild the external-content FTS5 index from the accounts table."""
    conn.execute("INSERT INTO accounts_fts (accounts_fts) VALUES ('rebuild')")


def announce(conn: sqlite3.Connection, audit_id: int) -> None:
    """Nothing to send: another connection's PRAGMA data_version moves when this write commits."""


def data_version(conn: sqlite3.Connection) -> int:
    """PRAGMA data_version: it moves when another connection commits."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def file_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own check of the file: pages, b-trees, indexes against their tables."""
    found = [" ".join(str(r[0]).split()) for r in conn.execute("PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


def foreign_key_problems(conn: sqlite3.Connection) -> list[str]:
    """Rows that refer to a row that does not exist (SQLite checks keys only on connections that ask)."""
    return [f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]


def book_tables(conn: sqlite3.Connection) -> list[str]:
    """The book's tables (not SQLite's own, nor the FTS5 index's shadow tables)."""
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'accounts_fts%'")]


def after_copy(conn: sqlite3.Connection) -> None:
    """Rows copied in bulk: the full-text index is rebuilt from the accounts."""
    rebuild_search(conn)


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
