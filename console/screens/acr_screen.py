"""Fire an ACR: the checklist gate, a trade preview, a confirmation defaulting to Cancel, then the result."""
from __future__ import annotations

import uuid
from decimal import Decimal

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from calc import Checklist, evaluate_checklist
from calc.checklist import ACK_IDS
from calc.formatting import call_distance_text, cash, lev, money
from calc.views import AcrPreview, AcrRecord, Reviewed
from calc.vocabulary import kind_title
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, AcrFired, AcrPreviewed, FillsApplied, WriteFailed
from console.screens.base import ConsoleScreen
from console.screens.confirm_modal import ConfirmModal
from store.acrs import fire_acr, preview_acr
from store.fills import simulate_fills
from store.risk import sleeve_risk
from widgets.checklist_panel import ChecklistPanel
from widgets.order_table import OrderTable
from widgets.risk_panel import RiskPanel


class AcrScreen(ConsoleScreen[None]):
    """Nothing trades until every evaluated item passes, every acknowledgement is given and the operator confirms."""

    SCOPE = "acr"
    BINDINGS = bindings("acr")

    def __init__(self, account_id: str, sleeve_id: str, kind: str, amount: Decimal = Decimal(0),
                 walkthrough_run: int | None = None) -> None:
        super().__init__()
        self.walkthrough_run = walkthrough_run  # the run this ACR is fired from, if any
        self.account_id = account_id
        self.sleeve_id = sleeve_id
        self.kind = kind
        self.amount = amount
        # One key per screen: a second confirm or a retried keypress can never make a second ACR.
        self.request_key = f"tui:{uuid.uuid4().hex}"
        self.acknowledged: set[str] = set()
        self.preview: AcrPreview | None = None
        self.checklist: Checklist | None = None
        self.result: AcrRecord | None = None
        self.firing = False

    def compose(self) -> ComposeResult:
        amount = f" of {money(self.amount)}" if self.amount else ""
        yield Header()
        yield Static(f"{kind_title(self.kind)}{amount} on {self.sleeve_id}", id="acr-title", classes="title")
        with VerticalScroll(id="acr-body"):
            yield ChecklistPanel(id="checklist")
            yield RiskPanel(title="Risk (read before acknowledging 2-4)", id="risk")
            yield Static("Building the preview…", id="acr-summary", classes="panel")
            yield OrderTable(id="acr-orders")
            yield Static("", id="result")
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.query_one("#acr-orders").border_title = "Trade preview"
        self.load()

    def on_account_changed(self, message: AccountChanged) -> None:
        self.mark_stale(message, self.account_id, "#acr-body")

    @work(thread=True, exclusive=True, group="acr-preview", exit_on_error=False, description="acr-preview")
    def load(self) -> None:
        with self.store_failures(), self.app.open_store() as store:
            preview = preview_acr(store, self.sleeve_id, self.kind, self.amount)
            self.deliver(AcrPreviewed(preview, sleeve_risk(store, self.sleeve_id, preview=preview)))

    @on(AcrPreviewed)
    def _show_loaded(self, message: AcrPreviewed) -> None:
        self._show_preview(message.preview)
        self.query_one(RiskPanel).show(message.risk)

    def _show_preview(self, preview: AcrPreview) -> None:
        self.preview = preview
        b = preview.build
        self.query_one("#acr-title", Static).update(
            f"{kind_title(self.kind)}{f' of {money(self.amount)}' if self.amount else ''} on {self.sleeve_id} "
            f"at {lev(b.leverage)} · {preview.account.name}")
        lines = []
        if b.projected_margin is not None:
            m = b.projected_margin
            lines.append(f"Projected sleeve cash {cash(b.projected_sleeve_cash or Decimal(0))} · "
                         f"Account debit {money(m.debit)} · Equity {money(m.equity)}")
            lines.append(f"Call distance {call_distance_text(m.call_distance, m.debit)} · "
                         f"Reg T req {money(m.regt_requirement)} · Maintenance req {money(m.requirement)}")
        if not b.ok:
            lines.append(f"[$error b]{b.code}[/]: {b.reason}\nFix: {b.fix}")
        else:
            sides = {o.side for o in b.orders}
            # "Sells first" is an order of execution: worth saying only when sells come before buys.
            lines.append(f"{len(b.orders)} order(s)" + (", sells first." if sides == {"buy", "sell"} else "."))
        self.query_one("#acr-summary", Static).update("\n".join(lines))
        self.query_one(OrderTable).show_orders(b.orders)
        self._evaluate()

    def _evaluate(self) -> None:
        if self.preview is None:
            return
        p = self.preview
        self.checklist = evaluate_checklist(p.account, p.sleeve_id, p.kind, p.build, self.acknowledged)
        self.query_one(ChecklistPanel).show(self.checklist)

    def action_ack(self, number: int) -> None:
        if self.result is not None:
            return
        ack = ACK_IDS[number - 1]
        self.acknowledged ^= {ack}
        self._evaluate()

    def action_ack_all(self) -> None:
        if self.result is not None:
            return
        self.acknowledged = set(ACK_IDS)
        self._evaluate()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_fire(self) -> None:
        if self.result is not None:
            self.notify(f"ACR {self.result.id} is already {self.result.status}.", severity="warning")
            return
        if self.checklist is None or self.preview is None or self.firing:
            return
        if self.checklist.failed:
            # A blocked attempt trades nothing, so it needs no confirmation; it is recorded with its code.
            self._fire()
            return
        if self.checklist.awaiting:
            open_items = ", ".join(str(ACK_IDS.index(i.id) + 1) for i in self.checklist.awaiting)
            self.notify(f"Acknowledge the open checklist items first ({open_items}, or x for all).",
                        severity="warning")
            return
        b = self.preview.build
        question = (f"Fire a {kind_title(self.kind).lower()} ACR on {self.sleeve_id} at {lev(b.leverage)}?\n"
                    f"{len(b.orders)} order(s) will be built; projected sleeve cash "
                    f"{cash(b.projected_sleeve_cash or Decimal(0))}.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._fire()

        self.app.push_screen(ConfirmModal(question), answered)

    def _fire(self) -> None:
        assert self.preview is not None
        self.firing = True
        self.fire(frozenset(self.acknowledged), self.preview.reviewed)

    @work(thread=True, group="write", exit_on_error=False, description="write")
    def fire(self, acks: frozenset[str], reviewed: Reviewed | None = None) -> None:
        """Record the ACR under this screen's request key, with the acknowledgements given when f was pressed and
        what the operator reviewed: if the sleeve, account or build moved since, the store refuses it."""
        with self.store_failures(WriteFailed), self.app.open_store() as store:
            record = fire_acr(store, self.sleeve_id, self.kind, self.app.operator, self.amount, acks, self.request_key,
                              walkthrough_run=self.walkthrough_run, reviewed=reviewed,
                              requesters=self.app.actor(store).people)
            self.written(self.account_id)
            self.deliver(AcrFired(record))

    @on(AcrFired)
    @on(FillsApplied)
    def _show_result(self, message: AcrFired | FillsApplied) -> None:
        record = message.record
        self.firing = False
        self.result = record
        box = self.query_one("#result", Static)
        box.set_class(record.failed, "-failed")
        box.set_class(not record.failed, "-built")
        if record.failed:
            box.update(f"[$error b]ACR {record.id} failed: {record.code}[/]\n{record.reason}\nFix: {record.fix}")
        elif record.status == "awaiting_approval":  # four eyes: nothing moved yet
            box.update(f"[$warning b]ACR {record.id} awaiting approval[/]: {'; '.join(record.lifecycle.reasons)}. "
                       "Nothing moves until another person approves it (A: approvals).")
        else:
            box.update(f"[$success b]ACR {record.id} {record.status}[/]: {self._outcome(record)}")
            self.query_one(OrderTable).show_orders(record.orders)
            self.query_one("#acr-orders").border_title = f"Orders of ACR {record.id}"
        box.scroll_visible()

    @on(WriteFailed)
    def _write_failed(self, message: WriteFailed) -> None:
        """Nothing was written: say so, show the book as it is now, and let f fire again after a new review."""
        self.firing = False
        if self.result is None:
            box = self.query_one("#result", Static)
            box.set_class(True, "-failed")
            box.set_class(False, "-built")
            box.update(f"[$error b]Not fired, nothing written[/]: {escape(str(message.error))}\n"
                       "The preview below is reloaded from the book: review it, then f to fire.")
            self.acknowledged = set()  # acknowledgements were given to the build that moved
            self.load()
        box = self.query_one("#result", Static)
        box.scroll_visible()

    @staticmethod
    def _outcome(record: AcrRecord) -> str:
        """What is true of the ACR now, and the key that moves it on (only while one does)."""
        orders = len(record.orders)
        if record.status == "built":
            return (f"{orders} order(s) written; applied leverage is now {lev(record.leverage)}. "
                    "Press s to simulate fills, escape to go back.")
        filled = sum(1 for o in record.orders if o.status == "filled")
        if not orders:
            return f"no orders to fill; applied leverage {lev(record.leverage)}. Escape to go back."
        return (f"{filled} of {orders} order(s) filled; applied leverage "
                f"{lev(record.leverage)}. Nothing left to fill: escape to go back.")

    def action_simulate(self) -> None:
        record = self.result
        if record is not None and not record.failed and record.status != "built":
            self.notify(f"ACR {record.id} is {record.status.replace('_', ' ')}: nothing left to fill.",
                        severity="information")
            return
        if record is None or record.failed:
            self.notify("Fire a built ACR first; only its open orders can be filled.", severity="warning")
            return
        self.fill_at_order_prices(record.id)

    @work(thread=True, group="write", exit_on_error=False, description="write")
    def fill_at_order_prices(self, acr_id: int) -> None:
        with self.store_failures(), self.app.open_store() as store:
            record = simulate_fills(store, acr_id, self.app.operator)
            self.written(self.account_id)
            self.deliver(FillsApplied(record))
