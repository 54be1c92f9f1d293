"""Walkthrough runs as the store returns them: the records of each step, the run's ACRs and what the store says now.

Apart from calc/views.py because they need the walkthrough's rules (its steps and their states), which nothing on
the browser's first page does.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calc.money import json_value
from calc.walkthrough import STEPS, StepEvaluation, step_state

if TYPE_CHECKING:
    from calc.models import Account
    from calc.views import AcrRecord


@dataclass(frozen=True)
class StepRecord:
    """One recorded outcome of one step (a step may have several: blocked, retried, completed...)."""

    id: int
    step: str
    outcome: str
    reason: str
    evaluated: str
    confirmed: str
    acr_id: int | None
    operator: str
    at: str

    @property
    def number(self) -> int:
        return STEPS.index(self.step) + 1


@dataclass(frozen=True)
class RunSummary:
    """One line of `walkthrough list`."""

    id: int
    account_id: str
    sleeve_id: str
    operator: str
    started_at: str
    finished_at: str | None
    status: str
    states: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        """The run as `walkthrough list --json` prints it."""
        return json_value(self.__dict__)


@dataclass(frozen=True)
class RunView:
    """A run with its records, its ACRs and what the store says now about each step."""

    id: int
    account: Account
    sleeve_id: str
    model: str
    model_name: str
    operator: str
    started_at: str
    finished_at: str | None
    status: str
    audit_mark: int
    audit_end: int | None
    audit_head: int
    records: tuple[StepRecord, ...]
    acrs: tuple[AcrRecord, ...]
    evaluations: dict[str, StepEvaluation]
    loaded_at: str
    saved: Decimal = Decimal(1)
    applied: Decimal = Decimal(1)
    sleeve_cash: Decimal = Decimal(0)
    apm_cash: Decimal | None = None
    sleeve_version: int = 0
    last_saved: str = ""

    @property
    def account_id(self) -> str:
        return self.account.id

    @property
    def finished(self) -> bool:
        return self.status != "open"

    def history(self, step: str) -> list[StepRecord]:
        return [r for r in self.records if r.step == step]

    def last(self, step: str) -> StepRecord | None:
        found = self.history(step)
        return found[-1] if found else None

    def state(self, step: str) -> str:
        """open, completed, skipped or blocked: the step's last outcome ('retried' reopens it)."""
        return step_state(self.records, step)

    @property
    def current_step(self) -> str:
        """The first step still to do (open or blocked), else the last step."""
        return next((s for s in STEPS if self.state(s) in ("open", "blocked")), STEPS[-1])

    def acr(self, acr_id: int | None) -> AcrRecord | None:
        return next((a for a in self.acrs if a.id == acr_id), None)
