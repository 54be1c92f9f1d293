"""Read models the store returns to the console, the widgets and the CLI (plain dataclasses of calc values).

They live in calc so that widgets render them without importing the store; store/mapping.py builds them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from calc.build import BuildResult
from calc.checklist import Checklist
from calc.diagnostics import Diagnostic
from calc.margin import MarginFigures
from calc.models import Account
from calc.walkthrough import STEPS, StepEvaluation, step_state


@dataclass(frozen=True)
class AccountRow:
    """One line of the account browser."""

    id: str
    name: str
    custodian: str
    type: str
    margin_enabled: bool
    nav: Decimal
    max_saved_leverage: Decimal
    codes: tuple[str, ...]


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    total: int
    book_size: int
    offset: int
    limit: int


@dataclass(frozen=True)
class SleeveView:
    """A sleeve with its three leverage numbers and its money, for the detail screen and `show`."""

    id: str
    kind: str
    model: str | None
    model_name: str
    tactical: bool
    saved: Decimal
    applied: Decimal
    actual: Decimal | None
    target_invested: Decimal | None
    track_manager: bool
    cash_reserve: Decimal
    cash: Decimal
    exposure: Decimal
    equity: Decimal
    version: int
    positions: dict[str, Decimal] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.kind == "model" and self.saved != self.applied

    @property
    def editable(self) -> bool:
        return self.kind == "model"


@dataclass(frozen=True)
class AccountDetail:
    account: Account
    version: int
    sleeves: list[SleeveView]
    margin: MarginFigures
    annual_rate: Decimal
    diagnostics: list[Diagnostic]
    nav: Decimal

    @property
    def pending(self) -> bool:
        return any(s.pending for s in self.sleeves)

    def sleeve(self, sleeve_id: str) -> SleeveView:
        return next(s for s in self.sleeves if s.id == sleeve_id)


@dataclass(frozen=True)
class AcrPreview:
    """What firing would do now: the build and the checklist, nothing written."""

    account: Account
    sleeve_id: str
    kind: str
    amount: Decimal
    build: BuildResult
    checklist: Checklist


@dataclass(frozen=True)
class OrderRecord:
    id: int
    acr_id: int
    seq: int
    account_id: str
    sleeve_id: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    status: str
    filled_quantity: Decimal
    fill_price: Decimal | None
    reason: str

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price


@dataclass(frozen=True)
class AcrRecord:
    id: int
    request_key: str
    account_id: str
    sleeve_id: str
    kind: str
    amount: Decimal
    leverage: Decimal
    status: str
    code: str | None
    reason: str
    fix: str
    checklist: list[dict[str, Any]]
    operator: str
    created_at: str
    orders: list[OrderRecord]
    replayed: bool = False
    walkthrough_run: int | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    operator: str
    action: str
    account_id: str | None
    sleeve_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class DoctorFinding:
    account_id: str
    sleeve_id: str | None
    detail: str


@dataclass(frozen=True)
class DoctorReport:
    """Every diagnostic across the book, grouped by code."""

    findings: dict[str, list[DoctorFinding]]
    book_size: int

    def count(self, code: str) -> int:
        return len({f.account_id for f in self.findings.get(code, [])})


# -- walkthrough runs ----------------------------------------------------------------------------------



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
