"""Exact money: Decimal everywhere inside calc, rounded to cents only at the edges."""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
# The largest amount (dollars, shares, or any number typed at the CLI) the console takes: a quadrillion is beyond
# any account, and keeps cents exact inside Decimal's 28 digits (1e30 cannot even be rounded to cents).
MAX_AMOUNT = Decimal("1e15")


def dec(value: object) -> Decimal:
    """A Decimal from an int, str, float (via its shortest repr) or Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)  # type: ignore[arg-type]


def to_cents(amount: Decimal) -> Decimal:
    """Round a money amount to whole cents (banker's rounding, as ledgers do)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def cents_int(amount: Decimal) -> int:
    """Integer cents for storage."""
    return int(to_cents(amount) * 100)


def from_cents(cents: int) -> Decimal:
    """A Decimal dollar amount from integer cents."""
    return Decimal(cents) / 100


def floor_shares(value: Decimal, price: Decimal) -> Decimal:
    """Whole shares that `value` buys at `price`; the remainder stays in cash."""
    if price <= 0 or value <= 0:
        return ZERO
    return (value / price).to_integral_value(rounding=ROUND_FLOOR)


def json_value(value: Any) -> Any:
    """A value json.dumps writes as is: Decimals become numbers (floats), dates ISO strings, recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
