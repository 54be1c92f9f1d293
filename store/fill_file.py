"""The custodian's fill file (CSV): columns checked and every line parsed before anything is looked up.

The twin of store/book_file.py: parsing and per-line problems here (quoting, field counts, numbers, a status
that contradicts its quantity), the checks against stored orders and the write in store/fills.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from store.errors import InvalidInput
from store.input_file import csv_records

FILL_STATUSES = ("filled", "partially_filled", "rejected", "cancelled")
UNFILLED_STATUSES = ("rejected", "cancelled")
FILL_COLUMNS = ("order_id", "status", "filled_quantity", "fill_price")


@dataclass(frozen=True)
class FillLine:
    """One parsed line of a fill file (line numbers count the header as line 1)."""

    line: int
    order_id: int
    status: str
    quantity: Decimal
    price: Decimal
    reason: str


def parse_fill_file(text: str, problems: list[str]) -> list[FillLine]:
    """Parse every line; a line that does not parse (or contradicts itself) adds a problem and is left out."""
    records = csv_records(text, problems, "fill file")
    header = next(records, None)
    if header is None or not set(FILL_COLUMNS) <= set(header[1]):
        raise InvalidInput(f"the fill file needs the columns {', '.join(sorted(FILL_COLUMNS))}")
    columns = header[1]
    lines = []
    for line, fields in records:
        if len(fields) != len(columns):
            problems.append(f"line {line}: expected {len(columns)} fields, got {len(fields)}")
            continue
        rec = dict(zip(columns, fields))
        try:
            order_id = int(rec["order_id"])
            quantity = Decimal(rec["filled_quantity"] or "0")
            price = Decimal(rec["fill_price"] or "0")
        except (ValueError, InvalidOperation):
            problems.append(f"line {line}: order_id, filled_quantity and fill_price must be numbers")
            continue
        fill = FillLine(line, order_id, rec["status"].strip(), quantity, price, rec.get("reason", "").strip())
        problem = _line_problem(fill)
        if problem:
            problems.append(f"line {line}: {problem}")
            continue
        lines.append(fill)
    return lines


def _line_problem(fill: FillLine) -> str:
    """Why a line contradicts itself, whatever its order ('' when it does not)."""
    if fill.status in UNFILLED_STATUSES and (not fill.quantity.is_finite() or fill.quantity != 0):
        return f"a {fill.status} order fills nothing: filled_quantity must be 0"
    if not fill.price.is_finite() or fill.price < 0:
        return "fill_price must be positive"
    return ""
