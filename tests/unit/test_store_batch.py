"""The batch rebalance of every PENDING_LEVERAGE sleeve: the same gate as one ACR per sleeve, and its command."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.batch import CHUNK, pending_sleeves, rebalance_all_pending
from store.book import generate_demo
from store.core import Store
from store.db import BookConnection
from store.errors import InvalidInput
from store.queries.audit import verify_chain
from store.queries.integrity import summary_problems
from tests.conftest import fixed_clock
from tests.unit.conftest import count, raw_rows, snapshot

ALL = set(ACK_IDS)
ACCOUNTS = 60


def demo(path: Path | str) -> Store:
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


@pytest.fixture
def twin_books(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path | str, Path | str]:
    """Two places for the same demo book, on the test's engine."""
    if engine == "sqlite":
        return tmp_path / "batch.db", tmp_path / "single.db"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.fresh_url(), cluster.fresh_url()


def book_rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.execute(sql).fetchall()]


EVERY_WRITTEN_ROW = (
    "SELECT * FROM acrs ORDER BY id", "SELECT * FROM orders ORDER BY id", "SELECT * FROM sleeves ORDER BY id",
    "SELECT * FROM accounts ORDER BY id", "SELECT * FROM account_diagnostics ORDER BY account_id, code, sleeve_id",
    # the whole row, hashes included: the batch chains its audit rows in memory exactly as one append per ACR does
    "SELECT id, at, operator, action, account_id, sleeve_id, detail, prev_hash, hash FROM audit ORDER BY id")


def test_the_batch_writes_what_one_acr_per_sleeve_writes(twin_books, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("store.batch.CHUNK", 2)  # several chunks, and accounts whose sleeves straddle two
    with demo(twin_books[0]) as batch, demo(twin_books[1]) as single:
        sleeves = pending_sleeves(batch)
        assert sleeves == pending_sleeves(single) and len(sleeves) > 2
        result = rebalance_all_pending(batch, "alice", ALL)
        for sleeve_id in sleeves:
            fire_acr(single, sleeve_id, "rebalance", "alice", acknowledged=ALL)
        assert result.total == len(sleeves) == result.built + result.failed and result.refused == 0
        for sql in EVERY_WRITTEN_ROW:
            assert book_rows(batch, sql) == book_rows(single, sql), sql
        assert verify_chain(batch).ok and summary_problems(batch) == []


def test_a_refused_sleeve_mid_chunk_writes_nothing_and_the_rest_of_its_chunk_is_written(
        twin_books, monkeypatch: pytest.MonkeyPatch):
    """The batch writes a chunk's rows together: a sleeve refused in the middle of a chunk must leave no row behind
    and take none of its neighbours with it. Here a sleeve that is no longer a model sleeve by the time the batch
    fires it (its listing raced a change): the APM of an account in the middle of the list."""
    with demo(twin_books[0]) as batch, demo(twin_books[1]) as reference:
        sleeves = pending_sleeves(batch)
        assert len(sleeves) > 2 and len(sleeves) + 1 <= CHUNK  # one chunk
        intruder = batch.scalar("SELECT id FROM sleeves WHERE kind = 'apm' ORDER BY id LIMIT 1")
        listed = sleeves[:2] + [intruder] + sleeves[2:]
        monkeypatch.setattr("store.batch.pending_sleeves", lambda store: list(listed))
        result = rebalance_all_pending(batch, "alice", ALL)
        monkeypatch.undo()
        assert result.refused == 1 and result.refusals == {"Refused": 1}
        assert [s for s, _ in result.refused_sleeves] == [intruder] and "APM" in result.refused_sleeves[0][1]
        assert result.built + result.failed == len(sleeves)
        assert batch.scalar("SELECT count(*) FROM acrs WHERE sleeve_id = ?", [intruder]) == 0
        assert batch.scalar("SELECT count(*) FROM audit WHERE sleeve_id = ?", [intruder]) == 0
        # Everything else is what the batch writes without the intruder.
        rebalance_all_pending(reference, "alice", ALL)
        for sql in EVERY_WRITTEN_ROW:
            assert book_rows(batch, sql) == book_rows(reference, sql), sql
        assert verify_chain(batch).ok and summary_problems(batch) == []


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


def test_a_chunk_reads_and_writes_each_table_once_whatever_its_size(book: Store, monkeypatch: pytest.MonkeyPatch):
    """Issue 17 item 7: per sleeve the batch read the sleeve, its account's version, its request key and its rate
    tier, and wrote the ACR, orders, sleeve, summary, diagnostics and audit row one statement each, in a savepoint.
    Now every statement runs once per chunk, however many sleeves the chunk holds."""
    monkeypatch.setattr("store.batch.CHUNK", 2)
    calls: list[str] = []

    def execute(conn: BookConnection, sql: str, params: Any = ()) -> sqlite3.Cursor:
        calls.append(sql)
        return sqlite3.Connection.execute(conn, sql, params)

    def executemany(conn: BookConnection, sql: str, rows: Any) -> sqlite3.Cursor:
        calls.append(sql)
        return sqlite3.Connection.executemany(conn, sql, rows)

    monkeypatch.setattr(BookConnection, "execute", execute)
    monkeypatch.setattr(BookConnection, "executemany", executemany)
    result = rebalance_all_pending(book, "alice", ALL)
    monkeypatch.undo()
    chunks = -(-result.total // 2)
    assert result.total > 2 * 2 and result.built > 0 and result.failed > 0
    # every ACR of a chunk in one prepared statement (executemany), and their ids read back once
    assert len([c for c in calls if c.startswith("INSERT INTO acrs ")]) == chunks
    per_chunk = Counter(calls)
    assert max(per_chunk.values()) <= chunks, per_chunk.most_common(3)
    assert not [s for s in per_chunk if s.startswith("SELECT * FROM acrs")]  # no ACR read back after its write
    assert not [s for s in per_chunk if "SAVEPOINT" in s]  # a refusal raises before its sleeve writes anything


def test_each_stored_checklist_is_the_json_dump_it_always_was(book: Store):
    """The checklist column is written from cached per-item JSON (most items repeat on every ACR of a batch): the
    text must be exactly what json.dumps of the item list wrote before, keys in the same order."""
    rebalance_all_pending(book, "alice", ALL)
    keys = ["id", "title", "evaluated", "status", "detail", "fix", "code"]
    texts = [r[0] for r in book.execute("SELECT checklist FROM acrs ORDER BY id")]
    assert len(texts) > 2
    for text in texts:
        items = json.loads(text)
        assert [list(i) for i in items] == [keys] * len(items) and len(items) >= 8
        assert text == json.dumps(items)


def test_the_batch_runs_on_an_older_sqlite(book: Store, monkeypatch: pytest.MonkeyPatch):
    """An ops host's Python may link a system SQLite older than 3.35 (no RETURNING) or 3.32 (999 parameters per
    statement): a chunk's ACRs were one INSERT ... RETURNING of 18 parameters a row, which fails there."""
    statements: list[tuple[str, int]] = []

    def execute(conn: BookConnection, sql: str, params: Any = ()) -> sqlite3.Cursor:
        statements.append((sql, len(params)))
        return sqlite3.Connection.execute(conn, sql, params)

    monkeypatch.setattr(BookConnection, "execute", execute)
    result = rebalance_all_pending(book, "alice", ALL)
    monkeypatch.undo()
    assert result.built > 0
    assert not [sql for sql, _ in statements if "RETURNING" in sql.upper()]
    assert max(n for _, n in statements) <= 999
