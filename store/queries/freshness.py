"""How current the book's data is: the price dates, how many accounts today's custodian file covered, and whether
the stored summaries were computed by this code's rules."""
from __future__ import annotations

from datetime import date

from calc.views import BookFreshness
from store.core import Store
from store.summary_rules import note


def book_freshness(store: Store) -> BookFreshness:
    """Two small queries: the prices table is one row per symbol, and custodian_reports is indexed by date."""
    today = store.today()
    newest, oldest = store.execute("SELECT max(as_of), min(as_of) FROM prices").fetchone()
    reconciled = store.scalar("SELECT count(*) FROM custodian_reports WHERE as_of >= ?", [today.isoformat()])
    return BookFreshness(today, _day(newest), _day(oldest), reconciled, store.account_count(), note(store.conn))


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
