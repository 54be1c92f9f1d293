"""The doctor: every diagnostic across the book grouped by code; enter jumps to the account."""
from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from calc import DIAGNOSTIC_FIXES, DIAGNOSTIC_TITLES
from calc.views import DoctorReport
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, DoctorLoaded
from console.screens.base import ConsoleScreen
from store.queries.doctor import doctor_report
from widgets.key_nav import KeyOptionList, KeyTable

FINDINGS_SHOWN = 500


class DoctorScreen(ConsoleScreen[None]):
    """Codes with account counts on the left, the highlighted code's findings on the right."""

    SCOPE = "doctor"
    BINDINGS = bindings("doctor")

    def __init__(self) -> None:
        super().__init__()
        self.report: DoctorReport | None = None
        self.code: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Doctor · scanning the book…", id="doctor-title", classes="title")
        with Horizontal():
            yield KeyOptionList(id="codes")
            yield KeyTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="doctor-finding", classes="detail-pane")
        yield Static("", id="doctor-fix", classes="status-line")
        yield PriorityFooter()

    def on_mount(self) -> None:
        table = self.query_one("#findings", DataTable)
        table.add_column("Account", key="account")
        table.add_column("Sleeve", key="sleeve")
        table.add_column("Detail", key="detail")
        self.load()

    @work(thread=True, exclusive=True, group="doctor", exit_on_error=False, description="doctor")
    def load(self) -> None:
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(DoctorLoaded(doctor_report(store)))

    @on(DoctorLoaded)
    def _show(self, message: DoctorLoaded) -> None:
        report = message.report
        self.report = report
        codes = self.query_one("#codes", OptionList)
        codes.clear_options()
        codes.add_options([Option(f"{code} {report.count(code):,}", id=code) for code in report.findings])
        total = len({f.account_id for found in report.findings.values() for f in found})
        self.query_one("#doctor-title", Static).update(
            f"Doctor · {total:,} of {report.book_size:,} accounts have a diagnostic")
        if report.freshness is not None:
            self.sub_title = f"{self.app.sub_title} · {report.freshness.prices_line}"
            self.query_one("#doctor-title", Static).update(
                f"Doctor · {total:,} of {report.book_size:,} accounts have a diagnostic · "
                f"{report.freshness.reconciled_today:,} reconciled today")
        if report.findings:
            codes.highlighted = 0
            codes.focus()
        else:
            self.query_one("#doctor-fix", Static).update("No diagnostics across the book.")

    @on(OptionList.OptionHighlighted, "#codes")
    def _code_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.report is None or event.option.id is None:
            return
        self.code = event.option.id
        found = self.report.findings[self.code]
        table = self.query_one("#findings", DataTable)
        table.clear()
        for i, f in enumerate(found[:FINDINGS_SHOWN]):
            table.add_row(f.account_id, f.sleeve_id or "", f.detail, key=f"{i}")
        more = f" (first {FINDINGS_SHOWN:,} of {len(found):,})" if len(found) > FINDINGS_SHOWN else ""
        self.query_one("#doctor-fix", Static).update(
            f"{DIAGNOSTIC_TITLES[self.code]}{more}. Fix: {DIAGNOSTIC_FIXES[self.code]}")

    @on(DataTable.RowHighlighted, "#findings")
    def _finding_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted finding in full, wrapped (its table cell is cut at the column's width)."""
        if self.report is None or self.code is None or event.row_key.value is None:
            return
        found = self.report.findings[self.code][int(event.row_key.value)]
        where = f"{found.account_id} {found.sleeve_id}" if found.sleeve_id else found.account_id
        self.query_one("#doctor-finding", Static).update(escape(f"{where}: {found.detail}"))

    @on(OptionList.OptionSelected, "#codes")
    def _code_selected(self) -> None:
        self.query_one("#findings", DataTable).focus()

    @on(DataTable.RowSelected, "#findings")
    def _finding_selected(self) -> None:
        self.action_open()

    def on_account_changed(self, message: AccountChanged) -> None:
        self.load()

    def action_open(self) -> None:
        table = self.query_one("#findings", DataTable)
        if self.focused is not table:
            if self.focused is self.query_one("#codes"):
                table.focus()
            return
        if table.row_count == 0:
            return
        account_id = table.get_row_at(table.cursor_row)[0]
        self.app.open_account(str(account_id))

    def action_back(self) -> None:
        self.app.pop_screen()
