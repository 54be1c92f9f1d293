"""The doctor: every diagnostic across the book, grouped by code, from the stored summaries.

Each code's findings are read from the (code, account_id) index in account order, so nothing is sorted in
Python; the readable output reads only the counts and the first findings of each code (`doctor_summary`), and
`--json` is written code by code as it is read (`doctor_json`), never held as a million objects.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _text
from typing import Any

from calc.diagnostic import Diagnostic
from calc.money import json_value
from calc.views import DoctorFinding, DoctorReport
from calc.vocabulary import CAUSES, DIAGNOSTIC_CODES, DIAGNOSTIC_FIXES
from store.core import Store
from store.queries.accounts import stale_cutoff
from store.queries.freshness import book_freshness

# _text is the C encoder's own string escaping (json.dumps with ensure_ascii): pieces read as json.dumps writes.
LIVE = "STALE_PRICES"  # computed from the prices at read time, not stored (store/summary.py LIVE_CODES)


@dataclass(frozen=True)
class DoctorSummary(DoctorReport):
    """A doctor report holding only the first findings of each code, with the counts of all of them."""

    accounts: dict[str, int] = field(default_factory=dict)  # accounts per code
    totals: dict[str, int] = field(default_factory=dict)  # findings per code (one per sleeve, for some codes)

    def count(self, code: str) -> int:
        return self.accounts.get(code, 0)

    def total(self, code: str) -> int:
        return self.totals.get(code, 0)


def doctor_report(store: Store) -> DoctorReport:
    """Every diagnostic across the book, grouped by code (STALE_PRICES computed live)."""
    with store.snapshot():
        findings = {code: [DoctorFinding(*row) for row in _rows(store, code)] for code in DIAGNOSTIC_CODES}
        freshness = book_freshness(store)  # it counts the book, which the report's size reuses
    return DoctorReport({c: f for c, f in findings.items() if f}, freshness.book_size, freshness)


def doctor_summary(store: Store, limit: int) -> DoctorSummary:
    """The counts of every code and its first `limit` findings: what the readable output prints."""
    with store.snapshot():
        counted = {code: (accounts, total) for code, accounts, total in store.execute(
            "SELECT code, count(DISTINCT account_id), count(*) FROM account_diagnostics GROUP BY code")}
        findings = {code: [DoctorFinding(*row) for row in _rows(store, code, limit)] for code in DIAGNOSTIC_CODES
                    if code != LIVE}
        stale = [DoctorFinding(*row) for row in _rows(store, LIVE)]  # one per account holding a stale price
        findings[LIVE], counted[LIVE] = stale[:limit], (len(stale), len(stale))
        freshness = book_freshness(store)
    order = [c for c in DIAGNOSTIC_CODES if counted.get(c, (0, 0))[1]]
    return DoctorSummary({c: findings[c] for c in order}, freshness.book_size, freshness,
                         accounts={c: counted[c][0] for c in order}, totals={c: counted[c][1] for c in order})


def doctor_json(store: Store) -> Iterator[str]:
    """`doctor --json` as pieces of text: the document json.dumps(doctor_report(store).to_json()) writes, read
    and written one code at a time (a million-account book has ~300,000 findings)."""
    with store.snapshot():
        freshness = book_freshness(store)
        yield (f'{{"book_size": {freshness.book_size}, "freshness": '
               f'{json.dumps(freshness.to_json(), default=json_value)}, "codes": {{')
        separator = ""
        fixes: dict[str, str] = {}  # each fix text escaped once, not once per finding
        for code in DIAGNOSTIC_CODES:
            rows = _rows(store, code)
            if not rows:
                continue
            found = ", ".join([f'{{"account_id": {_text(a)}, "sleeve_id": {"null" if s is None else _text(s)}, '
                               f'"detail": {_text(d)}, "fix": {fixes.get(fix) or fixes.setdefault(fix, _text(fix))}}}'
                               for a, s, d, fix in rows])
            yield (f'{separator}{_text(code)}: {{"accounts": {len({r[0] for r in rows})}, '
                   f'"fix": {_text(DIAGNOSTIC_FIXES[code])}, "findings": [{found}]}}')
            separator = ", "
        yield "}}"


def _rows(store: Store, code: str, limit: int | None = None) -> list[tuple[str, str | None, str, str]]:
    """(account_id, sleeve_id, detail, fix) of one code in account order (an account's own by sleeve and detail),
    the first `limit` of them (None: all)."""
    if limit == 0:
        return []
    if code == LIVE:
        fix = DIAGNOSTIC_FIXES[LIVE]
        stale = _stale(store)
        return [(account_id, None, ", ".join(sorted(symbols.split(","))), fix)
                for account_id, symbols in (stale.fetchall() if limit is None else stale.fetchmany(limit))]
    fix_of = _fixes(code)
    # The code index (migration 13) gives this order, and on SQLite every column read.
    sql = ("SELECT account_id, sleeve_id, detail FROM account_diagnostics WHERE code = ? "
           "ORDER BY account_id, sleeve_id, detail")
    params: list[Any] = [code]
    if limit is not None:
        sql, params = sql + " LIMIT ?", [code, limit]
    return [(account_id, sleeve_id, detail, fix_of(detail))
            for account_id, sleeve_id, detail in store.execute(sql, params).fetchall()]


def _stale(store: Store) -> Any:
    """(account_id, comma-separated stale symbols) of each account holding a stale price, in account order."""
    # From the few stale prices to their positions by the symbol index (CROSS JOIN keeps that order): the
    # planner's own choice scanned every position, 17x slower at 100,000 accounts.
    dialect = store.conn.dialect  # type: ignore[attr-defined]
    return store.execute(
        f"SELECT s.account_id, {dialect.group_concat('p.symbol')} FROM prices pr "
        f"{dialect.ORDERED_JOIN} positions p ON p.symbol = pr.symbol "
        f"{dialect.ORDERED_JOIN} sleeves s ON s.id = p.sleeve_id "
        "WHERE pr.as_of < ? GROUP BY s.account_id ORDER BY s.account_id", [stale_cutoff(store)])


def _fixes(code: str) -> Callable[[str], str]:
    """The fix of a stored finding of `code` from its detail: one text for most codes; for a code with causes,
    the cause its detail's closing "(label)" names (Diagnostic.stored's rule), looked up by that ending."""
    if code not in CAUSES:
        fix = DIAGNOSTIC_FIXES[code]
        return lambda detail: fix
    labels = [label for label, _ in CAUSES[code].values()]
    if any("(" in label for label in labels):  # an ending is not just "(label)": ask the rule row by row
        return lambda detail: Diagnostic.stored(code, detail).fix
    by_ending = {f"({label})": Diagnostic.stored(code, f"({label})").fix for label in labels}
    none = Diagnostic(code, "").fix  # no label closes the detail: the code's own fix
    return lambda detail: by_ending.get(detail[detail.rfind("("):], none)
