"""Guided walkthrough runs of the source document's "How to use it": started, stepped and finished here.

Every write is one transaction with an audit row. A run covers one model sleeve; ACRs fired while it is open
carry its id (store/acrs.py), its leverage saves are the audit rows inside its window (audit_mark..audit_end).
Completing a step is refused while what the store says contradicts it (calc.walkthrough evaluates it).
Reads are in store/queries/walkthrough.py; the Markdown export is a console concern.
"""
from __future__ import annotations

from decimal import Decimal

from calc.run_views import StepRecord
from calc.views import AcrRecord
from calc.walkthrough import (
    OUTCOMES,
    STEP_TITLES,
    STEPS,
    editor_saved_confirmation,
    fired_acr_outcome,
    step_state,
)
from store.acrs import acr_by_request_key
from store.core import Store
from store.errors import InvalidInput, Refused
from store.mapping import load_account
from store.queries.orders import find_acr
from store.queries.walkthrough import (
    as_run_acr,
    evaluate,
    leverage_saved_since,
    open_run,
    run_acr_ids,
    run_row,
    step_record,
    step_records,
)
from store.sleeves import refuse_unless_model, sleeve_row


def _checked_operator(operator: str) -> str:
    if not operator or not operator.strip():
        raise InvalidInput("an operator is required: runs and steps record who did them")
    return operator.strip()


def start_run(store: Store, sleeve_id: str, operator: str) -> int:
    """Open a run on a model sleeve; returns the run id."""
    operator = _checked_operator(operator)
    with store.transaction():
        sleeve = sleeve_row(store, sleeve_id)
        refuse_unless_model(sleeve_id, sleeve["kind"])
        cursor = store.execute(
            "INSERT INTO walkthrough_runs (account_id, sleeve_id, operator, started_at, status, audit_mark) "
            "VALUES (?, ?, ?, ?, 'open', ?)", [sleeve["account_id"], sleeve_id, operator, store.now(),
                                                store.audit_head()])
        run_id = int(cursor.lastrowid or 0)
        store.audit(operator, "walkthrough-start", sleeve["account_id"], sleeve_id, {"run": run_id})
        return run_id


def resume_or_start(store: Store, sleeve_id: str, operator: str) -> tuple[int, bool]:
    """The operator's open run on the sleeve, or a new one; returns (run id, resumed)."""
    existing = open_run(store, sleeve_id, operator)
    if existing is not None:
        return existing, True
    return start_run(store, sleeve_id, operator), False


def record_step(store: Store, run_id: int, step: str, outcome: str, operator: str, reason: str = "",
                evaluated: str = "", confirmed: str = "", acr_id: int | None = None, *,
                finish: bool = False) -> StepRecord:
    """Record one step's outcome; `completed` is refused while what the store says contradicts it.

    A step takes one settling outcome (completed, skipped, blocked) until it is retried, which reopens it.
    A skip or a block needs a reason. `evaluated` defaults to what the store says at the time of the write;
    the checklist step completes only with a `confirmed` acknowledgement of the sleeve cash. With `finish`,
    the run is finished in the same transaction.
    """
    operator = _checked_operator(operator)
    if step not in STEPS:
        raise InvalidInput(f"unknown walkthrough step {step!r}: choose one of {', '.join(STEPS)}")
    if outcome not in OUTCOMES:
        raise InvalidInput(f"unknown outcome {outcome!r}: choose one of {', '.join(OUTCOMES)}")
    reason, confirmed = reason.strip(), confirmed.strip()
    if outcome == "skipped" and not reason:
        raise InvalidInput("skipping a step needs a reason")
    if outcome == "blocked" and not reason:
        raise InvalidInput("a blocked step needs a reason (the failure code and why)")
    with store.transaction():
        run = run_row(store, run_id)
        if run["status"] != "open":
            raise Refused(f"walkthrough run {run_id} is {run['status']} (finished {run['finished_at']}): "
                          f"start a new run")
        records = step_records(store, run_id)
        state = step_state(records, step)
        title = f"step {STEPS.index(step) + 1} ({STEP_TITLES[step]})"
        if outcome == "retried" and state == "open":
            raise Refused(f"{title} is open: there is nothing to retry")
        if outcome != "retried" and state != "open":
            raise Refused(f"{title} is already {state}: retry it first")
        loaded = load_account(store.conn, run["account_id"])
        assert loaded is not None
        acr_ids = run_acr_ids(store, run_id, records)
        acrs = [find_acr(store, i) for i in acr_ids]
        if acr_id is not None:
            named = find_acr(store, acr_id)  # NotFound for an unknown ACR
            if named.sleeve_id != run["sleeve_id"]:
                raise Refused(f"ACR {acr_id} is on {named.sleeve_id}, not on this run's sleeve {run['sleeve_id']}")
            if acr_id not in acr_ids:
                raise Refused(f"ACR {acr_id} was not fired during walkthrough run {run_id}")
            if outcome == "completed" and named.failed:
                raise Refused(f"ACR {acr_id} failed ({named.code}): record the step as blocked, not completed")
        evaluation = evaluate(store, run, loaded[0], acrs, step, acknowledged=bool(confirmed))
        if outcome == "completed" and not evaluation.can_complete:
            raise Refused(f"{title} cannot be completed: {evaluation.refusal}")
        cursor = store.execute(
            "INSERT INTO walkthrough_steps (run_id, step, outcome, reason, evaluated, confirmed, acr_id, operator, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, step, outcome, reason, evaluated.strip() or evaluation.text, confirmed, acr_id, operator,
             store.now()])
        store.audit(operator, "walkthrough-step", run["account_id"], run["sleeve_id"],
                    {"run": run_id, "step": step, "outcome": outcome, "reason": reason, "acr": acr_id})
        record = step_record(store, int(cursor.lastrowid or 0))
        if finish:
            finish_run(store, run_id, operator)
        return record


def finish_run(store: Store, run_id: int, operator: str) -> str:
    """Close the run: completed when every step is completed, else incomplete; returns the status."""
    operator = _checked_operator(operator)
    with store.transaction():
        run = run_row(store, run_id)
        if run["status"] != "open":
            raise Refused(f"walkthrough run {run_id} is already {run['status']}")
        records = step_records(store, run_id)
        states = {s: step_state(records, s) for s in STEPS}
        status = "completed" if all(v == "completed" for v in states.values()) else "incomplete"
        store.audit(operator, "walkthrough-finish", run["account_id"], run["sleeve_id"],
                    {"run": run_id, "status": status, **states})
        store.execute("UPDATE walkthrough_runs SET status = ?, finished_at = ?, audit_end = ? WHERE id = ?",
                      [status, store.now(), store.audit_head(), run_id])
        return status


def record_fired_acr(store: Store, run_id: int, request_key: str, operator: str) -> AcrRecord | None:
    """Step 2's outcome from the ACR fired with this request key: completed if it built, blocked with its code
    if it failed (calc.walkthrough.fired_acr_outcome); None, and nothing recorded, if it never fired."""
    fired = acr_by_request_key(store, request_key)
    if fired is None:
        return None
    outcome = fired_acr_outcome(as_run_acr(fired), len(fired.orders))
    if outcome is not None:
        record_step(store, run_id, outcome.step, outcome.outcome, operator, reason=outcome.reason,
                    acr_id=outcome.acr_id, confirmed=outcome.confirmed)
    return fired


def record_editor_save(store: Store, run_id: int, since_audit_id: int, operator: str) -> bool:
    """Step 1 completed by a target saved in the leverage editor after `since_audit_id`; False if none was."""
    run = run_row(store, run_id)
    if not leverage_saved_since(store, run["sleeve_id"], since_audit_id):
        return False
    saved = Decimal(sleeve_row(store, run["sleeve_id"])["leverage"])
    record_step(store, run_id, "leverage", "completed", operator,
                confirmed=editor_saved_confirmation(saved, run["sleeve_id"]))
    return True
