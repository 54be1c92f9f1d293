"""The custodian's daily file (CSV): account-level positions and cash, every line checked before anything is
looked up. The twin of store/price_file.py; the comparison and the write are in store/reconcile.py.

Columns `account_id,symbol,quantity`; a row whose symbol is CASH gives the account's cash in `quantity` (a
margin debit is negative cash). A problem names its line (`line N`; the header is line 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from calc.money import MAX_AMOUNT
from calc.reconcile import CASH
from store.errors import InvalidInput
from store.input_file import csv_records

CUSTODIAN_COLUMNS = ("account_id", "symbol", "quantity")


@dataclass
class CustodianAccount:
    """What the file says of one account: shares per symbol, and cash if it has a CASH line."""

    first_line: int
    positions: dict[str, Decimal] = field(default_factory=dict)
    cash: Decimal | None = None


def parse_custodian_file(text: str, problems: list[str]) -> dict[str, CustodianAccount]:
    """Every account of the file, in file order; each bad line adds a located problem and is left out."""
    records = csv_records(text, problems, "custodian file")
    header = next(records, None)
    if header is None:
        raise InvalidInput(f"the custodian file is empty: it needs the columns {', '.join(CUSTODIAN_COLUMNS)}")
    columns = [c.strip() for c in header[1]]
    if columns != list(CUSTODIAN_COLUMNS):
        raise InvalidInput(f"the custodian file's header must be {','.join(CUSTODIAN_COLUMNS)}",
                           [f"line 1: got {','.join(columns)}"])
    accounts: dict[str, CustodianAccount] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, fields in records:
        if len(fields) != len(CUSTODIAN_COLUMNS):
            problems.append(f"line {line}: expected {len(CUSTODIAN_COLUMNS)} fields, got {len(fields)}")
            continue
        account_id, symbol, raw = (f.strip() for f in fields)
        symbol = CASH if symbol.upper() == CASH else symbol  # custodians spell the cash line Cash, cash, CASH
        found = _problems(account_id, symbol, raw)
        if not found and (account_id, symbol) in seen:
            found.append(f"{account_id} {symbol} already given on line {seen[(account_id, symbol)]}")
        if found:
            problems.extend(f"line {line}: {problem}" for problem in found)
            continue
        seen[(account_id, symbol)] = line
        account = accounts.setdefault(account_id, CustodianAccount(line))
        if symbol == CASH:
            account.cash = Decimal(raw)
        else:
            account.positions[symbol] = Decimal(raw)
    return accounts


def _problems(account_id: str, symbol: str, raw: str) -> list[str]:
    """Why one line cannot be read (all the reasons, not only the first)."""
    found = []
    if not account_id:
        found.append("account_id is empty")
    if not symbol or len(symbol) > 16:
        found.append("symbol must be 1 to 16 characters (CASH for the cash line)")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > MAX_AMOUNT:
        what = "amount" if symbol == CASH else "quantity"
        found.append(f"{what} must be a finite number, got {raw!r}" if raw else f"{what} is empty")
    return found
