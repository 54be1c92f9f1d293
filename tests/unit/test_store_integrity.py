"""`doctor --integrity`: SQLite's own checks plus the book's invariants, on intact and damaged books (issue 11 item 10)."""
from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import console.cli
from calc import ACK_IDS
from store.acrs import fire_acr
from store.core import Store
from store.fills import simulate_fills
from store.queries.integrity import integrity_report
from store.sleeves import set_leverage
from tests.conftest import fixed_clock
from tests.unit.conftest import as_json, ok, raw_rows

ALL = frozenset(ACK_IDS)


def raw_exec(db: Path, *statements: str) -> None:
    for statement in statements:
        raw_rows(db, statement)


@pytest.fixture
def busy(story_store: Store) -> Store:
    """The story book after a built and filled ACR (A-1001) and a failed one (A-1002, a cash account)."""
    built = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
    simulate_fills(story_store, built.id, "alice")
    set_leverage(story_store, "A-1001-M1", Decimal("1.75"), "alice")
    assert fire_acr(story_store, "A-1002-M1", "rebalance", "alice", acknowledged=ALL).failed
    return story_store


def lines(store: Store) -> list[str]:
    return [p.line for p in integrity_report(store).problems]


def test_an_intact_book(busy, engine):
    report = integrity_report(busy)
    assert report.ok and report.problems == () and report.accounts == 3 and report.audit_rows == 5
    assert report.summary.startswith("book intact")
    storage = ["sqlite"] if engine == "sqlite" else []  # a server checks its own pages: no check named for it
    assert list(report.checks) == [*storage, "foreign-keys", "acrs", "summaries", "audit-chain"]
    assert report.summary.endswith("checks: " + ", ".join(report.checks))


def test_an_overwritten_summary_column_is_stale(busy, db_path):
    raw_exec(db_path, "UPDATE accounts SET nav_cents = nav_cents + 1 WHERE id = 'A-1001'",
             "UPDATE accounts SET diag_codes = '' WHERE id = 'A-1003'",
             "UPDATE accounts SET max_saved_leverage = 9 WHERE id = 'A-1002'")
    found = lines(busy)
    assert len(found) == 3, found
    assert any(line.startswith("summaries: A-1001") and "nav_cents" in line for line in found)
    assert any(line.startswith("summaries: A-1002") and "max_saved_leverage" in line for line in found)
    assert any(line.startswith("summaries: A-1003") and "diag_codes" in line for line in found)


def test_a_deleted_stored_diagnostic_is_stale(busy, db_path):
    raw_exec(db_path, "DELETE FROM account_diagnostics WHERE account_id = 'A-1003' AND code = 'NEGATIVE_APM'")
    [line] = lines(busy)
    assert line.startswith("summaries: A-1003") and "account_diagnostics" in line and "NEGATIVE_APM" in line


@pytest.mark.sqlite_only  # damages the file, drops its triggers (test_store_postgres.py: server)
def test_an_audit_row_edited_behind_a_dropped_trigger(busy, db_path):
    raw_exec(db_path, "DROP TRIGGER audit_no_update", "UPDATE audit SET operator = 'mallory' WHERE id = 3")
    [line] = lines(busy)
    assert line.startswith("audit-chain: ") and "row 3" in line


@pytest.mark.sqlite_only  # damages the file, drops its triggers (test_store_postgres.py: server)
def test_acrs_whose_orders_disagree(busy, db_path):
    built, failed = (busy.scalar("SELECT id FROM acrs WHERE status = ?", [s]) for s in ("complete", "failed"))
    raw_exec(db_path,
             f"INSERT INTO orders (acr_id, seq, sleeve_id, symbol, side, quantity, price) "
             f"VALUES ({failed}, 1, 'A-1002-M1', 'SPY', 'buy', '1', '500')",
             f"UPDATE orders SET sleeve_id = 'A-1003-M1' WHERE acr_id = {built} AND seq = 1",
             f"UPDATE acrs SET status = 'built' WHERE id = {built}")
    fresh = fire_acr(busy, "A-1001-M1", "rebalance", "alice", acknowledged=ALL)
    assert fresh.status == "built"
    raw_exec(db_path, f"DELETE FROM orders WHERE acr_id = {fresh.id}")
    found = [line for line in lines(busy) if line.startswith("acrs: ")]
    assert any(f"ACR {failed}" in line and "failed" in line and "1 order" in line for line in found), found
    assert any(f"ACR {fresh.id}" in line and "built" in line and "no orders" in line for line in found), found
    assert any(f"ACR {built}" in line and "A-1003-M1" in line and "A-1001" in line for line in found), found


@pytest.mark.sqlite_only  # damages the file, drops its triggers (test_store_postgres.py: server)
def test_a_dangling_foreign_key(busy, db_path):
    raw_exec(db_path, "PRAGMA foreign_keys = OFF",
             "INSERT INTO positions (sleeve_id, symbol, quantity) VALUES ('GHOST', 'SPY', '1')")
    found = lines(busy)
    assert any(line.startswith("foreign-keys: positions") and "sleeves" in line for line in found), found


def corrupt_copy(store: Store, tmp_path: Path, index: str, offset: int, garbage: bytes) -> Path:
    """A copy of the book with `garbage` written at `offset` (negative: from the end) into one index's root page."""
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = store.scalar("PRAGMA page_size")
    root = store.scalar("SELECT rootpage FROM sqlite_master WHERE name = ?", [index])
    copy = tmp_path / "copy.db"
    shutil.copyfile(store.path, copy)
    with copy.open("r+b") as f:
        f.seek((root - 1) * page_size + offset % page_size)
        f.write(garbage)
    return copy


@pytest.mark.sqlite_only  # damages the file, drops its triggers (test_store_postgres.py: server)
@pytest.mark.parametrize("offset, garbage, words", [
    (-60, b"\x00X-9999\xff\xff", "missing from index sleeves_account"),  # a cell of the index: SQLite says which
    (0, b"\xff" * 2048, ""),  # the page header itself: the check cannot even read the page
])
def test_corrupt_bytes_in_a_copy_are_reported(busy, tmp_path, offset, garbage, words):
    copy = corrupt_copy(busy, tmp_path, "sleeves_account", offset, garbage)
    with Store(copy, clock=fixed_clock) as damaged:
        report = integrity_report(damaged)
    assert not report.ok
    sqlite = [p.detail for p in report.problems if p.check == "sqlite"]
    assert sqlite and any(words in line for line in sqlite), report.problems
    assert all("\n" not in p.detail for p in report.problems)
    done = CliRunner().invoke(console.cli.cli, ["doctor", "--integrity"], obj={"clock": fixed_clock},
                              env={"MARGIN_CONSOLE_DB": str(copy), "MARGIN_CONSOLE_OPERATOR": "alice"})
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert any(line.startswith("sqlite: ") for line in done.stdout.splitlines()), done.stdout


@pytest.mark.sqlite_only  # damages the file, drops its triggers (test_store_postgres.py: server)
def test_doctor_integrity_cli(run, built, db_path):
    text = ok(run("doctor", "--integrity"))
    assert text.startswith("book intact: 3 accounts, 2 audit rows")
    doc = as_json(run("doctor", "--integrity", "--json"))
    assert doc["ok"] is True and doc["problems"] == [] and doc["accounts"] == 3
    raw_exec(db_path, "UPDATE accounts SET nav_cents = 1 WHERE id = 'A-1002'",
             "DROP TRIGGER audit_no_update", "UPDATE audit SET action = 'nothing' WHERE id = 2")
    broken = run("doctor", "--integrity")
    assert broken.exit_code == 1 and broken.stderr == ""
    out = broken.stdout.splitlines()
    assert out[0] == "2 integrity problem(s) found"
    assert out[1].startswith("summaries: A-1002") and out[2].startswith("audit-chain: ")
    doc = json.loads(run("doctor", "--integrity", "--json").stdout)
    assert doc["ok"] is False and [p["check"] for p in doc["problems"]] == ["summaries", "audit-chain"]
