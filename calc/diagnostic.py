"""One diagnostic as the console, the CLI and the doctor show it: its code, detail, sleeve and cause, and the fix
for that cause. Words and a dataclass only, no rules: the doctor reads stored diagnostics back with it without
importing the rules of calc/diagnostics.py (and the models under them).
"""
from __future__ import annotations

from dataclasses import dataclass

from calc.vocabulary import CAUSES, DIAGNOSTIC_FIXES, DIAGNOSTIC_TITLES


def cause_fix(code: str, cause: str = "") -> str:
    """The fix for a code and the cause its data names (the code's own fix when there is no cause)."""
    return CAUSES.get(code, {}).get(cause, ("", DIAGNOSTIC_FIXES[code]))[1]


@dataclass(frozen=True)
class Diagnostic:
    """One finding on an account or one of its sleeves; `cause` is a key of CAUSES[code] when the data names one."""

    code: str
    detail: str
    sleeve_id: str | None = None
    cause: str = ""

    @property
    def fix(self) -> str:
        return cause_fix(self.code, self.cause)

    @classmethod
    def stored(cls, code: str, detail: str, sleeve_id: str | None = None) -> Diagnostic:
        """A diagnostic read back from its stored row: the cause is the label its detail ends with."""
        cause = next((key for key, (label, _) in CAUSES.get(code, {}).items() if detail.endswith(f"({label})")), "")
        return cls(code, detail, sleeve_id, cause)

    @property
    def title(self) -> str:
        return DIAGNOSTIC_TITLES[self.code]

    def to_json(self) -> dict[str, str | None]:
        """The diagnostic as `show --json` prints it, with its fix."""
        return {"code": self.code, "sleeve_id": self.sleeve_id, "detail": self.detail, "fix": self.fix}


def cause_label(code: str, cause: str) -> str:
    return CAUSES[code][cause][0]
