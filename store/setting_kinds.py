"""The kinds of value a setting takes, each read the same from a flag, the environment (text) and the TOML file
(its own types), with one wording for what is wrong: "must be a whole number (got 'five')".

The rules are pydantic's lax ones that the settings had before (issue 17 replaced pydantic-settings): a number
may come as text, a whole number as 5.0, a decimal from a TOML float by its shortest text (0.07 is 0.07), and a
boolean as true/false, yes/no, on/off, 1/0 in any case. A boolean is not a number, and NaN and infinity are no
setting's value.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from calc.model_checks import FALSE_WORDS, TRUE_WORDS
from store.engines import book_location


class Invalid(ValueError):
    """A value a setting cannot take; `table_key` names the entry of a table setting ([keys] help) it is about."""

    def __init__(self, message: str, table_key: str | None = None) -> None:
        super().__init__(message)
        self.table_key = table_key


class Kind(NamedTuple):
    """What a setting's value is (for messages) and how one is read: `parse` returns it converted or raises Invalid."""

    name: str
    parse: Callable[[Any], Any]


def shown(value: Any) -> str:
    """A value as a message quotes it: text in quotes (so a blank or a stray space shows), anything else as is."""
    return repr(value) if isinstance(value, str) else str(value)


def _must_be(what: str, value: Any) -> Invalid:
    return Invalid(f"must be {what} (got {shown(value)})")


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        value = repr(value)  # the float's shortest text: TOML's 0.07 is Decimal("0.07"), not its binary expansion
    if isinstance(value, (Decimal, int, str)) and not isinstance(value, bool):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise _must_be("a decimal number", value) from None
        if number.is_finite():
            return number
    raise _must_be("a decimal number", value)


def parse_integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())  # "5" and "5.0" (pydantic read both), not "5.5"
        except InvalidOperation:
            pass
        else:
            if number.is_finite() and number == number.to_integral_value():
                return int(number)
    raise _must_be("a whole number", value)


def parse_number(value: Any) -> float:
    if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:
            raise _must_be("a number", value) from None
        if math.isfinite(number):
            return number
    raise _must_be("a number", value)


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise _must_be("true or false", value)


def parse_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _must_be("text", value)


def parse_keymap(value: Any) -> dict[str, str]:
    """Action id -> keys: a TOML table, or a JSON object in the environment (MARGIN_CONSOLE_KEYS='{"help": "f1"}')."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _must_be('a JSON object of action id -> keys, e.g. {"help": "f1"}', value) from None
    if not isinstance(value, dict):
        raise _must_be("a table of action id -> keys", value)
    for action_id, keys in value.items():
        if not isinstance(keys, str):
            raise Invalid(f"must be text: keys separated by commas (got {shown(keys)})", table_key=str(action_id))
    return dict(value)


def parse_book(value: Any) -> Path | str:
    """A server URL stays a URL (a Path would fold its `//`); anything else is a file, `~` expanded."""
    if not isinstance(value, (str, Path)):
        raise _must_be("a file path or a postgresql:// URL", value)
    location = book_location(value)
    return location.expanduser() if isinstance(location, Path) else location


def parse_config_file(value: Any) -> Path | None:
    """`~/books/config.toml` means the operator's home, as it would in a shell."""
    if value is None:
        return None
    if not isinstance(value, (str, Path)):
        raise _must_be("a file path", value)
    return Path(value).expanduser()


DECIMAL = Kind("a decimal number", parse_decimal)
INTEGER = Kind("a whole number", parse_integer)
NUMBER = Kind("a number", parse_number)
BOOLEAN = Kind("true or false", parse_boolean)
TEXT = Kind("text", parse_text)
KEYMAP = Kind("a table of action id -> keys (in the environment a JSON object)", parse_keymap)
BOOK = Kind("a file path or a postgresql:// URL", parse_book)
CONFIG_FILE = Kind("a file path", parse_config_file)
