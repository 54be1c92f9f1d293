"""Reconcile: the custodian's daily positions and cash in, compared with the sleeves by the account summary.

All or nothing (every bad line listed, unknown accounts included). Each account in the file gets the file as
its custodian report; an account whose report changed has its summary (and so its OUT_OF_SYNC findings)
recomputed in the same transaction, with one audit row. An account of the book that the file leaves out keeps
its last report and reads "not reconciled today" (calc/reconcile.py), never "in sync".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from calc.models import CustodianReport
from store.core import Store
from store.custodian_file import CustodianAccount, parse_custodian_file
from store.errors import InvalidInput
from store.input_file import read_text
from store.mapping import load_custodian_reports
from store.summary import refresh_accounts

CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


@dataclass
class Reconciliation:
    """What one custodian file found."""

    as_of: date
    accounts: int = 0
    changed: int = 0
    not_in_file: int = 0
    out_of_sync: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "accounts": self.accounts,
                "in_sync": self.accounts - len(self.out_of_sync), "out_of_sync": self.out_of_sync,
                "reports_changed": self.changed, "not_in_file": self.not_in_file}


def reconcile_file(store: Store, path: Path | str, operator: str, as_of: date | None = None) -> Reconciliation:
    """Read a custodian CSV file and reconcile it (see `reconcile_text`)."""
    if Path(path).suffix.lower() != ".csv":
        raise InvalidInput(f"{Path(path).name}: a custodian file ends in .csv")
    text = read_text(path)
    return reconcile_text(store, text, operator, as_of, source=Path(path).name)


def reconcile_text(store: Store, text: str, operator: str, as_of: date | None = None,
                   source: str = "") -> Reconciliation:
    """Store the file as each named account's custodian report and recompute the summaries it changes."""
    today = store.today()
    as_of = as_of or today
    if as_of > today:
        raise InvalidInput(f"--as-of {as_of.isoformat()} is in the future (today is {today.isoformat()}); "
                           "nothing was written")
    problems: list[str] = []
    accounts = parse_custodian_file(text, problems)
    with store.transaction():
        ids = list(accounts)
        known = _known(store, ids)
        problems += [f"line {accounts[a].first_line}: no account {a} in the book" for a in ids if a not in known]
        if problems:
            problems.sort(key=lambda p: int(p.split(":", 1)[0].removeprefix("line ")))
            raise InvalidInput(f"the custodian file has {len(problems)} problem(s); nothing was written", problems)
        if not accounts:
            raise InvalidInput("the custodian file has no rows; nothing was written")
        changed = _write_reports(store, accounts, as_of, operator, source)
        refresh_accounts(store.conn, changed, today, store.calc_settings())
        result = Reconciliation(as_of, len(accounts), len(changed), store.account_count() - len(accounts))
        for account_id, detail in store.execute(
                "SELECT account_id, detail FROM account_diagnostics WHERE code = 'OUT_OF_SYNC' ORDER BY account_id"):
            if account_id in accounts:
                result.out_of_sync.setdefault(account_id, []).append(detail)
        store.audit(operator, "reconcile", None, None, {
            "source": source, "as_of": as_of.isoformat(), "accounts": result.accounts, "changed": result.changed,
            "out_of_sync": len(result.out_of_sync), "not_in_file": result.not_in_file})
    return result


def _known(store: Store, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        known.update(r[0] for r in store.execute(
            f"SELECT id FROM accounts WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    return known


def _write_reports(store: Store, accounts: dict[str, CustodianAccount], as_of: date, operator: str,
                   source: str) -> list[str]:
    """Upsert every account's report; positions are rewritten only where the holdings or cash changed, and
    those accounts are returned (the others' summaries already compare the sleeves with the same figures)."""
    ids = list(accounts)
    changed: list[str] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        stored = load_custodian_reports(store.conn, chunk)
        changed += [a for a in chunk if _differs(stored.get(a), accounts[a])]
    now = store.now()
    store.conn.executemany(
        "INSERT INTO custodian_reports (account_id, as_of, cash, loaded_at, loaded_by, source) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET as_of = excluded.as_of, "
        "cash = excluded.cash, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by, "
        "source = excluded.source",
        [(a, as_of.isoformat(), None if r.cash is None else str(r.cash), now, operator, source)
         for a, r in accounts.items()])
    store.conn.executemany("DELETE FROM custodian_positions WHERE account_id = ?", [(a,) for a in changed])
    store.conn.executemany(
        "INSERT INTO custodian_positions (account_id, symbol, quantity) VALUES (?, ?, ?)",
        [(a, symbol, str(quantity)) for a in changed for symbol, quantity in accounts[a].positions.items()])
    return sorted(changed)


def _differs(stored: CustodianReport | None, new: CustodianAccount) -> bool:
    if stored is None:
        return True
    return stored.cash != new.cash or stored.positions != new.positions
