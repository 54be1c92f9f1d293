"""The four-eyes queue: ACRs awaiting approval, approved (rebuilt on current data) or rejected by a second person.

Two approvers at once: the write transaction is BEGIN IMMEDIATE and the status change a conditional UPDATE ...
WHERE status = 'awaiting_approval' checked by its rowcount, so exactly one decision wins and the other is refused
with the state the first left.
"""
from __future__ import annotations

from typing import Any

from calc.approvals import Actor, build_changed, build_orders, orders_text
from calc.formatting import lev
from calc.lifecycle import transition_refusal
from calc.views import AcrPreview, AcrRecord
from store.acr_writes import checklist_text
from store.acrs import apply_build, outcome, preview_acr
from store.core import Store
from store.errors import Conflict, InvalidInput, Refused
from store.operators import require
from store.queries.orders import find_acr
from store.summary import refresh


class BuildChanged(Conflict):
    """The build on current data differs from the previewed one beyond rounding: the approver must see both and
    confirm again (`confirm` = the new build's digest). Nothing was written."""

    def __init__(self, message: str, previewed: list[dict[str, Any]], current: list[dict[str, Any]],
                 digest: str) -> None:
        super().__init__(message)
        self.previewed, self.current, self.digest = previewed, current, digest


def awaiting_approval(store: Store) -> list[AcrRecord]:
    """The queue, oldest first."""
    ids = [r[0] for r in store.execute("SELECT id FROM acrs WHERE status = 'awaiting_approval' ORDER BY id")]
    return [find_acr(store, i) for i in ids]


def review(store: Store, acr_id: int) -> tuple[AcrRecord, AcrPreview, bool]:
    """What an approver looks at: the awaiting ACR, its build on current data with the requester's
    acknowledgements, and whether that build differs from the previewed one beyond rounding. Writes nothing."""
    acr = find_acr(store, acr_id)
    acks = {i["id"] for i in acr.checklist if i["status"] == "acknowledged"}
    preview = preview_acr(store, acr.sleeve_id, acr.kind, acr.amount, acks)
    previewed = acr.lifecycle.preview or {"orders": [], "leverage": str(acr.leverage)}
    return acr, preview, preview.build.ok and build_changed(previewed, preview.build)


def _decidable(store: Store, acr_id: int, actor: Actor, action: str) -> AcrRecord:
    """The ACR, if `actor` may approve or reject it now; else a refusal naming why."""
    acr = find_acr(store, acr_id)
    refusal = transition_refusal(action, acr_id, acr.status)
    if refusal:
        raise Refused(refusal + (f" (by {acr.lifecycle.decided_by})" if acr.lifecycle.decided_by else ""))
    require(actor, "approver", f"to {action} an ACR")
    own = set(acr.lifecycle.requesters) & {actor.name, actor.login}
    if own:
        raise Refused(f"ACR {acr_id} was requested by {', '.join(acr.lifecycle.requesters)}: the four-eyes rule "
                      f"needs a second person, so {min(own)} cannot {action} it")
    return acr


def _decide(store: Store, acr_id: int, sets: str, params: list[Any]) -> None:
    """The conditional status change: refused when another decision got there first."""
    cursor = store.execute(f"UPDATE acrs SET {sets} WHERE id = ? AND status = 'awaiting_approval'", [*params, acr_id])
    if cursor.rowcount != 1:
        now = store.scalar("SELECT status FROM acrs WHERE id = ?", [acr_id])
        raise Conflict(f"ACR {acr_id} was decided by someone else meanwhile: it is {now}")


def approve_acr(store: Store, acr_id: int, actor: Actor, confirm: str | None = None) -> AcrRecord:
    """Approve an awaiting ACR: re-evaluate its checklist with the requester's acknowledgements, rebuild it on
    current data and write it as firing would (orders, cash, applied leverage), or failed with its code.

    A build that differs from the previewed one beyond rounding is refused (BuildChanged, both builds named)
    unless `confirm` is the new build's digest: the approver saw the new build and confirms it.
    """
    with store.transaction():
        _decidable(store, acr_id, actor, "approve")
        acr, preview, changed = review(store, acr_id)
        previewed = acr.lifecycle.preview or {"orders": []}
        if changed and confirm != preview.build.digest:
            now = build_orders(preview.build)
            raise BuildChanged(
                f"ACR {acr_id} would now build differently: requested at {lev(acr.leverage)} "
                f"{orders_text(previewed['orders'])}; now at {lev(preview.build.leverage)} {orders_text(now)}. "
                f"Review the new build and approve again with --confirm {preview.build.digest}",
                previewed["orders"], now, preview.build.digest)
        return _write_approval(store, acr, preview, actor, changed)


def _write_approval(store: Store, acr: AcrRecord, preview: AcrPreview, actor: Actor, changed: bool) -> AcrRecord:
    code, status, reason = outcome(preview.build, preview.checklist)
    now = store.now()
    _decide(store, acr.id, "status = ?, code = ?, reason = ?, checklist = ?, leverage = ?, decided_by = ?, "
            "decided_at = ?, updated_at = ?",
            [status, code, reason, checklist_text(preview.checklist), str(preview.build.leverage),
             actor.recorded, now, now])
    if code is None:
        row = store.rows("SELECT * FROM sleeves WHERE id = ?", [acr.sleeve_id])[0]
        apply_build(store, acr.id, row, preview, actor.recorded, now)
    store.audit(actor.recorded, "acr-approved", acr.account_id, acr.sleeve_id,
                {"acr": acr.id, "status": status, "code": code, "requested_by": list(acr.lifecycle.requesters),
                 "orders": len(preview.build.orders) if code is None else 0, "build_changed": changed})
    refresh(store, acr.account_id)
    return find_acr(store, acr.id)


def reject_acr(store: Store, acr_id: int, actor: Actor, reason: str) -> AcrRecord:
    """Reject an awaiting ACR with a reason: nothing was moved, so nothing is restored."""
    if not reason.strip():
        raise InvalidInput("a rejection needs --reason: the requester reads it")
    with store.transaction():
        acr = _decidable(store, acr_id, actor, "reject")
        now = store.now()
        _decide(store, acr_id, "status = 'rejected', decided_by = ?, decided_at = ?, decision_reason = ?, "
                "updated_at = ?", [actor.recorded, now, reason.strip(), now])
        store.audit(actor.recorded, "acr-rejected", acr.account_id, acr.sleeve_id,
                    {"acr": acr_id, "reason": reason.strip(), "requested_by": list(acr.lifecycle.requesters)})
        refresh(store, acr.account_id)
        return find_acr(store, acr_id)
