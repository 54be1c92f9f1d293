"""A book file's JSON values as calc's models, every problem named by its JSON path (store/book_file.py's reader).

The fields and their types are the models' own (their dataclass annotations): JSON numbers, numeric text and
Decimals (a book built in Python, store.book.import_book) become Decimals (a float through its shortest repr,
calc.money.dec); text as YYYY-MM-DD, and nothing else, becomes a date; a flag is true/false, one of the words in
calc.model_checks.TRUE_WORDS/FALSE_WORDS in any case, or the number 1 or 0. The models then check ranges and
rules, each refusal naming its field (calc.model_checks.FieldProblem); every problem is listed at its path, and
the fields that could be read are range-checked even when another field of the object could not (as pydantic
did). Stdlib only: no validation library is imported, not even by `import`.
"""
from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from calc.model_checks import (
    FALSE_WORDS,
    MUST_BE_FLAG,
    MUST_BE_NUMBER,
    MUST_BE_TEXT,
    TRUE_WORDS,
    FieldProblem,
)
from calc.money import dec

# A value that could not be read (its problem is already listed).
BAD: Any = object()
Reader = Callable[[Any, str, list[str]], Any]
NUMERIC = frozenset({int, float, str, Decimal})
# Exactly YYYY-MM-DD: date.fromisoformat also takes 20261120, 2026-W47-5 and more (3.11), which no book writes.
DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
        _check_what_was_read(cls, values, where, problems)
        return None
    try:
        return cls(**values)
    except ValueError as refused:  # a FieldProblem names each field; a rule of the whole object names none
        problems += [_located(where, one) for one in getattr(refused, "problems", (FieldProblem(None, str(refused)),))]
        return None


def _check_what_was_read(cls: type[Any], values: dict[str, Any], where: str, problems: list[str]) -> None:
    """List the range problems of the fields that were read, when others were not (their checks skip unset fields;
    the rules of the whole object wait for every field, as pydantic's model validators did)."""
    partial = object.__new__(cls)
    for name, value in values.items():
        if value is not BAD:
            object.__setattr__(partial, name, value)
    found = partial.field_problems()
    problems += [_located(where, one) for problem in found if problem is not None for one in problem.problems]


def _located(where: str, problem: FieldProblem) -> str:
    return f"{where}.{problem.field}: {problem.message}" if problem.field else f"{where}: {problem.message}"


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
    return value if isinstance(value, str) else _problem(problems, where, f"{MUST_BE_TEXT}, got {_shown(value)}")


def _number(value: Any, where: str, problems: list[str]) -> Any:
    if type(value) in NUMERIC:  # by type: a bool is an int to isinstance
        try:
            return dec(value)
        except (InvalidOperation, ValueError):
            pass
    return _problem(problems, where, f"{MUST_BE_NUMBER}, got {_shown(value)}")


def _flag(value: Any, where: str, problems: list[str]) -> Any:
    if isinstance(value, bool):
        return value
    if type(value) in (int, float) and value in (0, 1):  # JSON's 1, 0, 1.0 and 0.0
        return value == 1
    if isinstance(value, str) and (value.lower() in TRUE_WORDS or value.lower() in FALSE_WORDS):
        return value.lower() in TRUE_WORDS
    return _problem(problems, where, f"{MUST_BE_FLAG} (a boolean), got {_shown(value)}")


def _day(value: Any, where: str, problems: list[str]) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):  # a book made in Python (the demo's)
        return value
    if isinstance(value, str) and DAY_TEXT.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # 2026-02-30
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
