"""ACRs through the store: every failure code, idempotency, cash movements, optimistic concurrency."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from calc import FAILURE_FIXES, FAILURE_REASONS
from calc.checklist import ACK_IDS
from store.acrs import fire_acr, preview_acr
from store.book import import_book
from store.errors import Conflict, InvalidInput, NotFound, Refused
from store.fills import simulate_fills
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.sleeves import set_leverage, set_track_manager
from tests.unit.conftest import book_with, count, snapshot

ALL = set(ACK_IDS)


def account(sleeve: dict[str, Any] | None = None, apm_cash: float = 5000.0, **fields: Any) -> dict[str, Any]:
    """A margin account T-1 with an APM and one model sleeve T-1-M1 (CORE6040 at 1.5 on $100,000)."""
    model_sleeve = {"id": "T-1-M1", "kind": "model", "model": "CORE6040", "leverage": 1.5,
                    "applied_leverage": 1.0, "track_manager": True, "cash": 100000.0, "positions": {}}
    model_sleeve.update(sleeve or {})
    acc = {"id": "T-1", "name": "Test Account", "custodian": "Schwab", "type": "margin", "margin_enabled": True,
           "house_maintenance": 0.30, "max_leverage": 2.0,
           "sleeves": [{"id": "T-1-APM", "kind": "apm", "cash": apm_cash, "positions": {}}, model_sleeve]}
    acc.update(fields)
    return acc


FRESH = "2026-11-20"

# code -> (book, kind, amount)
FAILURE_BOOKS: dict[str, tuple[dict[str, Any], str, Decimal]] = {
    "MARGIN_NOT_ENABLED (ira)": (book_with(account(type="ira", margin_enabled=True)), "rebalance", Decimal(0)),
    "MARGIN_NOT_ENABLED (margin type, not enabled)": (book_with(account(margin_enabled=False)), "one-dollar",
                                                      Decimal(0)),
    "MISSING_PRICE": (book_with(account({"model": "NOPX"}), models=[
        {"id": "NOPX", "weights": {"SPY": 0.5, "ZZZ": 0.5}, "cash": 0.0}]), "rebalance", Decimal(0)),
    "STALE_PRICE": (book_with(account({"model": "OLDM"}), models=[
        {"id": "OLDM", "weights": {"SPY": 0.5, "OLDCO": 0.5}, "cash": 0.0}]), "one-dollar", Decimal(0)),
    "STALE_PRICE (held symbol)": (book_with(account({"positions": {"OLDCO": 10}})), "rebalance", Decimal(0)),
    "REGT_INITIAL": (book_with(account({"model": "MMFM", "leverage": 2.0}), prices=[
        {"symbol": "MMF", "price": 1.0, "as_of": FRESH, "marginable": False}],
        models=[{"id": "MMFM", "weights": {"MMF": 1.0}, "cash": 0.0}]), "rebalance", Decimal(0)),
    "MAINTENANCE": (book_with(account({"model": "RISKM", "leverage": 2.0}), prices=[
        {"symbol": "RISKY", "price": 500.0, "as_of": FRESH, "marginable": True, "maintenance": 0.9}],
        models=[{"id": "RISKM", "weights": {"RISKY": 1.0}, "cash": 0.0}]), "rebalance", Decimal(0)),
    "NAV_NOT_POSITIVE": (book_with(account({"cash": 0.0})), "rebalance", Decimal(0)),
    "NAV_NOT_POSITIVE (debit larger than holdings)": (
        book_with(account({"cash": -6000.0, "positions": {"SPY": 10}})), "rebalance", Decimal(0)),
    "APM_INSUFFICIENT": (book_with(account(apm_cash=0.50)), "one-dollar", Decimal(0)),
    "APM_INSUFFICIENT (allocation)": (book_with(account()), "allocation", Decimal("5000.01")),
}


@pytest.mark.parametrize("case", list(FAILURE_BOOKS))
def test_failure_codes_write_a_failed_acr_and_change_nothing_else(open_store, db_path, case):
    book, kind, amount = FAILURE_BOOKS[case]
    code = case.split(" ")[0]
    s = open_store()
    import_book(s, book, "alice")
    before = snapshot(db_path)
    audit_before = count(db_path, "audit")

    acr = fire_acr(s, "T-1-M1", kind, "alice", amount, acknowledged=ALL)

    assert acr.status == "failed" and acr.failed
    assert acr.code == code
    assert acr.reason.startswith(FAILURE_REASONS[code])
    assert acr.fix == FAILURE_FIXES[code]
    assert acr.orders == []
    assert acr.operator == "alice"
    assert acr.checklist and any(i["status"] == "failed" and i["code"] == code for i in acr.checklist)
    after = snapshot(db_path)
    for table in ("sleeves", "positions", "accounts", "prices", "models", "orders"):
        assert after[table] == before[table], table
    assert count(db_path, "acrs") == 1
    assert count(db_path, "audit") == audit_before + 1
    row = audit_trail(s, "T-1")[0]
    assert (row.action, row.operator, row.sleeve_id) == ("acr-failed", "alice", "T-1-M1")
    assert row.detail["code"] == code and row.detail["acr"] == acr.id and row.detail["orders"] == 0
    detail = account_detail(s, "T-1")
    assert detail.sleeve("T-1-M1").applied == Decimal("1.0")  # a failed ACR applies nothing


def test_margin_not_enabled_on_the_story_cash_account(story_store, db_path):
    before = snapshot(db_path)
    acr = fire_acr(story_store, "A-1002-M1", "one-dollar", "alice", acknowledged=ALL)
    assert (acr.status, acr.code, acr.orders) == ("failed", "MARGIN_NOT_ENABLED", [])
    assert "projected sleeve cash 24,999.00 debit" in acr.reason
    after = snapshot(db_path)
    assert after["sleeves"] == before["sleeves"] and after["orders"] == []
    view = account_detail(story_store, "A-1002")
    assert view.sleeve("A-1002-M1").cash == Decimal(50000) and view.sleeve("A-1002-APM").cash == Decimal(1000)
    assert audit_trail(story_store, "A-1002")[0].action == "acr-failed"


def test_leverage_out_of_range_is_unreachable_through_the_services(open_store, db_path):
    s = open_store()
    with pytest.raises(InvalidInput) as refused:  # the importer refuses leverage above the account's cap
        import_book(s, book_with(account({"leverage": 1.75}, max_leverage=1.5)), "alice")
    assert any("$.accounts[0]" in p and "max_leverage" in p for p in refused.value.problems)
    import_book(s, book_with(account({"leverage": 1.5}, max_leverage=1.5)), "alice")
    with pytest.raises(InvalidInput, match="between 1.00 and 1.50"):  # and so does set_leverage
        set_leverage(s, "T-1-M1", Decimal("1.75"), "alice")
    assert account_detail(s, "T-1").sleeve("T-1-M1").saved == Decimal("1.5")


def test_leverage_out_of_range_when_the_house_cap_is_lowered_under_a_saved_target(open_store, db_path):
    s = open_store()
    import_book(s, book_with(account({"leverage": 1.5}, max_leverage=1.5)), "alice")
    # The only way in: the account's cap changes under an already saved target (e.g. a later book feed).
    s.conn.execute("UPDATE accounts SET max_leverage = '1.25' WHERE id = 'T-1'")
    before = snapshot(db_path)
    acr = fire_acr(s, "T-1-M1", "rebalance", "alice", acknowledged=ALL)
    assert (acr.status, acr.code, acr.orders) == ("failed", "LEVERAGE_OUT_OF_RANGE", [])
    assert acr.reason.startswith(FAILURE_REASONS["LEVERAGE_OUT_OF_RANGE"])
    assert snapshot(db_path)["sleeves"] == before["sleeves"]
    assert audit_trail(s, "T-1")[0].action == "acr-failed"


def test_open_acknowledgements_refuse_and_write_nothing(story_store, db_path):
    before = snapshot(db_path)
    with pytest.raises(Refused, match="sleeve-cash-reviewed") as refused:
        fire_acr(story_store, "A-1001-M1", "one-dollar", "alice")
    assert "risk-multiplier" in str(refused.value)
    with pytest.raises(Refused, match="risk-monitoring") as partial:
        fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL - {"risk-monitoring"})
    assert "sleeve-cash-reviewed" not in str(partial.value)
    assert snapshot(db_path) == before


def test_unknown_acknowledgement_is_invalid(story_store, db_path):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match="unknown acknowledgement"):
        fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL | {"yolo"})
    assert snapshot(db_path) == before


@pytest.mark.parametrize("sleeve_id, error", [("A-1001-APM", Refused), ("NOPE", NotFound)])
def test_acr_on_the_apm_or_an_unknown_sleeve_is_refused(story_store, db_path, sleeve_id, error):
    before = snapshot(db_path)
    with pytest.raises(error):
        fire_acr(story_store, sleeve_id, "one-dollar", "alice", acknowledged=ALL)
    assert snapshot(db_path) == before


@pytest.mark.parametrize("kind, amount, message", [
    ("yolo", Decimal(0), "unknown ACR kind"),
    ("deposit", Decimal(0), "needs --amount"),
    ("withdrawal", Decimal(-5), "zero or more"),
    ("rebalance", Decimal(10), "takes no amount"),
    ("one-dollar", Decimal(1), "takes no amount"),
    ("allocation", Decimal("10.001"), "2 decimal places"),
    ("deposit", Decimal("NaN"), "zero or more"),
])
def test_bad_acr_requests_write_nothing(story_store, db_path, kind, amount, message):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match=message):
        fire_acr(story_store, "A-1001-M1", kind, "alice", amount, acknowledged=ALL)
    assert snapshot(db_path) == before


def test_preview_writes_nothing_and_shows_the_story_orders(story_store, db_path):
    before = snapshot(db_path)
    preview = preview_acr(story_store, "A-1001-M1", "one-dollar", acknowledged=ALL)
    assert preview.checklist.can_fire
    assert {(o.side, o.symbol, o.quantity) for o in preview.build.orders} == {
        ("buy", "SPY", Decimal(180)), ("buy", "AGG", Decimal(600))}
    assert preview.build.projected_sleeve_cash == Decimal(-49999)
    assert snapshot(db_path) == before


def test_success_writes_orders_applied_leverage_and_audit_in_one_go(story_store, db_path):
    version = account_detail(story_store, "A-1001").sleeve("A-1001-M1").version
    acr = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
    assert (acr.status, acr.code, acr.leverage, acr.amount) == ("built", None, Decimal("1.5"), Decimal(0))
    assert sorted((o.side, o.symbol, o.quantity, o.price) for o in acr.orders) == [
        ("buy", "AGG", Decimal(600), Decimal(100)), ("buy", "SPY", Decimal(180), Decimal(500))]
    assert all(o.status == "new" for o in acr.orders)
    assert count(db_path, "orders") == 2
    detail = account_detail(story_store, "A-1001")
    m1 = detail.sleeve("A-1001-M1")
    assert (m1.saved, m1.applied, m1.cash, m1.version) == (Decimal("1.5"), Decimal("1.5"), Decimal(100001),
                                                           version + 1)
    assert detail.sleeve("A-1001-APM").cash == Decimal(4999)
    assert "PENDING_LEVERAGE" not in [d.code for d in detail.diagnostics]
    audit = audit_trail(story_store, "A-1001")[0]
    assert (audit.action, audit.operator, audit.detail["orders"], audit.detail["acr"]) == ("acr-built", "alice",
                                                                                          2, acr.id)
    assert audit.detail["acknowledged"] == sorted(ACK_IDS)
    stored = json.loads(story_store.conn.execute("SELECT checklist FROM acrs WHERE id = ?", [acr.id]).fetchone()[0])
    assert {i["id"] for i in stored} >= set(ACK_IDS) | {"margin-enabled", "margin-checks"}


def test_rebalance_with_nothing_to_trade_completes_without_orders(story_store):
    set_leverage(story_store, "A-1001-M1", Decimal("1.0"), "alice")
    first = fire_acr(story_store, "A-1001-M1", "rebalance", "alice", acknowledged=ALL)
    simulate_fills(story_store, first.id, "alice")
    again = fire_acr(story_store, "A-1001-M1", "rebalance", "alice", acknowledged=ALL, request_key="second")
    assert (again.status, again.orders, again.replayed) == ("complete", [], False)
    assert again.id != first.id


# -- idempotency ---------------------------------------------------------------------------------------


def test_same_request_key_twice_makes_one_acr(story_store, db_path):
    first = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL, request_key="k-1")
    audit_rows = count(db_path, "audit")
    second = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL, request_key="k-1")
    assert count(db_path, "acrs") == 1 and count(db_path, "orders") == 2
    assert count(db_path, "audit") == audit_rows
    assert second.id == first.id and second.replayed is True and first.replayed is False
    assert [o.id for o in second.orders] == [o.id for o in first.orders]
    assert account_detail(story_store, "A-1001").sleeve("A-1001-APM").cash == Decimal(4999)  # debited once


def test_default_request_key_replays_a_retried_failed_acr(story_store, db_path):
    first = fire_acr(story_store, "A-1002-M1", "rebalance", "alice", acknowledged=ALL)
    second = fire_acr(story_store, "A-1002-M1", "rebalance", "alice", acknowledged=ALL)
    assert first.status == "failed"
    assert second.id == first.id and second.replayed
    assert count(db_path, "acrs") == 1


def test_default_request_key_changes_with_the_saved_target(story_store, db_path):
    first = fire_acr(story_store, "A-1002-M1", "rebalance", "alice", acknowledged=ALL)
    set_leverage(story_store, "A-1002-M1", Decimal("1.0"), "alice")  # the operator fixes the cause
    again = fire_acr(story_store, "A-1002-M1", "rebalance", "alice", acknowledged=ALL)
    assert again.id != first.id and not again.replayed and again.status == "built"
    assert count(db_path, "acrs") == 2


def test_default_request_key_replays_a_retried_successful_acr(story_store, db_path):
    """DESIGN: a retried command never makes two ACRs; the default key must survive the ACR's own write."""
    first = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
    second = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
    assert count(db_path, "acrs") == 1
    assert second.id == first.id and second.replayed
    assert count(db_path, "orders") == 2
    assert account_detail(story_store, "A-1001").sleeve("A-1001-APM").cash == Decimal(4999)


# -- optimistic concurrency ----------------------------------------------------------------------------


def test_second_writer_with_a_stale_version_gets_a_conflict_naming_the_first(story_store, open_store, db_path):
    other = open_store()
    v_alice = account_detail(story_store, "A-1001").sleeve("A-1001-M1").version
    v_bob = account_detail(other, "A-1001").sleeve("A-1001-M1").version
    assert v_alice == v_bob
    new_version = set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "alice", expected_version=v_alice)
    assert new_version == v_alice + 1
    before = snapshot(db_path)
    with pytest.raises(Conflict) as conflict:
        set_leverage(other, "A-1001-M1", Decimal("2.0"), "bob", expected_version=v_bob)
    assert "alice" in str(conflict.value) and "A-1001-M1" in str(conflict.value)
    assert snapshot(db_path) == before
    for s in (story_store, other):
        m1 = account_detail(s, "A-1001").sleeve("A-1001-M1")
        assert (m1.saved, m1.version) == (Decimal("1.25"), new_version)
    assert [r.operator for r in audit_trail(other, "A-1001") if r.action == "set-leverage"] == ["alice"]


@pytest.mark.parametrize("write", ["track", "acr"])
def test_other_writes_check_the_expected_version_too(story_store, open_store, db_path, write):
    other = open_store()
    v = account_detail(other, "A-1001").sleeve("A-1001-M1").version
    set_track_manager(story_store, "A-1001-M1", False, "alice", expected_version=v)
    before = snapshot(db_path)
    with pytest.raises(Conflict, match="alice"):
        if write == "track":
            set_track_manager(other, "A-1001-M1", True, "bob", expected_version=v)
        else:
            fire_acr(other, "A-1001-M1", "one-dollar", "bob", acknowledged=ALL, expected_version=v)
    assert snapshot(db_path) == before


def test_set_leverage_and_track_manager_save_targets_only(story_store, db_path):
    orders_before = count(db_path, "orders")
    v = set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "alice")
    v = set_track_manager(story_store, "A-1001-M1", False, "bob", expected_version=v)
    m1 = account_detail(story_store, "A-1001").sleeve("A-1001-M1")
    assert (m1.saved, m1.applied, m1.track_manager, m1.version, m1.cash) == (
        Decimal("1.25"), Decimal("1.0"), False, v, Decimal(100000))
    assert count(db_path, "orders") == orders_before and count(db_path, "acrs") == 0
    trail = audit_trail(story_store, "A-1001")
    assert [(r.action, r.operator) for r in trail[:2]] == [("track-manager", "bob"), ("set-leverage", "alice")]
    assert trail[1].detail == {"from": "1.5", "to": "1.25", "applied": "1.0"}
    assert trail[0].detail == {"from": True, "to": False}


@pytest.mark.parametrize("leverage", [Decimal("0.5"), Decimal("0.99"), Decimal("3"), Decimal("2.0001"),
                                      Decimal("NaN"), Decimal("Infinity"), Decimal("1.23456")])
def test_set_leverage_bad_values_write_nothing(story_store, db_path, leverage):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput):
        set_leverage(story_store, "A-1001-M1", leverage, "alice")
    assert snapshot(db_path) == before


def test_read_only_sleeve_kinds_are_not_editable(open_store, db_path):
    s = open_store()
    acc = account()
    acc["sleeves"].append({"id": "T-1-TR", "kind": "transition", "cash": 100.0, "positions": {"SPY": 1}})
    import_book(s, book_with(acc), "alice")
    before = snapshot(db_path)
    with pytest.raises(Refused, match="read-only"):
        set_leverage(s, "T-1-TR", Decimal("1.5"), "alice")
    with pytest.raises(Refused):
        fire_acr(s, "T-1-TR", "rebalance", "alice", acknowledged=ALL)
    assert snapshot(db_path) == before
    assert account_detail(s, "T-1").sleeve("T-1-TR").exposure == Decimal(500)


# -- cash movements (DOMAIN.md "Trade build" step 1) ----------------------------------------------------


@pytest.mark.parametrize("kind, amount, sleeve_cash, apm_cash, filled_cash", [
    ("one-dollar", "0", "100001", "4999", "-49999"),
    ("deposit", "10000", "110000", "5000", "-55000"),
    ("withdrawal", "2000", "98000", "5000", "-48800"),
    ("allocation", "2000", "102000", "3000", "-50700"),
    ("liquidation", "2000", "98000", "7000", "-48800"),
    ("allocation", "5000", "105000", "0", "-52500"),
])
def test_acr_kinds_move_cash_then_fills_move_it_by_qty_times_price(story_store, kind, amount, sleeve_cash,
                                                                  apm_cash, filled_cash):
    acr = fire_acr(story_store, "A-1001-M1", kind, "alice", Decimal(amount), acknowledged=ALL)
    assert acr.status == "built" and acr.amount == Decimal(amount)
    detail = account_detail(story_store, "A-1001")
    assert detail.sleeve("A-1001-M1").cash == Decimal(sleeve_cash)
    assert detail.sleeve("A-1001-APM").cash == Decimal(apm_cash)
    simulate_fills(story_store, acr.id, "alice")
    detail = account_detail(story_store, "A-1001")
    spent = sum((o.quantity * o.price for o in acr.orders), Decimal(0))
    assert detail.sleeve("A-1001-M1").cash == Decimal(sleeve_cash) - spent == Decimal(filled_cash)
    assert detail.sleeve("A-1001-M1").positions == {o.symbol: o.quantity for o in acr.orders}
    assert detail.sleeve("A-1001-APM").cash == Decimal(apm_cash)
    change = {"deposit": Decimal(amount), "withdrawal": -Decimal(amount)}.get(kind, Decimal(0))
    assert detail.nav == Decimal(105000) + change  # other kinds move cash inside the account


def test_preview_interest_uses_the_tier_of_the_projected_debit(story_store):
    """Schwab tiers in the story book: 9 % from $0, 8 % from $100,000 of debit."""
    from decimal import Decimal as D

    preview = preview_acr(story_store, "A-1001-M1", "rebalance", leverage=D("2.0"))
    margin = preview.build.projected_margin
    # 2.0x on $100,000: buys 200,000 of SPY/AGG, sleeve cash -100,000, APM +5,000 -> account debit 95,000 (9 %).
    assert margin.debit == D(95000)
    assert margin.daily_interest == D(95000) * D("0.09") / 360
    big = preview_acr(story_store, "A-1001-M1", "deposit", amount=D(20000), leverage=D("2.0"))
    # Depositing 20,000 first: equity 120,000 at 2.0x -> sleeve cash -120,000, APM +5,000 -> debit 115,000,
    # past the 100,000 tier: 8 %, although today's debit (0) sits in the 9 % tier.
    assert big.build.projected_margin.debit == D(115000)
    assert big.build.projected_margin.daily_interest == D(115000) * D("0.08") / 360
