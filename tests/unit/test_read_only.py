"""Issue 14 item 5: a viewer's session (--read-only, MARGIN_CONSOLE_READ_ONLY, `read_only = true`) has no write path."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.cli.support import WRITE_COMMANDS
from store.db import connect
from store.errors import NotFound
from tests.unit.conftest import ACK, as_json, one_error_line, snapshot

# Read-only here is the file's: mode=ro, its bytes and mtime unchanged (test_store_postgres.py: a server session).
pytestmark = pytest.mark.sqlite_only

WRITES = {
    "demo": ["demo", "--accounts", "5"],
    "import": ["import", "book.json"],
    "set-leverage": ["set-leverage", "A-1001-M1", "1.2"],
    "revert-target": ["revert-target", "A-1001-M1"],
    "track-manager": ["track-manager", "A-1001-M1", "off"],
    "confirm-margin": ["confirm-margin", "A-1001", "enabled"],
    "acr": ["acr", "A-1001-M1", "--kind", "one-dollar", *ACK],
    "fills": ["fills", "--simulate", "1"],
    "prices": ["prices", "prices.csv"],
    "reconcile": ["reconcile", "custodian.csv"],
    "approve": ["approve", "1"],
    "reject": ["reject", "1", "--reason", "no"],
    "cancel": ["cancel", "1"],
    "expire": ["expire", "--before", "2026-11-21"],
    "resubmit": ["resubmit", "1", *ACK],
    "copy": ["copy", "--from", "book.db", "--to", "moved.db"],  # a viewer writes no book, not even another one
}


def file_state(db: Path) -> tuple[bytes, int]:
    return db.read_bytes(), db.stat().st_mtime_ns


def test_every_write_command_is_listed():
    assert set(WRITES) == WRITE_COMMANDS


@pytest.mark.parametrize("command", sorted(WRITES))
def test_write_commands_are_refused_before_the_file_is_touched(run, story, command):
    before = file_state(story)
    line = one_error_line(run("--read-only", *WRITES[command]), code=1)
    assert f"`{command}` writes the book, and this session is read-only (set by --read-only)" in line
    assert file_state(story) == before


def test_read_only_from_the_config_file_says_where_it_was_set(run, story, tmp_path: Path, monkeypatch):
    config = tmp_path / "viewer.toml"
    config.write_text("# a desk viewer\nread_only = true\n", encoding="utf-8")
    monkeypatch.setenv("MARGIN_CONSOLE_CONFIG", str(config))
    line = one_error_line(run("set-leverage", "A-1001-M1", "1.2"), code=1)
    assert f"(set by {config}: line 2: read_only)" in line


def test_reads_work_read_only_and_leave_the_file_as_it_was(run, story):
    before = snapshot(story), file_state(story)
    assert as_json(run("--read-only", "accounts", "--json"))["total"] == 3
    assert as_json(run("--read-only", "show", "A-1001", "--json"))["id"] == "A-1001"
    assert run("--read-only", "doctor").exit_code == 0
    assert (snapshot(story), file_state(story)) == before


def test_the_store_opens_the_file_with_mode_ro(story):
    conn = connect(story, read_only=True)
    try:
        assert conn.read_only and conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 3
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO models (id, weights) VALUES ('X', '{}')")
    finally:
        conn.close()


def test_read_only_never_creates_a_book(tmp_path: Path):
    with pytest.raises(NotFound, match="no book at"):
        connect(tmp_path / "missing" / "book.db", read_only=True)
    assert not (tmp_path / "missing").exists()
