"""The trade build of an ACR and its failure codes (DOMAIN.md "Trade build")."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from calc.formatting import lev as fmt_lev
from calc.formatting import cash as cash_text
from calc.formatting import money
from calc.margin import MarginFigures, account_margin, daily_interest
from calc.models import Account, CalcSettings, Model, Order, Price, Sleeve, leverage_problem, trusted, updated
from calc.money import ZERO
from calc.targets import (
    actual_leverage,
    invested_ratio,
    sleeve_equity,
    target_quantities,
    target_values,
)
from calc.vocabulary import FAILURE_FIXES, FAILURE_REASONS  # words: their home is the vocabulary

AcrKind = Literal["rebalance", "one-dollar", "deposit", "withdrawal", "allocation", "liquidation"]
ACR_KINDS: tuple[str, ...] = ("rebalance", "one-dollar", "deposit", "withdrawal", "allocation", "liquidation")
KINDS_WITH_AMOUNT = frozenset({"deposit", "withdrawal", "allocation", "liquidation"})
ONE_DOLLAR = Decimal("1")


@dataclass(frozen=True)
class BuildResult:
    """An ACR's outcome: orders and the projected account, or a failure code and reason (no orders)."""

    sleeve_id: str
    kind: str
    amount: Decimal
    leverage: Decimal
    code: str | None = None
    reason: str = ""
    orders: tuple[Order, ...] = ()
    before: Account | None = None
    projected: Account | None = None
    projected_margin: MarginFigures | None = None
    projected_sleeve_cash: Decimal | None = None
    targets: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.code is None

    @property
    def fix(self) -> str:
        return FAILURE_FIXES.get(self.code or "", "")

    @property
    def margin_checked(self) -> bool:
        """Whether the projected Reg T and maintenance checks ran: a build that failed before them (no margin
        allowed, no trades) must not show them as passed."""
        return self.projected_margin is not None and self.code in (None, "REGT_INITIAL", "MAINTENANCE")

    @property
    def digest(self) -> str:
        """What the operator reviews, as one short hash: kind, amount, leverage, outcome, every order and the
        projected sleeve cash. Firing compares it with the build it is about to write, so an ACR is never
        written under acknowledgements given to another build (prices, holdings or targets moved)."""
        orders = ";".join(f"{o.side}:{o.symbol}:{o.quantity}:{o.price}" for o in self.orders)
        text = (f"{self.sleeve_id}|{self.kind}|{self.amount}|{self.leverage}|{self.code}|{orders}|"
                f"{self.projected_sleeve_cash}")
        import hashlib  # here: `show` imports this module for the rules and never digests (OpenSSL, ~3-6 ms)

        return hashlib.sha256(text.encode()).hexdigest()[:16]


def cash_movement(kind: str, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(sleeve cash change, APM cash change) of an ACR kind, applied before the targets."""
    if kind == "one-dollar":
        return ONE_DOLLAR, -ONE_DOLLAR
    if kind == "deposit":
        return amount, ZERO
    if kind == "withdrawal":
        return -amount, ZERO
    if kind == "allocation":
        return amount, -amount
    if kind == "liquidation":
        return -amount, amount
    return ZERO, ZERO


def _replace_sleeve(account: Account, sleeve: Sleeve) -> Account:
    sleeves = [sleeve if s.id == sleeve.id else s for s in account.sleeves]
    return updated(account, sleeves=sleeves)


def _fail(base: dict, code: str, detail: str = "") -> BuildResult:
    reason = FAILURE_REASONS[code] + (f": {detail}" if detail else "")
    return BuildResult(code=code, reason=reason, **base)


def build_acr(
    account: Account,
    sleeve_id: str,
    kind: str,
    prices: dict[str, Price],
    models: dict[str, Model],
    today: date,
    settings: CalcSettings = CalcSettings(),
    amount: Decimal = ZERO,
    leverage: Decimal | None = None,
) -> BuildResult:
    """Build an ACR for one model sleeve at its saved leverage (or `leverage`, for a preview)."""
    sleeve = account.sleeve(sleeve_id)
    lev = sleeve.leverage if leverage is None else leverage
    base = {"sleeve_id": sleeve_id, "kind": kind, "amount": amount, "leverage": lev, "before": account}
    if kind not in ACR_KINDS:
        raise ValueError(f"unknown ACR kind {kind!r}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"an ACR amount must be zero or more, got {amount}")
    if sleeve.kind != "model" or sleeve.model is None:
        raise ValueError(f"sleeve {sleeve_id} is a {sleeve.kind} sleeve: ACRs build model sleeves only")
    model = models[sleeve.model]

    problem = leverage_problem(lev, account.max_leverage)
    if problem:
        return _fail(base, "LEVERAGE_OUT_OF_RANGE", problem)

    sleeve_delta, apm_delta = cash_movement(kind, amount)
    apm = account.apm
    if apm_delta < 0 and (apm is None or apm.cash + apm_delta < 0):
        have = apm.cash if apm is not None else ZERO
        return _fail(base, "APM_INSUFFICIENT", f"APM cash {have} cannot fund {-apm_delta}")
    moved = account  # a rebalance moves no cash: no copy of the account to build on (most of a batch)
    if sleeve_delta:
        moved = _replace_sleeve(moved, updated(sleeve, cash=sleeve.cash + sleeve_delta))
    if apm is not None and apm_delta:
        moved = _replace_sleeve(moved, updated(apm, cash=apm.cash + apm_delta))
    sleeve = moved.sleeve(sleeve_id)

    needed = sorted(set(model.weights) | {s for s, q in sleeve.positions.items() if q})
    # The projected Reg T and maintenance checks value the whole account: a holding of another sleeve
    # without a price would count as 0 and understate them, so it fails the build too (MISSING_PRICE).
    held = {s for other in moved.sleeves for s, q in other.positions.items() if q}
    missing = sorted((set(needed) | held) - set(prices))
    if missing:
        return _fail(base, "MISSING_PRICE", ", ".join(missing))
    oldest = today - timedelta(days=settings.max_price_age_days)
    stale = [s for s in needed if prices[s].as_of < oldest]
    if stale:
        return _fail(base, "STALE_PRICE", ", ".join(stale))

    equity = sleeve_equity(sleeve, prices)
    if equity <= 0:
        return _fail(base, "NAV_NOT_POSITIVE", f"equity {equity}")

    targets = target_values(equity, lev, model, sleeve.track_manager, sleeve.cash_reserve)
    orders = _orders(sleeve, target_quantities(targets, prices), prices, settings.min_trade)

    positions = dict(sleeve.positions)
    cash = sleeve.cash
    for order in orders:
        signed = order.quantity if order.side == "buy" else -order.quantity
        positions[order.symbol] = positions.get(order.symbol, ZERO) + signed
        cash -= signed * order.price
    positions = {s: q for s, q in positions.items() if q}
    projected = _replace_sleeve(moved, updated(sleeve, positions=positions, cash=cash))
    figures = account_margin(projected, prices, settings.annual_rate, settings.initial_margin)
    result = dict(base, orders=tuple(orders), projected=projected, projected_margin=figures,
                  projected_sleeve_cash=cash, targets=targets)

    if not orders and lev != sleeve.applied:
        # The source document: trades must build. A new target that no order reaches is not applied, unless
        # the sleeve already holds it (within the drift tolerance), when marking it applied is the truth.
        now = actual_leverage(sleeve, prices) or ZERO
        wanted_ratio = invested_ratio(lev, model, sleeve.track_manager, sleeve.cash_reserve)
        if abs(now - wanted_ratio) > settings.drift_tolerance:
            return _fail_with(result, "NO_TRADES", f"{fmt_lev(sleeve.applied)} to {fmt_lev(lev)} builds 0 orders "
                                                   f"at a minimum trade of {money(settings.min_trade)}")
    if cash < 0 and not account.can_margin:
        return _fail_with(result, "MARGIN_NOT_ENABLED",
                          f"projected sleeve cash {cash_text(cash)}; {account.no_margin_reason}")
    if not figures.regt_ok:
        return _fail_with(result, "REGT_INITIAL",
                          f"equity {money(figures.equity)} < requirement {money(figures.regt_requirement)}")
    if not figures.maintenance_ok:
        return _fail_with(result, "MAINTENANCE",
                          f"equity {money(figures.equity)} < requirement {money(figures.requirement)}")
    return BuildResult(**result)


def at_rate(build: BuildResult, annual_rate: Decimal) -> BuildResult:
    """The same build with its projected debit's interest at another annual rate: the rate feeds nothing else
    (orders, checks and failure codes do not depend on it), so a build at the debit's rate tier needs no rebuild."""
    figures = build.projected_margin
    if figures is None:
        return build
    return replace(build, projected_margin=replace(figures, daily_interest=daily_interest(figures.debit, annual_rate)))


def rebalance_orders(sleeve: Sleeve, model: Model, prices: dict[str, Price], settings: CalcSettings) -> list[Order] | None:
    """The orders a rebalance at the saved leverage would build (None when a needed price is missing or the
    equity is not positive): the DRIFT diagnostic offers a rebalance only when this is not empty."""
    needed = set(model.weights) | {s for s, q in sleeve.positions.items() if q}
    equity = sleeve_equity(sleeve, prices) if needed <= set(prices) else ZERO
    if equity <= 0:
        return None
    targets = target_values(equity, sleeve.leverage, model, sleeve.track_manager, sleeve.cash_reserve)
    return _orders(sleeve, target_quantities(targets, prices), prices, settings.min_trade)


def _fail_with(result: dict, code: str, detail: str) -> BuildResult:
    """A failure that keeps the projection for display but carries no orders."""
    kept = dict(result, orders=())
    return BuildResult(code=code, reason=FAILURE_REASONS[code] + f": {detail}", **kept)


def _orders(sleeve: Sleeve, wanted: dict[str, Decimal], prices: dict[str, Price], min_trade: Decimal) -> list[Order]:
    """Sells of what the model does not hold, then sells of overweights, then buys.

    Built `trusted`: every value comes from a checked sleeve and price (a whole-share difference of held and target
    quantities), and checking each order again was ~9 % of a batch rebalance's CPU (70,000 orders at 100k)."""
    liquidations: list[Order] = []
    trims: list[Order] = []
    buys: list[Order] = []
    for symbol in sorted(sleeve.positions):
        held = sleeve.positions[symbol]
        if held and symbol not in wanted:
            liquidations.append(trusted(Order, sleeve_id=sleeve.id, symbol=symbol, side="sell", quantity=held,
                                        price=prices[symbol].price))
    for symbol in sorted(wanted):
        delta = wanted[symbol] - sleeve.positions.get(symbol, ZERO)
        if not delta:
            continue
        order = trusted(Order, sleeve_id=sleeve.id, symbol=symbol, side="buy" if delta > 0 else "sell",
                        quantity=abs(delta), price=prices[symbol].price)
        (buys if delta > 0 else trims).append(order)
    return [o for o in liquidations + trims + buys if o.notional >= min_trade]
