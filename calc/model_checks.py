"""The field checks calc's models run when built, each refusal one line naming the field (calc/models.py).

Plain functions over plain values: the models are stdlib dataclasses, so loading them imports no validation
library (issue 17: `show` and `acr` paid ~120-200 ms for pydantic and its model building before any SQL).
Each check returns its problem (or None) rather than raising, so a model lists every bad field at once (`report`),
as pydantic did; a check skips a field that is not set, so a file's reader can check the fields it could read
on a partial object (store/book_schema.py) while the ones it could not are already reported.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# The one wording of a value of the wrong type, used by the models and by every reader of a file or setting.
MUST_BE_NUMBER = "must be a decimal number"
MUST_BE_TEXT = "must be text"
MUST_BE_FLAG = "must be true or false"
# The spellings of a flag every reader takes, in any case (pydantic's lax bool, which the book file and the
# settings took before issue 17): JSON/TOML true and false aside, these words and the numbers 1 and 0.
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "on", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "off", "0"})

# A field left unset: the book reader builds a model from the fields it could read, so each check skips a field
# whose file value had the wrong type (that problem is reported already).
UNSET: Any = object()


class FieldProblem(ValueError):
    """A value a model refuses, with the field it belongs to (None: the object as a whole).

    A ValueError, so every caller that turned a bad value into one line still does (the first problem, "and N
    more"); `problems` holds each one, which a file's reader (store/book_schema.py) lists at its own path
    (`$.accounts[0].sleeves[1].leverage: ...`).
    """

    def __init__(self, field: str | None, message: str, more: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(f"{message} (and {len(more)} more)" if more else message)
        self.field = field
        self.message = message
        self.more = more

    @property
    def problems(self) -> tuple[FieldProblem, ...]:
        """This problem and every other found with it, each with its own field and one-line message."""
        return (FieldProblem(self.field, self.message), *self.more) if self.more else (self,)


def listed(found: tuple[FieldProblem | None, ...]) -> list[FieldProblem]:
    """The problems among checks' results, one per bad value (a check of many values may return several)."""
    return [one for problem in found if problem is not None for one in problem.problems]


def report(found: tuple[FieldProblem | None, ...]) -> None:
    """Raise one FieldProblem carrying every problem the checks found (their results, None when fine)."""
    if found.count(None) != len(found):
        raise joined(listed(found))


def joined(problems: list[FieldProblem]) -> FieldProblem:
    """One FieldProblem carrying all of `problems` (the first names the field; its message says how many more)."""
    first = problems[0]
    return FieldProblem(first.field, first.message, tuple(problems[1:])) if len(problems) > 1 else first


def bound_text(bound: Decimal) -> str:
    """A range's end as an operator reads it: 1E+15 -> "1,000,000,000,000,000", 2.0 -> "2"."""
    return f"{bound.normalize():,f}"


def number(obj: Any, name: str, value: Any) -> Decimal:
    """`value` as the finite Decimal field `name` holds (an int is taken exactly and stored), or raise its problem."""
    if not isinstance(value, Decimal):
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
            object.__setattr__(obj, name, value)
        else:
            raise FieldProblem(name, f"{name} {MUST_BE_NUMBER}, got {value!r}")
    if not value.is_finite():
        raise FieldProblem(name, f"{name} must be a finite number, got {value}")
    return value


def bounded(obj: Any, name: str, low: Decimal | None = None, high: Decimal | None = None, *,
            above: bool = False, below: bool = False, optional: bool = False) -> FieldProblem | None:
    """Field `name` is a finite number within [low, high] (`above`/`below`: the end itself excluded)."""
    value = getattr(obj, name, UNSET)
    if value is UNSET:
        return None
    if value is None and optional:
        return None
    try:
        value = number(obj, name, value)
    except FieldProblem as problem:
        return problem
    too_low = low is not None and (value <= low if above else value < low)
    too_high = high is not None and (value >= high if below else value > high)
    if too_low or too_high:
        return FieldProblem(name, f"{name} must be {range_words(low, high, above, below)}, got {value}")
    return None


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


def text(obj: Any, name: str, *, least: int = 0, most: int | None = None,
         optional: bool = False) -> FieldProblem | None:
    """Field `name` is a string of `least` to `most` characters (or None, when `optional`)."""
    value = getattr(obj, name, UNSET)
    if value is UNSET:
        return None
    if value is None and optional:
        return None
    if not isinstance(value, str):
        return FieldProblem(name, f"{name} {MUST_BE_TEXT}, got {value!r}")
    if len(value) < least:
        return FieldProblem(name, f"{name} must not be empty" if least == 1
                            else f"{name} must have at least {least} characters")
    if most is not None and len(value) > most:
        return FieldProblem(name, f"{name} must have at most {most} characters, got {len(value)}")
    return None


def flag(obj: Any, name: str) -> FieldProblem | None:
    """Field `name` is true or false."""
    value = getattr(obj, name, UNSET)
    if value is UNSET:
        return None
    if not isinstance(value, bool):
        return FieldProblem(name, f"{name} {MUST_BE_FLAG} (a boolean), got {value!r}")
    return None


def choice(obj: Any, name: str, choices: tuple[str, ...]) -> FieldProblem | None:
    """Field `name` is one of `choices`."""
    value = getattr(obj, name, UNSET)
    if value is UNSET:
        return None
    if value not in choices:
        return FieldProblem(name, f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return None


def day(obj: Any, name: str) -> FieldProblem | None:
    """Field `name` is a date, never a datetime (stored as its ISO text, a datetime's could not be read back)."""
    value = getattr(obj, name, UNSET)
    if value is UNSET:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        return FieldProblem(name, f"{name} must be a date, got {value!r}")
    return None


def amounts(obj: Any, name: str, what: str, low: Decimal | None, high: Decimal | None) -> FieldProblem | None:
    """Field `name` maps symbols to finite numbers within [low, high]: "`what` of SYMBOL must be ..." otherwise.

    The field becomes a copy of the given dict, ints as Decimals: the frozen model is not changed through the
    caller's dict (pydantic copied it too). Every bad symbol is a problem of its own."""
    given = getattr(obj, name, UNSET)
    if given is UNSET:
        return None
    if not isinstance(given, dict):
        return FieldProblem(name, f"{name} must map symbols to numbers, got {given!r}")
    values = dict(given)
    object.__setattr__(obj, name, values)
    problems = []
    for symbol, value in given.items():
        if not isinstance(symbol, str):
            problems.append(FieldProblem(name, f"{name} must be keyed by symbol text, got {symbol!r}"))
            continue
        if not isinstance(value, Decimal):
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(FieldProblem(name, f"{what} of {symbol} {MUST_BE_NUMBER}, got {value!r}"))
                continue
            value = values[symbol] = Decimal(value)
        if not value.is_finite():
            problems.append(FieldProblem(name, f"{what} of {symbol} must be a finite number, got {value}"))
        elif (low is not None and value < low) or (high is not None and value > high):
            problems.append(FieldProblem(name, f"{what} of {symbol} must be {range_words(low, high)}, got {value}"))
    return joined(problems) if problems else None


def kind_of(obj: Any, name: str, what: str, test: Callable[[Any], bool], *, shown: bool = False) -> FieldProblem | None:
    """Field `name` passes `test`: "`name` must be `what`" (with the value given, when `shown`) otherwise."""
    value = getattr(obj, name, UNSET)
    if value is UNSET:
        return None
    if test(value):
        return None
    return FieldProblem(name, f"{name} must be {what}, got {value!r}" if shown else f"{name} must be {what}")
