"""The batch rebalance of every PENDING_LEVERAGE sleeve: the same gate as one ACR per sleeve, and its command."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.batch import CHUNK, pending_sleeves, rebalance_all_pending
from store.book import generate_demo
from store.core import Store
from store.errors import InvalidInput
from tests.conftest import fixed_clock
from tests.unit.conftest import count, raw_rows, snapshot

ALL = set(ACK_IDS)
ACCOUNTS = 60


def demo(path: Path) -> Store:
    store = Store(path, clock=fixed_clock)
    generate_demo(store, ACCOUNTS, 7, "seed")
    return store


def table(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def book(tmp_path: Path):
    store = demo(tmp_path / "batch.db")
    yield store
    store.close()


def test_the_batch_writes_what_one_acr_per_sleeve_writes(tmp_path: Path):
    batch_db, single_db = tmp_path / "batch.db", tmp_path / "single.db"
    with demo(batch_db) as batch, demo(single_db) as single:
        sleeves = pending_sleeves(batch)
        assert sleeves == pending_sleeves(single) and len(sleeves) > 2
        result = rebalance_all_pending(batch, "alice", ALL)
        for sleeve_id in sleeves:
            fire_acr(single, sleeve_id, "rebalance", "alice", acknowledged=ALL)
    assert result.total == len(sleeves) == result.built + result.failed and result.refused == 0
    for sql in ("SELECT * FROM acrs ORDER BY id", "SELECT * FROM orders ORDER BY id",
                "SELECT * FROM sleeves ORDER BY id", "SELECT * FROM accounts ORDER BY id",
                "SELECT * FROM account_diagnostics ORDER BY account_id, code, sleeve_id",
                "SELECT operator, action, account_id, sleeve_id, detail FROM audit WHERE id > 1 ORDER BY id"):
        assert table(batch_db, sql) == table(single_db, sql), sql


def test_counts_codes_and_acknowledgements(book: Store, tmp_path: Path):
    pending = pending_sleeves(book)
    steps: list[int] = []
    result = rebalance_all_pending(book, "alice", ALL, steps.append)
    assert sum(steps) == result.total == len(pending)
    assert result.built > 0 and result.failed > 0  # the demo holds sleeves that cannot margin
    assert sum(result.failures.values()) == result.failed
    assert set(result.failures) <= {"MARGIN_NOT_ENABLED", "LEVERAGE_OUT_OF_RANGE", "MISSING_PRICE", "STALE_PRICE",
                                    "REGT_INITIAL", "MAINTENANCE", "NAV_NOT_POSITIVE", "APM_INSUFFICIENT"}
    db = tmp_path / "batch.db"
    acrs = table(db, "SELECT sleeve_id, kind, status, code, checklist, operator FROM acrs ORDER BY id")
    assert [a[0] for a in acrs] == pending and {a[1] for a in acrs} == {"rebalance"}
    assert sum(1 for a in acrs if a[2] == "failed") == result.failed
    for a in acrs:
        acks = {i["id"]: i["status"] for i in json.loads(a[4]) if i["id"] in ACK_IDS}
        assert acks == {i: "acknowledged" for i in ACK_IDS}  # acknowledged once, recorded on every ACR
        assert a[5] == "alice"
    audit = table(db, "SELECT action, detail FROM audit WHERE action LIKE 'acr-%'")
    assert len(audit) == len(pending)
    assert all(json.loads(d)["acknowledged"] == sorted(ACK_IDS) for _, d in audit)
    # What is still pending is exactly what failed a check.
    failed = {a[0] for a in acrs if a[2] == "failed"}
    assert set(pending_sleeves(book)) == failed


def test_a_rerun_the_same_day_writes_nothing_new(book: Store, tmp_path: Path):
    first = rebalance_all_pending(book, "alice", ALL)
    before = snapshot(tmp_path / "batch.db")
    again = rebalance_all_pending(book, "alice", ALL)
    assert again.total == again.replayed == first.failed and again.built == 0
    assert snapshot(tmp_path / "batch.db") == before


def test_open_checklist_items_refuse_a_sleeve_and_write_nothing_for_it(book: Store, tmp_path: Path):
    db = tmp_path / "batch.db"
    before = {t: count(db, t) for t in ("orders", "audit")}
    result = rebalance_all_pending(book, "alice", {"risk-suitability"})
    # As with one ACR: a failed evaluated item still records its failed ACR; otherwise the open
    # acknowledgements refuse the sleeve and nothing of it is written.
    assert result.refused > 0 and result.built == 0 and result.refused + result.failed == result.total
    assert result.refusals == {"Refused": result.refused}
    assert "checklist has open items" in result.refused_sleeves[0][1]
    assert count(db, "acrs") == result.failed and count(db, "orders") == before["orders"] == 0
    assert count(db, "audit") == before["audit"] + result.failed
    refused = {s for s, _ in result.refused_sleeves}
    assert refused <= set(pending_sleeves(book))


def test_unknown_acknowledgements_are_rejected(book: Store):
    with pytest.raises(InvalidInput, match="unknown acknowledgement"):
        rebalance_all_pending(book, "alice", {"all"})


def test_an_empty_book_has_nothing_to_do(open_store):
    result = rebalance_all_pending(open_store(), "alice", ALL)
    assert (result.total, result.built, result.failed, result.refused) == (0, 0, 0, 0)


# -- the command ---------------------------------------------------------------------------------------


@pytest.fixture
def demo_cli(run, db_path) -> Path:
    assert run("demo", "--accounts", ACCOUNTS).exit_code == 0
    return db_path


def test_acr_all_pending_json(run, demo_cli):
    with Store(demo_cli, clock=fixed_clock) as store:
        pending = len(pending_sleeves(store))
    result = run("acr", "--all-pending", "--ack", "all", "--json")
    assert result.exit_code == 3  # some sleeves failed a check: like one failed ACR
    summary = json.loads(result.stdout)
    assert summary["total"] == pending == summary["built"] + summary["failed"]
    assert summary["failures"] and summary["refused"] == 0 and len(summary["acr_ids"]) == pending
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("margin-console: ") and "not rebalanced" in lines[0]
    assert count(demo_cli, "acrs") == pending


def test_acr_all_pending_readable_with_kind_rebalance(run, demo_cli):
    result = run("acr", "--all-pending", "--kind", "rebalance", "--ack", "all")
    assert "pending sleeve(s):" in result.stdout and "built" in result.stdout and "failed" in result.stdout
    assert "sleeves/s" in result.stdout


def test_a_book_with_nothing_pending_exits_zero(run, demo_cli):
    run("acr", "--all-pending", "--ack", "all")
    raw_rows(demo_cli, "UPDATE sleeves SET leverage = applied_leverage")  # settle what failed: nothing pending
    raw_rows(demo_cli, "DELETE FROM account_diagnostics WHERE code = 'PENDING_LEVERAGE'")
    result = run("acr", "--all-pending", "--ack", "all", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 0


@pytest.mark.parametrize(("args", "message"), [
    ((), "give a SLEEVE_ID, or --all-pending"),
    (("A-000001-M1", "--all-pending", "--ack", "all"), "not both"),
    (("--all-pending", "--kind", "one-dollar", "--ack", "all"), "rebalance ACRs only"),
    (("--all-pending",), "--ack all"),
    (("--all-pending", "--ack", "risk-suitability"), "--ack all"),
    (("--all-pending", "--ack", "all", "--amount", "5"), "takes no --amount"),
    (("--all-pending", "--ack", "all", "--request-key", "k"), "takes no --amount, --request-key"),
    (("A-000001-M1", "--ack", "all"), "Missing option '--kind'"),
])
def test_acr_usage_errors(run, demo_cli, args, message):
    result = run("acr", *args)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert count(demo_cli, "acrs") == 0


def test_a_chunk_reads_prices_models_policy_and_accounts_once_and_never_reads_an_acr_back(book: Store):
    """Issue 17 item 7: per sleeve the account was loaded twice, prices and models rebuilt 3-4 times and the ACR
    re-read after its write; per chunk of sleeves they are now read once."""
    statements: list[str] = []
    book.conn.set_trace_callback(statements.append)
    result = rebalance_all_pending(book, "alice", ALL)
    book.conn.set_trace_callback(None)
    chunks = -(-result.total // CHUNK)
    assert result.total > 2 and result.built > 0

    def reads(table: str) -> int:
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and f" FROM {table} " in f"{s} ")

    assert reads("prices") == 2 * chunks  # the price stamp of the request keys and the prices themselves
    assert reads("models") == chunks and reads("policy") == chunks
    assert reads("positions p") == chunks and reads("custodian_positions") == chunks  # the chunk's accounts
    assert reads("accounts") == result.total + chunks  # each sleeve's account version for its request key
    assert not [s for s in statements if s.startswith("SELECT * FROM acrs")]  # no ACR read back after its write
