"""A book file's JSON values as calc's models, every problem named by its JSON path (store/book_file.py's reader).

The fields and their types are the models' own (their dataclass annotations): JSON numbers and numeric text
become Decimals (a float through its shortest repr, calc.money.dec), ISO text becomes a date, true/false (or the
usual spellings of them) a bool; the models' `__post_init__` then checks ranges and rules, and a refusal names its
field (calc.model_checks.FieldProblem). Stdlib only: no validation library is imported, not even by `import`.
"""
from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from calc.money import dec

# A value that could not be read (its problem is already listed).
BAD: Any = object()
Reader = Callable[[Any, str, list[str]], Any]
# What JSON writers use for a flag besides true/false (the spellings pydantic's lax mode took before).
TRUE_WORDS = frozenset({"1", "on", "t", "true", "y", "yes"})
FALSE_WORDS = frozenset({"0", "off", "f", "false", "n", "no"})
NUMERIC = frozenset({int, float, str})


def read_object(cls: type[Any], item: Any, where: str, problems: list[str]) -> Any:
    """`item` (a JSON object) as a `cls`, or None with each of its problems appended as `PATH: problem`."""
    if not isinstance(item, dict):
        problems.append(f"{where}: expected an object, got {_shown(item)}")
        return None
    readers, required = _plan(cls)
    found = len(problems)
    if not item.keys() <= readers.keys():
        problems += [f"{where}.{key}: unknown field" for key in item if key not in readers]
    if not item.keys() >= required:
        problems += [f"{where}.{name}: required" for name in readers if name in required and name not in item]
    values = {name: reader(item[name], f"{where}.{name}", problems) for name, reader in readers.items() if name in item}
    if len(problems) > found:
        return None
    try:
        return cls(**values)
    except ValueError as refused:  # a FieldProblem names its field; a rule of the whole object names none
        name = getattr(refused, "field", None)
        problems.append(f"{where}.{name}: {refused}" if name else f"{where}: {refused}")
        return None


@cache
def _plan(cls: type[Any]) -> tuple[dict[str, Reader], frozenset[str]]:
    """The reader of each field of `cls` (from its annotations, in field order) and the fields without a default."""
    hints = typing.get_type_hints(cls)
    readers = {f.name: _reader(hints[f.name]) for f in fields(cls)}
    required = frozenset(f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING)
    return readers, required


def _reader(kind: Any) -> Reader:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        inner = _reader(next(a for a in args if a is not type(None)))
        return lambda value, where, problems: None if value is None else inner(value, where, problems)
    if origin is typing.Literal or kind is str:
        return _text
    if origin is dict:
        return _mapping(_reader(args[1]))
    if origin is list:
        return _listing(_reader(args[0]))
    simple = {Decimal: _number, bool: _flag, date: _day}.get(kind)
    if simple is not None:
        return simple
    return lambda value, where, problems: read_object(kind, value, where, problems) or BAD


def _problem(problems: list[str], where: str, text: str) -> Any:
    problems.append(f"{where}: {text}")
    return BAD


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _text(value: Any, where: str, problems: list[str]) -> Any:
    return value if isinstance(value, str) else _problem(problems, where, f"must be text, got {_shown(value)}")


def _number(value: Any, where: str, problems: list[str]) -> Any:
    if type(value) in NUMERIC:  # by type: a bool is an int to isinstance
        try:
            return dec(value)
        except (InvalidOperation, ValueError):
            pass
    return _problem(problems, where, f"must be a decimal number, got {_shown(value)}")


def _flag(value: Any, where: str, problems: list[str]) -> Any:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (int, float, str)) else None
    if word in TRUE_WORDS or word in FALSE_WORDS or word in ("1.0", "0.0"):
        return word in TRUE_WORDS or word == "1.0"
    return _problem(problems, where, f"must be true or false (a boolean), got {_shown(value)}")


def _day(value: Any, where: str, problems: list[str]) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):  # a book made in Python (the demo's)
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    return _problem(problems, where, f"must be a date as YYYY-MM-DD, got {_shown(value)}")


def _mapping(inner: Reader) -> Reader:
    def read(value: Any, where: str, problems: list[str]) -> Any:
        if not isinstance(value, dict):
            return _problem(problems, where, f"expected an object, got {_shown(value)}")
        found = len(problems)
        out = {key: inner(item, f"{where}.{key}", problems) for key, item in value.items()}
        return out if len(problems) == found else BAD
    return read


def _listing(inner: Reader) -> Reader:
    def read(value: Any, where: str, problems: list[str]) -> Any:
        if not isinstance(value, list):
            return _problem(problems, where, f"expected a list, got {_shown(value)}")
        found = len(problems)
        out = [inner(item, f"{where}[{i}]", problems) for i, item in enumerate(value)]
        return out if len(problems) == found else BAD
    return read
