"""The browser's filter means the same on both engines: each word a prefix of some word of the account's id, name
or custodian, case and accents folded, all words required (issue 16 item 3). Totals and first pages are checked
against a count by hand over a 300-account demo, so PostgreSQL's counting path (terms, book size, dropped and
intersected words) and SQLite's FTS5 must both agree with it."""
from __future__ import annotations

import unicodedata

import pytest

from store.book import generate_demo
from store.queries.accounts import account_page, filter_words

TEXTS = ["s", "sm", "smith", "SMITH fam", "A", "A-", "A-0", "A-00", "A-0001", "A-00012", "fidelity", "fidelity t",
         "fid tru", "tr trust", "trust trust", "patel hold", "jane doe trust", "p h l", "zzz", "1", "0001 a",
         "schwab A-000", "llc", "0001 00012", "fidelity 0001", "sch 0001 tr"]


def fold(word: str) -> str:
    """Lower case without accents, as both engines index a word."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def matches(account: dict[str, str], text: str) -> bool:
    words = [fold(w) for w in filter_words(f"{account['id']} {account['name']} {account['custodian']}")]
    return all(any(w.startswith(fold(t)) for w in words) for t in filter_words(text))


@pytest.fixture
def demo(open_store):
    store = open_store()
    generate_demo(store, 300, 7, "bench")
    return store


def test_totals_and_pages_match_a_count_by_hand(demo):
    accounts = demo.rows("SELECT id, name, custodian FROM accounts ORDER BY id")
    for text in TEXTS:
        expected = [a["id"] for a in accounts if matches(a, text)]
        page = account_page(demo, text, limit=20)
        assert (page.total, [r.id for r in page.rows]) == (len(expected), expected[:20]), text
        later = account_page(demo, text, limit=20, offset=40)
        assert [r.id for r in later.rows] == expected[40:60], text
    assert account_page(demo, "").total == demo.account_count() == 300
