"""Walkthrough runs read back: records, the run's ACRs (a join on acrs.walkthrough_run) and what the store
says now about each step (calc.walkthrough evaluates it)."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from calc import Account
from calc.formatting import lev
from calc.run_views import RunSummary, RunView, StepRecord
from calc.views import AcrRecord
from calc.walkthrough import STEPS, RunAcr, StepEvaluation, evaluate_step, step_state
from store.core import Store
from store.errors import NotFound
from store.mapping import load_account, load_models, step_from_row
from store.queries.orders import find_acr
from store.sleeves import sleeve_account_id


def run_row(store: Store, run_id: int) -> dict[str, Any]:
    found = store.rows("SELECT * FROM walkthrough_runs WHERE id = ?", [run_id])
    if not found:
        raise NotFound(f"no walkthrough run {run_id}")
    return found[0]


def step_records(store: Store, run_id: int) -> tuple[StepRecord, ...]:
    return tuple(step_from_row(r) for r in store.rows(
        "SELECT * FROM walkthrough_steps WHERE run_id = ? ORDER BY id", [run_id]))


def step_record(store: Store, record_id: int) -> StepRecord:
    return step_from_row(store.rows("SELECT * FROM walkthrough_steps WHERE id = ?", [record_id])[0])


def run_acr_ids(store: Store, run_id: int, records: tuple[StepRecord, ...]) -> list[int]:
    """The ACRs fired in the run, and any a step record names."""
    ids = {r.acr_id for r in records if r.acr_id is not None}
    ids.update(row[0] for row in store.execute("SELECT id FROM acrs WHERE walkthrough_run = ?", [run_id]))
    return sorted(ids)


def _saved_in_run(store: Store, run: dict[str, Any]) -> bool:
    """Whether a leverage target was saved on the run's sleeve while the run was open (its audit window)."""
    sql = ("SELECT 1 FROM audit WHERE account_id = ? AND sleeve_id = ? AND id > ? AND action = 'set-leverage'")
    params: list[Any] = [run["account_id"], run["sleeve_id"], run["audit_mark"]]
    if run["audit_end"] is not None:
        sql += " AND id <= ?"
        params.append(run["audit_end"])
    return store.scalar(sql + " LIMIT 1", params) is not None


def last_saved(store: Store, account_id: str, sleeve_id: str) -> str:
    """Who saved the sleeve's target last, when, and from what to what ('' if never)."""
    found = store.rows("SELECT at, operator, detail FROM audit WHERE account_id = ? AND sleeve_id = ? "
                       "AND action = 'set-leverage' ORDER BY id DESC LIMIT 1", [account_id, sleeve_id])
    if not found:
        return ""
    detail = json.loads(found[0]["detail"])
    return f"by {found[0]['operator']} at {found[0]['at']} ({lev(Decimal(detail['from']))} -> {lev(Decimal(detail['to']))})"


def leverage_saved_since(store: Store, sleeve_id: str, audit_id: int) -> bool:
    """Whether a leverage target was saved on the sleeve after this audit id."""
    return store.scalar("SELECT 1 FROM audit WHERE account_id = ? AND sleeve_id = ? AND id > ? "
                        "AND action = 'set-leverage' LIMIT 1",
                        [sleeve_account_id(store, sleeve_id), sleeve_id, audit_id]) is not None


def as_run_acr(record: AcrRecord) -> RunAcr:
    """The ACR as calc.walkthrough evaluates a run's ACRs."""
    return RunAcr(record.id, record.kind, record.status, record.leverage, record.code, record.reason, record.amount)


def _open_orders(store: Store, sleeve_id: str) -> tuple[int, Decimal]:
    """The sleeve's unfilled orders and the cash they move when they fill (buys negative)."""
    count, move = 0, Decimal(0)
    for side, quantity, price in store.execute(
            "SELECT o.side, o.quantity, o.price FROM acrs a JOIN orders o ON o.acr_id = a.id "
            "WHERE a.account_id = ? AND o.sleeve_id = ? AND o.status = 'new'",
            [sleeve_account_id(store, sleeve_id), sleeve_id]):
        notional = Decimal(quantity) * Decimal(price)
        move += -notional if side == "buy" else notional
        count += 1
    return count, move


def evaluate(store: Store, run: dict[str, Any], account: Account, acrs: list[AcrRecord], step: str,
             acknowledged: bool) -> StepEvaluation:
    """What the store says now about one step of the run."""
    sleeve = account.sleeve(run["sleeve_id"])
    model = load_models(store.conn).get(sleeve.model or "")
    count, cash_move = _open_orders(store, run["sleeve_id"])
    return evaluate_step(step, account, run["sleeve_id"], model_name=model.name if model else "",
                         last_saved=last_saved(store, run["account_id"], run["sleeve_id"]),
                         saved_in_run=_saved_in_run(store, run), run_acrs=[as_run_acr(a) for a in acrs],
                         acknowledged=acknowledged, open_orders=count, open_order_cash=cash_move)


def load_run(store: Store, run_id: int) -> RunView:
    """The run, its records and ACRs, and what the store says now about each of its steps (one snapshot)."""
    with store.snapshot():
        head = store.audit_head()
        run = run_row(store, run_id)
        loaded = load_account(store.conn, run["account_id"])
        if loaded is None:
            raise NotFound(f"no account {run['account_id']}")
        account, versions, _ = loaded
        records = step_records(store, run_id)
        acrs = [find_acr(store, i) for i in run_acr_ids(store, run_id, records)]
        sleeve = account.sleeve(run["sleeve_id"])
        model = load_models(store.conn).get(sleeve.model or "")
        acknowledged = step_state(records, "checklist") == "completed"
        evaluations = {step: evaluate(store, run, account, acrs, step, acknowledged) for step in STEPS}
        apm = account.apm
        return RunView(
            id=run["id"], account=account, sleeve_id=run["sleeve_id"], model=sleeve.model or "",
            model_name=model.name if model else "", operator=run["operator"], started_at=run["started_at"],
            finished_at=run["finished_at"], status=run["status"], audit_mark=run["audit_mark"],
            audit_end=run["audit_end"], audit_head=head, records=records, acrs=tuple(acrs),
            evaluations=evaluations, loaded_at=store.now(), saved=sleeve.leverage, applied=sleeve.applied,
            sleeve_cash=sleeve.cash, apm_cash=apm.cash if apm is not None else None,
            sleeve_version=versions[sleeve.id], last_saved=last_saved(store, run["account_id"], run["sleeve_id"]),
        )


def list_runs(store: Store, account_id: str | None = None, limit: int = 100) -> list[RunSummary]:
    """Runs, newest first, with each step's state."""
    if account_id is not None:
        if store.scalar("SELECT 1 FROM accounts WHERE id = ?", [account_id]) is None:
            raise NotFound(f"no account {account_id}")
        found = store.rows("SELECT * FROM walkthrough_runs WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                           [account_id, limit])
    else:
        found = store.rows("SELECT * FROM walkthrough_runs ORDER BY id DESC LIMIT ?", [limit])
    summaries = []
    for run in found:
        records = step_records(store, run["id"])
        summaries.append(RunSummary(run["id"], run["account_id"], run["sleeve_id"], run["operator"],
                                    run["started_at"], run["finished_at"], run["status"],
                                    {s: step_state(records, s) for s in STEPS}))
    return summaries


def open_run(store: Store, sleeve_id: str, operator: str | None = None) -> int | None:
    """The latest open run on the sleeve (the operator's, when one is named), if any."""
    sleeve_account_id(store, sleeve_id)  # NotFound for an unknown sleeve
    sql = "SELECT id FROM walkthrough_runs WHERE sleeve_id = ? AND status = 'open'"
    params: list[Any] = [sleeve_id]
    if operator is not None:
        sql += " AND operator = ?"
        params.append(operator)
    return store.scalar(sql + " ORDER BY id DESC LIMIT 1", params)
