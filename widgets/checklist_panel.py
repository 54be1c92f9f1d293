"""The pre-trade checklist: each item passed, failed (with why and the fix), awaiting or acknowledged."""
from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from calc import Checklist
from calc.checklist import ACK_IDS
from calc.vocabulary import blocked_attempt

ICONS = {"passed": "[$success]✔[/]", "failed": "[$error]✘[/]", "awaiting": "[$warning]☐[/]",
         "acknowledged": "[$success]☑[/]"}


class ChecklistPanel(Static):
    """Renders a Checklist; acknowledgement keys are the numbers shown next to awaiting items."""

    DEFAULT_CSS = """
    ChecklistPanel {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    ChecklistPanel.-blocked {
        border: round $error;
    }
    ChecklistPanel.-ready {
        border: round $success;
    }
    """

    def __init__(self, checklist: Checklist | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.checklist = checklist
        self.border_title = "Pre-trade checklist"

    def show(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self.set_class(bool(checklist.failed), "-blocked")
        self.set_class(checklist.can_fire, "-ready")
        self.refresh(layout=True)

    def render(self) -> str:
        if self.checklist is None:
            return "Evaluating…"
        lines = []
        for item in self.checklist.items:
            n = ACK_IDS.index(item.id) + 1 if item.id in ACK_IDS else 0
            label = f"{n} " if n else ""
            detail = f": {escape(item.detail)}" if item.detail else ""
            line = f"{ICONS[item.status]} {label}{escape(item.title)}{detail}"
            if item.status == "awaiting":
                line += f" [dim](press {n})[/dim]"
            elif item.status == "failed":
                line += f"\n   [b]Fix:[/b] {escape(item.fix)}" if item.fix else ""
            lines.append(line)
        if self.checklist.failed:
            lines.append(f"[$error b]Blocked[/]: a failed evaluated item cannot be overridden. "
                         f"{escape(blocked_attempt(self.checklist.blocking_code))}")
        elif self.checklist.awaiting:
            lines.append("Acknowledge the open items (1-4, or x for all) to fire.")
        else:
            lines.append("[$success b]Ready[/]: press f to fire (you will be asked to confirm).")
        return "\n".join(lines)
