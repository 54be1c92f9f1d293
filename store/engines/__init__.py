"""Which engine holds the book, chosen once at open from the --db value.

A path or `sqlite:///PATH` is a SQLite file (the embedded default); `postgresql://...` (or `postgres://...`) is a
PostgreSQL server that several hosts share. Everything that differs between the two lives in one module per
engine (store/engines/sqlite.py, store/engines/postgres.py); every connection carries its module as `dialect`,
so services and queries ask `conn.dialect` for the few pieces of SQL that differ and never test the engine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

SERVER_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"


def is_server(db: Path | str) -> bool:
    """Whether the --db value names a PostgreSQL server rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(SERVER_SCHEMES)


def book_location(db: Path | str) -> Path | str:
    """The --db value as the store keeps it: a server URL as given, anything else as a file path."""
    if is_server(db):
        return db
    text = str(db)
    return Path(text[len(SQLITE_SCHEME) - 1:] if text.startswith(SQLITE_SCHEME) else text)


def display_name(db: Path | str) -> str:
    """How the console's title names the book: the file's name, or the server's database (no password)."""
    if is_server(db):
        from store.engines.postgres import redacted

        return redacted(str(db))
    return Path(db).name


def connect(db: Path | str, busy_timeout_ms: int = 5000, read_only: bool = False) -> Any:
    """Open and migrate the book on its engine; psycopg is imported only when a server is named."""
    if is_server(db):
        from store.engines.postgres import connect as connect_server

        return connect_server(str(db), busy_timeout_ms, read_only)
    from store.db import connect as connect_file

    return connect_file(book_location(db), busy_timeout_ms, read_only)
