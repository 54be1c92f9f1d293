"""The ACR lifecycle's transitions: which statuses each one leaves from, and the refusal that names the state.

awaiting_approval -> built (approve) | rejected (reject) | cancelled | expired
built -> submitted (orders exported or sent) | cancelled (before submission) | expired
submitted -> complete | complete_with_errors | failed (fills) | expired (unfilled at the end of the day)
failed | expired | cancelled -> a new ACR linked to the old one (resubmit)
"""
from __future__ import annotations

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "approve": ("awaiting_approval",),
    "reject": ("awaiting_approval",),
    "submit": ("built",),
    "cancel": ("awaiting_approval", "built"),
    "expire": ("awaiting_approval", "built", "submitted"),
    "resubmit": ("failed", "expired", "cancelled"),
}
PAST: dict[str, str] = {"approve": "approved", "reject": "rejected", "submit": "submitted", "cancel": "cancelled",
                        "expire": "expired", "resubmit": "resubmitted"}
# Every order rejected or cancelled by the custodian, nothing filled: the ACR failed after its build.
ORDERS_REJECTED = "ORDERS_REJECTED"


def transition_refusal(action: str, acr_id: int, status: str) -> str | None:
    """Why ACR `acr_id` in `status` cannot be `action`ed (None: it can)."""
    allowed = TRANSITIONS[action]
    if status in allowed:
        return None
    return f"ACR {acr_id} is {status}: only {' or '.join(allowed)} ACRs can be {PAST[action]}"


def fills_status(order_statuses: set[str], any_filled: bool) -> str:
    """An ACR's status from its orders' (fills): still open, all filled, nothing filled, or some of each."""
    if "new" in order_statuses:
        return "submitted"
    if order_statuses <= {"filled"}:
        return "complete"
    if not any_filled:
        return "failed"
    return "complete_with_errors"

LIFECYCLE_REASONS: dict[str, str] = {ORDERS_REJECTED: "every order was rejected or cancelled: nothing traded"}
LIFECYCLE_FIXES: dict[str, str] = {
    ORDERS_REJECTED: "Read the custodian's reasons on the orders, then resubmit the ACR (resubmit ACR_ID).",
}
