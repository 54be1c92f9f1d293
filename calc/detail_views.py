"""One account's view: its sleeves with their three leverage numbers and its margin figures (detail, `show`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calc.money import json_value

if TYPE_CHECKING:
    from calc.diagnostic import Diagnostic
    from calc.margin import MarginFigures
    from calc.models import Account


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
