"""Issue 16 item 6: `copy --from SRC --to DST` moves a book between engines, all-or-nothing, chain verified."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from calc import ACK_IDS
from store.acrs import fire_acr
from store.book import import_book
from store.copy import TABLES, book_tables, copy_book
from store.core import Store
from store.errors import Refused
from store.fills import simulate_fills
from store.queries.accounts import account_page
from store.queries.audit import audit_trail, verify_chain
from store.sleeves import set_leverage
from store.walkthrough import start_run
from tests.conftest import fixed_clock
from tests.unit.conftest import as_json, snapshot, story_data

ALL = frozenset(ACK_IDS)


def busy_book(location: Path | str) -> None:
    """The story book with history in every table: ACRs, orders, fills, a walkthrough run, saves."""
    with Store(location, clock=fixed_clock) as s:
        import_book(s, story_data(), "alice")
        start_run(s, "A-1001-M1", "alice")
        built = fire_acr(s, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
        simulate_fills(s, built.id, "alice")
        set_leverage(s, "A-1001-M1", Decimal("1.75"), "bob")


def rows(location: Path | str) -> dict[str, list[tuple]]:
    with Store(location, clock=fixed_clock) as s:
        # account_diagnostics has a rowid column on PostgreSQL only (SQLite's is implicit): compare the rest
        return {t: sorted(tuple(v for k, v in r.items() if k != "rowid") for r in s.rows(f"SELECT * FROM {t}"))
                for t in TABLES if t != "accounts"}


def test_copy_knows_every_table_of_a_book(open_store):
    assert book_tables(open_store()) == set(TABLES)


@pytest.mark.parametrize("direction", ["sqlite-to-postgres", "postgres-to-sqlite"])
def test_a_book_moves_between_engines_with_its_history(direction, pg_cluster, tmp_path):
    url, file = pg_cluster.fresh_url(), tmp_path / "book.db"
    source, destination = (file, url) if direction == "sqlite-to-postgres" else (url, file)
    busy_book(source)
    before = rows(source)
    counts = copy_book(source, destination, "carol", clock=fixed_clock)
    assert counts["accounts"] == 3 and counts["audit"] == len(before["audit"])
    after = rows(destination)
    assert after["audit"][:-1] == before["audit"]  # every row, its id and hashes, plus the copy's own row
    assert {t: r for t, r in after.items() if t != "audit"} == {t: r for t, r in before.items() if t != "audit"}
    with Store(destination, clock=fixed_clock) as s:
        assert verify_chain(s).ok
        assert audit_trail(s)[0].action == "copy" and audit_trail(s)[0].operator == "carol"
        assert [r.id for r in account_page(s, "jane").rows] == ["A-1001"]  # the search index came along
        again = fire_acr(s, "A-1002-M1", "rebalance", "carol", acknowledged=ALL)  # new ids follow the copied ones
        assert again.id == 2


def test_a_destination_that_holds_a_book_is_refused_unchanged(pg_cluster, tmp_path):
    url, file = pg_cluster.fresh_url(), tmp_path / "book.db"
    busy_book(file)
    busy_book(url)
    before = snapshot(url)
    with pytest.raises(Refused, match="already holds a book"):
        copy_book(file, url, "carol", clock=fixed_clock)
    assert snapshot(url) == before


def test_a_broken_chain_is_not_copied(pg_cluster, tmp_path):
    url, file = pg_cluster.fresh_url(), tmp_path / "book.db"
    busy_book(file)
    import sqlite3

    raw = sqlite3.connect(str(file), isolation_level=None)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET operator = 'mallory' WHERE id = 1")
    raw.close()
    before = snapshot(url)
    with pytest.raises(Refused, match="did not arrive intact"):
        copy_book(file, url, "carol", clock=fixed_clock)
    assert snapshot(url) == before


def test_the_cli_copies_and_says_so(run, pg_cluster, tmp_path):
    file, url = tmp_path / "book.db", pg_cluster.fresh_url()
    busy_book(file)
    counts = as_json(run("copy", "--from", file, "--to", url, "--json"))
    assert counts["accounts"] == 3
    again = run("copy", "--from", file, "--to", url)
    assert again.exit_code == 1 and "already holds a book" in again.stderr
