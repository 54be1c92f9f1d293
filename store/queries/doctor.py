"""The doctor: every diagnostic across the book, grouped by code, from the stored summaries."""
from __future__ import annotations

from operator import itemgetter

from calc.diagnostics import CAUSES, DIAGNOSTIC_CODES, DIAGNOSTIC_FIXES, Diagnostic
from calc.views import DoctorFinding, DoctorReport
from store.core import Store
from store.queries.accounts import stale_cutoff
from store.queries.freshness import book_freshness


def doctor_report(store: Store) -> DoctorReport:
    """Every diagnostic across the book, grouped by code (STALE_PRICES computed live)."""
    findings: dict[str, list[DoctorFinding]] = {}
    # Read in table order and sorted here (stable: an account's findings keep their order): ORDER BY walked
    # the account index and fetched each row by rowid, 4x slower at a million accounts.
    rows = store.execute("SELECT code, account_id, sleeve_id, detail FROM account_diagnostics").fetchall()
    rows.sort(key=itemgetter(1))
    for code, *finding in rows:
        findings.setdefault(code, []).append(finding)  # type: ignore[arg-type]
    findings = {code: _with_fixes(code, found) for code, found in findings.items()}
    # From the few stale prices to their positions by the symbol index (CROSS JOIN keeps that order): the
    # planner's own choice scanned every position, 17x slower at 100,000 accounts.
    dialect = store.conn.dialect
    for account_id, symbols in store.execute(
            f"SELECT s.account_id, {dialect.group_concat('p.symbol')} FROM prices pr "
            f"{dialect.ORDERED_JOIN} positions p ON p.symbol = pr.symbol "
            f"{dialect.ORDERED_JOIN} sleeves s ON s.id = p.sleeve_id "
            "WHERE pr.as_of < ? GROUP BY s.account_id ORDER BY s.account_id", [stale_cutoff(store)]):
        findings.setdefault("STALE_PRICES", []).append(
            DoctorFinding(account_id, None, ", ".join(sorted(symbols.split(","))), DIAGNOSTIC_FIXES["STALE_PRICES"]))
    ordered = {c: findings[c] for c in DIAGNOSTIC_CODES if c in findings}
    freshness = book_freshness(store)  # it counts the book, which the report's size reuses
    return DoctorReport(ordered, freshness.book_size, freshness)


def _with_fixes(code: str, found: list) -> list[DoctorFinding]:
    """Each finding with its fix: one text for most codes, read from the cause its detail names for the others."""
    if code not in CAUSES:
        fix = DIAGNOSTIC_FIXES[code]
        return [DoctorFinding(account_id, sleeve_id, detail, fix) for account_id, sleeve_id, detail in found]
    return [DoctorFinding(account_id, sleeve_id, detail, Diagnostic.stored(code, detail, sleeve_id).fix)
            for account_id, sleeve_id, detail in found]
