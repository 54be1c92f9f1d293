"""Pydantic models of the book: prices, models, sleeves, accounts, orders, and calculation settings."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from calc.money import MAX_AMOUNT, ONE, ZERO

REGT_MAX_LEVERAGE = Decimal("2.0")
# FINRA Rule 4210's maintenance minimum on long positions: a house rate below it is never used as is.
FINRA_MINIMUM = Decimal("0.25")
WEIGHT_TOLERANCE = Decimal("1e-6")

AccountType = Literal["margin", "cash", "ira"]
# apm and model are managed here; the others exist on such platforms and are imported read-only.
SleeveKind = Literal["apm", "model", "transition", "protected", "funding"]
READ_ONLY_KINDS = frozenset({"transition", "protected", "funding"})


# Leverage is saved as typed; more places than this is a typo, not a target an advisor meant.
LEVERAGE_PLACES = 4


def leverage_cap(max_leverage: Decimal) -> Decimal:
    """The highest multiplier an account may carry: its house cap, never above Reg T's 2.0."""
    return min(max_leverage, REGT_MAX_LEVERAGE)


def leverage_problem(value: Decimal, max_leverage: Decimal = REGT_MAX_LEVERAGE, name: str = "leverage") -> str | None:
    """Why `value` cannot be a model sleeve's multiplier on an account capped at `max_leverage`, or None.

    The one range rule (DOMAIN.md: 1.0 <= L <= max, max at most 2.0) for the model, the store and the editor.
    """
    if not value.is_finite():
        return f"{name} must be a number, got {value}"
    top = leverage_cap(max_leverage)
    if not (ONE <= value <= top):
        return f"{name} must be between 1.00 and {top:.2f}, got {value}"
    if value.as_tuple().exponent < -LEVERAGE_PLACES:  # type: ignore[operator]
        return f"{name} takes at most {LEVERAGE_PLACES} decimal places, got {value}"
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Price(_Frozen):
    """A security's last price and its margin treatment."""

    symbol: str = Field(min_length=1, max_length=16)
    price: Decimal = Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False)
    as_of: date
    marginable: bool = True
    maintenance: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    leverage_factor: Decimal | None = Field(default=None, gt=0, allow_inf_nan=False)


class Model(_Frozen):
    """A model manager's target portfolio: weights per symbol plus a cash weight summing to 1."""

    id: str = Field(min_length=1)
    name: str = ""
    manager: str = ""
    tactical: bool = False
    weights: dict[str, Decimal]
    cash: Decimal = Field(default=ZERO, ge=0, le=1, allow_inf_nan=False)

    @field_validator("weights")
    @classmethod
    def _weights_non_negative(cls, weights: dict[str, Decimal]) -> dict[str, Decimal]:
        for symbol, weight in weights.items():
            if not weight.is_finite() or weight < 0 or weight > 1:
                raise ValueError(f"weight of {symbol} must be between 0 and 1, got {weight}")
        return weights

    @model_validator(mode="after")
    def _sums_to_one(self) -> Model:
        total = sum(self.weights.values(), ZERO) + self.cash
        if abs(total - ONE) > WEIGHT_TOLERANCE:
            raise ValueError(f"weights plus cash must sum to 1, got {total}")
        return self


class Sleeve(_Frozen):
    """A virtual slice of an account with its own holdings and cash (cash may be negative)."""

    id: str = Field(min_length=1)
    kind: SleeveKind
    model: str | None = None
    cash: Decimal = Field(default=ZERO, ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)
    positions: dict[str, Decimal] = Field(default_factory=dict)
    leverage: Decimal = Field(default=ONE, allow_inf_nan=False)
    applied_leverage: Decimal | None = Field(default=None, allow_inf_nan=False)
    track_manager: bool = True
    cash_reserve: Decimal = Field(default=ZERO, ge=0, lt=1, allow_inf_nan=False)

    @field_validator("leverage", "applied_leverage")
    @classmethod
    def _leverage_in_range(cls, value: Decimal | None, info) -> Decimal | None:  # type: ignore[no-untyped-def]
        # A sleeve does not know its account's cap, so only Reg T's 2.0 applies here; the store and the
        # editor check the account's own cap with the same function.
        problem = None if value is None else leverage_problem(value, REGT_MAX_LEVERAGE, name=info.field_name)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("positions")
    @classmethod
    def _no_negative_shares(cls, positions: dict[str, Decimal]) -> dict[str, Decimal]:
        for symbol, qty in positions.items():
            if not qty.is_finite() or qty < 0:
                raise ValueError(f"shares of {symbol} must be zero or more, got {qty}")
            if qty > MAX_AMOUNT:
                raise ValueError(f"shares of {symbol} must be at most {MAX_AMOUNT:,.0f}, got {qty}")
        return positions

    @model_validator(mode="after")
    def _check_kind(self) -> Sleeve:
        if self.applied_leverage is None:
            object.__setattr__(self, "applied_leverage", self.leverage)
        if self.kind == "model" and not self.model:
            raise ValueError("a model sleeve must name its model")
        if self.kind != "model" and self.leverage != ONE:
            raise ValueError(f"leverage applies to model sleeves only; this {self.kind} sleeve has {self.leverage}")
        if self.kind != "model" and self.applied != ONE:
            raise ValueError(f"leverage applies to model sleeves only; this {self.kind} sleeve has applied "
                             f"{self.applied}")
        return self

    @property
    def applied(self) -> Decimal:
        """The applied leverage (never None once validated)."""
        return self.applied_leverage if self.applied_leverage is not None else self.leverage


class CustodianReport(_Frozen):
    """The custodian's positions and cash for one account, as its daily file states them (account level)."""

    as_of: date
    positions: dict[str, Decimal] = Field(default_factory=dict)
    cash: Decimal | None = None  # None: the file had no CASH line for the account, so cash is not compared


class Account(_Frozen):
    """One custodial account: margin is enforced by the custodian on the whole account."""

    id: str = Field(min_length=1)
    name: str = ""
    custodian: str = ""
    type: AccountType = "margin"
    margin_enabled: bool = False
    house_maintenance: Decimal = Field(default=Decimal("0.30"), ge=0, le=1, allow_inf_nan=False)
    # Why a house rate below FINRA's 25 % floor is on the book (the import refuses one without it).
    # Margin still uses max(house, 25 %) for long positions; this only states the reason.
    maintenance_exemption: str | None = Field(default=None, max_length=500)
    max_leverage: Decimal = Field(default=REGT_MAX_LEVERAGE, ge=1, le=REGT_MAX_LEVERAGE, allow_inf_nan=False)
    sleeves: list[Sleeve] = Field(default_factory=list)
    # What the custodian last reported for the whole account (None: never reconciled); see calc/reconcile.py.
    custodian_report: CustodianReport | None = None

    @model_validator(mode="after")
    def _one_apm(self) -> Account:
        ids = [s.id for s in self.sleeves]
        if len(ids) != len(set(ids)):
            raise ValueError("sleeve ids must be unique within the account")
        if sum(1 for s in self.sleeves if s.kind == "apm") > 1:
            raise ValueError("an account has at most one APM sleeve")
        return self

    @property
    def can_margin(self) -> bool:
        """Margin-enabled at the custodian and a margin-type account."""
        return self.margin_enabled and self.type == "margin"

    @property
    def apm(self) -> Sleeve | None:
        return next((s for s in self.sleeves if s.kind == "apm"), None)

    def sleeve(self, sleeve_id: str) -> Sleeve:
        for s in self.sleeves:
            if s.id == sleeve_id:
                return s
        raise KeyError(sleeve_id)


def percent_text(rate: Decimal) -> str:
    """A rate as a plain percentage number: 0.2 -> "20", 0.225 -> "22.5"."""
    return f"{(rate * 100).normalize():f}"


def house_maintenance_problem(account: Account) -> str | None:
    """Why a book may not carry this account's house rate (below 25 % with no stated exemption), or None."""
    if account.house_maintenance >= FINRA_MINIMUM or (account.maintenance_exemption or "").strip():
        return None
    return (f"house maintenance {percent_text(account.house_maintenance)} % is below the 25 % FINRA 4210 floor; "
            "use 0.25 or more, or state the reason in maintenance_exemption")


class Order(_Frozen):
    """One whole-share order built by an ACR."""

    sleeve_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: Decimal
    price: Decimal

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price


class CalcSettings(_Frozen):
    """Tunable thresholds of the rules (DOMAIN.md defaults)."""

    min_trade: Decimal = Field(default=ZERO, ge=0)
    max_price_age_days: int = Field(default=5, ge=0)
    call_distance_warning: Decimal = Field(default=Decimal("0.20"), ge=0, le=1)
    drift_tolerance: Decimal = Field(default=Decimal("0.05"), ge=0)
    initial_margin: Decimal = Field(default=Decimal("0.50"), gt=0, le=1)
    annual_rate: Decimal = Field(default=ZERO, ge=0)
    reconcile_cash_tolerance: Decimal = Field(default=ONE, ge=0)


def price_map(prices: list[Price] | dict[str, Price]) -> dict[str, Price]:
    """Prices keyed by symbol."""
    if isinstance(prices, dict):
        return prices
    return {p.symbol: p for p in prices}


def account_debit(account: Account) -> Decimal:
    """The account's margin debit, D = max(0, -sum(sleeve cash)): the one formula for margin, risk and rates."""
    return max(ZERO, -sum((s.cash for s in account.sleeves), ZERO))
