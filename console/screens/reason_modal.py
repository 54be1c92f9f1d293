"""Ask why a walkthrough step is skipped: a reason is required (it goes into the support ticket)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from console.screens.base import BUTTON_MOVES, ButtonMoves, ConsoleModal
from widgets.typed_input import TypedInput


class ReasonModal(ButtonMoves, ConsoleModal[str | None]):
    """Enter (or the Skip button) records the reason; escape cancels. An empty reason is refused."""

    BINDINGS = [("escape", "cancel", "Cancel"), *BUTTON_MOVES]

    def __init__(self, title: str, confirm_label: str = "Skip") -> None:
        super().__init__()
        self.title_text = title
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reason-dialog"):
            yield Label(self.title_text, id="reason-title")
            yield TypedInput(placeholder="Why? e.g. advisor confirmed on the call, custodian ticket pending", id="reason")
            yield Label("", id="reason-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm_label, id="ok", variant="warning")

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.app.cursor_blink
        box.focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#reason-error", Label).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        reason = self.query_one(Input).value.strip()
        if not reason:
            self.query_one("#reason-error", Label).update("A reason is required: it goes into the run's record.")
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
