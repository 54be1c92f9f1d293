"""The doctor at scale (issue 17 item 5): the streamed --json is the report's own document, and the readable
output reads the counts and the first findings of each code, not every finding."""
from __future__ import annotations

import json

from store.book import generate_demo
from store.queries.doctor import doctor_json, doctor_report, doctor_summary
from tests.conftest import fixed_clock
from tests.unit.conftest import as_json


def demo_store(open_store):
    store = open_store()
    generate_demo(store, 80, 7, "seed")
    return store


def test_the_streamed_json_is_the_report_document_byte_for_byte(open_store):
    store = demo_store(open_store)
    with store.transaction():  # text the encoder must escape: a quote, a backslash, a non-ASCII letter
        store.execute("UPDATE account_diagnostics SET detail = ? WHERE code = 'DRIFT' AND account_id = "
                      "(SELECT min(account_id) FROM account_diagnostics WHERE code = 'DRIFT')", ['q"\\é (x)'])
    report = doctor_report(store)
    assert len(report.findings) >= 5 and any('q"' in f.detail for f in report.findings["DRIFT"])
    assert "".join(doctor_json(store)) == json.dumps(report.to_json())


def test_the_summary_counts_every_finding_and_keeps_the_first(open_store):
    store = demo_store(open_store)
    full = doctor_report(store)
    for limit in (0, 1, 3, 1000):
        summary = doctor_summary(store, limit)
        assert list(summary.findings) == list(full.findings)
        assert (summary.book_size, summary.freshness) == (full.book_size, full.freshness)
        for code, found in full.findings.items():
            assert summary.count(code) == full.count(code) and summary.total(code) == len(found) > 0
            assert summary.findings[code] == found[:limit]


def test_the_readable_doctor_reads_only_the_first_findings_of_each_code(open_store):
    store = demo_store(open_store)
    if not hasattr(store.conn, "set_trace_callback"):
        return  # the statement trace is SQLite's; the two tests above cover PostgreSQL's results
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    doctor_summary(store, 2)
    store.conn.set_trace_callback(None)
    reads = [s for s in statements if "FROM account_diagnostics" in s]
    assert reads and all("LIMIT" in s or "count(" in s for s in reads)


def test_doctor_json_on_the_command_line_is_the_report(run, db_path):
    assert run("demo", "--accounts", 40).exit_code == 0
    from store.core import Store
    with Store(db_path, clock=fixed_clock) as store:
        expected = json.loads(json.dumps(doctor_report(store).to_json()))
    assert as_json(run("doctor", "--json")) == expected
