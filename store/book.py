"""Book import and the demo book: a validated book written in one transaction with its audit row."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from calc import CalcSettings, Model, Price
from calc.money import cents_int
from store.book_file import Book, parse_book, read_book_file
from store.core import Progress, Store
from store.errors import InvalidInput, Refused
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


def generate_demo(store: Store, accounts: int, seed: int, operator: str,
                  progress: Progress | None = None) -> dict[str, int]:
    """A deterministic demo book written into an empty store, streamed: the accounts are generated, validated
    and written a batch at a time in the one transaction, so memory stays flat however large the book."""
    from store.demo import demo_models, demo_prices, demo_rates, iter_accounts

    if accounts < 1:
        raise InvalidInput("the demo needs at least 1 account")
    if store.account_count():
        raise Refused(f"{store.path} already holds {store.account_count():,} accounts: use a new --db for the demo")
    today = store.today()
    head = parse_book({"prices": demo_prices(seed, today), "models": demo_models(seed, today),
                       "rates": demo_rates()})
    models = {m.id for m in head.models}
    stamp = (store.now(), operator, f"demo seed={seed}")
    counts = {"prices": len(head.prices), "models": len(head.models), "rates": len(head.rates), "accounts": 0,
              "sleeves": 0}
    with store.transaction():
        write_book(store.conn, head, today, store.calc_settings(), stamp=stamp, index=False)
        batch: list[Any] = []
        for account in iter_accounts(accounts, seed, today):
            batch.append(account)
            if len(batch) == BATCH:
                _write_demo_batch(store, batch, models, progress, stamp, counts)
                batch = []
        _write_demo_batch(store, batch, models, progress, stamp, counts)
        rebuild_filter_index(store.conn)
        store.audit(operator, stamp[2], None, None, counts)
    return counts


def _write_demo_batch(store: Store, batch: list[Any], models: set[str], progress: Progress | None,
                      stamp: tuple[str, str, str], counts: dict[str, int]) -> None:
    if not batch:
        return
    # Ids are new by construction (the store was empty), so only the batch itself is checked for repeats.
    book = parse_book({"accounts": batch}, known_models=models)
    write_book(store.conn, book, store.today(), store.calc_settings(), progress, stamp=stamp, index=False)
    counts["accounts"] += len(book.accounts)
    counts["sleeves"] += sum(len(a.sleeves) for a in book.accounts)


def write_book(conn: sqlite3.Connection, book: Book, today: date, settings: CalcSettings,
               progress: Progress | None = None, batch: int = BATCH,
               stamp: tuple[str, str, str] = ("", "", ""), index: bool = True) -> None:
    """Insert a validated book in the caller's transaction: prices, models and rates upsert, accounts insert.

    An account may carry the custodian's last report (a book moved from another store, the demo); `stamp` is
    when, by whom and from where it is loaded. `index=False` leaves the filter's full-text index to the caller
    (`rebuild_filter_index`), which a caller writing many batches rebuilds once.

    Rows go in through executemany of one prepared INSERT per table: sqlite-utils' insert_all, used before,
    spent 45 % of a demo's time converting each value (jsonify_if_needed) and building its statements.
    """
    _upsert(conn, "prices", [price_to_row(p) for p in book.prices])
    _upsert(conn, "models", [model_to_row(m) for m in book.models])
    _upsert(conn, "rates", [{"custodian": r.custodian, "min_debit_cents": cents_int(r.min_debit),
                             "annual_rate": str(r.annual_rate)} for r in book.rates])
    prices = load_prices(conn)
    models = load_models(conn)
    for start in range(0, len(book.accounts), batch):
        chunk = book.accounts[start:start + batch]
        account_rows, sleeve_rows, position_rows, diag_rows, report_rows, held_rows = [], [], [], [], [], []
        for account in chunk:
            summary = summarize(account, prices, models, today, settings)
            row = account_to_row(account)
            row.update(summary.columns())
            account_rows.append(row)
            for seq, sleeve in enumerate(account.sleeves):
                sleeve_rows.append(sleeve_to_row(sleeve, account.id, seq))
                position_rows.extend({"sleeve_id": sleeve.id, "symbol": sym, "quantity": str(q)}
                                     for sym, q in sleeve.positions.items())
            diag_rows.extend({"account_id": account.id, "code": d.code, "sleeve_id": d.sleeve_id,
                              "detail": d.detail} for d in summary.cached)
            if account.custodian_report is not None:
                head, held = custodian_report_rows(account.id, account.custodian_report, *stamp)
                report_rows.append(head)
                held_rows.extend(held)
        for table, rows in (("accounts", account_rows), ("sleeves", sleeve_rows), ("positions", position_rows),
                            ("account_diagnostics", diag_rows), ("custodian_reports", report_rows),
                            ("custodian_positions", held_rows)):
            _insert(conn, table, rows)
        if progress is not None:
            progress(len(chunk))
    if index:
        rebuild_filter_index(conn)


def rebuild_filter_index(conn: sqlite3.Connection) -> None:
    """The browser filter's full-text index over accounts rebuilt from them (SQLite's external-content FTS5 table;
    nothing on PostgreSQL, whose search vector a trigger keeps)."""
    conn.dialect.rebuild_search(conn)  # type: ignore[attr-defined]


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]], verb: str = "INSERT") -> None:
    """Rows of one table (dicts with the same keys) through one prepared statement."""
    if rows:
        columns = list(rows[0])
        conn.executemany(f"{verb} INTO {table} ({', '.join(columns)}) VALUES "
                         f"({', '.join(':' + c for c in columns)})", rows)


def _upsert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows that replace the stored ones with the same key (prices, models and rates of a book): the engine's
    upsert (SQLite's INSERT OR REPLACE, PostgreSQL's ON CONFLICT on the primary key)."""
    conn.dialect.insert_rows(conn, table, rows, replace=True)  # type: ignore[attr-defined]
