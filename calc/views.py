"""Read models the store returns to the console, the widgets and the CLI (plain dataclasses of calc values).

They live in calc so that widgets render them without importing the store; store/mapping.py builds them.
The browser's first page needs only AccountRow, AccountPage and BookFreshness: the models are imported for
annotations only, and the doctor's fixes where its JSON is made. Walkthrough runs are in calc/run_views.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from calc.approvals import AcrLifecycle
from calc.money import json_value

if TYPE_CHECKING:
    from calc.build import BuildResult
    from calc.checklist import Checklist
    from calc.diagnostic import Diagnostic
    from calc.margin import MarginFigures
    from calc.models import Account


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
    max_applied_leverage: Decimal | None = None  # None: no model sleeve

    def to_json(self) -> dict[str, Any]:
        """The row as `accounts --json` prints it."""
        return json_value({**self.__dict__, "codes": list(self.codes)})


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    total: int
    book_size: int
    offset: int
    limit: int
    exact: bool = True  # False: `total` is a floor (the console counts a broad filter's matches after painting)

    def to_json(self) -> dict[str, Any]:
        """The page as `accounts --json` prints it."""
        return {"total": self.total, "book_size": self.book_size, "offset": self.offset,
                "accounts": [r.to_json() for r in self.rows]}


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

    def to_json(self) -> dict[str, Any]:
        """The sleeve as `show --json` prints it."""
        return json_value({
            "id": self.id, "kind": self.kind, "model": self.model, "saved_leverage": self.saved,
            "applied_leverage": self.applied, "actual_leverage": self.actual, "track_manager": self.track_manager,
            "cash_reserve": self.cash_reserve, "cash": self.cash, "exposure": self.exposure, "equity": self.equity,
            "version": self.version, "positions": self.positions})


@dataclass(frozen=True)
class AccountDetail:
    account: Account
    version: int
    sleeves: list[SleeveView]
    margin: MarginFigures
    annual_rate: Decimal
    diagnostics: list[Diagnostic]
    nav: Decimal
    reconciliation: str = ""  # calc.reconcile.reconcile_status of the custodian's last file on this account

    @property
    def pending(self) -> bool:
        return any(s.pending for s in self.sleeves)

    def sleeve(self, sleeve_id: str) -> SleeveView:
        return next(s for s in self.sleeves if s.id == sleeve_id)

    def to_json(self) -> dict[str, Any]:
        """The account as `show --json` prints it: account fields, sleeves, margin figures, diagnostics."""
        a, m = self.account, self.margin
        return json_value({
            "id": a.id, "name": a.name, "custodian": a.custodian, "type": a.type,
            "margin_enabled": a.margin_enabled, "house_maintenance": a.house_maintenance,
            "max_leverage": a.max_leverage, "nav": self.nav, "version": self.version,
            "sleeves": [s.to_json() for s in self.sleeves],
            "margin": {"lmv": m.lmv, "debit": m.debit, "equity": m.equity, "maintenance_requirement": m.requirement,
                       "margin_call": m.call, "cure_cash": m.cure_cash, "cure_securities": m.cure_securities,
                       "cure_sell": m.cure_sell, "trigger_value": m.trigger_value,
                       "call_distance": m.call_distance, "regt_requirement": m.regt_requirement, "sma": m.sma,
                       "buying_power": m.buying_power, "annual_rate": self.annual_rate,
                       "daily_interest": m.daily_interest},
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "reconciliation": {"as_of": a.custodian_report.as_of if a.custodian_report else None,
                               "status": self.reconciliation},
        })


@dataclass(frozen=True)
class BookFreshness:
    """How current the data on screen is: the prices' dates and today's custodian file (doctor, browser)."""

    today: date
    prices_as_of: date | None  # the newest price date (None: no prices)
    oldest_price: date | None
    reconciled_today: int
    book_size: int

    @property
    def prices_line(self) -> str:
        """`prices as of 2026-11-29`: short enough to follow the operator and book in the header at 80 columns."""
        return "no prices loaded" if self.prices_as_of is None else f"prices as of {self.prices_as_of.isoformat()}"

    @property
    def custodian_line(self) -> str:
        return f"{self.reconciled_today:,} of {self.book_size:,} reconciled today"

    @property
    def line(self) -> str:
        """The whole line (the CLI's doctor), with the oldest price date when prices differ in age."""
        oldest = (f" (oldest {self.oldest_price.isoformat()})"
                  if self.oldest_price is not None and self.oldest_price != self.prices_as_of else "")
        return f"{self.prices_line}{oldest} · {self.custodian_line}"

    def to_json(self) -> dict[str, Any]:
        return json_value({"today": self.today, "prices_as_of": self.prices_as_of, "oldest_price": self.oldest_price,
                           "reconciled_today": self.reconciled_today,
                           "not_reconciled_today": self.book_size - self.reconciled_today})


@dataclass(frozen=True)
class AcrPreview:
    """What firing would do now: the build and the checklist, nothing written."""

    account: Account
    sleeve_id: str
    kind: str
    amount: Decimal
    build: BuildResult
    checklist: Checklist
    sleeve_version: int = 0
    account_version: int = 0

    @property
    def reviewed(self) -> Reviewed:
        """What the operator saw, for the fire to carry."""
        return Reviewed(self.sleeve_version, self.account_version, self.build.digest)


@dataclass(frozen=True)
class Reviewed:
    """What an operator confirmed: the sleeve's and the account's versions and the digest of the previewed build.
    A write that carries it is refused when the data moved since (store.acrs.fire_acr)."""

    sleeve_version: int
    account_version: int
    digest: str


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

    CSV_FIELDS: ClassVar[tuple[str, ...]] = (
        "id", "acr_id", "account_id", "sleeve_id", "symbol", "side", "quantity", "price", "notional", "status",
        "filled_quantity", "fill_price", "reason")

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.CSV_FIELDS}

    def to_json(self) -> dict[str, Any]:
        """The order as `orders --json` (and an ACR's `orders`) prints it."""
        return json_value(self._fields())

    def csv_row(self) -> dict[str, Any]:
        """The order as a row of `orders --csv` (CSV_FIELDS; exact decimals, empty for none)."""
        return {k: ("" if v is None else v) for k, v in self._fields().items()}


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
    lifecycle: AcrLifecycle = field(default_factory=AcrLifecycle)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_json(self) -> dict[str, Any]:
        """The ACR as `acr --json` and `fills --json` print it, with its orders."""
        return json_value({
            "id": self.id, "request_key": self.request_key, "account_id": self.account_id,
            "sleeve_id": self.sleeve_id, "kind": self.kind, "amount": self.amount, "leverage": self.leverage,
            "status": self.status, "code": self.code, "reason": self.reason, "fix": self.fix,
            "operator": self.operator, "created_at": self.created_at, "replayed": self.replayed,
            "checklist": self.checklist, "orders": [o.to_json() for o in self.orders], **self.lifecycle.to_json()})


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
