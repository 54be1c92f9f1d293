"""The SQLite file itself: pragmas, migrations, the append-only audit log, and import hygiene."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import store.db
import store.migrations
from store.core import Store
from store.queries.audit import audit_trail
from tests.conftest import fixed_clock
from tests.unit.conftest import integrity_errors, snapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
def test_new_file_has_schema_version_wal_and_foreign_keys(open_store, db_path):
    s = open_store()
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == store.db.SCHEMA_VERSION
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == s.settings.busy_timeout_ms
    raw = sqlite3.connect(str(db_path))
    try:  # WAL is a property of the file, seen by any connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == store.db.SCHEMA_VERSION
    finally:
        raw.close()


@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
def test_reopening_keeps_data_and_does_not_rerun_migrations(story_store, db_path, monkeypatch):
    before = snapshot(db_path)
    story_store.close()
    ran: list[str] = []
    original = store.migrations._statements
    monkeypatch.setattr(store.migrations, "_statements", lambda script: ran.append(script) or original(script))
    again = Store(db_path, clock=fixed_clock)
    try:
        assert again.account_count() == 3
        assert again.conn.execute("PRAGMA user_version").fetchone()[0] == store.db.SCHEMA_VERSION
    finally:
        again.close()
    assert ran == []
    assert snapshot(db_path) == before


@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
def test_forward_migration_runs_only_the_new_one(story_store, db_path, monkeypatch):
    story_store.close()
    monkeypatch.setattr(store.db, "MIGRATIONS", store.db.MIGRATIONS + ["CREATE TABLE added_later (x INTEGER);"])
    monkeypatch.setattr(store.db, "SCHEMA_VERSION", len(store.db.MIGRATIONS))
    again = Store(db_path, clock=fixed_clock)
    try:
        assert again.conn.execute("PRAGMA user_version").fetchone()[0] == len(store.db.MIGRATIONS)
        assert again.scalar("SELECT name FROM sqlite_master WHERE name = 'added_later'") == "added_later"
        assert again.account_count() == 3
    finally:
        again.close()


@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
def test_a_newer_file_is_refused(db_path, open_store):
    open_store().close()
    raw = sqlite3.connect(str(db_path))
    raw.execute(f"PRAGMA user_version = {store.db.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store(db_path, clock=fixed_clock)


@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
@pytest.mark.parametrize("statement", [
    "UPDATE audit SET operator = 'mallory'",
    "UPDATE audit SET detail = '{}' WHERE id = 1",
    "DELETE FROM audit",
    "DELETE FROM audit WHERE id = 1",
])
def test_audit_log_is_append_only(story_store, db_path, statement):
    assert audit_trail(story_store)  # the import wrote a row
    before = snapshot(db_path)["audit"]
    raw = sqlite3.connect(str(db_path))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(statement)
        raw.rollback()
    finally:
        raw.close()
    assert snapshot(db_path)["audit"] == before


@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
def test_audit_insert_still_works_through_raw_sql(story_store, db_path):
    raw = sqlite3.connect(str(db_path))
    try:
        raw.execute("INSERT INTO audit (at, operator, action) VALUES ('2026-11-21', 'bob', 'note')")
        raw.commit()
    finally:
        raw.close()
    assert audit_trail(story_store)[0].operator == "bob"


def test_foreign_keys_are_enforced(story_store):
    with pytest.raises(integrity_errors()):
        story_store.conn.execute("INSERT INTO positions (sleeve_id, symbol, quantity) VALUES ('NOPE', 'SPY', '1')")


def test_store_does_not_import_textual():
    """Every module of store (walked with pkgutil, so a new one is covered) imports no Textual."""
    code = ("import importlib, pkgutil, sys, store\n"
            "for info in pkgutil.walk_packages(store.__path__, 'store.'):\n"
            "    importlib.import_module(info.name)\n"
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "assert not bad, bad\n"
            "assert 'store.queries.doctor' in sys.modules and 'store.acrs' in sys.modules\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

@pytest.mark.sqlite_only  # the SQLite file itself (test_store_postgres.py covers the server)
def test_the_console_read_path_does_not_import_sqlite_utils(story_store, db_path):
    """sqlite-utils does bulk work (the book writer); opening the console and reading a page never loads it."""
    story_store.close()
    code = ("import sys\n"
            "from pathlib import Path\n"
            "import console.app\n"
            "from store.core import Store\n"
            "from store.queries.accounts import account_page\n"
            "from store.queries.detail import account_detail\n"
            f"with Store(Path({str(db_path)!r})) as s:\n"
            "    assert account_page(s).total == 3\n"
            "    account_detail(s, 'A-1001')\n"
            "assert 'sqlite_utils' not in sys.modules, 'sqlite_utils was imported'\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
