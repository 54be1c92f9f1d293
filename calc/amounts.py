"""What amount a cash-moving ACR may carry, checked where the operator types it (before any build)."""
from __future__ import annotations

from decimal import Decimal

from calc.build import cash_movement
from calc.formatting import money


def cash_moved(kind: str, amount: Decimal) -> Decimal:
    """The cash an ACR moves into or out of the sleeve ($1 for a $1 ACR, whose stored amount is 0)."""
    return abs(cash_movement(kind, amount)[0])


def amount_problem(kind: str, amount: Decimal, sleeve_equity: Decimal | None,
                   apm_cash: Decimal | None) -> str | None:
    """Why `amount` cannot move for this kind, or None.

    A withdrawal or liquidation that takes the sleeve's whole equity or more leaves it nothing to lever (the build
    would fail NAV_NOT_POSITIVE); an allocation larger than the APM's cash fails APM_INSUFFICIENT.
    """
    sleeve_delta, apm_delta = cash_movement(kind, amount)
    if sleeve_delta < 0 and sleeve_equity is not None and sleeve_equity + sleeve_delta <= 0:
        return (f"{money(amount)} is not less than the sleeve's equity {money(sleeve_equity)}: "
                "enter a smaller amount")
    if apm_delta < 0 and (apm_cash is None or apm_cash + apm_delta < 0):
        held = "no APM" if apm_cash is None else f"the APM holds {money(apm_cash)}"
        return f"{money(amount)} is more than {held}: enter a smaller amount"
    return None
