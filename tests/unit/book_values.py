"""A book file's JSON object as one model, every check run: the reader `import` uses (store/book_schema.py)."""
from __future__ import annotations

from typing import Any, TypeVar

from store.book_schema import read_object

T = TypeVar("T")


def checked(cls: type[T], data: Any) -> T:
    """`data` (a price, model or account object of a book file) as a `cls`; a failed assertion lists its problems."""
    problems: list[str] = []
    built = read_object(cls, data, "$", problems)
    assert built is not None, problems
    return built
