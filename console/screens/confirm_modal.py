"""A yes/no question whose default (focused) button is Cancel; escape means no."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.actions import bindings
from console.footer import PriorityFooter
from console.screens.base import ButtonMoves


class ConfirmModal(ButtonMoves, ModalScreen[bool]):
    """Dismisses with True only when the operator presses the confirm button; its footer shows its own keys."""

    SCOPE = "confirm"
    BINDINGS = bindings("confirm")

    def __init__(self, question: str, confirm_label: str = "Fire") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Static(self.question, id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button(self.confirm_label, id="confirm-button", variant="error")
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_press_focused(self) -> None:
        """Enter presses the focused button (Cancel until the operator moves to the other one)."""
        if isinstance(self.focused, Button):
            self.focused.press()

    @on(Button.Pressed, "#confirm-button")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
