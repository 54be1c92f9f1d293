"""The leverage editor: validation as you type, a live preview from calc, and the track-manager toggle."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from calc.formatting import call_distance_text, cash, lev, money
from calc.models import leverage_problem
from calc.views import AccountDetail, AcrPreview, SleeveView
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, AcrPreviewed, SleeveSaved
from console.screens.base import ConsoleModal
from store.acrs import preview_acr
from store.risk import sleeve_risk
from store.sleeves import set_leverage, set_track_manager
from widgets.leverage_input import LeverageInput
from widgets.order_table import OrderTable
from widgets.risk_panel import RiskPanel


class LeverageRange(Validator):
    """The editor's check as the operator types: calc's one leverage rule, capped at the account's max."""

    def __init__(self, maximum: Decimal) -> None:
        super().__init__()
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return self.failure("Enter a multiplier such as 1.5")
        problem = leverage_problem(number, self.maximum)
        return self.failure(problem[0].upper() + problem[1:]) if problem else self.success()


def parse_leverage(text: str, maximum: Decimal) -> Decimal | None:
    result = LeverageRange(maximum).validate(text)
    return Decimal(text) if result.is_valid else None


class LeverageEditor(ConsoleModal[None]):
    """Saving writes the target only: nothing trades until an ACR fires."""

    SCOPE = "editor"
    BINDINGS = bindings("editor")

    DETAIL_HINT = "Press a for a $1 ACR or r to rebalance."

    def __init__(self, detail: AccountDetail, sleeve: SleeveView, next_step: str = DETAIL_HINT) -> None:
        super().__init__()
        self.next_step = next_step
        self.detail = detail
        self.sleeve = sleeve
        self.track_manager = sleeve.track_manager
        self.maximum = detail.account.max_leverage
        self._debounce: Timer | None = None
        self.validation_message = ""

    def compose(self) -> ComposeResult:
        s = self.sleeve
        with VerticalScroll(classes="dialog", id="editor"):
            yield Label(f"[b]Edit leverage[/b] · {s.id} · {s.model} · saved {lev(s.saved)} · applied {lev(s.applied)}")
            yield LeverageInput(value=f"{s.saved}", id="leverage", validators=[LeverageRange(self.maximum)])
            yield Label("", id="validation")
            yield Static("", id="track")
            yield Static("Preview…", id="preview")
            yield OrderTable(id="preview-orders")
            yield Label("[dim]Saving writes the target only; fire a rebalance (r) or a $1 ACR (a) to apply it.[/dim]")
            yield RiskPanel(id="risk")
        yield PriorityFooter()

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.app.cursor_blink
        box.focus()
        self._show_track()
        self._request_preview()

    def on_account_changed(self, message: AccountChanged) -> None:
        self.mark_stale(message, self.detail.account.id, "#editor")

    def _show_track(self) -> None:
        state = "ON (follows the model manager's cash targets)" if self.track_manager else \
            f"OFF (advisor controls cash; reserve {self.sleeve.cash_reserve:.0%})"
        changed = " [b](changed, saved with the target)[/b]" if self.track_manager != self.sleeve.track_manager else ""
        self.query_one("#track", Static).update(f"Track manager (t): {state}{changed}")

    @property
    def leverage(self) -> Decimal | None:
        return parse_leverage(self.query_one(Input).value, self.maximum)

    @on(Input.Changed, "#leverage")
    def _changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        self.validation_message = message
        self.query_one("#validation", Label).update(Content(message))
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.15, self._request_preview)

    def _request_preview(self) -> None:
        leverage = self.leverage
        if leverage is None:
            self.query_one("#preview", Static).update("[dim]No preview until the leverage is valid.[/dim]")
            self.query_one(OrderTable).clear()
            self.query_one(RiskPanel).show(None, "No risk scenarios until the leverage is valid.")
            return
        self.load_preview(leverage, self.track_manager)

    @work(thread=True, exclusive=True, group="editor-preview", exit_on_error=False, description="editor-preview")
    def load_preview(self, leverage: Decimal, track_manager: bool) -> None:
        sleeve_id = self.sleeve.id
        with self.store_failures(), self.app.open_store() as store:
            preview = preview_acr(store, sleeve_id, "rebalance", leverage=leverage, track_manager=track_manager)
            self.deliver(AcrPreviewed(preview, sleeve_risk(store, sleeve_id, preview=preview)))

    @on(AcrPreviewed)
    def _show_loaded(self, message: AcrPreviewed) -> None:
        if message.preview.build.leverage != self.leverage:
            return
        self._show_preview(message.preview)
        self.query_one(RiskPanel).show(message.risk)

    def _show_preview(self, preview: AcrPreview) -> None:
        if preview.build.leverage != self.leverage:
            return
        b = preview.build
        lines = [f"At {lev(b.leverage)} (rebalance preview):"]
        if b.projected_margin is not None:
            m = b.projected_margin
            distance = call_distance_text(m.call_distance, m.debit)
            lines.append(f"Projected sleeve cash {cash(b.projected_sleeve_cash or Decimal(0))} · "
                         f"Exposure {money(sum((o for o in b.targets.values()), Decimal(0)))}")
            lines.append(f"Call distance {distance} · Reg T {'pass' if m.regt_ok else 'FAIL'} · "
                         f"Maintenance {'pass' if m.maintenance_ok else 'FAIL'}")
        if not b.ok:
            lines.append(f"[$error b]{b.code}[/]: {b.reason}. Fix: {b.fix}")
        else:
            lines.append(f"{len(b.orders)} order(s):")
        self.query_one("#preview", Static).update("\n".join(lines))
        self.query_one(OrderTable).show_orders(b.orders)

    def action_toggle_track(self) -> None:
        self.track_manager = not self.track_manager
        self._show_track()
        self._request_preview()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        leverage = self.leverage
        if leverage is None:
            self.notify(f"Fix the leverage first: {self.validation_message or 'enter a multiplier'}",
                        severity="error")
            return
        self.save(leverage, self.track_manager)

    @work(thread=True, group="write", exit_on_error=False, description="write")
    def save(self, leverage: Decimal, track: bool) -> None:
        """Save the target (and the toggle, when changed) in the sleeve's version order."""
        s, operator = self.sleeve, self.app.operator
        with self.store_failures(), self.app.open_store() as store:
            version = set_leverage(store, s.id, leverage, operator, s.version)
            if track != s.track_manager:
                version = set_track_manager(store, s.id, track, operator, version)
            self.written(self.detail.account.id)
            extra = f", track manager {'ON' if track else 'OFF'}" if track != s.track_manager else ""
            self.deliver(SleeveSaved(s.id, version, f"Saved leverage {lev(leverage)} on {s.id}{extra}: target only, "
                                                    f"nothing traded. {self.next_step}"))

    @on(SleeveSaved)
    def _saved(self, message: SleeveSaved) -> None:
        self.notify(message.notice, timeout=8)
        self.dismiss(None)
