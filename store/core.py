"""The thin store: one connection to the book, the clock, the settings, transactions and the audit row.

Services (store/book.py, sleeves.py, acrs.py, fills.py, walkthrough.py, ...) and queries (store/queries/) are
plain functions that take a Store, the way sqlite-utils keeps a thin Database and puts the work beside it.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.db import write
from store.engines import book_location, connect, display_name
from store.settings import Settings
from store.summary_rules import bring_current

if TYPE_CHECKING:
    from calc.models import CalcSettings

Clock = Callable[[], datetime]
Progress = Callable[[int], None]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """One connection to the book; create one per thread (SQLite connections are per thread, psycopg's too here).

    `path` is a SQLite file (a path or sqlite:///PATH) or a PostgreSQL URL (store/engines/); `conn` is either
    engine's connection, with the same execute/executemany/fetchone/fetchall and a `dialect` for what differs.
    """

    def __init__(self, path: Path | str, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        location = book_location(path)
        self.path: Path | str = location if isinstance(location, Path) else display_name(location)  # no password
        self.clock = clock or utc_now
        self.conn: sqlite3.Connection = connect(location, self.settings.busy_timeout_ms, self.settings.read_only)
        try:
            # Summaries stored by other rules are recomputed before anything reads them (a read-only open cannot:
            # its readers say so instead; store/summary_rules.py).
            bring_current(self)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time and settings ---------------------------------------------------------------------------

    def today(self) -> date:
        return self.clock().date()

    def now(self) -> str:
        """The clock as the audit log and every updated_at write it (UTC, to the second)."""
        return self.clock().isoformat(timespec="seconds")

    def calc_settings(self, annual_rate: Decimal = Decimal(0)) -> CalcSettings:
        return self.settings.calc_settings(annual_rate)

    # -- SQL -----------------------------------------------------------------------------------------

    def transaction(self) -> Any:
        """One write transaction (BEGIN IMMEDIATE), or a savepoint inside the caller's."""
        return write(self.conn)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction, so several queries see the same book (no-op inside a write)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.begin_read()  # type: ignore[attr-defined]
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """The query's rows as dicts keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Any = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def audit(self, operator: str, action: str, account_id: str | None, sleeve_id: str | None,
              detail: dict[str, Any]) -> int:
        """Append one audit row, chained to the last one (inside the caller's transaction); returns its id.

        The write transaction is BEGIN IMMEDIATE, so reading the chain's head and appending cannot interleave.
        """
        # hashlib (~5 ms) is imported by the first write, not by every command that only reads
        from store.chain import append_audit

        with self.transaction():
            return append_audit(self.conn, [(self.now(), operator, action, account_id, sleeve_id, detail)])

    def audit_head(self) -> int:
        """The audit log's last id (0 when empty): where a reader's view of the book ends."""
        return int(self.scalar("SELECT coalesce(max(id), 0) FROM audit"))

    def account_count(self) -> int:
        """How many accounts the book holds (the engine's cheapest exact count)."""
        return int(self.scalar(self.conn.dialect.ACCOUNT_COUNT))  # type: ignore[attr-defined]
