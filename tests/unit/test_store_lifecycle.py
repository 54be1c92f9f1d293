"""The ACR lifecycle through the store: submit, cancel, expire, fills that fail, resubmit; each refusal names the
state; compensating entries restore the cash movement and the applied leverage; migration 8 reruns safely."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

import store.db
from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.core import Store
from store.errors import InvalidInput, Refused
from store.fills import apply_fills_csv, simulate_fills
from store.lifecycle import cancel_acr, expire_acrs, resubmit_acr, submit_acr
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.queries.integrity import integrity_report
from store.settings import login_name
from store.sleeves import set_leverage
from tests.conftest import FIXED_NOW

ALL = frozenset(ACK_IDS)


class Clock:
    """A clock the test moves (the trading day passes between a fire and its expiry)."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(story_store, db_path, clock) -> Store:
    """The story book on a store whose clock the test moves."""
    s = Store(db_path, clock=clock)
    yield s
    s.close()


def money(s: Store, sleeve_id: str) -> tuple[str, int]:
    row = s.rows("SELECT applied_leverage, cash_cents FROM sleeves WHERE id = ?", [sleeve_id])[0]
    return row["applied_leverage"], row["cash_cents"]


def fire(s: Store, kind: str = "one-dollar", amount: Decimal = Decimal(0)):
    return fire_acr(s, "A-1001-M1", kind, "oscar", amount, acknowledged=ALL)


def test_submit_marks_a_built_acr_and_refuses_anything_else(book):
    acr = fire(book)
    done = submit_acr(book, acr.id, "oscar")
    assert done.status == "submitted" and done.lifecycle.submitted_at == "2026-11-21T15:00:00+00:00"
    assert audit_trail(book, "A-1001", 1)[0].action == "acr-submitted"
    with pytest.raises(Refused, match=f"ACR {acr.id} is submitted: only built ACRs can be submitted"):
        submit_acr(book, acr.id, "oscar")
    assert simulate_fills(book, acr.id, "oscar").status == "complete"  # fills follow a submission
    assert integrity_report(book).ok


def test_cancel_before_submission_restores_the_cash_and_the_applied_leverage(book):
    before_sleeve, before_apm = money(book, "A-1001-M1"), money(book, "A-1001-APM")
    acr = fire(book)
    assert money(book, "A-1001-M1") == ("1.5", 10_000_100)
    done = cancel_acr(book, acr.id, "oscar", "advisor changed their mind")
    assert done.status == "cancelled" and {o.status for o in done.orders} == {"cancelled"}
    assert money(book, "A-1001-M1") == before_sleeve and money(book, "A-1001-APM") == before_apm
    row = audit_trail(book, "A-1001", 1)[0]
    assert row.action == "acr-cancelled"
    assert row.detail["restored"] == {"sleeve_cash": "-1", "apm_cash": "1", "applied_leverage": "1.0"}
    assert "PENDING_LEVERAGE" in [d.code for d in account_detail(book, "A-1001").diagnostics]
    assert integrity_report(book).ok


def test_cancel_is_refused_after_submission_naming_the_state(book, db_path):
    acr = fire(book)
    submit_acr(book, acr.id, "oscar")
    with pytest.raises(Refused, match=f"ACR {acr.id} is submitted: only awaiting_approval or built ACRs can be "
                                      "cancelled"):
        cancel_acr(book, acr.id, "oscar")


def test_a_withdrawal_cancelled_gives_the_money_back(book):
    acr = fire(book, "withdrawal", Decimal(500))
    assert money(book, "A-1001-M1")[1] == 10_000_000 - 50_000
    cancel_acr(book, acr.id, "oscar")
    assert money(book, "A-1001-M1") == ("1.0", 10_000_000)


def test_cancel_leaves_the_applied_leverage_of_a_later_acr(book):
    first = fire(book)
    set_leverage(book, "A-1001-M1", Decimal("1.75"), "oscar")
    second = fire(book, "deposit", Decimal(10))
    assert second.status == "built" and money(book, "A-1001-M1")[0] == "1.75"
    cancel_acr(book, first.id, "oscar")
    assert "applied_leverage" not in audit_trail(book, "A-1001", 1)[0].detail["restored"]
    assert money(book, "A-1001-M1") == ("1.75", 10_000_000 + 1_000)  # ACR 2's leverage and deposit stay


def test_expire_after_the_close_expires_unfilled_acrs_and_gives_back_what_they_moved(book, clock):
    acr = fire(book)
    with pytest.raises(InvalidInput, match="is in the future"):
        expire_acrs(book, "2026-11-21T21:00Z", "cron")
    with pytest.raises(InvalidInput, match="not an ISO date or time"):
        expire_acrs(book, "tonight", "cron")
    clock.now = FIXED_NOW + timedelta(hours=7)
    assert expire_acrs(book, "2026-11-21T14:00Z", "cron") == []  # fired after that time: still in its day
    done = expire_acrs(book, "2026-11-21T21:00Z", "cron")
    assert [a.id for a in done] == [acr.id] and done[0].status == "expired"
    assert {o.status for o in done[0].orders} == {"cancelled"}
    assert money(book, "A-1001-M1") == ("1.0", 10_000_000)
    row = audit_trail(book, "A-1001", 1)[0]
    assert row.action == "acr-expired" and row.operator == "cron" and row.detail["unfilled_orders"] == 2
    assert expire_acrs(book, "2026-11-21T21:00Z", "cron") == []  # rerun by cron: nothing left to expire
    assert integrity_report(book).ok


def test_a_partly_filled_acr_expires_its_rest_and_keeps_what_filled(book, clock):
    acr = fire(book)
    first = acr.orders[0]
    apply_fills_csv(book, f"order_id,status,filled_quantity,fill_price\n{first.id},filled,{first.quantity},"
                          f"{first.price}\n", "oscar")
    clock.now = FIXED_NOW + timedelta(hours=7)
    done = expire_acrs(book, "2026-11-21", "cron") + expire_acrs(book, "2026-11-21T21:00:00", "cron")
    assert [a.status for a in done] == ["expired"]
    assert [o.status for o in done[0].orders] == ["filled", "cancelled"]
    assert money(book, "A-1001-M1")[0] == "1.5"  # something traded: the leverage stays applied
    assert "restored" not in audit_trail(book, "A-1001", 1)[0].detail


def test_an_acr_whose_every_order_is_rejected_fails_and_gives_back_what_it_moved(book):
    acr = fire(book)
    lines = "".join(f"{o.id},rejected,0,,no buying power\n" for o in acr.orders)
    [done] = apply_fills_csv(book, "order_id,status,filled_quantity,fill_price,reason\n" + lines, "oscar")
    assert done.status == "failed" and done.code == "ORDERS_REJECTED" and "resubmit" in done.fix
    assert money(book, "A-1001-M1") == ("1.0", 10_000_000)
    assert integrity_report(book).ok


def test_resubmit_makes_a_new_linked_acr_once(book, clock):
    acr = fire(book)
    cancel_acr(book, acr.id, "oscar")
    again = resubmit_acr(book, acr.id, "oscar", ALL)
    assert again.id != acr.id and again.status == "built" and again.lifecycle.resubmit_of == acr.id
    assert audit_trail(book, "A-1001", 1)[0].detail["resubmit_of"] == acr.id
    replay = resubmit_acr(book, acr.id, "oscar", ALL)
    assert replay.id == again.id and replay.replayed
    with pytest.raises(Refused, match=f"ACR {again.id} is built: only failed or expired or cancelled ACRs can be "
                                      "resubmitted"):
        resubmit_acr(book, again.id, "oscar", ALL)


def test_resubmit_walks_the_checklist_again(book):
    acr = fire(book)
    cancel_acr(book, acr.id, "oscar")
    with pytest.raises(Refused, match="the checklist has open items"):
        resubmit_acr(book, acr.id, "oscar", set())


def test_the_login_name_comes_from_the_os_not_the_environment(monkeypatch):
    real = login_name()
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "someone-else")
    assert login_name() == real != "someone-else"


@pytest.mark.sqlite_only  # lowers PRAGMA user_version to rerun it
def test_migration_8_is_safe_to_rerun(story_store, db_path):
    fire(story_store)
    story_store.execute("PRAGMA user_version = 7")
    story_store.close()
    with Store(db_path) as again:
        assert again.scalar("PRAGMA user_version") == store.db.SCHEMA_VERSION >= 8  # 8 and any later ones
        assert again.scalar("SELECT count(*) FROM acrs WHERE prior_applied = '1.0'") == 1
