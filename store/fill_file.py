"""The custodian's fill file (CSV): columns checked and every line parsed before anything is looked up.

The twin of store/book_file.py: parsing and per-line problems here, the checks against stored orders and the
write in store/fills.py.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from store.errors import InvalidInput

FILL_STATUSES = ("filled", "partially_filled", "rejected", "cancelled")
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
    """Parse every line; a line whose numbers do not parse adds a problem and is left out."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not set(FILL_COLUMNS) <= set(reader.fieldnames):
        raise InvalidInput(f"the fill file needs the columns {', '.join(sorted(FILL_COLUMNS))}")
    lines = []
    for line, rec in enumerate(reader, start=2):
        try:
            order_id = int(rec.get("order_id") or "")
            quantity = Decimal(rec.get("filled_quantity") or "0")
            price = Decimal(rec.get("fill_price") or "0")
        except (ValueError, InvalidOperation):
            problems.append(f"line {line}: order_id, filled_quantity and fill_price must be numbers")
            continue
        lines.append(FillLine(line, order_id, (rec.get("status") or "").strip(), quantity, price,
                              (rec.get("reason") or "").strip()))
    return lines
