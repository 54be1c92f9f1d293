"""Reconcile (store/reconcile.py, `margin-console reconcile`): the custodian's positions and cash in, compared with
the sleeves; differences are OUT_OF_SYNC findings everywhere; accounts left out read "not reconciled today"."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from calc import ACK_IDS
from store.acrs import fire_acr
from store.errors import InvalidInput
from store.fills import simulate_fills
from store.queries.accounts import account_page
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.queries.doctor import doctor_report
from store.queries.freshness import book_freshness
from store.queries.integrity import summary_problems
from store.reconcile import reconcile_text
from store.sleeves import set_leverage
from tests.unit.conftest import as_json, ok, one_error_line, problems, snapshot

HEADER = "account_id,symbol,quantity\n"
# The story book: A-1001 holds only cash (5,000 APM + 100,000 model); A-1003 holds QQQ 40 and OLDCO 100
# with 20,000 - 2,500 of cash; A-1002 holds 51,000 of cash.
IN_SYNC = HEADER + "A-1001,CASH,105000\nA-1003,QQQ,40\nA-1003,OLDCO,100\nA-1003,CASH,17500\n"


def out_of_sync(store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for account_id, detail in store.execute(
            "SELECT account_id, detail FROM account_diagnostics WHERE code = 'OUT_OF_SYNC' ORDER BY rowid"):
        found.setdefault(account_id, []).append(detail)
    return found


def test_a_file_that_matches_the_sleeves_finds_nothing(story_store):
    result = reconcile_text(story_store, IN_SYNC, "alice")
    assert (result.accounts, result.out_of_sync, result.not_in_file) == (2, {}, 1)
    assert out_of_sync(story_store) == {}
    assert summary_problems(story_store) == []


def test_a_share_difference_is_out_of_sync_in_the_detail_doctor_and_browser(story_store):
    result = reconcile_text(story_store, IN_SYNC.replace("A-1003,QQQ,40", "A-1003,QQQ,45"), "alice")
    text = "the custodian holds 45 QQQ, the sleeves 40: 5 shares are in no sleeve"
    assert result.out_of_sync == {"A-1003": [text]}
    detail = account_detail(story_store, "A-1003")
    assert [d.detail for d in detail.diagnostics if d.code == "OUT_OF_SYNC"] == [text]
    assert detail.reconciliation == "reconciled 2026-11-21: 1 difference(s) with the custodian"
    assert [f.detail for f in doctor_report(story_store).findings["OUT_OF_SYNC"]] == [text]
    row = next(r for r in account_page(story_store, "A-1003").rows if r.id == "A-1003")
    assert "OUT_OF_SYNC" in row.codes
    assert summary_problems(story_store) == []


def test_cash_beyond_the_tolerance_is_out_of_sync_and_within_it_is_not(story_store):
    reconcile_text(story_store, IN_SYNC.replace("A-1001,CASH,105000", "A-1001,CASH,105000.99"), "alice")
    assert out_of_sync(story_store) == {}
    reconcile_text(story_store, IN_SYNC.replace("A-1001,CASH,105000", "A-1001,CASH,104998.50"), "alice")
    assert out_of_sync(story_store) == {"A-1001": [
        "the custodian reports cash 104,998.50, the sleeves 105,000.00: a 1.50 difference"]}


def test_accounts_left_out_are_not_reconciled_today_not_in_sync(story_store):
    reconcile_text(story_store, IN_SYNC, "alice", as_of=date(2026, 11, 20))
    assert account_detail(story_store, "A-1002").reconciliation == "never reconciled with the custodian"
    assert account_detail(story_store, "A-1001").reconciliation == \
        "not reconciled today (last custodian file 2026-11-20)"
    reconcile_text(story_store, HEADER + "A-1001,CASH,105000\n", "alice")
    assert account_detail(story_store, "A-1001").reconciliation == \
        "reconciled 2026-11-21: in sync with the custodian"
    assert account_detail(story_store, "A-1003").reconciliation == \
        "not reconciled today (last custodian file 2026-11-20)"
    assert book_freshness(story_store).reconciled_today == 1


def test_booking_the_trade_clears_the_finding_without_a_new_file(story_store):
    """The report is stored, so the summary every write recomputes compares the sleeves with it again."""
    set_leverage(story_store, "A-1001-M1", Decimal("1.5"), "alice")
    acr = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=frozenset(ACK_IDS),
                   request_key="k1")
    simulate_fills(story_store, acr.id, "alice")
    held = {sym: qty for sym, qty in story_store.execute(
        "SELECT p.symbol, p.quantity FROM positions p WHERE p.sleeve_id = 'A-1001-M1'")}
    cash = story_store.scalar("SELECT sum(cash_cents) FROM sleeves WHERE account_id = 'A-1001'") / 100
    lines = "".join(f"A-1001,{sym},{qty}\n" for sym, qty in held.items())
    reconcile_text(story_store, HEADER + lines + f"A-1001,CASH,{cash}\n", "alice")
    assert out_of_sync(story_store) == {}
    # The custodian saw one more share than the fills booked: out of sync until a write books it.
    symbol = next(iter(held))
    reconcile_text(story_store, HEADER + lines.replace(f"A-1001,{symbol},{held[symbol]}\n",
                                                       f"A-1001,{symbol},{int(held[symbol]) + 1}\n")
                   + f"A-1001,CASH,{cash}\n", "alice")
    assert list(out_of_sync(story_store)) == ["A-1001"]
    assert summary_problems(story_store) == []


def test_a_bad_file_lists_every_line_and_writes_nothing(story_store, db_path):
    before = snapshot(db_path)
    bad = HEADER + "A-1001,CASH,abc\nA-9999,SPY,1\n,SPY,1\nA-1003,QQQ,40\nA-1003,QQQ,41\nA-1003,CASH\n"
    with pytest.raises(InvalidInput) as error:
        reconcile_text(story_store, bad, "alice")
    assert error.value.problems == [
        "line 2: amount must be a finite number, got 'abc'",
        "line 3: no account A-9999 in the book",
        "line 4: account_id is empty",
        "line 6: A-1003 QQQ already given on line 5",
        "line 7: expected 3 fields, got 2",
    ]
    assert snapshot(db_path) == before


@pytest.mark.parametrize("text, words", [
    ("", "the custodian file is empty"),
    ("account,symbol,qty\nA-1001,CASH,1\n", "header must be account_id,symbol,quantity"),
    (HEADER, "no rows"),
])
def test_an_unusable_file_is_one_clear_error(story_store, db_path, text, words):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match=words):
        reconcile_text(story_store, text, "alice")
    assert snapshot(db_path) == before


def test_a_future_date_is_refused(story_store, db_path):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match="in the future"):
        reconcile_text(story_store, IN_SYNC, "alice", as_of=date(2026, 11, 22))
    assert snapshot(db_path) == before


def test_reconcile_is_audited_and_an_unchanged_report_recomputes_nothing(story_store):
    first = reconcile_text(story_store, IN_SYNC, "alice", as_of=date(2026, 11, 20))
    again = reconcile_text(story_store, IN_SYNC, "bob")
    assert (first.changed, again.changed) == (2, 0)
    rows = [r for r in audit_trail(story_store) if r.action == "reconcile"]
    assert [(r.operator, r.detail["as_of"], r.detail["changed"]) for r in rows] == [
        ("bob", "2026-11-21", 0), ("alice", "2026-11-20", 2)]
    assert story_store.scalar("SELECT loaded_by FROM custodian_reports WHERE account_id = 'A-1001'") == "bob"


def test_cli_reconcile_prints_the_differences_and_json(run, story, tmp_path):
    path = tmp_path / "custodian.csv"
    path.write_text(IN_SYNC.replace("A-1003,QQQ,40", "A-1003,QQQ,45"))
    out = ok(run("reconcile", path))
    assert "reconciled 2 account(s) as of 2026-11-21: 1 in sync, 1 out of sync" in out
    assert "1 account(s) of the book are not in the file: not reconciled today" in out
    assert "A-1003: the custodian holds 45 QQQ, the sleeves 40: 5 shares are in no sleeve" in out
    data = as_json(run("reconcile", path, "--json"))
    assert data["out_of_sync"] == {"A-1003": ["the custodian holds 45 QQQ, the sleeves 40: 5 shares are in no sleeve"]}
    assert (data["in_sync"], data["not_in_file"], data["reports_changed"]) == (1, 1, 0)
    shown = as_json(run("show", "A-1003", "--json"))["reconciliation"]
    assert shown == {"as_of": "2026-11-21", "status": "reconciled 2026-11-21: 1 difference(s) with the custodian"}
    assert "Custodian: reconciled 2026-11-21: 1 difference(s)" in ok(run("show", "A-1003"))


def test_cli_reconcile_refuses_a_bad_file_listing_its_lines(run, story, tmp_path):
    path = tmp_path / "custodian.csv"
    path.write_text(HEADER + "A-9999,SPY,1\n")
    result = run("reconcile", path)
    assert result.exit_code == 1
    assert problems(result) == ["line 2: no account A-9999 in the book"]
    path.with_suffix(".txt").write_text(IN_SYNC)
    assert "ends in .csv" in one_error_line(run("reconcile", path.with_suffix(".txt")))


def test_doctor_says_how_current_the_data_is(run, story, tmp_path):
    path = tmp_path / "custodian.csv"
    path.write_text(IN_SYNC)
    ok(run("reconcile", path))
    out = ok(run("doctor"))
    assert out.splitlines()[0].startswith("Prices as of ")
    assert "2 of 3 reconciled today" in out.splitlines()[0]
    assert as_json(run("doctor", "--json"))["freshness"]["not_reconciled_today"] == 1
