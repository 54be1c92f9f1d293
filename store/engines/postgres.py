"""The book on a PostgreSQL server (psycopg 3), behind the same `conn.execute(sql, params)` as SQLite's.

What the services see is unchanged: `?` and `:name` placeholders, cursors with fetchone/fetchall/description
and lastrowid, `in_transaction`, executemany. What differs is here:

- Writers are serialized, as SQLite's BEGIN IMMEDIATE serializes them: each write transaction takes one
  transaction-scoped advisory lock right after BEGIN (READ COMMITTED). Chosen over SERIALIZABLE with retry
  because the services read, check versions and the audit chain's head, then write, in Python between
  statements: a retry would have to re-run the whole service call, and the audit chain (each row links the
  previous row's hash) would make every concurrent pair of writes a serialization failure anyway. Readers
  never wait (MVCC). A lock held past the busy timeout (lock_timeout) is Busy, one clear line, as on SQLite.
- A read snapshot (Store.snapshot) is REPEATABLE READ: SQLite's deferred BEGIN reads one snapshot too.
- Errors map to the store's: a lock or statement timeout, deadlock or serialization failure is Busy; a unique
  the audit guard (trigger or revoked privilege) is Refused; a read-only session's write is Refused.
- The live book: every write NOTIFYs; a watching console LISTENs (data_version) instead of SQLite's PRAGMA.
- Migrations: the same list (store/migrations.py) run in order, each in its own transaction with its number
  recorded in margin_console_schema; a session advisory lock keeps two hosts from migrating at once.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from store.errors import Busy, InvalidInput, NewerSchema, NotFound, Refused

ORDERED_JOIN = "JOIN"  # PostgreSQL has no ON for CROSS JOIN; its planner orders the join by statistics
NAME = "postgres"
DatabaseError = psycopg.DatabaseError  # the driver's base error, for checks that report instead of stopping
WRITE_LOCK = 0x6D617267696E  # the advisory lock every writer of the book takes ("margin")
MIGRATE_LOCK = WRITE_LOCK + 1
SCHEMA_TABLE = "margin_console_schema"
CHANNEL = "margin_console_book"  # NOTIFY channel of the live book (LISTEN/NOTIFY instead of PRAGMA data_version)
SEARCH_PREFIX_MAX = 10**6  # every prefix is in the tsvector index: no probing limit
# The browser's filter: a tsvector kept by trigger (id, name, custodian; lower-cased, accents removed).
SEARCH_COUNT = "SELECT count(*) FROM accounts WHERE search @@ to_tsquery('simple', unaccent(:q))"
SEARCH_PROBE = "a.search @@ to_tsquery('simple', unaccent(:q))"
SEARCH_COLLECT = SEARCH_PROBE  # no {rowid}: SQLite's planner hint has no meaning here
SEARCH_FIRST = None  # no cheap first-k-in-rowid-order: the browser counts every match, as before
BUSY = (pg_errors.LockNotAvailable, pg_errors.QueryCanceled, pg_errors.DeadlockDetected,
        pg_errors.SerializationFailure)
# `'...'` and `"..."` are copied as they are; `?`, `:name` and a lone `%` are what psycopg must see differently.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|(?<![\w:]):([A-Za-z_]\w*)|%")
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's `?` and `:name` placeholders as psycopg's `%s` and `%(name)s` (string literals untouched)."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token

    return _TOKEN.sub(one, sql)


def redacted(url: str) -> str:
    """The URL without its password, for titles and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))


class Cursor:
    """A psycopg cursor with sqlite3's lastrowid (from `RETURNING id`)."""

    def __init__(self, cursor: psycopg.Cursor[Any], lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())


class PgConnection:
    """One session on the server, shaped like the sqlite3 connection the services use."""

    dialect = __import__("sys").modules[__name__]

    def __init__(self, url: str, busy_timeout_ms: int, read_only: bool) -> None:
        self.path = redacted(url)
        self.read_only = read_only
        self.read_only_reason = "the session was opened read-only"
        self.busy_timeout_ms = busy_timeout_ms
        try:
            self.raw = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise NotFound(f"cannot open the book at {self.path}: {first}") from None
        self.raw.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")
        self._identity: dict[str, bool] = {}
        self.listening, self.changes = False, 0  # the live book's LISTEN (data_version)

    # -- the sqlite3-shaped API ------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        returning = self._returns_id(sql)
        text = translate(sql) + (" RETURNING id" if returning else "")
        cursor = self.raw.cursor()
        with mapped_errors(self):
            cursor.execute(text, params if params is not None else ())
        lastrowid = None
        if returning:
            row = cursor.fetchone()
            lastrowid = int(row[0]) if row else None
        return Cursor(cursor, lastrowid)

    def executemany(self, sql: str, rows: Iterable[Any]) -> Cursor:
        cursor = self.raw.cursor()
        rows = list(rows)
        if rows:
            with mapped_errors(self):
                cursor.executemany(translate(sql), rows)
        return Cursor(cursor)

    def close(self) -> None:
        self.raw.close()

    # -- transactions ----------------------------------------------------------------------------------

    def begin_write(self) -> None:
        """BEGIN and queue behind any other writer of the book (see the module's docstring)."""
        self.raw.execute("BEGIN")
        try:
            with mapped_errors(self):
                self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise

    def begin_read(self) -> None:
        """One snapshot for several queries, as SQLite's deferred BEGIN reads one."""
        self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")

    def run_script(self, script: str) -> None:
        """Several statements at once (DDL), no parameters."""
        with mapped_errors(self):
            self.raw.execute(script)

    def _returns_id(self, sql: str) -> bool:
        """Whether an INSERT into a table with a generated id should return it (sqlite3's lastrowid)."""
        match = _INSERT.match(sql)
        if not match or "RETURNING" in sql.upper():
            return False
        table = match.group(1).lower()
        if table not in self._identity:
            self._identity[table] = self.raw.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s AND column_name = 'id' AND is_identity = 'YES'", [table]).fetchone()[0] > 0
        return self._identity[table]


class mapped_errors:
    """psycopg's errors as the store's: one clear line for the operator, as the SQLite engine gives."""

    def __init__(self, conn: PgConnection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> bool:
        if error is None or not isinstance(error, psycopg.Error):
            return False
        message = error.diag.message_primary or str(error)
        if isinstance(error, BUSY):
            raise Busy(f"the book is locked by another writer (waited {self.conn.busy_timeout_ms / 1000:g} s): "
                       "nothing was written, try again") from error
        if isinstance(error, (pg_errors.RaiseException, pg_errors.InsufficientPrivilege)) and "audit" in str(error):
            raise Refused("the audit log is append-only: " + message) from error
        if isinstance(error, pg_errors.ReadOnlySqlTransaction):
            raise Refused(f"the book {self.conn.path} is read-only here ({self.conn.read_only_reason}); "
                          "nothing was changed") from error
        return False  # anything else (a constraint violation) stays the driver's error, as sqlite3's does on SQLite


# -- opening and migrating ---------------------------------------------------------------------------------

def connect(url: str, busy_timeout_ms: int = 5000, read_only: bool = False) -> PgConnection:
    """Open the book on the server and bring its schema up to date (refused read-only or newer)."""
    from store.db import SCHEMA_VERSION  # the SQLite engine's module owns the count of the one list

    conn = PgConnection(url, busy_timeout_ms, read_only)
    try:
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise NewerSchema(f"the book {conn.path} was written by a newer margin-console (schema {current} > "
                              f"{SCHEMA_VERSION}); nothing was changed: upgrade margin-console to open it")
        if current < SCHEMA_VERSION:
            if read_only:
                raise Refused(f"the book {conn.path} needs an upgrade to schema {SCHEMA_VERSION} but is read-only "
                              "here")
            migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def schema_version(conn: PgConnection) -> int:
    """The recorded schema version; 0 on an empty database, refused on another program's database."""
    has_table = conn.raw.execute("SELECT to_regclass(%s) IS NOT NULL", [SCHEMA_TABLE]).fetchone()[0]
    if has_table:
        return int(conn.raw.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_TABLE}").fetchone()[0])
    foreign = conn.raw.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_schema = current_schema()").fetchone()[0]
    if foreign:  # another program's database: never add our tables to it
        raise InvalidInput(f"not a margin-console book: {conn.path}")
    return 0


def migrate(conn: PgConnection) -> None:
    """Every migration newer than the recorded version, each in its own transaction with its number recorded."""
    from store import db
    from store.migrations import for_engine

    conn.raw.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])  # another host may be migrating right now
    try:
        conn.raw.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version INTEGER PRIMARY KEY, "
                         "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        current = schema_version(conn)
        for number in range(current + 1, db.SCHEMA_VERSION + 1):
            migration = for_engine(db.MIGRATIONS[number - 1], NAME)
            conn.begin_write()
            try:
                if isinstance(migration, str):
                    conn.run_script(migration)
                else:
                    migration(conn)
                conn.raw.execute(f"INSERT INTO {SCHEMA_TABLE} (version) VALUES (%s)", [number])
            except BaseException:
                conn.raw.execute("ROLLBACK")
                raise
            conn.raw.execute("COMMIT")
    finally:
        conn.raw.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])


# -- the pieces of SQL that differ from SQLite (same names in store/engines/sqlite.py) ----------------------

def search_terms(words: list[str]) -> str:
    """Each word a prefix term; all must match (words are letters and digits only: nothing to escape)."""
    return " & ".join(f"{w}:*" for w in words)


def group_concat(expr: str) -> str:
    return f"string_agg(DISTINCT {expr}, ',')"


def insert_rows(conn: PgConnection, table: str, rows: Iterable[dict[str, Any]], replace: bool = False,
                batch: int = 100) -> None:
    """Bulk insert in executemany batches (psycopg pipelines them); `replace` upserts on the primary key."""
    rows = list(rows)
    if not rows:
        return
    columns = list(dict.fromkeys(c for row in rows for c in row))
    names = ", ".join(columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    if replace:
        keys = primary_key(conn, table)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
        sql += f" ON CONFLICT ({', '.join(keys)}) " + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
    with mapped_errors(conn):
        conn.raw.cursor().executemany(sql, [tuple(row.get(c) for c in columns) for row in rows])


def primary_key(conn: PgConnection, table: str) -> list[str]:
    return [r[0] for r in conn.raw.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary", [table]).fetchall()]


def rebuild_search(conn: PgConnection) -> None:
    """Nothing to do: the accounts' search vector is kept by a trigger on every insert and update."""


def announce(conn: PgConnection, audit_id: int) -> None:
    """Tell every listening console that the book changed (NOTIFY is delivered when the write commits, never if
    it rolls back)."""
    conn.raw.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(audit_id)])


def data_version(conn: PgConnection) -> int:
    """How many commits this connection has heard of since it first asked: LISTEN on the first call, then the
    notifications already delivered are counted without a query (the live book's once-a-second look costs the
    server nothing). Every write announces itself (Store.audit), so the number moves when another host commits."""
    if not conn.listening:
        conn.raw.execute(f"LISTEN {CHANNEL}")
        conn.listening = True
    conn.changes += sum(1 for _ in conn.raw.notifies(timeout=0))
    return conn.changes


def file_problems(conn: PgConnection) -> list[str]:
    """The server checks its own pages (data checksums, amcheck for a DBA); nothing for a client to read."""
    return []


def foreign_key_problems(conn: PgConnection) -> list[str]:
    """None by construction: PostgreSQL enforces every foreign key on every connection, always."""
    return []


def book_tables(conn: PgConnection) -> list[str]:
    """The book's tables (not the schema bookkeeping)."""
    return [r[0] for r in conn.raw.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' AND table_name != %s", [SCHEMA_TABLE]).fetchall()]


def after_copy(conn: PgConnection) -> None:
    """Rows copied with their ids: move every identity column's sequence past the highest id."""
    for table, column in conn.raw.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND is_identity = 'YES'").fetchall():
        conn.raw.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({column}), 0) + 1, false) "
                         f"FROM {table}", [table, column])


def table_columns(conn: PgConnection, table: str) -> set[str]:
    return {r[0] for r in conn.raw.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s", [table]).fetchall()}
