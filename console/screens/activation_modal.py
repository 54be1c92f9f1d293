"""Choose what activates a saved leverage: one of the source document's activations, by its one title."""
from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from calc.vocabulary import ACR_KIND_HELP, ACR_KIND_TITLES
from widgets.key_nav import KeyOptionList


class ActivationModal(ModalScreen[str | None]):
    """Enter picks an ACR kind (the modal's result), escape cancels (None)."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, sleeve_id: str, status: str) -> None:
        super().__init__()
        self.sleeve_id = sleeve_id
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="activation"):
            yield Label(f"[b]Activate the change on {escape(self.sleeve_id)}[/b] · {escape(self.status)}")
            yield KeyOptionList(*[Option(f"{title} [dim]({ACR_KIND_HELP[k]})[/dim]", id=k)
                               for k, title in ACR_KIND_TITLES.items()], id="activation-kinds")
            yield Label("[dim]Enter: continue to the pre-trade checklist · escape: cancel[/dim]")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#activation-kinds")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
