"""Issue 16: the guarantees the SQLite tests check through the file, checked on a PostgreSQL server.

The rest of the store, CLI and functional suites run on both engines through the `engine` fixture; the tests
here are the ones whose SQLite twins read the file itself (PRAGMAs, raw sqlite3, the bytes): schema bookkeeping,
the append-only audit log for the application role, tampering found by the hash chain, the write lock's busy
timeout, request keys fired at once from several connections, and a read-only session.
"""
from __future__ import annotations

import threading
from decimal import Decimal

import psycopg
import pytest

import store.db
from calc import ACK_IDS
from store.acrs import fire_acr
from store.book import import_book
from store.core import Store
from store.engines.postgres import WRITE_LOCK, translate
from store.errors import Busy, InvalidInput, NewerSchema, Refused
from store.queries.audit import audit_trail, verify_chain
from store.settings import Settings
from store.sleeves import set_leverage
from tests.conftest import fixed_clock
from tests.postgres import APP_ROLE
from tests.unit.conftest import ACK, as_json, count, ok, snapshot, story_data

ALL = frozenset(ACK_IDS)


def superuser(pg_cluster, pg_url: str) -> psycopg.Connection:
    """The cluster's superuser on the test's database (what a DBA, or an attacker with the server, holds)."""
    return psycopg.connect(pg_url.replace(f"{APP_ROLE}@", "postgres@"), autocommit=True)


def test_placeholders_become_psycopgs_and_literals_stay_as_written():
    assert translate("SELECT * FROM t WHERE a = ? AND b = :name") == "SELECT * FROM t WHERE a = %s AND b = %(name)s"
    assert translate("SELECT '?', 'x:y', 'a%b' FROM t WHERE c LIKE ? || '%'") == \
        "SELECT '?', 'x:y', 'a%%b' FROM t WHERE c LIKE %s || '%%'"
    assert translate("SELECT x::text FROM t") == "SELECT x::text FROM t"


def test_a_new_book_records_every_migration_once(pg_url, pg_cluster):
    Store(pg_url).close()
    Store(pg_url).close()  # reopening runs nothing again
    with psycopg.connect(pg_url) as raw:
        versions = [r[0] for r in raw.execute("SELECT version FROM margin_console_schema ORDER BY version")]
    assert versions == list(range(1, store.db.SCHEMA_VERSION + 1))


def test_a_book_of_a_newer_console_is_refused_unchanged(pg_url, pg_cluster):
    Store(pg_url).close()
    with superuser(pg_cluster, pg_url) as raw:
        raw.execute("INSERT INTO margin_console_schema (version) VALUES (%s)", [store.db.SCHEMA_VERSION + 1])
    before = snapshot(pg_url)
    with pytest.raises(NewerSchema, match="newer margin-console"):
        Store(pg_url)
    assert snapshot(pg_url) == before


def test_another_programs_database_is_refused(pg_cluster):
    pg_url = pg_cluster.fresh_url()
    with superuser(pg_cluster, pg_url) as raw:
        raw.execute("DROP TABLE margin_console_schema CASCADE")
        raw.execute("CREATE TABLE payroll (id INTEGER)")
    with pytest.raises(InvalidInput, match="not a margin-console book"):
        Store(pg_url)


@pytest.mark.parametrize("statement", [
    "UPDATE audit SET operator = 'mallory'", "DELETE FROM audit WHERE id = 1", "TRUNCATE audit",
    ("INSERT INTO audit (id, at, operator, action) VALUES (1, 'x', 'm', 'x') ON CONFLICT (id) DO UPDATE "
     "SET operator = 'mallory'"),
])
def test_the_application_role_cannot_change_the_audit_log(pg_book, pg_url, statement):
    before = snapshot(pg_url)["audit"]
    with psycopg.connect(pg_url, autocommit=True) as raw, pytest.raises(psycopg.errors.InsufficientPrivilege):
        raw.execute(statement)
    with pytest.raises(Refused, match="append-only"):  # through the store's connection: one clear line
        pg_book.conn.execute(statement)
    assert snapshot(pg_url)["audit"] == before


@pytest.mark.parametrize("statement", ["UPDATE audit SET operator = 'mallory'", "DELETE FROM audit", "TRUNCATE audit"])
def test_the_trigger_refuses_even_a_superuser(pg_book, pg_url, pg_cluster, statement):
    with superuser(pg_cluster, pg_url) as raw, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        raw.execute(statement)


def test_an_edit_behind_a_disabled_trigger_breaks_the_chain(pg_book, pg_url, pg_cluster):
    set_leverage(pg_book, "A-1001-M1", Decimal("1.25"), "bob")
    assert verify_chain(pg_book).ok and verify_chain(pg_book).rows == 2
    with superuser(pg_cluster, pg_url) as raw:
        raw.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update")
        raw.execute("UPDATE audit SET detail = '{}' WHERE id = 1")
    report = verify_chain(pg_book)
    assert not report.ok and report.broken_id == 1


def test_a_writer_held_past_the_busy_timeout_is_busy_and_writes_nothing(pg_url, pg_cluster):
    with Store(pg_url, Settings(busy_timeout_ms=300), fixed_clock) as s:
        import_book(s, story_data(), "alice")
        before = snapshot(pg_url)
        with psycopg.connect(pg_url, autocommit=True) as holder:
            holder.execute("BEGIN")
            holder.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])  # another host's write in progress
            with pytest.raises(Busy, match=r"locked by another writer \(waited 0.3 s\)"):
                set_leverage(s, "A-1001-M1", Decimal("1.25"), "bob")
            holder.execute("ROLLBACK")
        assert snapshot(pg_url) == before
        assert not s.conn.in_transaction
        set_leverage(s, "A-1001-M1", Decimal("1.25"), "bob")  # the lock released: the write goes through


def test_one_request_key_fired_from_eight_connections_makes_one_acr(pg_book, pg_url):
    results, errors = [], []
    start = threading.Barrier(8)

    def fire() -> None:
        try:
            with Store(pg_url, clock=fixed_clock) as own:
                start.wait()
                results.append(fire_acr(own, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL,
                                        request_key="desk-1").id)
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=fire) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 8 and len(set(results)) == 1
    assert pg_book.scalar("SELECT count(*) FROM acrs") == 1
    assert [a.action for a in audit_trail(pg_book)].count("acr-built") == 1
    assert verify_chain(pg_book).ok


def test_a_read_only_session_reads_and_refuses_writes(pg_book, pg_url):
    with Store(pg_url, Settings(read_only=True), fixed_clock) as viewer:
        assert viewer.account_count() == 3
        before = snapshot(pg_url)
        with pytest.raises(Refused, match="read-only"):
            set_leverage(viewer, "A-1001-M1", Decimal("1.25"), "bob")
        assert snapshot(pg_url) == before


def test_the_cli_on_a_server_url(pg_url, tmp_path):
    """`--db postgresql://...` is the one thing a desk changes to share a book."""
    from click.testing import CliRunner

    import console.cli
    from tests.unit.conftest import STORY_BOOK

    def run(*args: str):
        return CliRunner().invoke(console.cli.cli, ["--db", pg_url, *args], obj={"clock": fixed_clock},
                                  env={"MARGIN_CONSOLE_OPERATOR": "alice"})

    ok(run("import", str(STORY_BOOK)))
    assert count(pg_url, "accounts") == 3  # on the server, not in a file named after the URL
    acr = as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))
    assert acr["status"] == "built"
    assert as_json(run("audit", "--verify", "--json"))["ok"] is True
    assert [a["id"] for a in as_json(run("accounts", "--filter", "jane", "--json"))["accounts"]] == ["A-1001"]


def test_the_live_book_hears_another_hosts_write_and_not_a_rolled_back_one(pg_book, pg_url):
    """LISTEN/NOTIFY: a commit elsewhere moves data_version; a write that rolls back announces nothing."""
    from store.errors import Conflict
    from store.queries.audit import data_version
    from tests.unit.test_store_watch import moved

    with Store(pg_url, clock=fixed_clock) as watcher:
        version = data_version(watcher)
        with pytest.raises(Conflict):  # a stale version: refused, rolled back, nothing announced
            set_leverage(pg_book, "A-1001-M1", Decimal("1.25"), "bob", expected_version=99)
        assert not moved(watcher, version, within=0.3)
        set_leverage(pg_book, "A-1001-M1", Decimal("1.25"), "bob")
        assert moved(watcher, version)


@pytest.mark.slow
def test_the_writers_drill_holds_on_one_server_book(pg_cluster, tmp_path):
    """Issue 16 item 5, bounded small: 8 processes, each its own server session, on one PostgreSQL book."""
    from bench.stress import writers

    result = writers.run(tmp_path, processes=8, seconds=2, accounts=120, server=pg_cluster.fresh_url())
    assert result.findings == []
    assert result.figures["successes"] > 8 and result.figures["acrs_written"] > 0
