"""The SQLite file itself: pragmas, migrations, the append-only audit log, and import hygiene."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import store.db
from store.service import Store
from tests.unit.conftest import fixed_clock, snapshot

ROOT = Path(__file__).resolve().parents[2]


def test_new_file_has_schema_version_wal_and_foreign_keys(open_store, db_path):
    s = open_store()
    assert s.db.execute("PRAGMA user_version").fetchone()[0] == store.db.SCHEMA_VERSION
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] == s.settings.busy_timeout_ms
    raw = sqlite3.connect(str(db_path))
    try:  # WAL is a property of the file, seen by any connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == store.db.SCHEMA_VERSION
    finally:
        raw.close()


def test_reopening_keeps_data_and_does_not_rerun_migrations(story_store, db_path, monkeypatch):
    before = snapshot(db_path)
    story_store.close()
    ran: list[str] = []
    original = store.db._statements
    monkeypatch.setattr(store.db, "_statements", lambda script: ran.append(script) or original(script))
    again = Store(db_path, clock=fixed_clock)
    try:
        assert again.account_count() == 3
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == store.db.SCHEMA_VERSION
    finally:
        again.close()
    assert ran == []
    assert snapshot(db_path) == before


def test_forward_migration_runs_only_the_new_one(story_store, db_path, monkeypatch):
    story_store.close()
    monkeypatch.setattr(store.db, "MIGRATIONS", store.db.MIGRATIONS + ["CREATE TABLE added_later (x INTEGER);"])
    monkeypatch.setattr(store.db, "SCHEMA_VERSION", len(store.db.MIGRATIONS))
    again = Store(db_path, clock=fixed_clock)
    try:
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == len(store.db.MIGRATIONS)
        assert "added_later" in again.db.table_names()
        assert again.account_count() == 3
    finally:
        again.close()


def test_a_newer_file_is_refused(db_path, open_store):
    open_store().close()
    raw = sqlite3.connect(str(db_path))
    raw.execute(f"PRAGMA user_version = {store.db.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store(db_path, clock=fixed_clock)


@pytest.mark.parametrize("statement", [
    "UPDATE audit SET operator = 'mallory'",
    "UPDATE audit SET detail = '{}' WHERE id = 1",
    "DELETE FROM audit",
    "DELETE FROM audit WHERE id = 1",
])
def test_audit_log_is_append_only(story_store, db_path, statement):
    assert story_store.audit()  # the import wrote a row
    before = snapshot(db_path)["audit"]
    raw = sqlite3.connect(str(db_path))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(statement)
        raw.rollback()
    finally:
        raw.close()
    assert snapshot(db_path)["audit"] == before


def test_audit_insert_still_works_through_raw_sql(story_store, db_path):
    raw = sqlite3.connect(str(db_path))
    try:
        raw.execute("INSERT INTO audit (at, operator, action) VALUES ('2026-11-21', 'bob', 'note')")
        raw.commit()
    finally:
        raw.close()
    assert story_store.audit()[0].operator == "bob"


def test_foreign_keys_are_enforced(story_store):
    with pytest.raises(sqlite3.IntegrityError):
        story_store.db.execute("INSERT INTO positions (sleeve_id, symbol, quantity) VALUES ('NOPE', 'SPY', '1')")


def test_store_does_not_import_textual():
    code = ("import sys\n"
            "import store, store.service, store.book, store.db, store.records, store.views, store.settings\n"
            "import store.errors\n"
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "assert not bad, bad\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
