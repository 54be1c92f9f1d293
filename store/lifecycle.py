"""The ACR lifecycle after the build: submit (orders exported or sent), cancel (before submission), expire (unfilled
at the end of the trading day) and resubmit (a failed, expired or cancelled ACR, as a new ACR linked to the old).

Each transition is one transaction with its audit row and the account's summary recomputed; an illegal one is
refused naming the ACR's state (calc/lifecycle.py). An ACR that ends with nothing traded gives back what its build
moved: compensating entries restore the cash movement and the applied leverage it replaced.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from calc.build import cash_movement
from calc.lifecycle import transition_refusal
from calc.money import cents_int
from calc.views import AcrRecord
from calc.vocabulary import ACTIVATED_STATUSES
from store.acrs import fire_acr
from store.core import Store
from store.errors import InvalidInput, Refused
from store.queries.orders import find_acr
from store.summary import refresh


def _check(acr: AcrRecord, action: str) -> None:
    refusal = transition_refusal(action, acr.id, acr.status)
    if refusal:
        raise Refused(refusal)


def submit_acr(store: Store, acr_id: int, operator: str) -> AcrRecord:
    """built -> submitted: its orders were exported or sent to the trading desk (`orders --acr N --submit`)."""
    with store.transaction():
        acr = find_acr(store, acr_id)
        _check(acr, "submit")
        now = store.now()
        store.execute("UPDATE acrs SET status = 'submitted', submitted_at = ?, updated_at = ? WHERE id = ? "
                      "AND status = 'built'", [now, now, acr_id])
        store.audit(operator, "acr-submitted", acr.account_id, acr.sleeve_id, {"acr": acr_id, "orders": len(acr.orders)})
        refresh(store, acr.account_id)
        return find_acr(store, acr_id)


def cancel_acr(store: Store, acr_id: int, operator: str, reason: str = "") -> AcrRecord:
    """awaiting_approval or built -> cancelled, before submission; a built one's orders are cancelled and its
    cash movement and applied leverage restored."""
    with store.transaction():
        acr = find_acr(store, acr_id)
        _check(acr, "cancel")
        detail: dict[str, Any] = {"acr": acr_id, "was": acr.status, "reason": reason.strip()}
        _close_orders(store, acr_id, "ACR cancelled")
        if acr.status == "built":
            detail["restored"] = undo_activation(store, acr, operator)
        _set_status(store, acr_id, "cancelled", reason.strip())
        store.audit(operator, "acr-cancelled", acr.account_id, acr.sleeve_id, detail)
        refresh(store, acr.account_id)
        return find_acr(store, acr_id)


def expire_acrs(store: Store, before: str, operator: str) -> list[AcrRecord]:
    """Every ACR created before `before` (an ISO time) that still waits for approval or has unfilled orders ->
    expired, each in its own transaction: unfilled orders cancelled, and an ACR with nothing filled gives back
    its cash movement and applied leverage. `before` may not be in the future (cron runs it after the close)."""
    cutoff = parse_time(before)
    if cutoff > store.clock():
        raise InvalidInput(f"--before {before} is in the future: expire runs after the end of the trading day")
    stamp = cutoff.isoformat(timespec="seconds")
    ids = [r[0] for r in store.execute(
        "SELECT id FROM acrs a WHERE created_at < ? AND (status = 'awaiting_approval' OR status IN ('built', "
        "'submitted') AND EXISTS (SELECT 1 FROM orders o WHERE o.acr_id = a.id AND o.status = 'new')) ORDER BY id",
        [stamp])]
    return [_expire_one(store, acr_id, operator, stamp) for acr_id in ids]


def _expire_one(store: Store, acr_id: int, operator: str, stamp: str) -> AcrRecord:
    with store.transaction():
        acr = find_acr(store, acr_id)
        _check(acr, "expire")
        unfilled = _close_orders(store, acr_id, f"expired: unfilled before {stamp}")
        detail: dict[str, Any] = {"acr": acr_id, "was": acr.status, "before": stamp, "unfilled_orders": unfilled}
        if acr.status != "awaiting_approval" and not any(o.filled_quantity for o in acr.orders):
            detail["restored"] = undo_activation(store, acr, operator)
        _set_status(store, acr_id, "expired", "")
        store.audit(operator, "acr-expired", acr.account_id, acr.sleeve_id, detail)
        refresh(store, acr.account_id)
        return find_acr(store, acr_id)


def resubmit_acr(store: Store, acr_id: int, operator: str, acknowledged: frozenset[str] | set[str],
                 requesters: tuple[str, ...] = ()) -> AcrRecord:
    """A failed, expired or cancelled ACR again, as a new ACR (same sleeve, kind and amount) linked to the old:
    the checklist, the build and the four-eyes policy run on today's data. Its request key is the old ACR's, so a
    retried resubmit returns the first one."""
    acr = find_acr(store, acr_id)
    _check(acr, "resubmit")
    return fire_acr(store, acr.sleeve_id, acr.kind, operator, acr.amount, acknowledged,
                    request_key=f"resubmit:{acr_id}", requesters=requesters, resubmit_of=acr_id)


def undo_activation(store: Store, acr: AcrRecord, operator: str) -> dict[str, Any]:
    """Compensating entries for an ACR that traded nothing: its cash movement reversed, and the applied leverage it
    replaced put back (unless a later ACR on the sleeve has applied its own since). Returns what was restored."""
    now = store.now()
    restored: dict[str, Any] = {}
    sleeve_delta, apm_delta = cash_movement(acr.kind, acr.amount)
    if sleeve_delta:
        _move_cash(store, acr.sleeve_id, -sleeve_delta, operator, now)
        restored["sleeve_cash"] = str(-sleeve_delta)
    if apm_delta:
        apm = store.scalar("SELECT id FROM sleeves WHERE account_id = ? AND kind = 'apm' ORDER BY seq LIMIT 1",
                           [acr.account_id])
        if apm is not None:
            _move_cash(store, apm, -apm_delta, operator, now)
            restored["apm_cash"] = str(-apm_delta)
    prior = store.scalar("SELECT prior_applied FROM acrs WHERE id = ?", [acr.id])
    later = store.scalar(
        f"SELECT 1 FROM acrs WHERE sleeve_id = ? AND id > ? AND status IN ({', '.join('?' * len(ACTIVATED_STATUSES))})",
        [acr.sleeve_id, acr.id, *sorted(ACTIVATED_STATUSES)])
    if prior is not None and not later:
        store.execute("UPDATE sleeves SET applied_leverage = ?, version = version + 1, updated_by = ?, updated_at = ? "
                      "WHERE id = ?", [prior, operator, now, acr.sleeve_id])
        restored["applied_leverage"] = prior
    return restored


def _move_cash(store: Store, sleeve_id: str, delta: Decimal, operator: str, now: str) -> None:
    store.execute("UPDATE sleeves SET cash_cents = cash_cents + ?, version = version + 1, updated_by = ?, "
                  "updated_at = ? WHERE id = ?", [cents_int(delta), operator, now, sleeve_id])


def _close_orders(store: Store, acr_id: int, reason: str) -> int:
    """Cancel the ACR's unfilled orders; how many there were."""
    return store.execute("UPDATE orders SET status = 'cancelled', reason = ? WHERE acr_id = ? AND status = 'new'",
                         [reason, acr_id]).rowcount


def _set_status(store: Store, acr_id: int, status: str, reason: str) -> None:
    now = store.now()
    store.execute("UPDATE acrs SET status = ?, decision_reason = ?, updated_at = ? WHERE id = ?",
                  [status, reason, now, acr_id])


def parse_time(text: str) -> datetime:
    """An ISO date or time (`2026-11-21`, `2026-11-21T21:00`, `...Z`, `...+01:00`); without a zone it is UTC."""
    try:
        parsed = datetime.fromisoformat(text.strip())  # Python 3.11 reads a trailing Z as UTC
    except ValueError:
        raise InvalidInput(f"--before {text!r} is not an ISO date or time (e.g. 2026-11-21T21:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
