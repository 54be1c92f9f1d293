"""An account's diagnostics, each with the source document's fix and the key that performs it."""
from __future__ import annotations

from rich.markup import escape
from textual.content import Content
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
        self.text: Content | None = None
        self.show(diagnostics, reconciliation)

    def show(self, diagnostics: list[Diagnostic], reconciliation: str = "", text: Content | None = None) -> None:
        """Another account's (or a reloaded account's) diagnostics, in place. `text` is `text_of` them when the
        caller built it already; text equal to the one shown changes nothing."""
        self.diagnostics = diagnostics
        self.reconciliation = reconciliation
        self.border_title = f"Diagnostics ({len(diagnostics)})"
        self.set_class(bool(diagnostics), "-problems")
        text = text if text is not None else self.text_of(diagnostics, reconciliation)
        if text != self.text:
            self.text = text
            self.refresh(layout=True)

    @staticmethod
    def text_of(diagnostics: list[Diagnostic], reconciliation: str = "") -> Content:
        """The list's text. Pure: the detail builds it on the read's worker, off the UI thread."""
        custodian = f"\n[dim]Custodian: {escape(reconciliation)}[/]" if reconciliation else ""
        if not diagnostics:
            return Content.from_markup("[$success]✔[/] Leveraging as intended: no diagnostics." + custodian)
        lines = []
        for d in diagnostics:
            where = f" {d.sleeve_id}" if d.sleeve_id else ""
            keyed = d.code in FIX_KEYS and (d.code, d.cause) not in NO_KEY_CAUSES
            key = f" [b][{FIX_KEYS[d.code]}][/b]" if keyed else ""
            lines.append(f"[b]{d.code}[/b]{escape(where)}: {escape(d.detail)}\n   Fix: {escape(d.fix)}{key}")
        return Content.from_markup("\n".join(lines) + custodian)

    def render(self) -> Content:
        assert self.text is not None
        return self.text
