"""How numbers read everywhere (CLI, widgets, screens, the Markdown export): one place, so they never disagree."""
from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | None) -> str:
    """Dollars with thousands separators and cents, e.g. `1,234.50`; `-` when unknown."""
    if value is None:
        return "-"
    text = f"{value:,.2f}"
    return "0.00" if text == "-0.00" else text  # a move of nothing (or of less than a cent) has no sign


def cash(value: Decimal) -> str:
    """Cash with a debit shown as a debit, never as a bare minus sign: `1,234.00 debit`."""
    return f"{-value:,.2f} debit" if value < 0 else f"{value:,.2f}"


def lev(value: Decimal | None) -> str:
    """A leverage multiplier, always two places and an x: `1.50x`; `-` when unknown."""
    return "-" if value is None else f"{value:.2f}x"


def pct(value: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage, e.g. `0.2` -> `20.0%`; `-` when unknown."""
    return "-" if value is None else f"{value:.{places}%}"


def call_distance_text(distance: Decimal | None, debit: Decimal | None) -> str:
    """Call distance in every panel: `no debit` when nothing is borrowed (never `100.0%`), `-` when unknown."""
    if debit is not None and debit <= 0:
        return "no debit"
    return pct(distance)


def rate_text(rate: Decimal, debit: Decimal | None) -> str:
    """A margin rate named by what it is: the custodian's tier for this debit (rates step with the debit's size)."""
    if not debit or debit <= 0:
        return f"custodian base rate {pct(rate, 2)}"
    return f"custodian rate {pct(rate, 2)} for a {money(debit)} debit"


def shares(value: Decimal) -> str:
    """A share count as typed, with thousands separators and no trailing zeros: `1,200`, `0.5`."""
    return f"{value.normalize():,f}"


def clock_time(at: str) -> str:
    """An audit timestamp (ISO, UTC) as the time of day an operator reads in a notice: `11:52:18 UTC`."""
    return f"{at[11:19]} UTC" if len(at) >= 19 else at
