"""The book's schema as forward migrations, one list both engines run in order (store/db.py records the number in
PRAGMA user_version, store/engines/postgres.py in a schema table).

A migration is SQL both engines run, a Python callable given the connection (either engine's: `?` placeholders
work on both), or a PerEngine pair where the SQL differs (PostgreSQL's halves are in store/engines/postgres_schema.py).
Never edit a migration that has shipped: add the next one. A migration a test may rerun (on a file whose
user_version was lowered) is written to be safe to rerun.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from store.engines import postgres_schema as pg
from store.engines.postgres_terms import QUERY, byte_order_and_terms

# A migration is a SQL script, or a Python callable given the connection inside the migration's transaction.
Step = str | Callable[[Any], None]


class PerEngine(NamedTuple):
    """One migration written once per engine."""

    sqlite: Step
    postgres: Step


Migration = Step | PerEngine


def for_engine(migration: Migration, engine: str) -> Step:
    """The migration as `engine` ("sqlite" or "postgres") runs it."""
    return getattr(migration, engine) if isinstance(migration, PerEngine) else migration

AUDIT_GUARD = """
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def _summary_columns(conn: sqlite3.Connection) -> None:
    """Migration 7: the highest applied leverage and the call distance (NULL: no debit) join the summary, so the
    browser shows pending leverage and sorts by distance without loading accounts; then every summary is
    filled in by the summary's one computation. Safe to rerun (a file whose user_version was lowered)."""
    # Imported late: the summary imports calc and the mapping, which the other migrations do not need.
    from store.summary import backfill_columns

    columns = {r[1] for r in conn.execute("PRAGMA table_info(accounts)")}
    for column, kind in (("max_applied_leverage", "REAL NOT NULL DEFAULT 1.0"), ("call_distance", "REAL")):
        if column not in columns:
            conn.execute(f"ALTER TABLE accounts ADD COLUMN {column} {kind}")
    backfill_columns(conn, ("max_applied_leverage", "call_distance"))


def _summary_columns_pg(conn: Any) -> None:
    """Migration 7 on PostgreSQL: the same columns and the same backfill."""
    from store.summary import backfill_columns

    conn.run_script(pg.SCHEMA_7)
    backfill_columns(conn, ("max_applied_leverage", "call_distance"))


def _four_eyes(conn: Any) -> None:
    """Migration 8: operators and their roles, the four-eyes policy, and what the ACR lifecycle keeps on an ACR
    (the previewed build of an awaiting one, who asked and who decided, the applied leverage it replaced, the ACR
    it resubmits). Safe to rerun (a file whose user_version was lowered)."""
    conn.run_script("""
    CREATE TABLE IF NOT EXISTS operators (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'admin')),
        active INTEGER NOT NULL DEFAULT 1,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        leverage_above TEXT,
        notional_above TEXT,
        in_call INTEGER NOT NULL DEFAULT 0,
        withdrawals INTEGER NOT NULL DEFAULT 0,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS acrs_status ON acrs(status, id);
    """)
    columns = conn.dialect.table_columns(conn, "acrs")
    for column, kind in (("preview", "TEXT"), ("requesters", "TEXT NOT NULL DEFAULT '[]'"), ("decided_by", "TEXT"),
                         ("decided_at", "TEXT"), ("decision_reason", "TEXT NOT NULL DEFAULT ''"),
                         ("prior_applied", "TEXT"), ("submitted_at", "TEXT"),
                         ("resubmit_of", "INTEGER REFERENCES acrs(id)")):
        if column not in columns:
            conn.execute(f"ALTER TABLE acrs ADD COLUMN {column} {kind}")


def _recompute_mark(conn: sqlite3.Connection) -> None:
    """Migration 12 on SQLite: summary_rules.recomputed_through, the last account a recompute under way has done
    (NULL: every account is computed by the recorded rules). Safe to rerun (a file whose user_version was lowered)."""
    if "recomputed_through" not in conn.dialect.table_columns(conn, "summary_rules"):
        conn.execute("ALTER TABLE summary_rules ADD COLUMN recomputed_through TEXT")


def _chain_audit(conn: sqlite3.Connection) -> None:
    """Migration 4: hash-chain the audit log, and refuse REPLACE (which deletes without firing delete triggers).

    Safe to rerun on a file that already has the columns (a file whose user_version was lowered).
    """
    from store.chain import chain_existing_rows  # hashlib: a book at version 4 or later never runs this

    columns = {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
    for column in ("prev_hash", "hash"):
        if column not in columns:
            conn.execute(f"ALTER TABLE audit ADD COLUMN {column} TEXT")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    chain_existing_rows(conn)
    run_script(conn, AUDIT_GUARD + """
    DROP TRIGGER IF EXISTS audit_no_replace;
    CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
        WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: a row cannot be replaced'); END;
    """)


MIGRATIONS: list[Migration] = [
    # 1: the book, the ACRs and orders, the append-only audit log.
    PerEngine(sqlite="""
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
    """, postgres=pg.SCHEMA_1),
    # 2: guided pre-margin walkthroughs, each step's outcome kept for the support ticket. The run's own saves
    # and ACRs are the audit rows after audit_mark (the log's last id at the start) up to audit_end (its finish).
    PerEngine(sqlite="""
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
    """, postgres=pg.SCHEMA_2),
    # 3: an ACR fired from a walkthrough run names the run, so a run's ACRs are a join, not an audit scan.
    PerEngine(sqlite="""
    ALTER TABLE acrs ADD COLUMN walkthrough_run INTEGER REFERENCES walkthrough_runs(id);
    CREATE INDEX acrs_walkthrough_run ON acrs(walkthrough_run) WHERE walkthrough_run IS NOT NULL;
    UPDATE acrs SET walkthrough_run = (
        SELECT r.id FROM walkthrough_runs r JOIN audit au ON au.account_id = r.account_id
            AND au.sleeve_id = r.sleeve_id AND au.id > r.audit_mark AND (r.audit_end IS NULL OR au.id <= r.audit_end)
        WHERE au.action IN ('acr-built', 'acr-failed') AND json_extract(au.detail, '$.acr') = acrs.id
        ORDER BY r.id LIMIT 1);
    """, postgres=pg.SCHEMA_3),
    # 4: the audit log becomes tamper-evident (prev_hash, hash; store/chain.py) and refuses INSERT OR REPLACE.
    PerEngine(_chain_audit, pg.chain_audit),
    # 5: the accounts following a model are an index lookup (a price load refreshes the sleeves targeting a symbol).
    "CREATE INDEX IF NOT EXISTS sleeves_model ON sleeves(model) WHERE model IS NOT NULL;",
    # 6: the custodian's last account-level report (store/reconcile.py), compared with the sleeves by the summary.
    PerEngine(sqlite="""
    CREATE TABLE IF NOT EXISTS custodian_reports (
        account_id TEXT PRIMARY KEY REFERENCES accounts(id),
        as_of TEXT NOT NULL,
        cash TEXT,
        loaded_at TEXT NOT NULL,
        loaded_by TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS custodian_reports_as_of ON custodian_reports(as_of);
    CREATE TABLE IF NOT EXISTS custodian_positions (
        account_id TEXT NOT NULL REFERENCES custodian_reports(account_id),
        symbol TEXT NOT NULL,
        quantity TEXT NOT NULL,
        PRIMARY KEY (account_id, symbol)
    ) WITHOUT ROWID;
    """, postgres=pg.SCHEMA_6),
    # 7: the summary also keeps the highest applied leverage and the call distance (store/summary.py).
    PerEngine(_summary_columns, _summary_columns_pg),
    # 8: operators and roles, the four-eyes policy, and the ACR lifecycle's columns (store/operators.py, approvals.py).
    # One callable both engines run: its SQL is common to both, its columns read through the engine's dialect.
    _four_eyes,
    # 9: PostgreSQL only: every text column in byte order, and counts kept per filter term and of the book, which
    # make a keystroke's total a lookup (store/engines/postgres_terms.py). SQLite's BINARY and FTS5 already do both.
    PerEngine(sqlite="", postgres=byte_order_and_terms),
    # 10: PostgreSQL only: the filter's query folded once per statement, not once per row a plan tests
    # (store/engines/postgres_terms.py QUERY). FTS5's MATCH takes its query once already.
    PerEngine(sqlite="", postgres=QUERY),
    # 11: the version of the rules the stored summaries were computed by (store/summary.py SUMMARY_RULES), one row;
    # no row yet: an older margin-console computed them, so the next writable open recomputes every account
    # (store/summary_rules.py). Both engines run this SQL; safe to rerun.
    "CREATE TABLE IF NOT EXISTS summary_rules (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);",
    # 12: how far a recompute for the recorded rules has gone (store/summary_rules.py): the version is recorded by
    # its first chunk, so an older console is refused from then on rather than writing its rules' summaries
    # between chunks. Safe to rerun; PostgreSQL's text column in byte order, as migration 9 put every other one.
    PerEngine(sqlite=_recompute_mark,
              postgres='ALTER TABLE summary_rules ADD COLUMN IF NOT EXISTS recomputed_through TEXT COLLATE "C";'),
    # 13: the doctor reads each code's findings in the order it writes them (store/queries/doctor.py). On SQLite the
    # index holds every column it reads, so a million-account book's 300,000 findings are one ordered range, not a
    # table row fetched per finding. PostgreSQL's index leaves the detail out: a detail is free text (MISSING_PRICE
    # lists every unpriced symbol) and an index entry over 2,704 bytes is refused, which would make such an account
    # unwritable. Safe to rerun.
    PerEngine(sqlite="""
    DROP INDEX IF EXISTS account_diagnostics_code;
    CREATE INDEX account_diagnostics_code ON account_diagnostics(code, account_id, sleeve_id, detail);
    """, postgres="""
    DROP INDEX IF EXISTS account_diagnostics_code;
    CREATE INDEX account_diagnostics_code ON account_diagnostics(code, account_id, sleeve_id);
    """),
]


def run_script(conn: sqlite3.Connection, script: str) -> None:
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
