"""Help generated from the action registry, so it can never disagree with the footer or the palette."""
from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.actions import ACTIONS, SCOPES, ActionSpec, display_key


def help_text(specs: tuple[ActionSpec, ...] = ACTIONS, read_only: bool = False) -> str:
    """Every key of every screen, from the registry as the keymap left it (the app's `registry`)."""
    lines: list[str] = []
    for scope, title in SCOPES.items():
        lines.append(f"[b]{title}[/b]")
        for spec in specs:
            if spec.scope == scope:
                off = " [i](off: read-only)[/i]" if read_only and spec.writes else ""
                lines.append(f"  [b]{escape(display_key(spec)):>8}[/b]  {escape(spec.description)}: "
                             f"{escape(spec.tooltip)}{off}")
        lines.append("")
    lines.append("[b]ctrl+p[/b] opens the command palette: every action here, and accounts by id or name.")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Escape, q, ? or F1 closes it."""

    BINDINGS = [("escape", "close", "Close"), ("q", "close", "Close"), ("question_mark", "close", "Close"),
                ("f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Static("[b]margin-console keys[/b] (escape closes)")
            with VerticalScroll(id="help-body"):
                yield Static(help_text(self.app.registry, self.app.read_only), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
