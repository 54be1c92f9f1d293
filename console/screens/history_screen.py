"""An account's history: its audit trail and its ACRs, newest first."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from calc.formatting import lev
from console.actions import bindings
from console.messages import HistoryLoaded
from console.screens.base import ConsoleScreen
from store.queries.audit import audit_trail
from store.queries.orders import list_acrs


class HistoryScreen(ConsoleScreen[None]):
    """Who changed what, and every ACR with its outcome."""

    SCOPE = "history"
    BINDINGS = bindings("history")

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"History · {self.account_id}", classes="title")
        yield DataTable(id="acrs", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        acrs = self.query_one("#acrs", DataTable)
        acrs.border_title = "ACRs"
        for label in ("ACR", "When", "Kind", "Sleeve", "Lev", "Status", "Code", "Orders", "Operator"):
            acrs.add_column(label)
        audit = self.query_one("#audit", DataTable)
        audit.border_title = "Audit trail"
        for label in ("When", "Operator", "Action", "Sleeve", "Detail"):
            audit.add_column(label)
        self.load()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False, description="history")
    def load(self) -> None:
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(HistoryLoaded(list_acrs(store, self.account_id), audit_trail(store, self.account_id)))

    @on(HistoryLoaded)
    def _show(self, message: HistoryLoaded) -> None:
        acr_records, audit_records = message.acrs, message.audit
        acrs = self.query_one("#acrs", DataTable)
        for a in acr_records:
            acrs.add_row(a.id, a.created_at[:16], a.kind, a.sleeve_id, lev(a.leverage), a.status,
                         a.code or "", len(a.orders), a.operator)
        audit = self.query_one("#audit", DataTable)
        for r in audit_records:
            detail = ", ".join(f"{k}={v}" for k, v in r.detail.items() if k != "acknowledged")
            audit.add_row(r.at[:16], r.operator, r.action, r.sleeve_id or "", detail)
        (acrs if acr_records else audit).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
