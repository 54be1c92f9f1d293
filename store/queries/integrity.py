"""`doctor --integrity`: the engine's own checks and the book's invariants, each problem one line.

Checks, in order: the file (SQLite's PRAGMA integrity_check; none on a server, which checks its own pages),
foreign keys (PRAGMA foreign_key_check), ACRs against their orders and sleeves, the stored account summaries
against a fresh computation, and the audit hash chain. A check that cannot run on a damaged file reports that
instead of stopping the others.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from calc.integrity import IntegrityProblem, IntegrityReport
from store.core import Store
from store.mapping import load_models, load_prices
from store.queries.audit import verify_chain
from store.summary import summary_differences
from store.summary_rules import note as rules_note


def storage_problems(store: Store) -> list[str]:
    """The engine's own check of its storage (SQLite: pages, b-trees, indexes against their tables)."""
    return store.conn.dialect.file_problems(store.conn)


def foreign_key_problems(store: Store) -> list[str]:
    """Rows that refer to a row that does not exist."""
    return store.conn.dialect.foreign_key_problems(store.conn)


def acr_problems(store: Store) -> list[str]:
    """ACRs against their orders and sleeves: built ACRs have orders, failed ones none, all in the ACR's account."""
    found = [f"ACR {i} is built but has no orders" for (i,) in store.execute(
        "SELECT id FROM acrs a WHERE status = 'built' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.acr_id = a.id) "
        "ORDER BY id")]
    # An ACR that failed at its build has no orders; one that failed at the custodian (every order rejected or
    # cancelled, nothing filled) keeps them, closed.
    found += [f"ACR {i} failed but has {n} order(s) open or filled" for i, n in store.execute(
        "SELECT a.id, count(*) FROM acrs a JOIN orders o ON o.acr_id = a.id WHERE a.status = 'failed' "
        "AND (o.status NOT IN ('rejected', 'cancelled') OR o.filled_quantity != '0') GROUP BY a.id ORDER BY a.id")]
    found += [f"ACR {i} is awaiting approval but has {n} order(s)" for i, n in store.execute(
        "SELECT a.id, count(*) FROM acrs a JOIN orders o ON o.acr_id = a.id WHERE a.status = 'awaiting_approval' "
        "GROUP BY a.id ORDER BY a.id")]
    found += [f"ACR {i} failed without a reason code" for (i,) in store.execute(
        "SELECT id FROM acrs WHERE status = 'failed' AND coalesce(code, '') = '' ORDER BY id")]
    found += [f"ACR {i} is on sleeve {s} of account {sa}, not of its account {a}" for i, s, sa, a in store.execute(
        "SELECT a.id, a.sleeve_id, s.account_id, a.account_id FROM acrs a JOIN sleeves s ON s.id = a.sleeve_id "
        "WHERE s.account_id != a.account_id ORDER BY a.id")]
    found += [f"ACR {i} order {o} is on sleeve {s} of account {sa}, not of the ACR's account {a}"
              for i, o, s, sa, a in store.execute(
                  "SELECT a.id, o.id, o.sleeve_id, s.account_id, a.account_id FROM orders o "
                  "JOIN acrs a ON a.id = o.acr_id JOIN sleeves s ON s.id = o.sleeve_id "
                  "WHERE s.account_id != a.account_id ORDER BY a.id, o.id")]
    return found


def summary_problems(store: Store) -> list[str]:
    """Every account whose stored summary differs from a fresh computation, with what differs; first, whether they
    were computed by other rules than this code's (a read-only open of an older book cannot recompute them)."""
    prices, models = load_prices(store.conn), load_models(store.conn)
    today, settings = store.today(), store.calc_settings()
    found: list[str] = [line for line in [rules_note(store.conn)] if line]
    for (account_id,) in store.execute("SELECT id FROM accounts ORDER BY id").fetchall():
        found += [f"{account_id} {d}" for d in
                  summary_differences(store.conn, account_id, today, settings, prices, models)]
    return found


def chain_problems(store: Store) -> list[str]:
    """The audit hash chain's first broken link, if any."""
    report = verify_chain(store)
    return [] if report.ok else [report.message]


BOOK_CHECKS: dict[str, Callable[[Store], list[str]]] = {
    "foreign-keys": foreign_key_problems, "acrs": acr_problems, "summaries": summary_problems,
    "audit-chain": chain_problems,
}


def checks(store: Store) -> dict[str, Callable[[Store], list[str]]]:
    """The checks this book's engine can run: its storage check first, named for the engine, where a client can run
    one (SQLite's file; a server checks its own pages), then the book's invariants."""
    storage = store.conn.dialect.STORAGE_CHECK
    return {**({storage: storage_problems} if storage else {}), **BOOK_CHECKS}


def integrity_report(store: Store) -> IntegrityReport:
    """Run every check on one consistent read of the book."""
    problems: list[IntegrityProblem] = []
    run = checks(store)
    with _read(store):
        for name, check in run.items():
            try:
                problems += [IntegrityProblem(name, line) for line in check(store)]
            except store.conn.dialect.DatabaseError as error:
                problems.append(IntegrityProblem(name, f"could not run: {error}"))
        accounts = _count(store, "accounts")
        audit_rows = _count(store, "audit")
    return IntegrityReport(tuple(run), tuple(problems), accounts, audit_rows)


@contextmanager
def _read(store: Store) -> Iterator[None]:
    """One read transaction (as Store.snapshot), ended by a rollback that a damaged file cannot turn into an error."""
    began = not store.conn.in_transaction
    if began:
        store.conn.begin_read()
    try:
        yield
    finally:
        if began and store.conn.in_transaction:
            try:
                store.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass


def _count(store: Store, table: str) -> int:
    try:
        return int(store.scalar(f"SELECT count(*) FROM {table}"))
    except sqlite3.DatabaseError:
        return 0
