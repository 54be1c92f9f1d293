"""The book file: all-or-nothing validation with every bad row's JSON path (store/fill_file.py is its twin).

Rows become calc's models through store/book_schema.py (stdlib: the models check themselves).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from calc import Account, Model, Price
from calc import model_checks as check
from calc.models import house_maintenance_problem
from calc.money import ONE, ZERO
from store.book_schema import read_object
from store.errors import InvalidInput
from store.input_file import read_text

MAX_PROBLEMS_LISTED = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class RateTier:
    """A custodian's annual margin rate from a debit size upward."""

    custodian: str
    min_debit: Decimal
    annual_rate: Decimal

    def __post_init__(self) -> None:
        check.report(self.field_problems())

    def field_problems(self) -> tuple[check.FieldProblem | None, ...]:
        """Each field's problem, None when it is fine (as calc's models)."""
        return (check.text(self, "custodian", least=1),
                check.bounded(self, "min_debit", ZERO),
                check.bounded(self, "annual_rate", ZERO, ONE))


@dataclass
class Book:
    """A validated book, ready to write."""

    prices: list[Price] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    rates: list[RateTier] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)


def read_book_file(path: Path | str) -> Any:
    """Parse a book file's JSON, turning malformed JSON into one located problem."""
    text = read_text(path)
    duplicated: list[dict[str, Any]] = []
    try:
        data = json.loads(text, object_pairs_hook=_keep_duplicates(duplicated))
    except RecursionError:
        raise InvalidInput(f"{path} is nested too deeply to be a book") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
                           [f"$: line {error.lineno} column {error.colno}: {error.msg}"]) from None
    if duplicated:
        found = _duplicate_paths(data, {id(d) for d in duplicated})
        raise InvalidInput(f"{path} repeats {len(found)} key(s) in an object (duplicate keys); nothing was written",
                           found[:MAX_PROBLEMS_LISTED])
    return data


class _Duplicates(dict):  # type: ignore[type-arg]
    """A JSON object that named some key more than once (the keys are kept for the report)."""

    repeated: list[str]


def _keep_duplicates(duplicated: list[dict[str, Any]]) -> Any:
    """A json object_pairs_hook that notes each object with a repeated key (json would keep the last silently)."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        keys = [k for k, _ in pairs]
        marked = _Duplicates(obj)
        marked.repeated = [k for k in obj if keys.count(k) > 1]
        duplicated.append(marked)
        return marked

    return hook


def _duplicate_paths(data: Any, marked: set[int]) -> list[str]:
    """`$.path.key: duplicate key` for every repeated key, walking the parsed document without recursion."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            if id(value) in marked:
                found += [f"{where}.{key}: duplicate key" for key in value.repeated]
            stack += [(f"{where}.{k}", v) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", v) for i, v in reversed(list(enumerate(value)))]
    return found


def parse_book(data: Any, known_accounts: set[str] | None = None, known_models: set[str] | None = None,
               known_sleeves: set[str] | None = None) -> Book:
    """Validate a whole book; raise InvalidInput listing every bad row, or return it ready to write."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InvalidInput("the book must be a JSON object with prices, models and accounts",
                           ["$: expected an object"])
    unknown = set(data) - {"prices", "models", "accounts", "rates"}
    for key in sorted(unknown):
        problems.append(f"$.{key}: unknown section")
    sections: dict[str, list[Any]] = {}
    for key in ("prices", "models", "accounts", "rates"):
        value = data.get(key, [])
        if not isinstance(value, list):
            problems.append(f"$.{key}: expected a list")
            value = []
        sections[key] = value

    book = Book()
    seen: dict[str, set[str]] = {"prices": set(), "models": set(), "accounts": set(), "sleeves": set()}
    for i, item in enumerate(sections["prices"]):
        price = read_object(Price, item, f"$.prices[{i}]", problems)
        if price is not None:
            if price.symbol in seen["prices"]:
                problems.append(f"$.prices[{i}].symbol: duplicate symbol {price.symbol}")
            seen["prices"].add(price.symbol)
            book.prices.append(price)
    for i, item in enumerate(sections["models"]):
        model = read_object(Model, item, f"$.models[{i}]", problems)
        if model is not None:
            if model.id in seen["models"]:
                problems.append(f"$.models[{i}].id: duplicate model id {model.id}")
            seen["models"].add(model.id)
            book.models.append(model)
    for i, item in enumerate(sections["rates"]):
        tier = read_object(RateTier, item, f"$.rates[{i}]", problems)
        if tier is not None:
            book.rates.append(tier)
    models_known = seen["models"] | (known_models or set())
    for i, item in enumerate(sections["accounts"]):
        where = f"$.accounts[{i}]"
        account = read_object(Account, item, where, problems)
        if account is None:
            continue
        already = bool(known_accounts) and account.id in known_accounts  # type: ignore[operator]
        if account.id in seen["accounts"]:
            problems.append(f"{where}.id: duplicate account id {account.id}")
        elif already:
            problems.append(f"{where}.id: account {account.id} is already in the store")
        seen["accounts"].add(account.id)
        for j, sleeve in enumerate(account.sleeves):
            if sleeve.id in seen["sleeves"]:
                problems.append(f"{where}.sleeves[{j}].id: duplicate sleeve id {sleeve.id}")
            elif not already and known_sleeves and sleeve.id in known_sleeves:
                problems.append(f"{where}.sleeves[{j}].id: sleeve {sleeve.id} is already in the store")
            seen["sleeves"].add(sleeve.id)
            if sleeve.model is not None and sleeve.model not in models_known:
                problems.append(f"{where}.sleeves[{j}].model: unknown model {sleeve.model}")
        floor = house_maintenance_problem(account)
        if floor:
            problems.append(f"{where}.house_maintenance: {floor}")
        if account.max_leverage < max((s.leverage for s in account.sleeves), default=Decimal(1)):
            problems.append(f"{where}: a sleeve's leverage exceeds the account's max_leverage {account.max_leverage}")
        book.accounts.append(account)
    if problems:
        shown = problems[:MAX_PROBLEMS_LISTED]
        if len(problems) > len(shown):
            shown.append(f"... and {len(problems) - len(shown)} more")
        raise InvalidInput(f"the book has {len(problems)} problem(s); nothing was written", shown)
    return book
