"""Opening a book: read-only files and directories, and writes whose transaction SQLite already ended."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from store.db import connect, write
from tests.unit.conftest import ACK, as_json, one_error_line, snapshot

# SQLite only: opening a file: permissions, mode=ro, a full disk (test_store_postgres.py covers a server).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def unwritable(monkeypatch, db_path: Path):
    """The book's file and directory are not writable (the tests run as root, so chmod alone would not do)."""
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve() in {db_path.resolve(), db_path.parent.resolve()}:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_reads_work_on_a_read_only_book(run, story, unwritable):
    before = snapshot(story)
    assert as_json(run("accounts", "--json"))["total"] == 3
    assert "A-1001" in as_json(run("show", "A-1001", "--json"))["sleeves"][0]["id"]
    line = one_error_line(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK))
    assert "read-only" in line and "unexpected error" not in line
    assert snapshot(story) == before


def test_a_read_only_book_is_opened_read_only(story, unwritable):
    conn = connect(story)
    try:
        assert conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 3
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO models (id, weights) VALUES ('X', '{}')")
    finally:
        conn.close()


def test_a_write_keeps_sqlites_own_error_when_sqlite_already_rolled_back(tmp_path: Path):
    conn = connect(tmp_path / "book.db")
    try:
        full = pytest.raises(sqlite3.OperationalError, match="database or disk is full")
        with full, write(conn):
            conn.execute("INSERT INTO models (id, weights) VALUES ('X', '{}')")
            conn.execute("ROLLBACK")  # what SQLite does on its own on SQLITE_FULL
            raise sqlite3.OperationalError("database or disk is full")
        full = pytest.raises(sqlite3.OperationalError, match="database or disk is full")
        with full, write(conn), write(conn):  # the same inside a savepoint
            conn.execute("INSERT INTO models (id, weights) VALUES ('X', '{}')")
            conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        assert not conn.in_transaction
        assert conn.execute("SELECT count(*) FROM models").fetchone()[0] == 0
    finally:
        conn.close()
