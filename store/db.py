"""Opening the SQLite file: pragmas, forward migrations (PRAGMA user_version) and write transactions.

Plain sqlite3: the console opens a connection per worker, and sqlite-utils costs start-up time that
nothing on the read path needs (it is imported where it does bulk work: the book writer).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.engines import sqlite as dialect
from store.errors import Busy, InvalidInput, NewerSchema, NotFound, Refused
from store.migrations import MIGRATIONS, for_engine, run_script

SCHEMA_VERSION = len(MIGRATIONS)


class BookConnection(sqlite3.Connection):
    """A connection that knows its file and whether it was opened read-only."""

    path: str = ":memory:"
    read_only: bool = False
    read_only_reason: str = "this user cannot write the file or its directory"
    dialect = dialect  # the SQL that differs from PostgreSQL (store/engines/)
    reading: bool = False  # the open transaction is a read snapshot (begin_read), where write() refuses

    def begin_write(self) -> None:
        _begin(self)
        self.reading = False

    def begin_read(self) -> None:
        self.execute("BEGIN")
        self.reading = True

    def run_script(self, script: str) -> None:
        run_script(self, script)


def connect(path: Path | str, busy_timeout_ms: int = 5000, read_only: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the store; the connection belongs to the calling thread.

    A file or directory this process cannot write is opened read-only: reads work, writes are refused. So is any
    book when `read_only` is asked for (a viewer's session): it must exist, and SQLite opens it with mode=ro.
    Nothing is changed (journal mode, schema) until the file is known to be a book this code can read.
    """
    path = Path(path)
    memory = str(path) == ":memory:"
    asked = read_only and not memory
    if asked and not path.is_file():
        raise NotFound(f"no book at {path} to open read-only")
    if not memory and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    read_only = asked or (not memory and path.exists() and not writable(path))
    conn = _open(path, busy_timeout_ms, read_only)
    if asked:
        conn.read_only_reason = "the session was opened read-only"
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        current = schema_version(conn)
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")  # DESIGN.md: a confirmed ACR survives a power cut
        if current < SCHEMA_VERSION and read_only:
            raise Refused(f"the book {path} needs an upgrade to schema {SCHEMA_VERSION} but is read-only here")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def writable(path: Path) -> bool:
    """Whether SQLite may write the book: the file, and its directory (for the -wal and -shm files)."""
    return os.access(path, os.W_OK) and os.access(path.parent or Path("."), os.W_OK)


def _open(path: Path, busy_timeout_ms: int, read_only: bool) -> BookConnection:
    options: dict = {"timeout": busy_timeout_ms / 1000, "isolation_level": None, "factory": BookConnection}
    if not read_only:
        conn = sqlite3.connect(str(path), **options)
    else:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, **options)
        try:
            conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:
            # A WAL book in a directory we cannot write: SQLite cannot make its -shm file. With no -wal file
            # every committed page is in the main file, so read that file as it stands.
            conn.close()
            if Path(f"{path}-wal").exists():
                raise Refused(f"the book {path} is read-only here and has an unmerged write-ahead log") from None
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, **options)
    conn.path, conn.read_only = str(path), read_only
    return conn


def schema_version(conn: BookConnection) -> int:
    """The file's schema version; refuses a file that is not a book, or is a book of a newer margin-console."""
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        foreign = current == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            raise
        raise InvalidInput(f"not a margin-console book: {conn.path}") from None
    if foreign:  # another program's SQLite file: never add our tables to it
        raise InvalidInput(f"not a margin-console book: {conn.path}")
    if current > SCHEMA_VERSION:
        raise NewerSchema(f"the book {conn.path} was written by a newer margin-console (schema {current} > "
                      f"{SCHEMA_VERSION}); nothing was changed: upgrade margin-console to open it")
    return current


def migrate(conn: sqlite3.Connection) -> None:
    """Apply every migration newer than the file's user_version, each in its own transaction."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise NewerSchema(f"the book was written by a newer margin-console (schema {current} > {SCHEMA_VERSION})")
    for number in range(current + 1, SCHEMA_VERSION + 1):
        migration = for_engine(MIGRATIONS[number - 1], dialect.NAME)
        with write(conn):
            if isinstance(migration, str):
                run_script(conn, migration)
            else:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {number}")


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: BEGIN IMMEDIATE so writers queue on the busy timeout instead of deadlocking (on
    PostgreSQL the connection's begin_write queues the same way; store/engines/postgres.py).

    On an error the transaction is rolled back unless SQLite already ended it (it does on a full disk or an
    I/O error); either way the caller sees the original error, never the rollback's.
    """
    if getattr(conn, "read_only", False):
        raise Refused(f"the book {getattr(conn, 'path', '')} is read-only here "
                      f"({getattr(conn, 'read_only_reason', '')}); nothing was changed")
    if conn.in_transaction:
        if getattr(conn, "reading", False):
            # A read snapshot never took the write lock (BEGIN IMMEDIATE; PostgreSQL's advisory lock), and what it
            # read may be stale by now: a write checked against it could break the audit chain or a version check.
            raise Refused("a write inside a read snapshot is refused: end the snapshot, then write in its own "
                          "transaction; nothing was changed")
        conn.execute("SAVEPOINT nested")
        try:
            yield conn
        except BaseException:
            _undo(conn, "ROLLBACK TO nested", "RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    conn.begin_write()
    try:
        yield conn
    except BaseException:
        _undo(conn, "ROLLBACK")
        raise
    conn.execute("COMMIT")


def _begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE; a lock held past the busy timeout is Busy (one clear line), not an OperationalError."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        waited = conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        raise Busy(f"the book is locked by another writer (waited {waited:g} s): nothing was written, "
                   "try again") from error


def _undo(conn: sqlite3.Connection, *statements: str) -> None:
    """Roll back what is still open; a failing rollback must not hide the error that caused it."""
    if not conn.in_transaction:
        return
    try:
        for statement in statements:
            conn.execute(statement)
    except Exception:  # noqa: BLE001, S110 - either engine's error: the caller must see the original one
        pass
