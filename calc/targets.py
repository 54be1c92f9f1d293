"""Sleeve equity, actual leverage and model targets (DOMAIN.md "Targets")."""
from __future__ import annotations

from decimal import Decimal

from calc.models import Model, Price, Sleeve
from calc.money import ONE, ZERO, floor_shares


def market_value(positions: dict[str, Decimal], prices: dict[str, Price]) -> Decimal:
    """Long market value of holdings; a symbol with no price counts as zero."""
    total = ZERO
    for symbol, qty in positions.items():
        price = prices.get(symbol)
        if price is not None and qty:
            total += qty * price.price
    return total


def sleeve_equity(sleeve: Sleeve, prices: dict[str, Price]) -> Decimal:
    """E = sum(qty x price) + cash, where cash may be a margin debit."""
    return market_value(sleeve.positions, prices) + sleeve.cash


def actual_leverage(sleeve: Sleeve, prices: dict[str, Price]) -> Decimal | None:
    """Long market value / equity now; None when the sleeve has no positive equity."""
    value = market_value(sleeve.positions, prices)
    equity = value + sleeve.cash  # sleeve_equity, without pricing the holdings twice
    if equity <= 0:
        return None
    return value / equity


def invested_ratio(leverage: Decimal, model: Model, track_manager: bool, reserve: Decimal) -> Decimal:
    """The fraction of equity a built sleeve holds in securities: what actual leverage should show."""
    if track_manager:
        return leverage * (ONE - model.cash)
    return leverage * (ONE - reserve) if model.cash < ONE else ZERO


def target_values(
    equity: Decimal,
    leverage: Decimal,
    model: Model,
    track_manager: bool = True,
    reserve: Decimal = ZERO,
) -> dict[str, Decimal]:
    """Dollar target per symbol: ON follows the model's cash weight, OFF the advisor's reserve."""
    if track_manager:
        return {sym: equity * leverage * w for sym, w in model.weights.items()}
    securities = ONE - model.cash
    if securities <= 0:
        return {sym: ZERO for sym in model.weights}
    scale = equity * leverage * (ONE - reserve) / securities
    return {sym: scale * w for sym, w in model.weights.items()}


def target_quantities(targets: dict[str, Decimal], prices: dict[str, Price]) -> dict[str, Decimal]:
    """Whole shares per symbol: floor(target / price)."""
    return {sym: floor_shares(value, prices[sym].price) for sym, value in targets.items()}


def target_cash(equity: Decimal, quantities: dict[str, Decimal], prices: dict[str, Price]) -> Decimal:
    """Cash left once the whole-share targets are bought; negative means a margin debit."""
    return equity - sum((q * prices[s].price for s, q in quantities.items()), ZERO)
