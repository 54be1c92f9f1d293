"""An account's diagnostics, each with the source document's fix and the key that performs it."""
from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from calc import Diagnostic

FIX_KEYS = {
    "PENDING_LEVERAGE": "a: $1 ACR · r: rebalance",
    "DRIFT": "r: rebalance",
    "TACTICAL_TRACK_OFF": "t: track manager ON",
    "LOW_CALL_DISTANCE": "e: edit leverage",
}


class DiagnosticsList(Static):
    """Why the account is not leveraging as intended."""

    DEFAULT_CSS = """
    DiagnosticsList {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    DiagnosticsList.-problems {
        border: round $warning;
    }
    """

    def __init__(self, diagnostics: list[Diagnostic], reconciliation: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.diagnostics = diagnostics
        self.reconciliation = reconciliation
        self.border_title = f"Diagnostics ({len(diagnostics)})"
        self.set_class(bool(diagnostics), "-problems")

    def render(self) -> str:
        custodian = f"\n[dim]Custodian: {escape(self.reconciliation)}[/]" if self.reconciliation else ""
        if not self.diagnostics:
            return "[$success]✔[/] Leveraging as intended: no diagnostics." + custodian
        lines = []
        for d in self.diagnostics:
            where = f" {d.sleeve_id}" if d.sleeve_id else ""
            key = f" [b][{FIX_KEYS[d.code]}][/b]" if d.code in FIX_KEYS else ""
            lines.append(f"[b]{d.code}[/b]{escape(where)}: {escape(d.detail)}\n   Fix: {escape(d.fix)}{key}")
        return "\n".join(lines) + custodian
