"""Opening the SQLite file: pragmas, forward migrations (PRAGMA user_version) and write transactions.

Plain sqlite3: the console opens a connection per worker, and sqlite-utils costs start-up time that
nothing on the read path needs (it is imported where it does bulk work: the book writer).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from store.chain import chain_existing_rows
from store.errors import Busy, InvalidInput, NewerSchema, NotFound, Refused

# A migration is a SQL script, or a Python callable given the connection inside the migration's transaction.
Migration = str | Callable[[sqlite3.Connection], None]

AUDIT_GUARD = """
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def _chain_audit(conn: sqlite3.Connection) -> None:
    """Migration 4: hash-chain the audit log, and refuse REPLACE (which deletes without firing delete triggers).

    Safe to rerun on a file that already has the columns (a file whose user_version was lowered).
    """
    columns = {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
    for column in ("prev_hash", "hash"):
        if column not in columns:
            conn.execute(f"ALTER TABLE audit ADD COLUMN {column} TEXT")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    chain_existing_rows(conn)
    _run_script(conn, AUDIT_GUARD + """
    DROP TRIGGER IF EXISTS audit_no_replace;
    CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
        WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: a row cannot be replaced'); END;
    """)


MIGRATIONS: list[Migration] = [
    # 1: the book, the ACRs and orders, the append-only audit log.
    """
    CREATE TABLE prices (
        symbol TEXT PRIMARY KEY,
        price TEXT NOT NULL,
        as_of TEXT NOT NULL,
        marginable INTEGER NOT NULL DEFAULT 1,
        maintenance TEXT,
        leverage_factor TEXT
    );
    CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        manager TEXT NOT NULL DEFAULT '',
        tactical INTEGER NOT NULL DEFAULT 0,
        cash TEXT NOT NULL DEFAULT '0',
        weights TEXT NOT NULL
    );
    CREATE TABLE rates (
        custodian TEXT NOT NULL,
        min_debit_cents INTEGER NOT NULL,
        annual_rate TEXT NOT NULL,
        PRIMARY KEY (custodian, min_debit_cents)
    );
    CREATE TABLE accounts (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        custodian TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL CHECK (type IN ('margin', 'cash', 'ira')),
        margin_enabled INTEGER NOT NULL,
        house_maintenance TEXT NOT NULL,
        max_leverage TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        updated_by TEXT,
        updated_at TEXT,
        nav_cents INTEGER NOT NULL DEFAULT 0,
        max_saved_leverage REAL NOT NULL DEFAULT 1.0,
        diag_codes TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE sleeves (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        model TEXT REFERENCES models(id),
        cash_cents INTEGER NOT NULL,
        leverage TEXT NOT NULL,
        applied_leverage TEXT NOT NULL,
        track_manager INTEGER NOT NULL,
        cash_reserve TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        target_version INTEGER NOT NULL DEFAULT 1,
        updated_by TEXT,
        updated_at TEXT
    );
    CREATE INDEX sleeves_account ON sleeves(account_id, seq);
    CREATE TABLE positions (
        sleeve_id TEXT NOT NULL REFERENCES sleeves(id),
        symbol TEXT NOT NULL,
        quantity TEXT NOT NULL,
        PRIMARY KEY (sleeve_id, symbol)
    ) WITHOUT ROWID;
    CREATE INDEX positions_symbol ON positions(symbol);
    CREATE TABLE account_diagnostics (
        account_id TEXT NOT NULL REFERENCES accounts(id),
        code TEXT NOT NULL,
        sleeve_id TEXT,
        detail TEXT NOT NULL
    );
    CREATE INDEX account_diagnostics_account ON account_diagnostics(account_id);
    CREATE INDEX account_diagnostics_code ON account_diagnostics(code, account_id);
    CREATE TABLE acrs (
        id INTEGER PRIMARY KEY,
        request_key TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        sleeve_id TEXT NOT NULL REFERENCES sleeves(id),
        kind TEXT NOT NULL,
        amount_cents INTEGER NOT NULL DEFAULT 0,
        leverage TEXT NOT NULL,
        status TEXT NOT NULL,
        code TEXT,
        reason TEXT NOT NULL DEFAULT '',
        checklist TEXT NOT NULL,
        operator TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX acrs_account ON acrs(account_id, id);
    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        acr_id INTEGER NOT NULL REFERENCES acrs(id),
        seq INTEGER NOT NULL,
        sleeve_id TEXT NOT NULL REFERENCES sleeves(id),
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity TEXT NOT NULL,
        price TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'new',
        filled_quantity TEXT NOT NULL DEFAULT '0',
        fill_price TEXT,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX orders_acr ON orders(acr_id, seq);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        action TEXT NOT NULL,
        account_id TEXT,
        sleeve_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_account ON audit(account_id, id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE VIRTUAL TABLE accounts_fts USING fts5(
        id, name, custodian, content='accounts', content_rowid='rowid', prefix='1 2 3'
    );
    """,
    # 2: guided pre-margin walkthroughs, each step's outcome kept for the support ticket. The run's own saves
    # and ACRs are the audit rows after audit_mark (the log's last id at the start) up to audit_end (its finish).
    """
    CREATE TABLE walkthrough_runs (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        sleeve_id TEXT NOT NULL REFERENCES sleeves(id),
        operator TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'incomplete')),
        audit_mark INTEGER NOT NULL DEFAULT 0,
        audit_end INTEGER
    );
    CREATE INDEX walkthrough_runs_account ON walkthrough_runs(account_id, id);
    CREATE TABLE walkthrough_steps (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES walkthrough_runs(id),
        step TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'skipped', 'blocked', 'retried')),
        reason TEXT NOT NULL DEFAULT '',
        evaluated TEXT NOT NULL DEFAULT '',
        confirmed TEXT NOT NULL DEFAULT '',
        acr_id INTEGER REFERENCES acrs(id),
        operator TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL
    );
    CREATE INDEX walkthrough_steps_run ON walkthrough_steps(run_id, id);
    """,
    # 3: an ACR fired from a walkthrough run names the run, so a run's ACRs are a join, not an audit scan.
    """
    ALTER TABLE acrs ADD COLUMN walkthrough_run INTEGER REFERENCES walkthrough_runs(id);
    CREATE INDEX acrs_walkthrough_run ON acrs(walkthrough_run) WHERE walkthrough_run IS NOT NULL;
    UPDATE acrs SET walkthrough_run = (
        SELECT r.id FROM walkthrough_runs r JOIN audit au ON au.account_id = r.account_id
            AND au.sleeve_id = r.sleeve_id AND au.id > r.audit_mark AND (r.audit_end IS NULL OR au.id <= r.audit_end)
        WHERE au.action IN ('acr-built', 'acr-failed') AND json_extract(au.detail, '$.acr') = acrs.id
        ORDER BY r.id LIMIT 1);
    """,
    # 4: the audit log becomes tamper-evident (prev_hash, hash; store/chain.py) and refuses INSERT OR REPLACE.
    _chain_audit,
    # 5: the accounts following a model are an index lookup (a price load refreshes the sleeves targeting a symbol).
    "CREATE INDEX IF NOT EXISTS sleeves_model ON sleeves(model) WHERE model IS NOT NULL;",
]

SCHEMA_VERSION = len(MIGRATIONS)


class BookConnection(sqlite3.Connection):
    """A connection that knows its file and whether it was opened read-only."""

    path: str = ":memory:"
    read_only: bool = False
    read_only_reason: str = "this user cannot write the file or its directory"


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
        migration = MIGRATIONS[number - 1]
        with write(conn):
            if isinstance(migration, str):
                _run_script(conn, migration)
            else:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {number}")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    for statement in _statements(script):
        conn.execute(statement)


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: BEGIN IMMEDIATE so writers queue on the busy timeout instead of deadlocking.

    On an error the transaction is rolled back unless SQLite already ended it (it does on a full disk or an
    I/O error); either way the caller sees the original error, never the rollback's.
    """
    if getattr(conn, "read_only", False):
        raise Refused(f"the book {getattr(conn, 'path', '')} is read-only here "
                      f"({getattr(conn, 'read_only_reason', '')}); nothing was changed")
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield conn
        except BaseException:
            _undo(conn, "ROLLBACK TO nested", "RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    _begin(conn)
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
    except sqlite3.Error:
        pass
