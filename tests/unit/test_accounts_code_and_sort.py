"""The browser's page by diagnostic code and sorted by a column (issue 13 item 11), through the CLI that mirrors it."""
from __future__ import annotations

import pytest

from tests.unit.conftest import as_json, one_error_line


@pytest.mark.parametrize("text, ids", [
    ("code:PENDING_LEVERAGE", ["A-1001", "A-1002"]), ("code:pend", ["A-1001", "A-1002"]),
    ("code:NOMRG", ["A-1002"]), ("code:STALE_PRICES", ["A-1003"]),  # stale prices are found live
    ("code:DRIFT jane", ["A-1001"]), ("code:MARGIN_CALL", []),
])
def test_accounts_by_code(run, story, text, ids):
    page = as_json(run("accounts", "--filter", text, "--json"))
    assert [a["id"] for a in page["accounts"]] == ids
    assert page["total"] == len(ids)


def test_accounts_sorted_by_nav_and_leverage_and_applied_shown(run, story):
    by_nav = as_json(run("accounts", "--sort", "nav", "--json"))["accounts"]
    assert [a["id"] for a in by_nav] == ["A-1001", "A-1002", "A-1003"]
    assert [a["nav"] for a in by_nav] == sorted((a["nav"] for a in by_nav), reverse=True)
    by_lev = as_json(run("accounts", "--sort", "leverage", "--json"))["accounts"]
    assert [a["max_saved_leverage"] for a in by_lev] == [1.5, 1.5, 1.0]
    assert [a["max_applied_leverage"] for a in by_lev] == [1.0, 1.0, 1.0]  # saved but not applied
    assert [a["id"] for a in as_json(run("accounts", "--sort", "call", "--json"))["accounts"]] == \
        ["A-1001", "A-1002", "A-1003"]  # no debit anywhere: id order


def test_an_unknown_code_is_one_clear_line(run, story):
    line = one_error_line(run("accounts", "--filter", "code:NOPE"))
    assert "unknown diagnostic code 'NOPE'" in line and "MARGIN_CALL" in line
