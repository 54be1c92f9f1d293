"""Guided walkthrough runs of the source document's "How to use it": stored step by step, exportable as Markdown.

Every write is one transaction with an audit row. A run covers one model sleeve; its own leverage saves and
ACRs are the audit rows written after the run started (audit_mark) and before it finished (audit_end).
Completing a step is refused while what the store says contradicts it (calc.walkthrough evaluates it).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from calc import Account
from calc.formatting import cash, lev, money
from calc.vocabulary import apm_refusal, kind_title, read_only_refusal
from calc.walkthrough import (
    STEP_SOURCE, STEP_TITLES, STEPS, RunAcr, StepEvaluation, evaluate_step,
)
from store.db import write
from store.errors import InvalidInput, NotFound, Refused
from store.records import load_account, load_models, rows
from store.service import Store
from store.views import AcrRecord

OUTCOMES: tuple[str, ...] = ("completed", "skipped", "blocked", "retried")
# Outcomes that settle a step; 'retried' reopens it.
SETTLED = frozenset({"completed", "skipped", "blocked"})
RUN_STATUSES = ("open", "completed", "incomplete")


@dataclass(frozen=True)
class StepRecord:
    """One recorded outcome of one step (a step may have several: blocked, retried, completed...)."""

    id: int
    step: str
    outcome: str
    reason: str
    evaluated: str
    confirmed: str
    acr_id: int | None
    operator: str
    at: str

    @property
    def number(self) -> int:
        return STEPS.index(self.step) + 1


@dataclass(frozen=True)
class RunSummary:
    """One line of `walkthrough list`."""

    id: int
    account_id: str
    sleeve_id: str
    operator: str
    started_at: str
    finished_at: str | None
    status: str
    states: dict[str, str]


@dataclass(frozen=True)
class RunView:
    """A run with its records, its ACRs and what the store says now about each step."""

    id: int
    account: Account
    sleeve_id: str
    model: str
    model_name: str
    operator: str
    started_at: str
    finished_at: str | None
    status: str
    audit_mark: int
    audit_end: int | None
    audit_head: int
    records: tuple[StepRecord, ...]
    acrs: tuple[AcrRecord, ...]
    evaluations: dict[str, StepEvaluation]
    loaded_at: str
    saved: Decimal = Decimal(1)
    applied: Decimal = Decimal(1)
    sleeve_cash: Decimal = Decimal(0)
    apm_cash: Decimal | None = None
    sleeve_version: int = 0
    last_saved: str = ""

    @property
    def account_id(self) -> str:
        return self.account.id

    @property
    def finished(self) -> bool:
        return self.status != "open"

    def history(self, step: str) -> list[StepRecord]:
        return [r for r in self.records if r.step == step]

    def last(self, step: str) -> StepRecord | None:
        found = self.history(step)
        return found[-1] if found else None

    def state(self, step: str) -> str:
        """open, completed, skipped or blocked: the step's last outcome ('retried' reopens it)."""
        last = self.last(step)
        return last.outcome if last is not None and last.outcome in SETTLED else "open"

    @property
    def current_step(self) -> str:
        """The first step still to do (open or blocked), else the last step."""
        return next((s for s in STEPS if self.state(s) in ("open", "blocked")), STEPS[-1])

    def acr(self, acr_id: int | None) -> AcrRecord | None:
        return next((a for a in self.acrs if a.id == acr_id), None)


# -- reads ----------------------------------------------------------------------------------------------


def _run_row(store: Store, run_id: int) -> dict[str, Any]:
    found = rows(store.db, "SELECT * FROM walkthrough_runs WHERE id = ?", [run_id])
    if not found:
        raise NotFound(f"no walkthrough run {run_id}")
    return found[0]


def _records(store: Store, run_id: int) -> tuple[StepRecord, ...]:
    return tuple(
        StepRecord(r["id"], r["step"], r["outcome"], r["reason"], r["evaluated"], r["confirmed"], r["acr_id"],
                   r["operator"], r["at"])
        for r in rows(store.db, "SELECT * FROM walkthrough_steps WHERE run_id = ? ORDER BY id", [run_id]))


def _window(run: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL and parameters selecting the run's own audit rows on its sleeve."""
    sql = "account_id = ? AND sleeve_id = ? AND id > ?"
    params: list[Any] = [run["account_id"], run["sleeve_id"], run["audit_mark"]]
    if run["audit_end"] is not None:
        sql += " AND id <= ?"
        params.append(run["audit_end"])
    return sql, params


def _run_acr_ids(store: Store, run: dict[str, Any], records: tuple[StepRecord, ...]) -> list[int]:
    where, params = _window(run)
    ids = {r.acr_id for r in records if r.acr_id is not None}
    for (detail,) in store.db.execute(
            f"SELECT detail FROM audit WHERE {where} AND action IN ('acr-built', 'acr-failed')", params):
        acr = json.loads(detail).get("acr")
        if isinstance(acr, int):
            ids.add(acr)
    return sorted(ids)


def _saved_in_run(store: Store, run: dict[str, Any]) -> bool:
    where, params = _window(run)
    return store.db.execute(f"SELECT 1 FROM audit WHERE {where} AND action = 'set-leverage' LIMIT 1",
                            params).fetchone() is not None


def _last_saved(store: Store, account_id: str, sleeve_id: str) -> str:
    found = rows(store.db, "SELECT at, operator, detail FROM audit WHERE account_id = ? AND sleeve_id = ? "
                           "AND action = 'set-leverage' ORDER BY id DESC LIMIT 1", [account_id, sleeve_id])
    if not found:
        return ""
    detail = json.loads(found[0]["detail"])
    return f"by {found[0]['operator']} at {found[0]['at']} ({detail.get('from')} -> {detail.get('to')})"


def audit_head(store: Store) -> int:
    """The audit log's last id (0 when empty)."""
    return store.db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]


def leverage_saved_since(store: Store, sleeve_id: str, audit_id: int) -> bool:
    """Whether a leverage target was saved on the sleeve after this audit id."""
    account_id = store.sleeve_account_id(sleeve_id)
    found = store.db.execute("SELECT 1 FROM audit WHERE account_id = ? AND sleeve_id = ? AND id > ? "
                             "AND action = 'set-leverage' LIMIT 1", [account_id, sleeve_id, audit_id]).fetchone()
    return found is not None


def acr_by_request_key(store: Store, request_key: str) -> AcrRecord | None:
    """The ACR a screen fired with its request key, or None if it never fired."""
    row = store.db.execute("SELECT id FROM acrs WHERE request_key = ?", [request_key]).fetchone()
    return store.acr(row[0]) if row else None


def _run_acr(acr: AcrRecord) -> RunAcr:
    return RunAcr(acr.id, acr.kind, acr.status, acr.leverage, acr.code, acr.reason, acr.amount)


def _evaluate(store: Store, run: dict[str, Any], records: tuple[StepRecord, ...], account: Account,
              acrs: list[AcrRecord], step: str, acknowledged: bool) -> StepEvaluation:
    sleeve = account.sleeve(run["sleeve_id"])
    model = load_models(store.db).get(sleeve.model or "")
    count, cash_move = _open_orders(store, run["sleeve_id"])
    return evaluate_step(step, account, run["sleeve_id"], model_name=model.name if model else "",
                         last_saved=_last_saved(store, run["account_id"], run["sleeve_id"]),
                         saved_in_run=_saved_in_run(store, run), run_acrs=[_run_acr(a) for a in acrs],
                         acknowledged=acknowledged, open_orders=count, open_order_cash=cash_move)


def _open_orders(store: Store, sleeve_id: str) -> tuple[int, Decimal]:
    """The sleeve's unfilled orders and the cash they move when they fill (buys negative)."""
    count, move = 0, Decimal(0)
    for side, quantity, price in store.db.execute(
            "SELECT o.side, o.quantity, o.price FROM acrs a JOIN orders o ON o.acr_id = a.id "
            "WHERE a.account_id = ? AND o.sleeve_id = ? AND o.status = 'new'",
            [store.sleeve_account_id(sleeve_id), sleeve_id]):
        notional = Decimal(quantity) * Decimal(price)
        move += -notional if side == "buy" else notional
        count += 1
    return count, move


def _state(records: tuple[StepRecord, ...], step: str) -> str:
    last = next((r for r in reversed(records) if r.step == step), None)
    return last.outcome if last is not None and last.outcome in SETTLED else "open"


@contextmanager
def _snapshot(store: Store) -> Iterator[None]:
    """One read transaction, so a view is consistent with its audit_head (the screen drops older views)."""
    conn = store.db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def load_run(store: Store, run_id: int) -> RunView:
    """The run, its records and ACRs, and what the store says now about each of its steps (one snapshot)."""
    with _snapshot(store):
        return _load_run(store, run_id)


def _load_run(store: Store, run_id: int) -> RunView:
    head = audit_head(store)
    run = _run_row(store, run_id)
    loaded = load_account(store.db, run["account_id"])
    if loaded is None:
        raise NotFound(f"no account {run['account_id']}")
    account, versions, _ = loaded
    records = _records(store, run_id)
    acrs = [store.acr(i) for i in _run_acr_ids(store, run, records)]
    sleeve = account.sleeve(run["sleeve_id"])
    model = load_models(store.db).get(sleeve.model or "")
    acknowledged = _state(records, "checklist") == "completed"
    evaluations = {step: _evaluate(store, run, records, account, acrs, step, acknowledged) for step in STEPS}
    apm = account.apm
    return RunView(
        id=run["id"], account=account, sleeve_id=run["sleeve_id"], model=sleeve.model or "",
        model_name=model.name if model else "", operator=run["operator"], started_at=run["started_at"],
        finished_at=run["finished_at"], status=run["status"], audit_mark=run["audit_mark"],
        audit_end=run["audit_end"], audit_head=head, records=records, acrs=tuple(acrs),
        evaluations=evaluations, loaded_at=store._now(), saved=sleeve.leverage, applied=sleeve.applied,
        sleeve_cash=sleeve.cash, apm_cash=apm.cash if apm is not None else None,
        sleeve_version=versions[sleeve.id], last_saved=_last_saved(store, run["account_id"], run["sleeve_id"]),
    )


def list_runs(store: Store, account_id: str | None = None, limit: int = 100) -> list[RunSummary]:
    """Runs, newest first, with each step's state."""
    if account_id is not None:
        if not store.db.execute("SELECT 1 FROM accounts WHERE id = ?", [account_id]).fetchone():
            raise NotFound(f"no account {account_id}")
        found = rows(store.db, "SELECT * FROM walkthrough_runs WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                     [account_id, limit])
    else:
        found = rows(store.db, "SELECT * FROM walkthrough_runs ORDER BY id DESC LIMIT ?", [limit])
    summaries = []
    for run in found:
        records = _records(store, run["id"])
        summaries.append(RunSummary(run["id"], run["account_id"], run["sleeve_id"], run["operator"],
                                    run["started_at"], run["finished_at"], run["status"],
                                    {s: _state(records, s) for s in STEPS}))
    return summaries


def open_run(store: Store, sleeve_id: str, operator: str) -> int | None:
    """The operator's latest open run on the sleeve, if any."""
    account_id = store.sleeve_account_id(sleeve_id)
    row = store.db.execute("SELECT id FROM walkthrough_runs WHERE account_id = ? AND sleeve_id = ? AND operator = ? "
                           "AND status = 'open' ORDER BY id DESC LIMIT 1", [account_id, sleeve_id, operator]).fetchone()
    return row[0] if row else None


# -- writes ---------------------------------------------------------------------------------------------


def _checked_operator(operator: str) -> str:
    if not operator or not operator.strip():
        raise InvalidInput("an operator is required: runs and steps record who did them")
    return operator.strip()


def start_run(store: Store, sleeve_id: str, operator: str) -> int:
    """Open a run on a model sleeve; returns the run id."""
    operator = _checked_operator(operator)
    with write(store.db):
        row = rows(store.db, "SELECT id, account_id, kind FROM sleeves WHERE id = ?", [sleeve_id])
        if not row:
            raise NotFound(f"no sleeve {sleeve_id}")
        sleeve = row[0]
        if sleeve["kind"] == "apm":
            raise Refused(apm_refusal(sleeve_id))
        if sleeve["kind"] != "model":
            raise Refused(read_only_refusal(sleeve_id, sleeve["kind"]))
        mark = audit_head(store)
        cursor = store.db.execute(
            "INSERT INTO walkthrough_runs (account_id, sleeve_id, operator, started_at, status, audit_mark) "
            "VALUES (?, ?, ?, ?, 'open', ?)", [sleeve["account_id"], sleeve_id, operator, store._now(), mark])
        run_id = int(cursor.lastrowid)  # type: ignore[arg-type]
        store._audit(operator, "walkthrough-start", sleeve["account_id"], sleeve_id, {"run": run_id})
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
    with write(store.db):
        run = _run_row(store, run_id)
        if run["status"] != "open":
            raise Refused(f"walkthrough run {run_id} is {run['status']} (finished {run['finished_at']}): "
                          f"start a new run")
        records = _records(store, run_id)
        state = _state(records, step)
        if outcome == "retried" and state == "open":
            raise Refused(f"step {STEPS.index(step) + 1} ({STEP_TITLES[step]}) is open: there is nothing to retry")
        if outcome != "retried" and state != "open":
            raise Refused(f"step {STEPS.index(step) + 1} ({STEP_TITLES[step]}) is already {state}: retry it first")
        loaded = load_account(store.db, run["account_id"])
        assert loaded is not None
        account = loaded[0]
        acr_ids = _run_acr_ids(store, run, records)
        acrs = [store.acr(i) for i in acr_ids]
        if acr_id is not None:
            acr = store.acr(acr_id)  # NotFound for an unknown ACR
            if acr.sleeve_id != run["sleeve_id"]:
                raise Refused(f"ACR {acr_id} is on {acr.sleeve_id}, not on this run's sleeve {run['sleeve_id']}")
            if acr_id not in acr_ids:
                raise Refused(f"ACR {acr_id} was not fired during walkthrough run {run_id}")
            if outcome == "completed" and acr.failed:
                raise Refused(f"ACR {acr_id} failed ({acr.code}): record the step as blocked, not completed")
        evaluation = _evaluate(store, run, records, account, acrs, step, acknowledged=bool(confirmed))
        if outcome == "completed" and not evaluation.can_complete:
            raise Refused(f"step {STEPS.index(step) + 1} ({STEP_TITLES[step]}) cannot be completed: "
                          f"{evaluation.refusal}")
        now = store._now()
        cursor = store.db.execute(
            "INSERT INTO walkthrough_steps (run_id, step, outcome, reason, evaluated, confirmed, acr_id, operator, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, step, outcome, reason, evaluated.strip() or evaluation.text, confirmed, acr_id, operator, now])
        store._audit(operator, "walkthrough-step", run["account_id"], run["sleeve_id"],
                     {"run": run_id, "step": step, "outcome": outcome, "reason": reason, "acr": acr_id})
        record = _records_by_id(store, int(cursor.lastrowid))  # type: ignore[arg-type]
        if finish:
            finish_run(store, run_id, operator)
        return record


def _records_by_id(store: Store, record_id: int) -> StepRecord:
    r = rows(store.db, "SELECT * FROM walkthrough_steps WHERE id = ?", [record_id])[0]
    return StepRecord(r["id"], r["step"], r["outcome"], r["reason"], r["evaluated"], r["confirmed"], r["acr_id"],
                      r["operator"], r["at"])


def finish_run(store: Store, run_id: int, operator: str) -> str:
    """Close the run: completed when every step is completed, else incomplete; returns the status."""
    operator = _checked_operator(operator)
    with write(store.db):
        run = _run_row(store, run_id)
        if run["status"] != "open":
            raise Refused(f"walkthrough run {run_id} is already {run['status']}")
        records = _records(store, run_id)
        states = {s: _state(records, s) for s in STEPS}
        status = "completed" if all(v == "completed" for v in states.values()) else "incomplete"
        store._audit(operator, "walkthrough-finish", run["account_id"], run["sleeve_id"],
                     {"run": run_id, "status": status, **states})
        store.db.execute("UPDATE walkthrough_runs SET status = ?, finished_at = ?, audit_end = ? WHERE id = ?",
                         [status, store._now(), audit_head(store), run_id])
        return status


# -- Markdown export ------------------------------------------------------------------------------------


def _cell(text: Any) -> str:
    """A Markdown table cell: pipes escaped, line breaks as <br>."""
    value = "" if text is None else str(text)
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or " "




def _table(header: list[str], body: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in body]
    return lines


def _quote_lines(text: str, indent: str = "  ") -> list[str]:
    return [f"{indent}- {line}" for line in text.splitlines() if line.strip()]


def export_markdown(view: RunView) -> str:
    """A ticket-ready Markdown report of the run: who, when, each step, the ACRs and the final checklist."""
    a = view.account
    margin = "margin enabled" if a.margin_enabled else "margin NOT enabled"
    model = f"{view.model} ({view.model_name})" if view.model_name else view.model
    out: list[str] = [
        f"# Margin walkthrough run {view.id}: {a.id} {a.name}".rstrip(),
        "",
        'Guided run of "Using Margin Trading at SMArtX": How to use it (step 1, step 2) and the quick checklist.',
        "",
        *_table(["Field", "Value"], [
            ["Account", f"{a.id} · {a.name}"],
            ["Custodian", f"{a.custodian or '-'} · {a.type} account · {margin}"],
            ["Sleeve", f"{view.sleeve_id} · model {model}"],
            ["Leverage now", f"saved {lev(view.saved)} · applied {lev(view.applied)}"],
            ["Sleeve cash now", cash(view.sleeve_cash)],
            ["APM cash now", "-" if view.apm_cash is None else cash(view.apm_cash)],
            ["Operator", view.operator],
            ["Started", view.started_at],
            ["Finished", view.finished_at or "not finished"],
            ["Status", view.status],
            ["Exported", view.loaded_at],
        ]),
    ]
    for number, step in enumerate(STEPS, start=1):
        last = view.last(step)
        state = view.state(step)
        out += ["", f"## Step {number}: {STEP_TITLES[step]} ({state})", "", f"> {STEP_SOURCE[step]}", ""]
        if last is None or last.outcome == "retried":
            note = "retried, then not recorded again" if last is not None else "not recorded"
            out.append(f"- Outcome: **open** ({note})")
            out.append(f"- What the store says now ({view.loaded_at}):")
            out += _quote_lines(view.evaluations[step].text)
            out.append(f"- To confirm: {view.evaluations[step].confirm}")
        else:
            out.append(f"- Outcome: **{last.outcome}** by {last.operator} at {last.at}")
            if last.reason:
                out.append(f"- Reason: {last.reason}")
            out.append("- What the store said:")
            out += _quote_lines(last.evaluated)
            out.append(f"- What was confirmed: {last.confirmed or '-'}")
            acr = view.acr(last.acr_id)
            if acr is not None:
                code = f", {acr.code}" if acr.code else ""
                out.append(f"- ACR: {acr.id} ({acr.kind}, {acr.status}{code})")
        earlier = view.history(step)[:-1]
        if earlier:
            out.append("- Earlier records: " + "; ".join(
                f"{r.outcome} at {r.at} by {r.operator}" + (f" ({r.reason})" if r.reason else "") for r in earlier))
    out += ["", "## ACRs fired in this run", ""]
    if not view.acrs:
        out.append("None.")
    for acr in view.acrs:
        title = kind_title(acr.kind)
        amount = f" of {money(acr.amount)}" if acr.amount else ""
        out += [f"### ACR {acr.id}: {title}{amount}, {acr.status}", ""]
        out.append(f"- Leverage {lev(acr.leverage)} · fired by {acr.operator} at {acr.created_at} · "
                   f"request key `{acr.request_key}`")
        if acr.code:
            out.append(f"- Failure: **{acr.code}**: {acr.reason}")
            if acr.fix:
                out.append(f"- Fix: {acr.fix}")
        if acr.orders:
            out += ["", *_table(["Order", "Side", "Symbol", "Quantity", "Price", "Notional", "Status", "Filled"],
                                [[o.id, o.side, o.symbol, o.quantity, money(o.price), money(o.notional), o.status,
                                  o.filled_quantity] for o in acr.orders])]
        else:
            out.append("- Orders: none")
        out.append("")
    if out[-1] == "":
        out.pop()
    checklist = view.last("checklist")
    out += ["", "## Quick checklist", ""]
    if checklist is not None and checklist.outcome in ("completed", "blocked"):
        out.append(f"_As recorded at {checklist.at} ({checklist.outcome}, {checklist.operator})._")
        out.append("")
        out += [f"- {line}" for line in checklist.evaluated.splitlines() if line.strip()]
    else:
        out.append(f"_Not completed in the run: as the store says at export ({view.loaded_at})._")
        out.append("")
        out += [f"- {line}" for line in view.evaluations["checklist"].says]
    out += ["", "## Log", ""]
    if view.records:
        out += _table(["#", "At", "Step", "Outcome", "Operator", "Reason", "ACR"],
                      [[r.id, r.at, f"{r.number} {STEP_TITLES[r.step]}", r.outcome, r.operator, r.reason or "-",
                        r.acr_id if r.acr_id is not None else "-"] for r in view.records])
    else:
        out.append("No step recorded.")
    return "\n".join(out) + "\n"
