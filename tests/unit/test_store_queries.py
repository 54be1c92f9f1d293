"""Store queries: the account browser's page, its filter and paging, and the summary it reads."""
from __future__ import annotations

from decimal import Decimal

import pytest

from calc.checklist import ACK_IDS
from store.errors import InvalidInput
from store.queries.accounts import account_page
from store.queries.doctor import doctor_report
from store.sleeves import set_leverage

ALL = set(ACK_IDS)


# -- the account browser -------------------------------------------------------------------------------


def test_account_page_paging_and_totals(story_store):
    first = account_page(story_store, limit=2)
    assert [r.id for r in first.rows] == ["A-1001", "A-1002"]
    assert (first.total, first.book_size, first.offset, first.limit) == (3, 3, 0, 2)
    second = account_page(story_store, limit=2, offset=2)
    assert [r.id for r in second.rows] == ["A-1003"] and second.total == 3
    assert account_page(story_store, limit=2, offset=5).rows == []
    row = first.rows[0]
    assert (row.name, row.custodian, row.type, row.margin_enabled, row.nav, row.max_saved_leverage) == (
        "Jane Doe Trust", "Schwab", "margin", True, Decimal(105000), Decimal("1.5"))
    assert row.codes == ("PENDING_LEVERAGE", "DRIFT")
    assert "STALE_PRICES" in second.rows[0].codes  # computed live from the clock


@pytest.mark.parametrize("text, ids", [
    ("jane", ["A-1001"]), ("JANE doe", ["A-1001"]), ("sch", ["A-1001"]), ("A-10", ["A-1001", "A-1002", "A-1003"]),
    ("A-1002", ["A-1002"]), ("ira", ["A-1003"]), ("smith pers", ["A-1003"]), ("nobody", []), ("", None),
    ("--", None), ("\"", None),
])
def test_account_filter_counts(story_store, text, ids):
    page = account_page(story_store, text, limit=50)
    expected = ids if ids is not None else ["A-1001", "A-1002", "A-1003"]
    assert [r.id for r in page.rows] == expected
    assert page.total == len(expected) and page.book_size == 3


def test_filter_with_paging(story_store):
    page = account_page(story_store, "A-10", limit=1, offset=1)
    assert [r.id for r in page.rows] == ["A-1002"] and page.total == 3


@pytest.mark.parametrize("limit, offset", [(0, 0), (1, -1)])
def test_account_page_rejects_bad_paging(story_store, limit, offset):
    with pytest.raises(InvalidInput):
        account_page(story_store, limit=limit, offset=offset)


def test_summary_follows_writes(story_store):
    set_leverage(story_store, "A-1001-M1", Decimal("1.0"), "alice")
    row = account_page(story_store, "jane").rows[0]
    assert row.max_saved_leverage == Decimal("1.0") and "PENDING_LEVERAGE" not in row.codes
    report = doctor_report(story_store)
    assert report.count("PENDING_LEVERAGE") == 1  # only A-1002 is left
    assert {f.account_id for f in report.findings["STALE_PRICES"]} == {"A-1003"}
