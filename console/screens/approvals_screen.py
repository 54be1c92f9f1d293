"""Approvals (key A): the ACRs awaiting a second person, with the previewed build, the requester's acknowledgements
and the risk panel; approve (rebuilt on current data, confirmed again when the build changed) or reject."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from calc.approvals import build_orders, orders_text
from calc.formatting import lev
from calc.views import AcrRecord
from calc.vocabulary import kind_title
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import (
    AccountChanged,
    ApprovalDecided,
    ApprovalReviewed,
    ApprovalsLoaded,
    WriteFailed,
)
from console.screens.base import ConsoleScreen
from console.screens.confirm_modal import ConfirmModal
from console.screens.reason_modal import ReasonModal
from store.approvals import approve_acr, awaiting_approval, reject_acr, review
from store.risk import sleeve_risk
from widgets.risk_panel import RiskPanel


class ApprovalsScreen(ConsoleScreen[None]):
    """The queue on top; the highlighted ACR's request, build now and risk below."""

    SCOPE = "approvals"
    BINDINGS = bindings("approvals")

    def __init__(self) -> None:
        super().__init__()
        self.reviewed: ApprovalReviewed | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Approvals · loading the queue…", id="approvals-title", classes="title")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="approval-body"):
            yield Static("", id="approval-request", markup=False)
            yield RiskPanel(id="approval-risk", empty="Highlight an ACR to see its risk.")
        yield PriorityFooter()

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.styles.height = "auto"  # a short queue leaves the rows below to the request and its risk
        table.styles.max_height = 7
        for label in ("ACR", "Sleeve", "Kind", "Lev", "Requested by"):
            table.add_column(label, key=label.lower())
        self.load()

    # -- reads ------------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="approvals", exit_on_error=False, description="approvals")
    def load(self) -> None:
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(ApprovalsLoaded(awaiting_approval(store)))

    @on(ApprovalsLoaded)
    def _show_queue(self, message: ApprovalsLoaded) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear()
        for a in message.queue:
            table.add_row(str(a.id), a.sleeve_id, a.kind, lev(a.leverage), ", ".join(a.lifecycle.requesters),
                          key=str(a.id))
        self.query_one("#approvals-title", Static).update(
            f"Approvals · {len(message.queue)} ACR(s) awaiting a second person")
        if not message.queue:
            self.reviewed = None
            self.query_one("#approval-request", Static).update("Nothing awaits approval.")
            self.query_one(RiskPanel).show(None, "No ACR to review.")
            return
        table.focus()
        self._review(int(str(table.get_row_at(table.cursor_row)[0])))

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._review(int(event.row_key.value))

    def _review(self, acr_id: int) -> None:
        self.query_one("#approval-request", Static).update(f"Rebuilding ACR {acr_id} on current data…")
        self.review(acr_id)

    @work(thread=True, exclusive=True, group="approval-review", exit_on_error=False, description="review")
    def review(self, acr_id: int) -> None:
        with self.store_failures(), self.app.open_store() as store:
            record, preview, changed = review(store, acr_id)
            self.deliver(ApprovalReviewed(record, preview, changed, sleeve_risk(store, record.sleeve_id,
                                                                                preview=preview)))

    @on(ApprovalReviewed)
    def _show_review(self, message: ApprovalReviewed) -> None:
        self.reviewed = message
        self.query_one("#approval-request", Static).update("\n".join(request_lines(message)))
        self.query_one(RiskPanel).show(message.risk)

    def on_account_changed(self, message: AccountChanged) -> None:
        self.load()

    # -- decisions --------------------------------------------------------------------------------------------

    def action_approve(self) -> None:
        shown = self.reviewed
        if shown is None:
            return
        a, now = shown.record, orders_text(build_orders(shown.preview.build))
        question = f"Approve ACR {a.id}, {kind_title(a.kind)} on {a.sleeve_id} at {lev(a.leverage)}?\nNow: {now}"
        if shown.changed:
            question = (f"ACR {a.id}'s build CHANGED since {', '.join(a.lifecycle.requesters)} requested it.\n"
                        f"Requested: {orders_text((a.lifecycle.preview or {}).get('orders', []))}\n"
                        f"Now:       {now}\nApprove the new build?")
        digest = shown.preview.build.digest if shown.changed else None
        self.app.push_screen(ConfirmModal(question, "Approve"),
                             lambda yes: self.decide(a.id, "approve", digest) if yes else None)

    def action_reject(self) -> None:
        if self.reviewed is None:
            return
        acr_id = self.reviewed.record.id
        self.app.push_screen(ReasonModal(f"Reject ACR {acr_id}: why? (the requester reads it)", "Reject"),
                             lambda reason: self.decide(acr_id, "reject", reason) if reason else None)

    @work(thread=True, exclusive=True, group="approvals-write", exit_on_error=False, description="decide")
    def decide(self, acr_id: int, what: str, extra: str | None) -> None:
        """Approve (extra: the digest of the changed build the approver confirmed) or reject (extra: the reason)."""
        with self.store_failures(WriteFailed), self.app.open_store() as store:
            approver = self.app.actor(store)
            if what == "approve":
                record = approve_acr(store, acr_id, approver, extra)
            else:
                record = reject_acr(store, acr_id, approver, extra or "")
            self.written(record.account_id)
            self.deliver(ApprovalDecided(record))

    @on(ApprovalDecided)
    def _decided(self, message: ApprovalDecided) -> None:
        r = message.record
        detail = f" ({r.code}: {r.reason})" if r.failed else ""
        self.app.notify(f"ACR {r.id} on {r.sleeve_id}: {r.status}{detail}", title="Approvals",
                        severity="warning" if r.failed else "information")
        self.load()

    @on(WriteFailed)
    def _write_failed(self) -> None:
        self.load()  # the queue as it is now (another approver may have decided first)

    def action_back(self) -> None:
        self.app.pop_screen()


def request_lines(shown: ApprovalReviewed) -> list[str]:
    """The request as the approver reads it: who asked and why it waits, what was acknowledged, the build then
    and now, and whether the checklist still passes."""
    a: AcrRecord = shown.record
    acked = [i["title"] for i in a.checklist if i["status"] == "acknowledged"]
    build, checklist = shown.preview.build, shown.preview.checklist
    now = orders_text(build_orders(build)) if build.ok else f"fails {build.code}: {build.reason}"
    lines = [
        f"ACR {a.id} · {kind_title(a.kind)} on {a.sleeve_id} at {lev(a.leverage)}",
        f"Requested by {', '.join(a.lifecycle.requesters)} at {a.created_at}",
        f"Four eyes: {'; '.join(a.lifecycle.reasons) or 'asked for a second person'}",
        f"Acknowledged: {'; '.join(acked) or 'nothing'}",
        f"Previewed: {orders_text((a.lifecycle.preview or {}).get('orders', []))}",
        f"Now:       {now}" + ("  ⚠ CHANGED: approving confirms the new build" if shown.changed else ""),
    ]
    if checklist.failed:
        lines.append("Checklist now fails: " + "; ".join(f"{i.title} ({i.code})" for i in checklist.failed)
                     + ": approving records the ACR as failed")
    return lines
