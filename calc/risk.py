"""The risk panel's figures: market-move scenarios, call distance and margin interest of one model sleeve.

Pure: an account, prices and models in, a RiskReport out. Every account figure comes from
calc.margin.account_margin on prices scaled by (1 + move); the debit does not move with the market.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from calc.build import BuildResult, cash_movement
from calc.margin import MarginFigures, account_margin, daily_interest
from calc.models import Account, Model, Price, updated
from calc.money import ONE, ZERO
from calc.targets import invested_ratio, market_value, sleeve_equity

DEFAULT_MOVES: tuple[Decimal, ...] = (Decimal("-0.10"), Decimal("-0.20"), Decimal("-0.30"), Decimal("0.10"))
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 365  # interest accrues actual/360: a year of 365 days costs 365/360 of the quoted rate


def stressed_prices(prices: dict[str, Price], move: Decimal) -> dict[str, Price]:
    """Every price scaled by (1 + move); a move must leave prices positive (move > -100 %)."""
    if not move.is_finite() or move <= -ONE:
        raise ValueError(f"a market move must be a number above -100 %, got {move}")
    factor = ONE + move
    return {symbol: updated(p, price=p.price * factor) for symbol, p in prices.items()}


def stress(account: Account, prices: dict[str, Price], move: Decimal, annual_rate: Decimal = ZERO) -> MarginFigures:
    """The account's margin figures after every price moves by `move`, debit unchanged."""
    return account_margin(account, stressed_prices(prices, move), annual_rate)


@dataclass(frozen=True)
class RiskScenario:
    """One market move: the sleeve's P&L unlevered and at L, and the account after it (None when not projected)."""

    move: Decimal
    sleeve_pnl_1x: Decimal
    sleeve_pnl_at_l: Decimal
    equity_after: Decimal | None = None
    requirement_after: Decimal | None = None
    call_amount: Decimal | None = None
    # On the holdings the report describes (held now, or the build's projection): the basis of the account
    # equity beside it, so an all-cash sleeve moves 0 while the model-based figures above say what a build holds.
    sleeve_pnl_held: Decimal | None = None

    @property
    def call(self) -> bool | None:
        """A margin call after the move (None when the account could not be projected)."""
        return None if self.call_amount is None else self.call_amount > 0


@dataclass(frozen=True)
class RiskReport:
    """One sleeve at one leverage: the scenarios, the call distance and what the debit costs.

    `basis` is "current" (the account as held now, at the applied leverage) or the ACR kind whose projected
    account the report describes. A failed build keeps its `code` and `reason`; when it projected nothing,
    the account figures are None and only the sleeve P&L is reported.
    """

    sleeve_id: str
    basis: str
    leverage: Decimal
    sleeve_equity: Decimal
    scenarios: tuple[RiskScenario, ...]
    annual_rate: Decimal
    figures: MarginFigures | None = None
    sleeve_lmv: Decimal | None = None
    call_distance: Decimal | None = None
    interest_day: Decimal | None = None
    interest_month: Decimal | None = None
    interest_year: Decimal | None = None
    break_even_return: Decimal | None = None
    code: str | None = None
    reason: str = ""

    @property
    def current(self) -> bool:
        return self.basis == "current"

    @property
    def projected(self) -> bool:
        """The account figures (equity after, calls, call distance, interest) could be computed."""
        return self.figures is not None

    @property
    def debit(self) -> Decimal | None:
        return None if self.figures is None else self.figures.debit

    @property
    def any_call(self) -> bool:
        return any(s.call for s in self.scenarios)


def sleeve_pnl(equity: Decimal, leverage: Decimal, model: Model, track_manager: bool, reserve: Decimal,
               move: Decimal) -> Decimal:
    """move x sleeve equity x invested ratio at `leverage` (what a built sleeve holds in securities)."""
    return move * equity * invested_ratio(leverage, model, track_manager, reserve)


def _model(account: Account, sleeve_id: str, models: dict[str, Model]) -> Model:
    sleeve = account.sleeve(sleeve_id)
    if sleeve.kind != "model" or sleeve.model is None:
        raise ValueError(f"sleeve {sleeve_id} is a {sleeve.kind} sleeve: risk is reported for model sleeves only")
    if sleeve.model not in models:
        raise ValueError(f"sleeve {sleeve_id} follows model {sleeve.model}, which the book does not hold")
    return models[sleeve.model]


def risk_report(
    account: Account,
    sleeve_id: str,
    prices: dict[str, Price],
    models: dict[str, Model],
    leverage: Decimal,
    annual_rate: Decimal = ZERO,
    moves: tuple[Decimal, ...] = DEFAULT_MOVES,
    basis: str = "current",
) -> RiskReport:
    """The risk of `account` as given (holdings now, or a build's projection) with the sleeve at `leverage`."""
    model = _model(account, sleeve_id, models)
    sleeve = account.sleeve(sleeve_id)
    equity = sleeve_equity(sleeve, prices)
    lmv = market_value(sleeve.positions, prices)
    now = account_margin(account, prices, annual_rate)
    scenarios = []
    for move in moves:
        after = stress(account, prices, move)
        scenarios.append(RiskScenario(
            move=move,
            sleeve_pnl_1x=sleeve_pnl(equity, ONE, model, sleeve.track_manager, sleeve.cash_reserve, move),
            sleeve_pnl_at_l=sleeve_pnl(equity, leverage, model, sleeve.track_manager, sleeve.cash_reserve, move),
            equity_after=after.equity, requirement_after=after.requirement, call_amount=after.call,
            sleeve_pnl_held=move * lmv,
        ))
    day = daily_interest(now.debit, annual_rate)
    year = day * DAYS_PER_YEAR
    if year == 0:
        break_even: Decimal | None = ZERO
    else:
        break_even = year / lmv if lmv > 0 else None  # a debit with no long value has no return to earn it
    return RiskReport(
        sleeve_id=sleeve_id, basis=basis, leverage=leverage, sleeve_equity=equity, scenarios=tuple(scenarios),
        annual_rate=annual_rate, figures=now, sleeve_lmv=lmv, call_distance=now.call_distance,
        interest_day=day, interest_month=day * DAYS_PER_MONTH, interest_year=year, break_even_return=break_even,
    )


def proposed_risk(
    build: BuildResult,
    prices: dict[str, Price],
    models: dict[str, Model],
    annual_rate: Decimal = ZERO,
    moves: tuple[Decimal, ...] = DEFAULT_MOVES,
) -> RiskReport:
    """The risk of a build's projected account at the build's leverage.

    A failed build says so (code, reason) and still reports what can be computed: everything when the build
    kept its projection (a Reg T or maintenance failure), otherwise the sleeve's P&L only.
    """
    if build.projected is not None:
        report = risk_report(build.projected, build.sleeve_id, prices, models, build.leverage, annual_rate, moves,
                             basis=build.kind)
        return replace(report, code=build.code, reason=build.reason)
    if build.before is None:
        raise ValueError("a build without its account cannot be reported")
    account = build.before
    model = _model(account, build.sleeve_id, models)
    sleeve = account.sleeve(build.sleeve_id)
    equity = sleeve_equity(sleeve, prices) + cash_movement(build.kind, build.amount)[0]
    scenarios = tuple(
        RiskScenario(
            move=move,
            sleeve_pnl_1x=sleeve_pnl(equity, ONE, model, sleeve.track_manager, sleeve.cash_reserve, move),
            sleeve_pnl_at_l=sleeve_pnl(equity, build.leverage, model, sleeve.track_manager, sleeve.cash_reserve,
                                       move),
        )
        for move in moves
    )
    return RiskReport(sleeve_id=build.sleeve_id, basis=build.kind, leverage=build.leverage, sleeve_equity=equity,
                      scenarios=scenarios, annual_rate=annual_rate, code=build.code, reason=build.reason)
