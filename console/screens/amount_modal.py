"""Ask for the dollar amount of a cash-management or manual allocation ACR."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label

from calc.amounts import amount_problem
from calc.views import AccountDetail
from console.screens.base import BUTTON_MOVES, ButtonMoves, ConsoleModal
from widgets.typed_input import TypedInput


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


class WithinReach(Validator):
    """An amount the sleeve (withdrawal, liquidation) or the APM (allocation) can move: refused here, not after
    a build."""

    def __init__(self, kind: str, sleeve_equity: Decimal | None, apm_cash: Decimal | None) -> None:
        super().__init__()
        self.kind, self.sleeve_equity, self.apm_cash = kind, sleeve_equity, apm_cash

    def validate(self, value: str) -> ValidationResult:
        try:
            amount = Decimal(value.replace(",", ""))
        except InvalidOperation:
            return self.success()  # PositiveMoney says why
        if not amount.is_finite():
            return self.success()
        problem = amount_problem(self.kind, amount, self.sleeve_equity, self.apm_cash)
        return self.failure(problem) if problem else self.success()


class AmountModal(ButtonMoves, ConsoleModal[Decimal | None]):
    """Enter to continue to the checklist, escape to cancel."""

    BINDINGS = [("escape", "cancel", "Cancel"), *BUTTON_MOVES]

    def __init__(self, kind: str, sleeve_id: str, sleeve_equity: Decimal | None = None,
                 apm_cash: Decimal | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.sleeve_id = sleeve_id
        self.reach = WithinReach(kind, sleeve_equity, apm_cash)

    @classmethod
    def for_sleeve(cls, kind: str, detail: AccountDetail | None, sleeve_id: str) -> AmountModal:
        """The dialog with the limits the account shows now (none known: the build still checks)."""
        if detail is None:
            return cls(kind, sleeve_id)
        apm = next((s for s in detail.sleeves if s.kind == "apm"), None)
        return cls(kind, sleeve_id, detail.sleeve(sleeve_id).equity, apm.cash if apm else None)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"{self.kind.title()} ACR on {self.sleeve_id}: amount in dollars")
            yield TypedInput(placeholder="e.g. 2500", id="amount", validators=[PositiveMoney(), self.reach],
                        restrict=r"[0-9.,]*")
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
