"""Ask for the dollar amount of a cash-management or manual allocation ACR."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label

from console.screens.base import ConsoleModal


class PositiveMoney(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            amount = Decimal(value.replace(",", ""))
        except InvalidOperation:
            return self.failure("Enter an amount in dollars, e.g. 2500 or 2500.50")
        if not amount.is_finite() or amount <= 0:
            return self.failure("The amount must be more than zero")
        if amount != amount.quantize(Decimal("0.01")):
            return self.failure("At most two decimal places")
        return self.success()


class AmountModal(ConsoleModal[Decimal | None]):
    """Enter to continue to the checklist, escape to cancel."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, kind: str, sleeve_id: str) -> None:
        super().__init__()
        self.kind = kind
        self.sleeve_id = sleeve_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"{self.kind.title()} ACR on {self.sleeve_id}: amount in dollars")
            yield Input(placeholder="e.g. 2500", id="amount", validators=[PositiveMoney()], restrict=r"[0-9.,]*")
            yield Label("", id="amount-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Continue", id="ok", variant="primary")

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.app.cursor_blink
        box.focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self.query_one("#amount-error", Label).update(
            "" if result is None or result.is_valid or not event.value else "; ".join(result.failure_descriptions))

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        box = self.query_one(Input)
        result = box.validate(box.value)
        if result is not None and not result.is_valid:
            self.query_one("#amount-error", Label).update("; ".join(result.failure_descriptions))
            return
        self.dismiss(Decimal(box.value.replace(",", "")))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
