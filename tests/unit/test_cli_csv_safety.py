"""CSV formula injection (issue 11.6): cells a spreadsheet would run as a formula are written inert (OWASP)."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from console.cli.output import csv_cell
from tests.unit.conftest import ACK, as_json, book_with, ok

SYMBOL = "=1+2"  # a formula as a symbol (symbols are at most 16 characters)
REASON = "-2+3+cmd|' /C calc'!A0"  # the classic DDE payload, as a custodian's reject reason


@pytest.mark.parametrize("value, written", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+cmd", "'+cmd"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-", "'-"),
    ("-5", "-5"),
    ("-1.25", "-1.25"),
    ("+3", "+3"),
    ("-1E+3", "-1E+3"),
    (Decimal("-49999.00"), Decimal("-49999.00")),
    (-5, -5),
    ("AGG", "AGG"),
    ("A-1001-M1", "A-1001-M1"),
    ("", ""),
    (None, None),
])
def test_csv_cell(value, written):
    assert csv_cell(value) == written


def test_orders_csv_neutralises_formulas_in_ids_symbols_and_reasons(run, db_path, tmp_path):
    account = {"id": "@A-1", "type": "margin", "margin_enabled": True, "sleeves": [
        {"id": "+A-1-APM", "kind": "apm", "cash": 5000.0},
        {"id": "=A-1-M1", "kind": "model", "model": "EVIL", "leverage": 1.0, "cash": 10000.0}]}
    book = book_with(account, prices=[{"symbol": SYMBOL, "price": 100.0, "as_of": "2026-11-20",
                                       "marginable": True, "maintenance": None}],
                     models=[{"id": "EVIL", "name": "Evil", "manager": "X", "tactical": False,
                              "weights": {SYMBOL: 1.0}, "cash": 0.0}])
    path = tmp_path / "book.json"
    path.write_text(json.dumps(book))
    ok(run("import", path))
    acr = as_json(run("acr", "=A-1-M1", "--kind", "rebalance", *ACK, "--json"))
    [order] = acr["orders"]
    fills = tmp_path / "fills.csv"
    with fills.open("w", newline="") as out:
        csv.writer(out).writerows([("order_id", "status", "filled_quantity", "fill_price", "reason"),
                                   (order["id"], "rejected", 0, "", REASON)])
    ok(run("fills", fills))
    [row] = csv.DictReader(io.StringIO(ok(run("orders", "--csv"))))
    assert (row["account_id"], row["sleeve_id"], row["symbol"], row["reason"]) == (
        "'@A-1", "'=A-1-M1", "'" + SYMBOL, "'" + REASON)
    assert (row["quantity"], row["status"]) == ("100", "rejected")  # data cells untouched
