"""How current the book's data is: the price dates and how many accounts today's custodian file covered."""
from __future__ import annotations

from datetime import date

from calc.views import BookFreshness
from store.core import Store


def book_freshness(store: Store) -> BookFreshness:
    """Two small queries: the prices table is one row per symbol, and custodian_reports is indexed by date."""
    today = store.today()
    newest, oldest = store.execute("SELECT max(as_of), min(as_of) FROM prices").fetchone()
    reconciled = store.scalar("SELECT count(*) FROM custodian_reports WHERE as_of >= ?", [today.isoformat()])
    return BookFreshness(today, _day(newest), _day(oldest), reconciled, store.account_count())


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
