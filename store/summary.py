"""The per-account summary (NAV, highest saved and applied leverage, call distance, stored diagnostics) that every
write recomputes.

The browser and the doctor read it without loading accounts, so it is derived data: any write that touches
an account's sleeves, holdings, cash or flags calls `refresh_account` in the same transaction.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from calc import Account, CalcSettings, Diagnostic, Model, Price, account_margin, diagnose
from calc.money import cents_int
from store.mapping import load_account, load_accounts, load_models, load_prices

if TYPE_CHECKING:
    from store.core import Store

# STALE_PRICES depends on the clock, not on a write, so queries compute it live instead of caching it.
# MISSING_PRICE depends only on holdings and prices (data a write changes), so it is stored like the rest.
LIVE_CODES = frozenset({"STALE_PRICES"})


@dataclass(frozen=True)
class Summary:
    """What the account browser and the doctor read without loading the account."""

    nav_cents: int
    max_saved_leverage: float
    max_applied_leverage: float
    call_distance: float | None  # None: no margin debit, so no distance to a call
    diagnostics: list[Diagnostic]

    @property
    def cached(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.code not in LIVE_CODES]

    @property
    def codes(self) -> str:
        seen: list[str] = []
        for d in self.cached:
            if d.code not in seen:
                seen.append(d.code)
        return " ".join(seen)

    def columns(self) -> dict[str, object]:
        """The accounts table's summary columns and their values (the one list every writer uses)."""
        return {"nav_cents": self.nav_cents, "max_saved_leverage": self.max_saved_leverage,
                "max_applied_leverage": self.max_applied_leverage, "call_distance": self.call_distance,
                "diag_codes": self.codes}


SUMMARY_COLUMNS = tuple(Summary(0, 1.0, 1.0, None, []).columns())
_UPDATE = f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in SUMMARY_COLUMNS)} WHERE id = ?"


# SUMMARY_RULES is the version of the rules `summarize` applies: bump it (in store/summary_rules.py, which every open
# reads without importing calc) whenever what `summarize` stores changes; tests/unit/test_summary_rules.py says so.
def summarize(account: Account, prices: dict[str, Price], models: dict[str, Model], today: date,
              settings: CalcSettings) -> Summary:
    """The one computation of an account's stored summary, used by every write path and by the checks."""
    # NAV is the long market value (the margin figures' LMV, which diagnose needs anyway) plus every sleeve's cash.
    figures = account_margin(account, prices, settings.annual_rate, settings.initial_margin)
    nav = figures.lmv + sum((s.cash for s in account.sleeves), Decimal(0))
    models_sleeves = [s for s in account.sleeves if s.kind == "model"]
    saved = max((s.leverage for s in models_sleeves), default=Decimal(1))
    applied = max((s.applied for s in models_sleeves), default=Decimal(1))
    distance = float(figures.call_distance) if figures.debit > 0 else None
    return Summary(cents_int(nav), float(saved), float(applied), distance,
                   diagnose(account, prices, models, today, settings, figures))


def write_summary(conn: sqlite3.Connection, account_id: str, summary: Summary) -> None:
    """Replace the cached summary and diagnostics of one account (inside the caller's transaction)."""
    write_summaries(conn, {account_id: summary})


def write_summaries(conn: sqlite3.Connection, summaries: dict[str, Summary]) -> None:
    """`write_summary` for many accounts, one prepared statement per table (a batch chunk's accounts)."""
    conn.executemany(_UPDATE, [(*s.columns().values(), i) for i, s in summaries.items()])
    conn.executemany("DELETE FROM account_diagnostics WHERE account_id = ?", [(i,) for i in summaries])
    conn.executemany(
        "INSERT INTO account_diagnostics (account_id, code, sleeve_id, detail) VALUES (?, ?, ?, ?)",
        [(i, d.code, d.sleeve_id, d.detail) for i, s in summaries.items() for d in s.cached],
    )


def refresh_summary(conn: sqlite3.Connection, account: Account, today: date, settings: CalcSettings) -> None:
    """Recompute and store one account's summary (inside the caller's transaction)."""
    write_summary(conn, account.id, summarize(account, load_prices(conn), load_models(conn), today, settings))


def refresh_account(conn: sqlite3.Connection, account_id: str, today: date, settings: CalcSettings) -> None:
    """Reload the account as written so far in this transaction and store its summary."""
    loaded = load_account(conn, account_id)
    assert loaded is not None, f"refresh of a missing account {account_id}"
    refresh_summary(conn, loaded[0], today, settings)


def refresh_accounts(conn: sqlite3.Connection, account_ids: list[str], today: date, settings: CalcSettings,
                     chunk: int = 500) -> int:
    """`refresh_account` for many accounts, loaded and written in chunks (prices and models read once)."""
    prices, models = load_prices(conn), load_models(conn)
    done = 0
    for start in range(0, len(account_ids), chunk):
        accounts = load_accounts(conn, account_ids[start:start + chunk])
        summaries = [(a.id, summarize(a, prices, models, today, settings)) for a in accounts]
        conn.executemany(_UPDATE, [(*s.columns().values(), i) for i, s in summaries])
        # Diagnostic rows are rewritten only where they differ (most survive a small move unchanged).
        stored: dict[str, list[tuple[str, str | None, str]]] = {}
        for account_id, code, sleeve_id, detail in conn.execute(
                "SELECT account_id, code, sleeve_id, detail FROM account_diagnostics WHERE account_id IN "
                f"({', '.join('?' * len(accounts))}) ORDER BY rowid", [a.id for a in accounts]):
            stored.setdefault(account_id, []).append((code, sleeve_id, detail))
        moved = [(i, rows) for i, s in summaries
                 if (rows := [(d.code, d.sleeve_id, d.detail) for d in s.cached]) != stored.get(i, [])]
        conn.executemany("DELETE FROM account_diagnostics WHERE account_id = ?", [(i,) for i, _ in moved])
        conn.executemany("INSERT INTO account_diagnostics (account_id, code, sleeve_id, detail) VALUES (?, ?, ?, ?)",
                         [(i, *row) for i, rows in moved for row in rows])
        done += len(accounts)
    return done


def backfill_columns(conn: sqlite3.Connection, columns: tuple[str, ...], chunk: int = 500) -> None:
    """Fill summary columns a migration added, for every account, from `summarize` (default thresholds: the
    columns filled here do not depend on them; the stored diagnostics are left as their writers stored them)."""
    ids = [r[0] for r in conn.execute("SELECT id FROM accounts ORDER BY id")]
    prices, models, settings = load_prices(conn), load_models(conn), CalcSettings()
    update = f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"
    for start in range(0, len(ids), chunk):
        values = [(*(s.columns()[c] for c in columns), a.id) for a in load_accounts(conn, ids[start:start + chunk])
                  for s in [summarize(a, prices, models, date.today(), settings)]]
        conn.executemany(update, values)


def refresh(store: Store, account_id: str) -> None:
    """`refresh_account` on the store's connection, clock and settings."""
    refresh_account(store.conn, account_id, store.today(), store.calc_settings())


def summary_differences(conn: sqlite3.Connection, account_id: str, today: date, settings: CalcSettings,
                        prices: dict[str, Price], models: dict[str, Model]) -> list[str]:
    """What differs between one account's stored summary and a fresh computation (empty: it is up to date)."""
    loaded = load_account(conn, account_id)
    if loaded is None:
        return [f"no account {account_id}"]
    fresh = summarize(loaded[0], prices, models, today, settings)
    stored = conn.execute(f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM accounts WHERE id = ?", [account_id]).fetchone()
    found = [f"{name} stored {value!r}, computed {computed!r}"
             for name, value, computed in zip(SUMMARY_COLUMNS, stored, fresh.columns().values()) if value != computed]
    stored_rows = sorted(conn.execute("SELECT code, sleeve_id, detail FROM account_diagnostics WHERE account_id = ?",
                                      [account_id]).fetchall(), key=repr)
    fresh_rows = sorted(((d.code, d.sleeve_id, d.detail) for d in fresh.cached), key=repr)
    if stored_rows != fresh_rows:
        missing = [r for r in fresh_rows if r not in stored_rows]
        extra = [r for r in stored_rows if r not in fresh_rows]
        found.append("account_diagnostics differ: " + "; ".join(
            [f"missing {c}{f' [{s}]' if s else ''} ({d})" for c, s, d in missing]
            + [f"extra {c}{f' [{s}]' if s else ''} ({d})" for c, s, d in extra]))
    return found
