"""The browser's page at book scale (issue 17 item 3): a kept book size, a capped count, and the id-ordered page of
a broad filter taken from its first matches, which must be the page the full count and sort give."""
from __future__ import annotations

import copy
import random

import pytest

from store.book import import_book
from store.queries.accounts import account_page, match_count
from tests.unit.conftest import story_data

NAMES = ["Smith Family Trust", "Patel Holdings", "Fidelity Smith", "Chen Partners", "Summit Capital"]
TEXTS = ["", "s", "smith", "pat", "fidelity smith", "a", "a 10", "zzz"]


def _book(order: str) -> dict:
    """60 accounts imported in id order, in reverse, or shuffled (the rowid order the store gives them)."""
    data = story_data()
    template = data["accounts"][0]
    accounts = []
    for i in range(60):
        account = copy.deepcopy(template)
        account["id"] = f"A-{1000 + i}"
        account["name"] = f"{NAMES[i % len(NAMES)]} {i}"
        for n, sleeve in enumerate(account["sleeves"]):
            sleeve["id"] = f"{account['id']}-S{n}"
        accounts.append(account)
    if order == "reversed":
        accounts.reverse()
    elif order == "shuffled":
        random.Random(17).shuffle(accounts)
    data["accounts"] = accounts
    return data


@pytest.mark.parametrize("order", ["in-order", "reversed", "shuffled"])
def test_capped_pages_are_the_exact_pages(open_store, order):
    store = open_store()
    import_book(store, _book(order), "alice")
    for text in TEXTS:
        for offset in (0, 5, 20):
            exact = account_page(store, text, 5, offset)
            capped = account_page(store, text, 5, offset, book_size=60, count_cap=8)
            assert [r.id for r in capped.rows] == [r.id for r in exact.rows], (text, offset)
            assert exact.exact and exact.total == match_count(store, text)
            if capped.exact:
                assert capped.total == exact.total
            else:  # a floor, never more than there are
                assert max(8, offset + 5) <= capped.total < exact.total, (text, offset)
    # A narrow filter is counted exactly with its page; a broad one says it counted only so far (SQLite; the
    # PostgreSQL engine counts every match, as before).
    assert account_page(store, "chen", 5, 0, count_cap=20).exact
    broad = account_page(store, "s", 5, 0, count_cap=8)
    assert broad.exact is (store.conn.dialect.SEARCH_FIRST is None)


def test_sorted_and_coded_pages_with_a_cap(open_store):
    store = open_store()
    import_book(store, _book("shuffled"), "alice")
    for sort in ("nav", "leverage", "call"):
        for code in (None, "PENDING_LEVERAGE"):
            exact = account_page(store, "s", 7, 3, code=code, sort=sort)
            capped = account_page(store, "s", 7, 3, code=code, sort=sort, count_cap=8)
            assert [r.id for r in capped.rows] == [r.id for r in exact.rows], (sort, code)
            assert capped.total <= exact.total


def test_a_kept_book_size_is_not_counted_again(open_store):
    store = open_store()
    import_book(store, _book("in-order"), "alice")
    assert account_page(store, "", 5).book_size == 60
    page = account_page(store, "", 5, book_size=61)  # what the caller kept is what the page says
    assert page.book_size == 61 and page.total == 61


class _Recorded:
    """The store's connection, recording every statement it runs (either engine)."""

    def __init__(self, conn) -> None:
        self._conn, self.statements = conn, []

    def execute(self, sql, params=()):
        self.statements.append(" ".join(sql.split()))
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.mark.parametrize("order", ["in-order", "shuffled"])
def test_counting_matches_counts_and_builds_no_page(open_store, order):
    """Issue 17: the count after a capped page asked for a page of one row, whose id-ordered walk probed every
    account before the first match ("A-04" at 1,000,000: 20-27 s). It is one count, the same total as the page's."""
    store = open_store()
    import_book(store, _book(order), "alice")
    for text in TEXTS:
        for code in (None, "PENDING_LEVERAGE", "STALE_PRICES"):
            expected = account_page(store, text, 5, 0, code=code).total
            recorded = store.conn = _Recorded(store.conn)
            try:
                assert match_count(store, text, code, book_size=60) == expected, (text, code)
            finally:
                store.conn = recorded._conn
            assert len(recorded.statements) <= 1, recorded.statements
            assert not any("ORDER BY" in s or "LIMIT" in s for s in recorded.statements), recorded.statements
