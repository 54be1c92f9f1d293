"""An account's diagnostics, each with the source document's fix and the key that performs it."""
from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from calc import Diagnostic

# The detail's keys that perform a code's fix (f performs what the troubleshooter's finding offers).
FIX_KEYS = {
    "NEGATIVE_APM": "f: apply the fix",
    "PENDING_LEVERAGE": "a: $1 ACR · r: rebalance · u: revert",
    "MARGIN_NOT_ENABLED": "f: apply the fix",
    "DRIFT": "r: rebalance",
    "TACTICAL_TRACK_OFF": "t: track manager ON",
    "LOW_CALL_DISTANCE": "e: edit leverage",
}
# A cause whose fix no key performs (a rebalance that would build nothing is not offered).
NO_KEY_CAUSES = frozenset({("DRIFT", "below-minimum")})


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
        self.show(diagnostics, reconciliation)

    def show(self, diagnostics: list[Diagnostic], reconciliation: str = "") -> None:
        """Another account's (or a reloaded account's) diagnostics, in place."""
        self.diagnostics = diagnostics
        self.reconciliation = reconciliation
        self.border_title = f"Diagnostics ({len(diagnostics)})"
        self.set_class(bool(diagnostics), "-problems")
        self.refresh(layout=True)

    def render(self) -> str:
        custodian = f"\n[dim]Custodian: {escape(self.reconciliation)}[/]" if self.reconciliation else ""
        if not self.diagnostics:
            return "[$success]✔[/] Leveraging as intended: no diagnostics." + custodian
        lines = []
        for d in self.diagnostics:
            where = f" {d.sleeve_id}" if d.sleeve_id else ""
            keyed = d.code in FIX_KEYS and (d.code, d.cause) not in NO_KEY_CAUSES
            key = f" [b][{FIX_KEYS[d.code]}][/b]" if keyed else ""
            lines.append(f"[b]{d.code}[/b]{escape(where)}: {escape(d.detail)}\n   Fix: {escape(d.fix)}{key}")
        return "\n".join(lines) + custodian
