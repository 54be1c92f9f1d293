"""Read models of the book's self-checks: the audit chain (`audit --verify`) and `doctor --integrity`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChainReport:
    """The audit chain checked row by row: intact, or the first broken link and what differs."""

    rows: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    @property
    def message(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.rows} rows"
        return f"audit chain broken at row {self.broken_id}: {self.problem}"

    @property
    def lines(self) -> list[str]:
        """The report as the CLI prints it."""
        return [self.message]

    def to_json(self) -> dict[str, Any]:
        """The report as `audit --verify --json` prints it."""
        return {"ok": self.ok, "rows": self.rows, "broken_id": self.broken_id, "problem": self.problem,
                "message": self.message}


@dataclass(frozen=True)
class IntegrityProblem:
    """One thing wrong with the book: which check found it, and what it is."""

    check: str
    detail: str

    @property
    def line(self) -> str:
        return f"{self.check}: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "detail": self.detail}


@dataclass(frozen=True)
class IntegrityReport:
    """Every check `doctor --integrity` ran, and every problem found (none: the book is intact)."""

    checks: tuple[str, ...]
    problems: tuple[IntegrityProblem, ...]
    accounts: int
    audit_rows: int

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if self.ok:
            return (f"book intact: {self.accounts:,} accounts, {self.audit_rows:,} audit rows, "
                    f"checks: {', '.join(self.checks)}")
        return f"{len(self.problems)} integrity problem(s) found"

    @property
    def lines(self) -> list[str]:
        """The report as the CLI prints it: the summary, then one line per problem."""
        return [self.summary, *(p.line for p in self.problems)]

    def to_json(self) -> dict[str, Any]:
        """The report as `doctor --integrity --json` prints it."""
        return {"ok": self.ok, "accounts": self.accounts, "audit_rows": self.audit_rows, "checks": list(self.checks),
                "problems": [p.to_json() for p in self.problems], "summary": self.summary}
