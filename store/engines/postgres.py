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
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from store.engines.postgres_sql import PLAIN_INSERT, batches, positional, redacted, translate
from store.errors import Busy, InvalidInput, NewerSchema, NotFound, Refused

ORDERED_JOIN = "JOIN"  # PostgreSQL has no ON for CROSS JOIN; its planner orders the join by statistics
NAME = "postgres"
DatabaseError = psycopg.DatabaseError  # the driver's base error, for checks that report instead of stopping
STORAGE_CHECK = None  # doctor --integrity runs no storage check: the server checks its own pages (file_problems)
WRITE_LOCK = 0x6D617267696E  # the advisory lock every writer of the book takes ("margin")
MIGRATE_LOCK = WRITE_LOCK + 1
SCHEMA_TABLE = "margin_console_schema"
CHANNEL = "margin_console_book"  # NOTIFY channel of the live book (LISTEN/NOTIFY instead of PRAGMA data_version)
SEARCH_PREFIX_MAX = 10**6  # every prefix is in the tsvector index: no probing limit
# The browser's filter: a tsvector kept by trigger (id, name, custodian; lower-cased, accents removed) that the page
# walks or collects with (the planner picks), and its total from kept counts per word, or the index's own AND of a
# few words (migration 9, store/engines/postgres_terms.py: not a read of every row a broad prefix matches).
SEARCH_COUNT = "SELECT account_search_count(:q)"
ACCOUNT_COUNT = "SELECT accounts FROM book_size"  # kept by statement triggers: count(*) reads the whole table here
DERIVED_TABLES = ("term_counts", "book_size")  # kept by triggers from the accounts: not copied, not the book's
# Probing walks the accounts in the page's order and tests each row's vector (about a microsecond a row): IS TRUE
# keeps the planner off the GIN index, whose estimate for a short prefix can be 500 times too low ("A-0": 175 rows
# estimated, 99,999 found, then sorted). Collecting leaves it the index (no {rowid}: SQLite's planner hint).
SEARCH_COLLECT = "a.search @@ account_query(:q)"  # folded to a constant at plan time (migration 10)
SEARCH_PROBE = f"({SEARCH_COLLECT}) IS TRUE"
SEARCH_FIRST = None  # no cheap first-k-in-rowid-order: the total comes from the kept counts above
BUSY = (pg_errors.LockNotAvailable, pg_errors.QueryCanceled, pg_errors.DeadlockDetected,
        pg_errors.SerializationFailure)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)


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
        # psycopg prepares a statement it has run 5 times, and after 5 more the server may plan it once for any
        # parameters: the browser's page (one SQL text for every filter) then walked or collected as it had for
        # another filter (the filter bench's median went 5 -> 25 ms a keystroke after its first round). Plan each
        # execution for its own values; the statement is still parsed once.
        self.raw.execute("SET plan_cache_mode = force_custom_plan")
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")
        self._identity: dict[str, bool] = {}
        self.listening, self.changes = False, 0  # the live book's LISTEN (data_version)
        self.reading = False  # the open transaction is a read snapshot (begin_read): store.db.write refuses in it

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
        """A plain INSERT ... VALUES (...) goes as multi-row statements (statement triggers then run once per
        batch, not per row: migration 9's counts); anything else one execution per row, pipelined by psycopg."""
        cursor = self.raw.cursor()
        rows = list(rows)
        plain = PLAIN_INSERT.match(sql)
        if rows and plain:
            values, order = positional(plain.group(2))
            for batch in batches(rows, len(order)):
                with mapped_errors(self):
                    cursor.execute(translate(plain.group(1)) + ", ".join([values] * len(batch)),
                                   [row[k] for row in batch for k in order])
        elif rows:
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
        self.reading = False

    def begin_read(self) -> None:
        """One snapshot for several queries, as SQLite's deferred BEGIN reads one (no write lock: no writes)."""
        self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        self.reading = True

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
    """Bulk insert as multi-row statements (as executemany sends them: a copy's accounts are counted per batch);
    `replace` upserts on the primary key, a row at a time (pipelined: one key may come twice)."""
    rows = list(rows)
    if not rows:
        return
    columns = list(dict.fromkeys(c for row in rows for c in row))
    names, values = ", ".join(columns), f"({', '.join(['%s'] * len(columns))})"
    if not replace:
        for chunk in batches(rows, len(columns)):
            with mapped_errors(conn):
                conn.raw.execute(f"INSERT INTO {table} ({names}) VALUES " + ", ".join([values] * len(chunk)),
                                 [row.get(c) for row in chunk for c in columns])
        return
    keys = primary_key(conn, table)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
    sql = (f"INSERT INTO {table} ({names}) VALUES {values} ON CONFLICT ({', '.join(keys)}) "
           + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING"))
    with mapped_errors(conn):
        conn.raw.cursor().executemany(sql, [tuple(row.get(c) for c in columns) for row in rows])


def primary_key(conn: PgConnection, table: str) -> list[str]:
    return [r[0] for r in conn.raw.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary", [table]).fetchall()]


def rebuild_search(conn: PgConnection) -> None:
    """After a bulk write: the search vector and terms are kept by triggers, but the planner's statistics wait for
    autovacuum; without them the first filters after a 100,000-account import pick poor plans (seconds)."""
    conn.execute("ANALYZE accounts, term_counts")


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
    """The book's tables (not the schema bookkeeping, nor what triggers derive from the accounts)."""
    return [r[0] for r in conn.raw.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' AND table_name != %s", [SCHEMA_TABLE]).fetchall()
        if r[0] not in DERIVED_TABLES]


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
