"""The field checks calc's models run when built, each refusal one line naming the field (calc/models.py).

Plain functions over plain values: the models are stdlib dataclasses, so loading them imports no validation
library (issue 17: `show` and `acr` paid ~120-200 ms for pydantic and its model building before any SQL).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


class FieldProblem(ValueError):
    """A value a model refuses, with the field it belongs to (None: the object as a whole).

    A ValueError, so every caller that turned a bad value into one line still does; a file's reader (store/
    book_file.py) uses `field` to name the value's path (`$.accounts[0].sleeves[1].leverage: ...`).
    """

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


def bound_text(bound: Decimal) -> str:
    """A range's end as an operator reads it: 1E+15 -> "1,000,000,000,000,000", 2.0 -> "2"."""
    return f"{bound.normalize():,f}"


def number(obj: Any, name: str, value: Any) -> Decimal:
    """`value` as the finite Decimal field `name` holds: an int is taken exactly (and stored as a Decimal)."""
    if not isinstance(value, Decimal):
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
            object.__setattr__(obj, name, value)
        else:
            raise FieldProblem(name, f"{name} must be a decimal number, got {value!r}")
    if not value.is_finite():
        raise FieldProblem(name, f"{name} must be a finite number, got {value}")
    return value


def bounded(obj: Any, name: str, low: Decimal | None = None, high: Decimal | None = None, *,
            above: bool = False, below: bool = False, optional: bool = False) -> None:
    """Field `name` is a finite number within [low, high] (`above`/`below`: the end itself excluded)."""
    value = getattr(obj, name)
    if value is None and optional:
        return
    value = number(obj, name, value)
    too_low = low is not None and (value <= low if above else value < low)
    too_high = high is not None and (value >= high if below else value > high)
    if too_low or too_high:
        raise FieldProblem(name, f"{name} must be {range_words(low, high, above, below)}, got {value}")


def range_words(low: Decimal | None, high: Decimal | None, above: bool = False, below: bool = False) -> str:
    """"between 0 and 1", "greater than 0 and at most 1,000,000,000,000,000", "at least 0"."""
    if low is not None and high is not None and not above and not below:
        return f"between {bound_text(low)} and {bound_text(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'greater than' if above else 'at least'} {bound_text(low)}")
    if high is not None:
        parts.append(f"{'below' if below else 'at most'} {bound_text(high)}")
    return " and ".join(parts)


def text(obj: Any, name: str, *, least: int = 0, most: int | None = None, optional: bool = False) -> None:
    """Field `name` is a string of `least` to `most` characters (or None, when `optional`)."""
    value = getattr(obj, name)
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise FieldProblem(name, f"{name} must be text, got {value!r}")
    if len(value) < least:
        raise FieldProblem(name, f"{name} must not be empty" if least == 1
                           else f"{name} must have at least {least} characters")
    if most is not None and len(value) > most:
        raise FieldProblem(name, f"{name} must have at most {most} characters, got {len(value)}")


def flag(obj: Any, name: str) -> None:
    """Field `name` is true or false."""
    value = getattr(obj, name)
    if not isinstance(value, bool):
        raise FieldProblem(name, f"{name} must be true or false (a boolean), got {value!r}")


def choice(obj: Any, name: str, choices: tuple[str, ...]) -> None:
    """Field `name` is one of `choices`."""
    value = getattr(obj, name)
    if value not in choices:
        raise FieldProblem(name, f"{name} must be one of {', '.join(choices)}, got {value!r}")


def day(obj: Any, name: str) -> None:
    """Field `name` is a date."""
    value = getattr(obj, name)
    if not isinstance(value, date):
        raise FieldProblem(name, f"{name} must be a date, got {value!r}")


def amounts(obj: Any, name: str, what: str, low: Decimal | None, high: Decimal | None) -> dict[str, Decimal]:
    """Field `name` maps symbols to finite numbers within [low, high]: "`what` of SYMBOL must be ..." otherwise.

    Ints become Decimals in a new dict; a dict of Decimals is kept as given (the models never change it)."""
    given = getattr(obj, name)
    if not isinstance(given, dict):
        raise FieldProblem(name, f"{name} must map symbols to numbers, got {given!r}")
    converted: dict[str, Decimal] | None = None
    for symbol, value in given.items():
        if not isinstance(symbol, str):
            raise FieldProblem(name, f"{name} must be keyed by symbol text, got {symbol!r}")
        if not isinstance(value, Decimal):
            if not isinstance(value, int) or isinstance(value, bool):
                raise FieldProblem(name, f"{what} of {symbol} must be a decimal number, got {value!r}")
            converted = converted if converted is not None else dict(given)
            value = converted[symbol] = Decimal(value)
        if not value.is_finite():
            raise FieldProblem(name, f"{what} of {symbol} must be a finite number, got {value}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise FieldProblem(name, f"{what} of {symbol} must be {range_words(low, high)}, got {value}")
    if converted is not None:
        object.__setattr__(obj, name, converted)
        return converted
    return given
