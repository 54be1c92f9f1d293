"""The price file (CSV, or JSON: a list of objects): every line parsed and checked before anything is looked up.

The twin of store/fill_file.py: parsing and per-line problems here (columns, numbers, dates, repeats), the checks
against the stored prices (the move band) and the write in store/prices.py. A problem names its line: `line N`
in a CSV (the header is line 1), `$[i]` in a JSON list.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from calc.model_checks import FALSE_WORDS, MUST_BE_FLAG, TRUE_WORDS
from calc.money import MAX_AMOUNT
from store.errors import InvalidInput
from store.input_file import csv_records

REQUIRED_COLUMNS = ("symbol", "price", "as_of")
OPTIONAL_COLUMNS = ("marginable", "maintenance", "leverage_factor")
PRICE_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass(frozen=True)
class PriceLine:
    """One parsed line; an optional field left out (or empty) is None: the stored value is kept."""

    where: str
    symbol: str
    price: Decimal
    as_of: date
    marginable: bool | None = None
    maintenance: Decimal | None = None
    leverage_factor: Decimal | None = None


def parse_price_file(text: str, kind: str, today: date, problems: list[str]) -> list[PriceLine]:
    """Parse a CSV or JSON price file; each bad line adds a located problem and is left out."""
    if kind == "json":
        records = _json_records(text, problems)
    elif kind == "csv":
        records = _csv_records(text, problems)
    else:
        raise InvalidInput(f"a price file is .csv or .json, not {kind!r}")
    lines: list[PriceLine] = []
    seen: dict[str, str] = {}
    for where, record in records:
        line = _line(where, record, today, problems)
        if line is None:
            continue
        if line.symbol in seen:
            problems.append(f"{where}: {line.symbol} already priced at {seen[line.symbol]}")
            continue
        seen[line.symbol] = where
        lines.append(line)
    return lines


def _csv_records(text: str, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    records = csv_records(text, problems, "price file")
    header = next(records, None)
    if header is None:
        raise InvalidInput("the price file is empty: it needs the columns symbol, price, as_of")
    columns = [c.strip() for c in header[1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InvalidInput(f"the price file needs the columns {', '.join(REQUIRED_COLUMNS)}",
                           [f"line 1: missing column {c!r}" for c in missing])
    problems += [f"line 1: unknown column {c!r} (columns: {', '.join(PRICE_COLUMNS)})"
                 for c in columns if c not in PRICE_COLUMNS]
    problems += [f"line 1: column {c!r} appears twice" for c in sorted({c for c in columns if columns.count(c) > 1})]
    out = []
    for line, fields in records:
        if len(fields) != len(columns):
            problems.append(f"line {line}: expected {len(columns)} fields, got {len(fields)}")
            continue
        out.append((f"line {line}", dict(zip(columns, fields))))
    return out


def _json_records(text: str, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"the price file is not valid JSON: {error.msg} at line {error.lineno} "
                           f"column {error.colno}") from None
    if not isinstance(data, list):
        raise InvalidInput("a JSON price file is a list of objects with symbol, price, as_of")
    out = []
    for i, item in enumerate(data):
        where = f"$[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object with symbol, price, as_of")
            continue
        unknown = [k for k in item if k not in PRICE_COLUMNS]
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(map(repr, unknown))} "
                            f"(fields: {', '.join(PRICE_COLUMNS)})")
            continue
        out.append((where, {k: "" if v is None else v for k, v in item.items()}))
    return out


def _line(where: str, record: dict[str, Any], today: date, problems: list[str]) -> PriceLine | None:
    """One record as a PriceLine, or None after adding its problems (all of them, not only the first)."""
    found: list[str] = []
    symbol = str(record.get("symbol", "")).strip()
    if not symbol or len(symbol) > 16:
        found.append("symbol must be 1 to 16 characters")
    price = _decimal(record.get("price", ""))
    if price is None or not price.is_finite() or price <= 0 or price > MAX_AMOUNT:
        found.append(f"price must be a positive finite number, got {_show(record.get('price', ''))}")
    as_of = _date(record.get("as_of", ""))
    if as_of is None:
        found.append(f"as_of must be a date YYYY-MM-DD, got {_show(record.get('as_of', ''))}")
    elif as_of > today:
        found.append(f"as_of {as_of.isoformat()} is in the future (today is {today.isoformat()})")
    marginable = _flag(record.get("marginable", ""))
    if marginable == "bad":
        found.append(f"marginable {MUST_BE_FLAG}, got {_show(record.get('marginable'))}")
    maintenance = _optional(record, "maintenance", lambda d: 0 <= d <= 1, "a fraction from 0 to 1", found)
    factor = _optional(record, "leverage_factor", lambda d: d > 0, "a positive number", found)
    if found:
        problems.extend(f"{where}: {problem}" for problem in found)
        return None
    assert price is not None and as_of is not None and marginable != "bad"
    return PriceLine(where, symbol, price, as_of, marginable, maintenance, factor)  # type: ignore[arg-type]


def _show(value: Any) -> str:
    return repr(value) if value not in ("", None) else "nothing"


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _flag(value: Any) -> bool | None | str:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if not word:
        return None
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else "bad"


def _optional(record: dict[str, Any], name: str, ok: Any, wanted: str, found: list[str]) -> Decimal | None:
    raw = record.get(name, "")
    if str(raw).strip() == "":
        return None
    number = _decimal(raw)
    if number is None or not number.is_finite() or not ok(number):
        found.append(f"{name} must be {wanted}, got {_show(raw)}")
        return None
    return number
