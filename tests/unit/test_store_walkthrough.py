"""Walkthrough runs in the store: start, record, finish, load, and a run's ACRs as a join."""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

import store.db
from calc import ACK_IDS
from calc.walkthrough import (
    RunAcr,
    evaluate_activation_step,
    evaluate_leverage_step,
    quick_checklist,
)
from store.acrs import acr_by_request_key, fire_acr
from store.core import Store
from store.errors import InvalidInput, NotFound, Refused
from store.mapping import load_account
from store.queries.audit import audit_trail
from store.queries.walkthrough import leverage_saved_since, list_runs, load_run, open_run
from store.sleeves import set_leverage
from store.walkthrough import (
    finish_run, record_editor_save, record_fired_acr, record_step, resume_or_start, start_run,
)
from tests.conftest import fixed_clock
from tests.unit.conftest import integrity_errors, snapshot

SLEEVE = "A-1001-M1"
CASH_SLEEVE = "A-1002-M1"


def fire(store: Store, sleeve_id: str = SLEEVE, kind: str = "one-dollar", key: str | None = None):
    return fire_acr(store, sleeve_id, kind, "alice", acknowledged=set(ACK_IDS), request_key=key)


def actions(store: Store) -> list[str]:
    return [r.action for r in audit_trail(store)]


def full_story(store: Store) -> int:
    """The source document's story: save 1.5, a $1 ACR through the gate, the checklist reviewed."""
    run = start_run(store, SLEEVE, "alice")
    set_leverage(store, SLEEVE, Decimal("1.5"), "alice")
    record_step(store, run, "leverage", "completed", "alice", confirmed="Target 1.50x saved in the editor")
    acr = fire(store, key="story")
    record_step(store, run, "activate", "completed", "alice", acr_id=acr.id, confirmed="$1 ACR confirmed")
    record_step(store, run, "checklist", "completed", "alice", confirmed="Sleeve cash reviewed", finish=True)
    return run


# -- schema ---------------------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # PRAGMA table_info and a lowered user_version
def test_migration_2_has_the_run_and_step_columns(story_store: Store):
    runs = {r[1] for r in story_store.conn.execute("PRAGMA table_info(walkthrough_runs)")}
    steps = {r[1] for r in story_store.conn.execute("PRAGMA table_info(walkthrough_steps)")}
    assert {"operator", "started_at", "finished_at", "status", "audit_mark", "audit_end"} <= runs
    assert {"step", "outcome", "reason", "evaluated", "confirmed", "acr_id", "operator", "at"} <= steps


def test_the_outcome_check_constraint_holds_in_sql(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    with pytest.raises(integrity_errors()):
        story_store.conn.execute("INSERT INTO walkthrough_steps (run_id, step, outcome, at) VALUES (?, 'leverage', "
                               "'maybe', 'now')", [run])


# -- start ----------------------------------------------------------------------------------------------


def test_start_run_writes_the_run_and_one_audit_row(story_store: Store):
    before = len(audit_trail(story_store))
    run = start_run(story_store, SLEEVE, "alice")
    view = load_run(story_store, run)
    assert (view.account_id, view.sleeve_id, view.operator, view.status) == ("A-1001", SLEEVE, "alice", "open")
    assert view.started_at == "2026-11-21T15:00:00+00:00" and view.finished_at is None
    assert view.audit_mark == before and view.records == () and view.acrs == ()
    assert [s for s in ("leverage", "activate", "checklist") if view.state(s) != "open"] == []
    assert view.current_step == "leverage"
    top = audit_trail(story_store)[0]
    assert (top.action, top.operator, top.account_id, top.sleeve_id, top.detail) == \
        ("walkthrough-start", "alice", "A-1001", SLEEVE, {"run": run})


@pytest.mark.parametrize("sleeve, error", [("A-1001-APM", Refused), ("NOPE", NotFound)])
def test_start_run_refuses_the_apm_and_unknown_sleeves(story_store: Store, db_path: Path, sleeve, error):
    state = snapshot(db_path)
    with pytest.raises(error):
        start_run(story_store, sleeve, "alice")
    assert snapshot(db_path) == state


def test_start_run_needs_an_operator(story_store: Store):
    with pytest.raises(InvalidInput):
        start_run(story_store, SLEEVE, "  ")


def test_resume_or_start_resumes_the_operators_open_run_only(story_store: Store):
    first, resumed = resume_or_start(story_store, SLEEVE, "alice")
    assert not resumed
    assert resume_or_start(story_store, SLEEVE, "alice") == (first, True)
    other, resumed = resume_or_start(story_store, SLEEVE, "bob")
    assert other != first and not resumed
    finish_run(story_store, first, "alice")
    assert open_run(story_store, SLEEVE, "alice") is None
    assert resume_or_start(story_store, SLEEVE, "alice")[1] is False


# -- record_step validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, text", [
    ({"run_id": 999}, NotFound, "no walkthrough run 999"),
    ({"step": "step-4"}, InvalidInput, "unknown walkthrough step"),
    ({"outcome": "maybe"}, InvalidInput, "unknown outcome"),
    ({"outcome": "skipped"}, InvalidInput, "needs a reason"),
    ({"outcome": "skipped", "reason": "   "}, InvalidInput, "needs a reason"),
    ({"outcome": "blocked"}, InvalidInput, "needs a reason"),
    ({"operator": ""}, InvalidInput, "operator"),
    ({"acr_id": 12345}, NotFound, "no ACR 12345"),
])
def test_record_step_refuses_bad_input_and_writes_nothing(story_store: Store, db_path: Path, kwargs, error, text):
    run = start_run(story_store, SLEEVE, "alice")
    args = {"run_id": run, "step": "leverage", "outcome": "completed", "operator": "alice", **kwargs}
    state = snapshot(db_path)
    with pytest.raises(error, match=text):
        record_step(story_store, **args)
    assert snapshot(db_path) == state


def test_a_skip_with_a_reason_is_recorded_with_an_audit_row(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    audits = len(audit_trail(story_store))
    record = record_step(story_store, run, "leverage", "skipped", "bob", reason="  advisor keeps 1.5  ")
    assert (record.step, record.outcome, record.reason, record.operator) == ("leverage", "skipped",
                                                                             "advisor keeps 1.5", "bob")
    assert "saved 1.50x · applied 1.00x" in record.evaluated  # what the store said at the write
    assert len(audit_trail(story_store)) == audits + 1
    top = audit_trail(story_store)[0]
    assert top.action == "walkthrough-step" and top.operator == "bob"
    assert top.detail == {"run": run, "step": "leverage", "outcome": "skipped", "reason": "advisor keeps 1.5",
                          "acr": None}
    view = load_run(story_store, run)
    assert view.state("leverage") == "skipped" and view.current_step == "activate"


def test_step_2_cannot_complete_while_the_leverage_is_pending(story_store: Store, db_path: Path):
    run = start_run(story_store, SLEEVE, "alice")
    state = snapshot(db_path)
    with pytest.raises(Refused, match=r"step 2 \(Activate the change\) cannot be completed: saved 1.50x is not "
                                      r"applied"):
        record_step(story_store, run, "activate", "completed", "alice")
    assert snapshot(db_path) == state


def test_step_2_completes_with_the_runs_acr(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    acr = fire(story_store)
    record = record_step(story_store, run, "activate", "completed", "alice", acr_id=acr.id)
    assert record.acr_id == acr.id
    assert "ACR 1 ($1 allocation) at 1.50x: built" in record.evaluated
    view = load_run(story_store, run)
    assert [a.id for a in view.acrs] == [acr.id] and view.state("activate") == "completed"


def test_an_acr_fired_before_the_run_or_on_another_sleeve_is_refused(story_store: Store):
    before = fire(story_store, key="before")
    other = fire(story_store, CASH_SLEEVE, key="other")
    run = start_run(story_store, SLEEVE, "alice")
    with pytest.raises(Refused, match="was not fired during walkthrough run"):
        record_step(story_store, run, "activate", "completed", "alice", acr_id=before.id)
    with pytest.raises(Refused, match="not on this run's sleeve"):
        record_step(story_store, run, "activate", "blocked", "alice", reason="x", acr_id=other.id)
    # The leverage was applied before the run: step 2 completes without an ACR of its own.
    record = record_step(story_store, run, "activate", "completed", "alice", confirmed="applied before the run")
    assert "Saved 1.50x · applied 1.50x · in effect" in record.evaluated


def test_a_failed_acr_records_a_blocked_step_never_a_completed_one(story_store: Store):
    run = start_run(story_store, CASH_SLEEVE, "alice")
    acr = fire(story_store, CASH_SLEEVE)
    assert acr.status == "failed" and acr.code == "MARGIN_NOT_ENABLED"
    with pytest.raises(Refused, match="record the step as blocked"):
        record_step(story_store, run, "activate", "completed", "alice", acr_id=acr.id)
    record_step(story_store, run, "activate", "blocked", "alice", reason=f"{acr.code}: {acr.reason}", acr_id=acr.id)
    view = load_run(story_store, run)
    assert view.state("activate") == "blocked" and view.current_step == "leverage"
    record_step(story_store, run, "activate", "retried", "alice")
    assert load_run(story_store, run).state("activate") == "open"


def test_step_3_needs_the_sleeve_cash_acknowledgement_and_passing_items(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    with pytest.raises(Refused, match="Rebalance, CMA, manual allocation/liquidation"):
        record_step(story_store, run, "checklist", "completed", "alice", confirmed="reviewed")
    fire(story_store)
    with pytest.raises(Refused, match="sleeve cash has not been reviewed"):
        record_step(story_store, run, "checklist", "completed", "alice")
    record = record_step(story_store, run, "checklist", "completed", "alice", confirmed="Sleeve cash reviewed")
    assert record.evaluated.splitlines() == [
        "[x] Custodian account enabled for margin: Schwab: margin enabled, margin account",
        "[x] Leverage applied to the model sleeve, none on the APM: A-1001-M1 saved 1.50x, applied 1.50x; APM cash 4,999.00, not negative",
        "[x] Rebalance, CMA, manual allocation/liquidation: ACR 1 ($1 allocation) built; applied 1.50x equals saved",
        "[x] Sleeve cash reviewed: sleeve cash 100,001.00, 49,999.00 debit once the 2 open order(s) fill "
        "(margin debit inside the model sleeve)",
    ]


def test_the_cash_account_checklist_is_refused_on_margin(story_store: Store):
    run = start_run(story_store, CASH_SLEEVE, "alice")
    with pytest.raises(Refused, match="Custodian account enabled for margin: leverage 1.50x needs margin"):
        record_step(story_store, run, "checklist", "completed", "alice", confirmed="reviewed")


def test_a_settled_step_takes_no_second_outcome_until_it_is_retried(story_store: Store, db_path: Path):
    run = start_run(story_store, SLEEVE, "alice")
    with pytest.raises(Refused, match=r"step 1 \(Update leverage\) is open: there is nothing to retry"):
        record_step(story_store, run, "leverage", "retried", "alice")
    record_step(story_store, run, "leverage", "completed", "alice")
    state = snapshot(db_path)
    for outcome, reason in (("completed", ""), ("skipped", "why"), ("blocked", "why")):
        with pytest.raises(Refused, match="is already completed: retry it first"):
            record_step(story_store, run, "leverage", outcome, "alice", reason=reason)
    assert snapshot(db_path) == state
    record_step(story_store, run, "leverage", "retried", "alice")
    record_step(story_store, run, "leverage", "skipped", "alice", reason="keeping the saved target")
    assert [r.outcome for r in load_run(story_store, run).records] == ["completed", "retried", "skipped"]


# -- finish ---------------------------------------------------------------------------------------------


def test_the_full_story_finishes_completed(story_store: Store):
    run = full_story(story_store)
    view = load_run(story_store, run)
    assert view.status == "completed" and view.finished and view.finished_at == "2026-11-21T15:00:00+00:00"
    assert [view.state(s) for s in ("leverage", "activate", "checklist")] == ["completed"] * 3
    assert view.audit_end == audit_trail(story_store)[0].id
    assert actions(story_store)[:6] == ["walkthrough-finish", "walkthrough-step", "walkthrough-step", "acr-built",
                                        "walkthrough-step", "set-leverage"]


def test_a_run_with_a_skip_finishes_incomplete_and_takes_no_more_records(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    record_step(story_store, run, "leverage", "skipped", "alice", reason="target set yesterday")
    assert finish_run(story_store, run, "alice") == "incomplete"
    with pytest.raises(Refused, match="is incomplete"):
        record_step(story_store, run, "activate", "retried", "alice")
    with pytest.raises(Refused, match="already incomplete"):
        finish_run(story_store, run, "alice")
    with pytest.raises(NotFound):
        finish_run(story_store, 77, "alice")


def test_acrs_after_the_run_finished_are_not_the_runs(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    finish_run(story_store, run, "alice")
    fire(story_store)
    assert load_run(story_store, run).acrs == ()


def test_leverage_saved_since_and_acr_by_request_key(story_store: Store):
    mark = audit_trail(story_store)[0].id
    assert not leverage_saved_since(story_store, SLEEVE, mark)
    set_leverage(story_store, SLEEVE, Decimal("1.25"), "alice")
    assert leverage_saved_since(story_store, SLEEVE, mark)
    assert not leverage_saved_since(story_store, CASH_SLEEVE, mark)
    assert acr_by_request_key(story_store, "nope") is None
    acr = fire(story_store, key="tui:abc")
    assert acr_by_request_key(story_store, "tui:abc").id == acr.id


def test_list_runs_newest_first_with_step_states(story_store: Store):
    first = full_story(story_store)
    second = start_run(story_store, CASH_SLEEVE, "bob")
    record_step(story_store, second, "leverage", "skipped", "bob", reason="advisor call")
    runs = list_runs(story_store)
    assert [r.id for r in runs] == [second, first]
    assert runs[0].states == {"leverage": "skipped", "activate": "open", "checklist": "open"}
    assert [r.id for r in list_runs(story_store, "A-1001")] == [first]
    with pytest.raises(NotFound):
        list_runs(story_store, "A-9999")


# -- a run's ACRs: a join on acrs.walkthrough_run ----------------------------------------------------------


def test_an_acr_fired_while_a_run_is_open_carries_the_run_id(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    inside = fire(story_store, key="inside")
    elsewhere = fire(story_store, CASH_SLEEVE, key="elsewhere")
    assert inside.walkthrough_run == run and elsewhere.walkthrough_run is None
    assert story_store.scalar("SELECT walkthrough_run FROM acrs WHERE id = ?", [inside.id]) == run
    assert [a.id for a in load_run(story_store, run).acrs] == [inside.id]


def test_an_explicit_run_id_wins_over_the_open_run(story_store: Store):
    first = start_run(story_store, SLEEVE, "alice")
    second = start_run(story_store, SLEEVE, "bob")  # the latest open run on the sleeve
    named = fire_acr(story_store, SLEEVE, "one-dollar", "alice", acknowledged=set(ACK_IDS), request_key="k",
                     walkthrough_run=first)
    assert named.walkthrough_run == first
    assert [a.id for a in load_run(story_store, first).acrs] == [named.id]
    assert load_run(story_store, second).acrs == ()


@pytest.mark.sqlite_only  # PRAGMA table_info and a lowered user_version
def test_migration_3_backfills_the_run_of_acrs_fired_before_it(story_store: Store, db_path: Path, monkeypatch):
    """A book written at schema 2 found a run's ACRs in its audit window; migration 3 stores that as the id."""
    run = start_run(story_store, SLEEVE, "alice")
    acr = fire(story_store, key="before-3")
    finish_run(story_store, run, "alice")
    after = fire(story_store, key="after-finish")
    story_store.close()
    raw = sqlite3.connect(str(db_path))
    try:  # back to schema 2: the column emptied, the version lowered (as an old file has them)
        raw.execute("DROP INDEX acrs_walkthrough_run")
        raw.execute("ALTER TABLE acrs DROP COLUMN walkthrough_run")
        raw.execute("PRAGMA user_version = 2")
        raw.commit()
    finally:
        raw.close()
    again = Store(db_path, clock=fixed_clock)
    try:
        assert again.scalar("PRAGMA user_version") == store.db.SCHEMA_VERSION
        found = dict(again.execute("SELECT id, walkthrough_run FROM acrs").fetchall())
        assert found == {acr.id: run, after.id: None}
        assert [a.id for a in load_run(again, run).acrs] == [acr.id]
    finally:
        again.close()


def test_record_fired_acr_completes_step_2_with_a_built_acr_and_blocks_it_with_a_failed_one(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    assert record_fired_acr(story_store, run, "never-fired", "alice") is None
    assert load_run(story_store, run).records == ()
    set_leverage(story_store, SLEEVE, Decimal("1.5"), "alice")
    built = fire(story_store, key="k-built")
    assert record_fired_acr(story_store, run, "k-built", "alice").id == built.id
    view = load_run(story_store, run)
    assert view.state("activate") == "completed" and view.last("activate").acr_id == built.id

    cash_run = start_run(story_store, CASH_SLEEVE, "alice")
    failed = fire(story_store, CASH_SLEEVE, key="k-failed")
    assert failed.failed
    record_fired_acr(story_store, cash_run, "k-failed", "alice")
    last = load_run(story_store, cash_run).last("activate")
    assert last.outcome == "blocked" and last.reason.startswith(f"{failed.code}:")


def test_record_editor_save_completes_step_1_only_after_a_save(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    mark = load_run(story_store, run).audit_head
    assert record_editor_save(story_store, run, mark, "alice") is False
    assert load_run(story_store, run).state("leverage") == "open"
    set_leverage(story_store, SLEEVE, Decimal("1.75"), "alice")
    assert record_editor_save(story_store, run, mark, "alice") is True
    last = load_run(story_store, run).last("leverage")
    assert last.outcome == "completed" and "1.75x" in last.confirmed


# -- calc: the pure evaluation --------------------------------------------------------------------------


def test_quick_checklist_names_the_negative_apm(story_store: Store):
    account = load_account(story_store.conn, "A-1003")[0]
    items = quick_checklist(account, "A-1003-M1")
    assert [(i.id, i.status, i.code) for i in items] == [
        ("margin-enabled", "passed", None),  # 1.0x on an IRA needs no margin
        ("model-sleeve", "failed", "NEGATIVE_APM"),
        ("activation", "passed", None),
        ("sleeve-cash-reviewed", "awaiting", None),
    ]
    # An IRA cannot carry margin: its 2,500 APM debit with nothing bought is fees, funded, never "moved".
    assert "fees" in items[1].detail and "margin" not in items[1].detail
    assert items[1].fix == "Fund the APM: a deposit into the APM, or a liquidation from a model sleeve into the APM."


def test_step_evaluations_are_pure_functions_of_the_account(story_store: Store):
    account = load_account(story_store.conn, "A-1001")[0]
    lev = evaluate_leverage_step(account, "A-1001-M1", "Core 60/40")
    assert lev.can_complete and lev.says[0].startswith("A-1001-M1 · model CORE6040 (Core 60/40) · saved 1.50x")
    apm = evaluate_leverage_step(account, "A-1001-APM")
    assert not apm.can_complete and "never applied to the APM" in apm.refusal
    failed = RunAcr(3, "rebalance", "failed", Decimal("1.5"), "REGT_INITIAL", "too much")
    act = evaluate_activation_step(account, "A-1001-M1", [failed])
    assert not act.can_complete and act.refusal.startswith("ACR 3 (Rebalance) failed REGT_INITIAL")
