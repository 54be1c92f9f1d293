"""ACRs and their orders as the store returns them, and the preview an operator reviews before firing."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from calc.approvals import AcrLifecycle
from calc.money import json_value

if TYPE_CHECKING:
    from calc.build import BuildResult
    from calc.checklist import Checklist
    from calc.models import Account


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
