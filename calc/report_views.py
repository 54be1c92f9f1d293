"""The audit trail's rows and the doctor's report (findings grouped by code)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from calc.money import json_value

if TYPE_CHECKING:
    from calc.page_views import BookFreshness


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    operator: str
    action: str
    account_id: str | None
    sleeve_id: str | None
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The audit row as `audit --json` prints it."""
        return json_value(self.__dict__)


class DoctorFinding(NamedTuple):
    """One doctor finding, a tuple (a million-account doctor makes many) with the fix for its detail's cause."""

    account_id: str
    sleeve_id: str | None
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorReport:
    """Every diagnostic across the book, grouped by code."""

    findings: dict[str, list[DoctorFinding]]
    book_size: int
    freshness: BookFreshness | None = None

    def count(self, code: str) -> int:
        return len({f.account_id for f in self.findings.get(code, [])})

    def to_json(self) -> dict[str, Any]:
        """The report as `doctor --json` prints it: per code, the accounts counted, the fix, the findings."""
        from calc.vocabulary import DIAGNOSTIC_FIXES

        return {"book_size": self.book_size,
                "freshness": self.freshness.to_json() if self.freshness else None,
                "codes": {code: {"accounts": self.count(code), "fix": DIAGNOSTIC_FIXES[code],
                                 "findings": [f._asdict() for f in found]}
                          for code, found in self.findings.items()}}
