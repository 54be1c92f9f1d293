"""Text formatting shared by the widgets: money, leverage, fractions."""
from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def cash(value: Decimal) -> str:
    """Cash with a debit shown as a debit, never as a bare minus sign."""
    return f"{-value:,.2f} debit" if value < 0 else f"{value:,.2f}"


def lev(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def pct(value: Decimal | None, places: int = 1) -> str:
    return "-" if value is None else f"{value:.{places}%}"
