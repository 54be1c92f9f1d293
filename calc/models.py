"""The book's values: prices, models, sleeves, accounts, orders, and calculation settings.

Frozen, slotted stdlib dataclasses whose `__post_init__` enforces each rule with a one-line message (a
FieldProblem naming the field, carrying every other problem found with it): the store's and calc's rules import
no validation library (issue 17: pydantic and building its models were most of `show` and `acr`). Each model's
`field_problems` checks its fields one by one (a file's reader runs them on the fields it could read); its
`__post_init__` raises them all, then checks the rules of the whole object. Reading a book file converts JSON to
these in store/book_schema.py; stored rows are built without re-checking (`trusted`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar, get_args

from calc import model_checks as check
from calc.model_checks import FieldProblem
from calc.money import MAX_AMOUNT, ONE, ZERO

REGT_MAX_LEVERAGE = Decimal("2.0")
# FINRA Rule 4210's maintenance minimum on long positions: a house rate below it is never used as is.
FINRA_MINIMUM = Decimal("0.25")
WEIGHT_TOLERANCE = Decimal("1e-6")

AccountType = Literal["margin", "cash", "ira"]
# apm and model are managed here; the others exist on such platforms and are imported read-only.
SleeveKind = Literal["apm", "model", "transition", "protected", "funding"]
READ_ONLY_KINDS = frozenset({"transition", "protected", "funding"})
ACCOUNT_TYPES: tuple[str, ...] = get_args(AccountType)
SLEEVE_KINDS: tuple[str, ...] = get_args(SleeveKind)
OrderSide = Literal["buy", "sell"]
ORDER_SIDES: tuple[str, ...] = get_args(OrderSide)
MAX_EXEMPTION_CHARS = 500


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


_T = TypeVar("_T")
# Frozen (a value, never changed in place), slotted (no per-object dict: a whole book's sleeves stay small), and
# keyword-only, as the pydantic models were.
_model = dataclass(frozen=True, slots=True, kw_only=True)
# Bound once: `trusted` runs per loaded sleeve and account (a batch at 100k builds ~60,000), and the lookups were
# a third of its time.
_new, _set = object.__new__, object.__setattr__


def trusted(cls: type[_T], **values: Any) -> _T:
    """A model from values its caller vouches for, without checking them: a stored row (checked on its way in), a
    copy of a checked model, calc.build's orders, the demo generator's own book (store/mapping.account_from_book;
    tests/unit/test_demo_write.py proves it equals the checked import's).

    Every field must be given (asserted: a missing one would be an unset slot that fails far from here)."""
    assert len(values) == len(cls.__slots__), f"{cls.__name__}: every field must be given"  # type: ignore[attr-defined]
    obj = _new(cls)
    for name, value in values.items():
        _set(obj, name, value)
    return obj


def updated(obj: _T, **changes: Any) -> _T:
    """A copy of `obj` with `changes`, not re-checked (as pydantic's model_copy): projections (a sleeve after its
    orders, prices after a market move) are computed from checked values and may leave an input's range."""
    values = {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]
    values.update(changes)
    return trusted(type(obj), **values)


@_model
class Price:
    """A security's last price and its margin treatment."""

    symbol: str
    price: Decimal
    as_of: date
    marginable: bool = True
    maintenance: Decimal | None = None
    leverage_factor: Decimal | None = None

    def __post_init__(self) -> None:
        check.report(self.field_problems())

    def field_problems(self) -> tuple[FieldProblem | None, ...]:
        """Each field's problem, None when it is fine (calc.model_checks: a field not set is skipped)."""
        return (check.text(self, "symbol", least=1, most=16),
                check.bounded(self, "price", ZERO, MAX_AMOUNT, above=True),
                check.day(self, "as_of"),
                check.flag(self, "marginable"),
                check.bounded(self, "maintenance", ZERO, ONE, optional=True),
                check.bounded(self, "leverage_factor", ZERO, above=True, optional=True))


@_model
class Model:
    """A model manager's target portfolio: weights per symbol plus a cash weight summing to 1."""

    id: str
    name: str = ""
    manager: str = ""
    tactical: bool = False
    weights: dict[str, Decimal]
    cash: Decimal = ZERO

    def __post_init__(self) -> None:
        check.report(self.field_problems())
        total = sum(self.weights.values(), ZERO) + self.cash
        if abs(total - ONE) > WEIGHT_TOLERANCE:
            raise FieldProblem(None, f"weights plus cash must sum to 1, got {total}")

    def field_problems(self) -> tuple[FieldProblem | None, ...]:
        """Each field's problem, None when it is fine (calc.model_checks: a field not set is skipped)."""
        return (check.text(self, "id", least=1),
                check.text(self, "name"),
                check.text(self, "manager"),
                check.flag(self, "tactical"),
                check.amounts(self, "weights", "weight", ZERO, ONE),
                check.bounded(self, "cash", ZERO, ONE))


@_model
class Sleeve:
    """A virtual slice of an account with its own holdings and cash (cash may be negative)."""

    id: str
    kind: SleeveKind
    model: str | None = None
    cash: Decimal = ZERO
    positions: dict[str, Decimal] = field(default_factory=dict)
    leverage: Decimal = ONE
    applied_leverage: Decimal | None = None
    track_manager: bool = True
    cash_reserve: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.applied_leverage is None:
            object.__setattr__(self, "applied_leverage", self.leverage)
        check.report(self.field_problems())
        if self.kind == "model" and not self.model:
            raise FieldProblem(None, "a model sleeve must name its model")
        if self.kind != "model" and self.leverage != ONE:
            raise FieldProblem(None, f"leverage applies to model sleeves only; this {self.kind} sleeve has "
                                     f"{self.leverage}")
        if self.kind != "model" and self.applied != ONE:
            raise FieldProblem(None, f"leverage applies to model sleeves only; this {self.kind} sleeve has "
                                     f"applied {self.applied}")

    def field_problems(self) -> tuple[FieldProblem | None, ...]:
        """Each field's problem, None when it is fine (calc.model_checks: a field not set is skipped)."""
        return (check.text(self, "id", least=1),
                check.choice(self, "kind", SLEEVE_KINDS),
                check.text(self, "model", optional=True),
                check.bounded(self, "cash", -MAX_AMOUNT, MAX_AMOUNT),
                _shares(self),
                _leverage(self, "leverage"),
                _leverage(self, "applied_leverage"),
                check.flag(self, "track_manager"),
                check.bounded(self, "cash_reserve", ZERO, ONE, below=True))

    @property
    def applied(self) -> Decimal:
        """The applied leverage (never None once built)."""
        return self.applied_leverage if self.applied_leverage is not None else self.leverage


@_model
class CustodianReport:
    """The custodian's positions and cash for one account, as its daily file states them (account level)."""

    as_of: date
    positions: dict[str, Decimal] = field(default_factory=dict)
    cash: Decimal | None = None  # None: the file had no CASH line for the account, so cash is not compared

    def __post_init__(self) -> None:
        check.report(self.field_problems())

    def field_problems(self) -> tuple[FieldProblem | None, ...]:
        """Each field's problem, None when it is fine (calc.model_checks: a field not set is skipped)."""
        return (check.day(self, "as_of"),
                check.amounts(self, "positions", "shares", None, None),
                check.bounded(self, "cash", optional=True))


@_model
class Account:
    """One custodial account: margin is enforced by the custodian on the whole account."""

    id: str
    name: str = ""
    custodian: str = ""
    type: AccountType = "margin"
    margin_enabled: bool = False
    house_maintenance: Decimal = Decimal("0.30")
    # Why a house rate below FINRA's 25 % floor is on the book (the import refuses one without it).
    # Margin still uses max(house, 25 %) for long positions; this only states the reason.
    maintenance_exemption: str | None = None
    max_leverage: Decimal = REGT_MAX_LEVERAGE
    sleeves: list[Sleeve] = field(default_factory=list)
    # What the custodian last reported for the whole account (None: never reconciled); see calc/reconcile.py.
    custodian_report: CustodianReport | None = None

    def __post_init__(self) -> None:
        check.report(self.field_problems())
        ids = [s.id for s in self.sleeves]
        if len(ids) != len(set(ids)):
            raise FieldProblem(None, "sleeve ids must be unique within the account")
        if sum(1 for s in self.sleeves if s.kind == "apm") > 1:
            raise FieldProblem(None, "an account has at most one APM sleeve")

    def field_problems(self) -> tuple[FieldProblem | None, ...]:
        """Each field's problem, None when it is fine (calc.model_checks: a field not set is skipped)."""
        return (check.text(self, "id", least=1),
                check.text(self, "name"),
                check.text(self, "custodian"),
                check.choice(self, "type", ACCOUNT_TYPES),
                check.flag(self, "margin_enabled"),
                check.bounded(self, "house_maintenance", ZERO, ONE),
                check.text(self, "maintenance_exemption", most=MAX_EXEMPTION_CHARS, optional=True),
                check.bounded(self, "max_leverage", ONE, REGT_MAX_LEVERAGE),
                check.kind_of(self, "sleeves", "a list of sleeves", _sleeve_list),
                check.kind_of(self, "custodian_report", "a custodian report or none", _report_or_none))

    @property
    def can_margin(self) -> bool:
        """Margin-enabled at the custodian and a margin-type account."""
        return self.margin_enabled and self.type == "margin"

    @property
    def no_margin_reason(self) -> str:
        """Why the account cannot carry a margin debit ("" when it can): its type first, since a custodian can
        enable margin on a margin account but never on a cash account or an IRA."""
        if self.type != "margin":
            return f"a {self.type} account cannot carry margin"
        return "" if self.margin_enabled else "margin is not enabled at the custodian"

    @property
    def apm(self) -> Sleeve | None:
        return next((s for s in self.sleeves if s.kind == "apm"), None)

    def sleeve(self, sleeve_id: str) -> Sleeve:
        for s in self.sleeves:
            if s.id == sleeve_id:
                return s
        raise KeyError(sleeve_id)


def _sleeve_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(s, Sleeve) for s in value)


def _report_or_none(value: Any) -> bool:
    return value is None or isinstance(value, CustodianReport)


def _whole_days(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _shares(sleeve: Sleeve) -> FieldProblem | None:
    """A sleeve's positions: whole numbers of shares, each from zero to MAX_AMOUNT (every bad symbol listed)."""
    found = check.amounts(sleeve, "positions", "shares", None, None)
    positions = getattr(sleeve, "positions", None)  # unset: a file's reader already reported it
    if not isinstance(positions, dict):
        return found
    problems = list(found.problems) if found is not None else []
    problems += [FieldProblem("positions", f"shares of {symbol} must be zero or more, got {qty}") if qty < 0 else
                 FieldProblem("positions", f"shares of {symbol} must be at most {MAX_AMOUNT:,.0f}, got {qty}")
                 for symbol, qty in positions.items()
                 if isinstance(qty, Decimal) and qty.is_finite() and (qty < 0 or qty > MAX_AMOUNT)]
    return check.joined(problems) if problems else None


def _leverage(sleeve: Sleeve, name: str) -> FieldProblem | None:
    """A sleeve's leverage or applied leverage within Reg T's range.

    A sleeve does not know its account's cap, so only Reg T's 2.0 applies here; the store and the editor check
    the account's own cap with the same function (`leverage_problem`)."""
    try:
        value = getattr(sleeve, name)
    except AttributeError:  # not read from a file: already reported
        return None
    if value is None or (name == "applied_leverage" and value is getattr(sleeve, "leverage", None)):
        return None  # left out, so the leverage's own (the same value: its problem is listed once)
    try:
        problem = leverage_problem(check.number(sleeve, name, value), REGT_MAX_LEVERAGE, name=name)
    except FieldProblem as refused:
        return refused
    return None if problem is None else FieldProblem(name, problem)


def percent_text(rate: Decimal) -> str:
    """A rate as a plain percentage number: 0.2 -> "20", 0.225 -> "22.5"."""
    return f"{(rate * 100).normalize():f}"


def house_maintenance_problem(account: Account) -> str | None:
    """Why a book may not carry this account's house rate (below 25 % with no stated exemption), or None."""
    if account.house_maintenance >= FINRA_MINIMUM or (account.maintenance_exemption or "").strip():
        return None
    return (f"house maintenance {percent_text(account.house_maintenance)} % is below the 25 % FINRA 4210 floor; "
            "use 0.25 or more, or state the reason in maintenance_exemption")


@_model
class Order:
    """One whole-share order built by an ACR."""

    sleeve_id: str
    symbol: str
    side: OrderSide
    quantity: Decimal
    price: Decimal

    def __post_init__(self) -> None:
        check.report((check.text(self, "sleeve_id"),
                      check.text(self, "symbol"),
                      check.choice(self, "side", ORDER_SIDES),
                      check.bounded(self, "quantity"),
                      check.bounded(self, "price")))

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price


@_model
class CalcSettings:
    """Tunable thresholds of the rules (DOMAIN.md defaults)."""

    min_trade: Decimal = ZERO
    max_price_age_days: int = 5
    call_distance_warning: Decimal = Decimal("0.20")
    drift_tolerance: Decimal = Decimal("0.05")
    initial_margin: Decimal = Decimal("0.50")
    annual_rate: Decimal = ZERO
    reconcile_cash_tolerance: Decimal = ONE

    def __post_init__(self) -> None:
        check.report((check.bounded(self, "min_trade", ZERO),
                      check.kind_of(self, "max_price_age_days", "a whole number of days, at least 0",
                                    _whole_days, shown=True),
                      check.bounded(self, "call_distance_warning", ZERO, ONE),
                      check.bounded(self, "drift_tolerance", ZERO),
                      check.bounded(self, "initial_margin", ZERO, ONE, above=True),
                      check.bounded(self, "annual_rate", ZERO),
                      check.bounded(self, "reconcile_cash_tolerance", ZERO)))


def price_map(prices: list[Price] | dict[str, Price]) -> dict[str, Price]:
    """Prices keyed by symbol."""
    if isinstance(prices, dict):
        return prices
    return {p.symbol: p for p in prices}


def account_debit(account: Account) -> Decimal:
    """The account's margin debit, D = max(0, -sum(sleeve cash)): the one formula for margin, risk and rates."""
    return max(ZERO, -sum((s.cash for s in account.sleeves), ZERO))
