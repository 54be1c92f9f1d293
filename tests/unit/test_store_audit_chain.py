"""The tamper-evident audit trail: hash-chained rows, REPLACE refused, `audit --verify` (issue 11 item 9)."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

import store.db
from store.core import Store
from store.queries.audit import verify_chain
from store.sleeves import set_leverage
from tests.conftest import fixed_clock
from tests.unit.conftest import as_json, ok, raw_rows, snapshot

GENESIS = "0" * 64


def expected_hash(prev: str, row: tuple) -> str:
    """The documented link: sha256 over the previous hash and the row's canonical content."""
    at, operator, action, account_id, sleeve_id, detail, row_id = row
    content = json.dumps([at, operator, action, account_id, sleeve_id, detail, row_id],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()


def chain_rows(db: Path) -> list[tuple]:
    return raw_rows(db, "SELECT at, operator, action, account_id, sleeve_id, detail, id, prev_hash, hash "
                        "FROM audit ORDER BY id")


def assert_chained(db: Path) -> int:
    prev = GENESIS
    rows = chain_rows(db)
    for row in rows:
        assert row[7] == prev, row
        assert row[8] == expected_hash(prev, row[:7]), row
        prev = row[8]
    return len(rows)


def raw_exec(db: Path, *statements: str) -> None:
    for statement in statements:
        raw_rows(db, statement)


def test_every_store_write_chains_its_audit_row(story_store, db_path):
    set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "bob")
    set_leverage(story_store, "A-1001-M1", Decimal("1.5"), "carol")
    assert assert_chained(db_path) == 3
    report = verify_chain(story_store)
    assert report.ok and report.rows == 3 and report.broken_id is None
    assert report.message == "audit chain intact: 3 rows"


@pytest.mark.sqlite_only  # tampers in SQLite's SQL (test_store_postgres.py: on the server)
def test_migration_4_chains_the_rows_of_an_older_book(db_path, monkeypatch):
    with monkeypatch.context() as m:  # a book written by schema 3, before the chain
        m.setattr(store.db, "MIGRATIONS", store.db.MIGRATIONS[:3])
        m.setattr(store.db, "SCHEMA_VERSION", 3)
        Store(db_path, clock=fixed_clock).close()
    raw_exec(db_path, *[f"INSERT INTO audit (at, operator, action, detail) VALUES ('2026-11-2{i}', 'old', "
                        f"'note {i}', '{{\"n\": {i}}}')" for i in range(1, 4)])
    with Store(db_path, clock=fixed_clock) as again:
        assert again.scalar("PRAGMA user_version") == store.db.SCHEMA_VERSION >= 4
        assert verify_chain(again).message == "audit chain intact: 3 rows"
        again.audit("bob", "note 4", None, None, {"n": 4})
    assert assert_chained(db_path) == 4
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):  # the update guard is back after chaining
        raw_exec(db_path, "UPDATE audit SET operator = 'mallory' WHERE id = 1")


@pytest.mark.sqlite_only  # tampers in SQLite's SQL (test_store_postgres.py: on the server)
@pytest.mark.parametrize("recursive", [0, 1])
@pytest.mark.parametrize("statement", [
    "INSERT OR REPLACE INTO audit (id, at, operator, action) VALUES (1, 'x', 'mallory', 'rewritten')",
    "REPLACE INTO audit (id, at, operator, action) VALUES (1, 'x', 'mallory', 'rewritten')",
    ("INSERT INTO audit (id, at, operator, action) VALUES (1, 'x', 'mallory', 'up') "
     "ON CONFLICT(id) DO UPDATE SET operator = 'mallory'"),
])
def test_replacing_an_audit_row_is_refused(story_store, db_path, statement, recursive):
    """REPLACE deletes the old row without firing delete triggers (unless recursive_triggers is on)."""
    before = snapshot(db_path)["audit"]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw_exec(db_path, f"PRAGMA recursive_triggers = {recursive}", statement)
    assert snapshot(db_path)["audit"] == before


@pytest.mark.sqlite_only  # tampers in SQLite's SQL (test_store_postgres.py: on the server)
def test_an_edit_behind_a_dropped_trigger_is_found(story_store, db_path):
    set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "bob")
    set_leverage(story_store, "A-1001-M1", Decimal("1.5"), "bob")
    raw_exec(db_path, "DROP TRIGGER audit_no_update", "UPDATE audit SET operator = 'mallory' WHERE id = 2")
    report = verify_chain(story_store)
    assert not report.ok and report.broken_id == 2
    assert "row 2" in report.message and "hash" in report.message


@pytest.mark.sqlite_only  # tampers in SQLite's SQL (test_store_postgres.py: on the server)
def test_a_deleted_row_breaks_the_next_link(story_store, db_path):
    set_leverage(story_store, "A-1001-M1", Decimal("1.25"), "bob")
    set_leverage(story_store, "A-1001-M1", Decimal("1.5"), "bob")
    raw_exec(db_path, "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 2")
    report = verify_chain(story_store)
    assert not report.ok and report.broken_id == 3 and "prev_hash" in report.message


@pytest.mark.sqlite_only  # tampers in SQLite's SQL (test_store_postgres.py: on the server)
def test_a_row_inserted_behind_the_store_is_found(story_store, db_path):
    raw_exec(db_path, "INSERT INTO audit (at, operator, action) VALUES ('2026-11-21', 'mallory', 'note')")
    report = verify_chain(story_store)
    assert not report.ok and report.broken_id == 2


@pytest.mark.sqlite_only  # tampers in SQLite's SQL (test_store_postgres.py: on the server)
def test_audit_verify_cli(run, built, db_path):
    assert ok(run("audit", "--verify")).strip() == "audit chain intact: 2 rows"
    assert as_json(run("audit", "--verify", "--json")) == {
        "ok": True, "rows": 2, "broken_id": None, "problem": "", "message": "audit chain intact: 2 rows"}
    raw_exec(db_path, "DROP TRIGGER audit_no_update", "UPDATE audit SET detail = '{}' WHERE id = 1")
    broken = run("audit", "--verify")
    assert broken.exit_code == 1 and "row 1" in broken.stdout and "Traceback" not in broken.output
    doc = json.loads(run("audit", "--verify", "--json").stdout)
    assert doc["ok"] is False and doc["broken_id"] == 1 and doc["rows"] == 2
