"""Book import and the demo book: a validated book written in one transaction with its audit row."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from calc import Account, CalcSettings, Model, Price
from calc.money import cents_int
from store.book_file import Book, parse_book, read_book_file
from store.core import Progress, Store
from store.mapping import (
    account_to_row,
    custodian_report_rows,
    load_models,
    load_prices,
    model_to_row,
    price_to_row,
    sleeve_to_row,
)
from store.prices import accounts_following, accounts_for_symbols
from store.summary import refresh_accounts, summarize

BATCH = 2000


def parse(store: Store, data: Any) -> Book:
    """Validate a book against what the store already holds (ids must be new; models may be known)."""
    has_accounts = bool(store.account_count())
    known_accounts = {r[0] for r in store.execute("SELECT id FROM accounts")} if has_accounts else set()
    known_models = {r[0] for r in store.execute("SELECT id FROM models")}
    known_sleeves = {r[0] for r in store.execute("SELECT id FROM sleeves")} if has_accounts else set()
    return parse_book(data, known_accounts, known_models, known_sleeves)


def import_book(store: Store, data: Any, operator: str, progress: Progress | None = None,
                source: str = "import") -> dict[str, int]:
    """Validate the whole book, then write it in one transaction; any bad row writes nothing."""
    book = parse(store, data)
    with store.transaction():
        prices_before, models_before = load_prices(store.conn), load_models(store.conn)
        write_book(store.conn, book, store.today(), store.calc_settings(), progress,
                   stamp=(store.now(), operator, source))
        _refresh_repriced(store, prices_before, models_before, {a.id for a in book.accounts})
        counts = {"prices": len(book.prices), "models": len(book.models), "rates": len(book.rates),
                  "accounts": len(book.accounts), "sleeves": sum(len(a.sleeves) for a in book.accounts)}
        store.audit(operator, source, None, None, counts)
    return counts


def _refresh_repriced(store: Store, prices_before: dict[str, Price], models_before: dict[str, Model],
                      imported: set[str]) -> None:
    """A book's prices and models replace the stored ones: the accounts already in the store that hold or
    follow what changed get their summaries recomputed too (the imported ones were computed on the new data)."""
    prices, models = load_prices(store.conn), load_models(store.conn)
    symbols = [s for s, p in prices.items() if prices_before.get(s) != p]
    moved_models = [m for m, model in models.items() if models_before.get(m) not in (None, model)]
    touched = set(accounts_for_symbols(store, symbols)) if prices_before and symbols else set()
    touched |= accounts_following(store, moved_models)
    refresh_accounts(store.conn, sorted(touched - imported), store.today(), store.calc_settings())


def import_file(store: Store, path: Path | str, operator: str, progress: Progress | None = None) -> dict[str, int]:
    return import_book(store, read_book_file(path), operator, progress, source=f"import {Path(path).name}")


def generate_demo(store: Store, accounts: int, seed: int, operator: str, progress: Progress | None = None,
                  workers: int | None = None) -> dict[str, int]:
    """A deterministic demo book written into an empty store (store/demo_book.py, imported when first used)."""
    from store.demo_book import generate_demo as write_demo

    return write_demo(store, accounts, seed, operator, progress, workers)


def write_book(conn: sqlite3.Connection, book: Book, today: date, settings: CalcSettings,
               progress: Progress | None = None, batch: int = BATCH,
               stamp: tuple[str, str, str] = ("", "", ""), index: bool = True) -> None:
    """Insert a validated book in the caller's transaction: prices, models and rates upsert, accounts insert.

    An account may carry the custodian's last report (a book moved from another store, the demo); `stamp` is
    when, by whom and from where it is loaded. `index=False` leaves the filter's full-text index to the caller
    (`rebuild_filter_index`), which a caller writing many batches rebuilds once.
    """
    write_reference_data(conn, book)
    prices = load_prices(conn)
    models = load_models(conn)
    for start in range(0, len(book.accounts), batch):
        chunk = book.accounts[start:start + batch]
        insert_account_rows(conn, account_rows(chunk, prices, models, today, settings, stamp))
        if progress is not None:
            progress(len(chunk))
    if index:
        rebuild_filter_index(conn)


def write_reference_data(conn: sqlite3.Connection, book: Book) -> None:
    """A book's prices, models and rates, replacing the stored ones with the same keys."""
    _upsert(conn, "prices", [price_to_row(p) for p in book.prices])
    _upsert(conn, "models", [model_to_row(m) for m in book.models])
    _upsert(conn, "rates", [{"custodian": r.custodian, "min_debit_cents": cents_int(r.min_debit),
                             "annual_rate": str(r.annual_rate)} for r in book.rates])


# The tables a book's accounts fill, in the order they are written (a row's parent before it).
ACCOUNT_TABLES = ("accounts", "sleeves", "positions", "account_diagnostics", "custodian_reports", "custodian_positions")
# Per table: its columns and its rows as tuples in that order (tuples: the demo's worker processes send them back).
TableRows = dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]


def account_rows(accounts: Iterable[Account], prices: dict[str, Price], models: dict[str, Model], today: date,
                 settings: CalcSettings, stamp: tuple[str, str, str]) -> TableRows:
    """The rows of validated accounts in every account table, each account with its stored summary."""
    columns: dict[str, tuple[str, ...]] = {"positions": ("sleeve_id", "symbol", "quantity"),
                                           "account_diagnostics": ("account_id", "code", "sleeve_id", "detail")}
    found: dict[str, list[tuple[Any, ...]]] = {table: [] for table in ACCOUNT_TABLES}
    account_list, sleeves, positions, diagnostics, reports, held = found.values()

    def values(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
        # mapping's rows are dicts with the same keys in the same order: the first gives the table's columns.
        if table not in columns:
            columns[table] = tuple(row)
        return tuple(row.values())

    for account in accounts:
        summary = summarize(account, prices, models, today, settings)
        row = account_to_row(account)
        row.update(summary.columns())
        account_list.append(values("accounts", row))
        for seq, sleeve in enumerate(account.sleeves):
            sleeves.append(values("sleeves", sleeve_to_row(sleeve, account.id, seq)))
            positions.extend((sleeve.id, sym, str(q)) for sym, q in sleeve.positions.items())
        diagnostics.extend((account.id, d.code, d.sleeve_id, d.detail) for d in summary.cached)
        if account.custodian_report is not None:
            head, shares = custodian_report_rows(account.id, account.custodian_report, *stamp)
            reports.append(values("custodian_reports", head))
            held.extend(values("custodian_positions", r) for r in shares)
    return {table: (columns[table], rows) for table, rows in found.items() if rows}


def insert_account_rows(conn: sqlite3.Connection, rows: TableRows) -> None:
    """`account_rows` inserted through one prepared INSERT per table (executemany of tuples: sqlite-utils'
    insert_all, used before, spent 45 % of a demo's time converting each value and building its statements)."""
    for table in ACCOUNT_TABLES:
        if table in rows:
            columns, values = rows[table]
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                             f"({', '.join('?' * len(columns))})", values)


def rebuild_filter_index(conn: sqlite3.Connection) -> None:
    """The browser filter's full-text index over accounts rebuilt from them (SQLite's external-content FTS5 table;
    nothing on PostgreSQL, whose search vector a trigger keeps)."""
    conn.dialect.rebuild_search(conn)  # type: ignore[attr-defined]


def _upsert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows that replace the stored ones with the same key (prices, models and rates of a book): the engine's
    upsert (SQLite's INSERT OR REPLACE, PostgreSQL's ON CONFLICT on the primary key)."""
    conn.dialect.insert_rows(conn, table, rows, replace=True)  # type: ignore[attr-defined]
