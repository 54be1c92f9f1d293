"""Read models the store returns to the console and the CLI (plain dataclasses of calc values)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from calc import Account, BuildResult, Checklist, Diagnostic, MarginFigures


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
