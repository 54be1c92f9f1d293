"""The doctor: every diagnostic across the book, grouped by code, from the stored summaries."""
from __future__ import annotations

from calc.diagnostics import DIAGNOSTIC_CODES
from calc.views import DoctorFinding, DoctorReport
from store.core import Store
from store.queries.accounts import stale_cutoff
from store.queries.freshness import book_freshness


def doctor_report(store: Store) -> DoctorReport:
    """Every diagnostic across the book, grouped by code (STALE_PRICES computed live)."""
    findings: dict[str, list[DoctorFinding]] = {}
    for code, account_id, sleeve_id, detail in store.execute(
            "SELECT code, account_id, sleeve_id, detail FROM account_diagnostics ORDER BY account_id"):
        findings.setdefault(code, []).append(DoctorFinding(account_id, sleeve_id, detail))
    for account_id, symbols in store.execute(
            f"SELECT s.account_id, {store.conn.dialect.group_concat('p.symbol')} FROM positions p "
            "JOIN prices pr ON pr.symbol = p.symbol JOIN sleeves s ON s.id = p.sleeve_id "
            "WHERE pr.as_of < ? GROUP BY s.account_id ORDER BY s.account_id", [stale_cutoff(store)]):
        findings.setdefault("STALE_PRICES", []).append(
            DoctorFinding(account_id, None, ", ".join(sorted(symbols.split(",")))))
    ordered = {c: findings[c] for c in DIAGNOSTIC_CODES if c in findings}
    return DoctorReport(ordered, store.account_count(), book_freshness(store))
