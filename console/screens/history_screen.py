"""An account's history: its ACRs and its audit trail, newest first; enter opens an ACR."""
from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from calc.amounts import cash_moved
from calc.audit_summary import audit_summary
from calc.formatting import lev, money
from calc.views import AcrRecord, AuditRecord
from calc.vocabulary import ACR_KIND_SHORT
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import HistoryLoaded
from console.screens.base import ConsoleScreen
from store.queries.audit import audit_trail
from store.queries.orders import list_acrs
from widgets.key_nav import KeyTable


class HistoryScreen(ConsoleScreen[None]):
    """Who changed what, and every ACR with its outcome; the highlighted row's full text wraps below."""

    SCOPE = "history"
    BINDINGS = bindings("history")

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.acrs: dict[str, AcrRecord] = {}
        self.audit: dict[str, AuditRecord] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"History · {self.account_id}", classes="title")
        yield KeyTable(id="acrs", cursor_type="row", zebra_stripes=True)
        yield KeyTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-detail", classes="detail-pane")
        yield PriorityFooter()

    def on_mount(self) -> None:
        acrs = self.query_one("#acrs", DataTable)
        acrs.border_title = "ACRs (enter opens one)"
        for label in ("ACR", "When", "Kind", "Sleeve", "Lev", "Status", "Code", "Orders", "Operator", "Amount"):
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
            key = str(a.id)
            self.acrs[key] = a
            acrs.add_row(a.id, a.created_at[:16].replace("T", " "), ACR_KIND_SHORT.get(a.kind, a.kind), a.sleeve_id,
                         lev(a.leverage), a.status, a.code or "-", len(a.orders), a.operator,
                         money(cash_moved(a.kind, a.amount)), key=key)
        audit = self.query_one("#audit", DataTable)
        for r in audit_records:
            key = str(r.id)
            self.audit[key] = r
            audit.add_row(r.at[:16].replace("T", " "), r.operator, r.action, r.sleeve_id or "", audit_summary(r.detail),
                          key=key)
        (acrs if acr_records else audit).focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted row in full (a table cell is cut at its column's width)."""
        key = event.row_key.value or ""
        pane = self.query_one("#history-detail", Static)
        if event.data_table.id == "acrs" and key in self.acrs:
            a = self.acrs[key]
            why = f" · {a.code}: {a.reason}" if a.code else ""
            pane.update(escape(f"ACR {a.id} on {a.sleeve_id} · {a.status}{why}"))
        elif key in self.audit:
            r = self.audit[key]
            where = r.sleeve_id or r.account_id or "the book"
            pane.update(escape(f"{r.action} on {where} · {audit_summary(r.detail)}"))

    @on(DataTable.RowSelected, "#acrs")
    def _acr_selected(self, event: DataTable.RowSelected) -> None:
        record = self.acrs.get(event.row_key.value or "")
        if record is not None:
            from console.screens.acr_detail_screen import AcrDetailScreen

            self.app.push_screen(AcrDetailScreen(record))

    def action_open(self) -> None:
        table = self.query_one("#acrs", DataTable)
        if table.row_count:
            table.focus()
            table.action_select_cursor()

    def action_back(self) -> None:
        self.app.pop_screen()
