"""Issue 16 item 3 and its leftovers on a PostgreSQL server: the filter's terms and counts follow every write,
migrations 9 and 10 are safe to rerun, the filter's query is a constant in the page's plan, and every text column
sorts in byte order (as SQLite's BINARY) whatever the server's locale. The filter's meaning on both engines is
checked in test_filter_semantics.py."""
from __future__ import annotations

import psycopg

from store.core import Store
from store.engines.postgres_sql import PLAIN_INSERT, batches, positional
from store.engines.postgres_terms import NOT_BYTE_ORDER
from store.operators import list_operators
from store.queries.accounts import account_page, fts_query
from tests.conftest import fixed_clock
from tests.postgres import APP_ROLE

TEXTS = ["jane", "j", "a", "A-10", "A-1002", "smith pers", "sch", "trust", "zoe", "ang", "zzz", "doe t"]


def by_vector(store: Store, text: str) -> int:
    """The filter's total read straight from the search vectors (every row tested): what the counts must equal."""
    query = fts_query(text, store.conn.dialect)
    return int(store.scalar("SELECT count(*) FROM accounts WHERE search @@ to_tsquery('simple', unaccent(?))",
                            [query]))


def assert_counts_agree(store: Store) -> None:
    for text in TEXTS:
        assert account_page(store, text).total == by_vector(store, text), text
    recount = dict(store.execute("SELECT t, count(*) FROM accounts a, account_terms_of(a.search) t "
                                 "GROUP BY t").fetchall())
    kept = dict(store.execute("SELECT term, accounts FROM term_counts WHERE accounts > 0").fetchall())
    assert kept == recount
    assert store.account_count() == store.scalar("SELECT count(*) FROM accounts")


def test_the_counts_follow_a_rename_and_a_removal(pg_book):
    assert_counts_agree(pg_book)
    with pg_book.transaction():
        pg_book.execute("UPDATE accounts SET name = 'Zoë Ångström', custodian = 'Crédit' WHERE id = 'A-1001'")
    assert account_page(pg_book, "zoe ang cred").total == 1 and account_page(pg_book, "jane").total == 0
    assert_counts_agree(pg_book)
    with pg_book.transaction():
        for table in ("account_diagnostics", "custodian_positions", "custodian_reports"):
            pg_book.execute(f"DELETE FROM {table} WHERE account_id = 'A-1003'")
        pg_book.execute("DELETE FROM positions WHERE sleeve_id IN (SELECT id FROM sleeves WHERE account_id = 'A-1003')")
        pg_book.execute("DELETE FROM sleeves WHERE account_id = 'A-1003'")
        pg_book.execute("DELETE FROM accounts WHERE id = 'A-1003'")
    assert account_page(pg_book, "").total == account_page(pg_book, "A").total == 2
    assert_counts_agree(pg_book)


def test_migration_9_reruns_to_the_same_counts(pg_book, pg_url):
    before = [account_page(pg_book, t).total for t in TEXTS]
    pg_book.execute("DELETE FROM margin_console_schema WHERE version >= 9")  # as a file whose user_version was lowered
    with Store(pg_url, clock=fixed_clock) as again:
        assert [account_page(again, t).total for t in TEXTS] == before
        assert_counts_agree(again)


def test_the_filter_query_is_folded_once_per_statement_not_computed_per_row(pg_book):
    """Written inline, to_tsquery('simple', unaccent(:q)) is only stable: a plan that walks the accounts in id order
    and tests each row (a mid-size filter's page; the probe of a broad one) computed it again for every row (40-60 ms
    a page for "smith" at 100,000 accounts). Migration 10's immutable account_query is folded at plan time."""
    search = pg_book.conn.dialect
    for condition in (search.SEARCH_COLLECT, search.SEARCH_PROBE):
        for text in ("jane", "smith pers", "Zoë"):
            plan = "\n".join(r[0] for r in pg_book.execute(
                f"EXPLAIN (VERBOSE) SELECT a.id FROM accounts a WHERE {condition} ORDER BY a.id LIMIT 100",
                {"q": fts_query(text, search)}).fetchall())
            assert "unaccent" not in plan and "account_query" not in plan, plan
            assert "::tsquery" in plan, plan  # the query is a constant in the plan
        assert [r.id for r in account_page(pg_book, "jane").rows] == ["A-1001"]


def test_migration_10_reruns(pg_book, pg_url):
    pg_book.execute("DELETE FROM margin_console_schema WHERE version >= 10")  # 10 and every later one
    with Store(pg_url, clock=fixed_clock) as again:
        assert [account_page(again, t).total for t in TEXTS] == [account_page(pg_book, t).total for t in TEXTS]
        assert again.scalar("SELECT count(*) FROM margin_console_schema WHERE version = 10") == 1


def test_every_text_column_sorts_in_byte_order(pg_book):
    assert pg_book.execute(NOT_BYTE_ORDER).fetchall() == []


def test_operators_are_listed_in_byte_order_on_a_server_whose_locale_sorts_otherwise(pg_cluster):
    """Migration 8's operators table was plain TEXT: on an en-US server `operators` listed bob before Zed."""
    pg_cluster.admin(f"CREATE DATABASE icu_book TEMPLATE template0 OWNER {APP_ROLE} LOCALE_PROVIDER icu "
                     "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    pg_url = pg_cluster.url("icu_book")
    with psycopg.connect(pg_url) as raw:  # the server's own order, to show the test can tell them apart
        assert [r[0] for r in raw.execute("SELECT unnest(ARRAY['bob', 'Zed', 'Alice']) n ORDER BY n")] == [
            "Alice", "bob", "Zed"]
    with Store(pg_url, clock=fixed_clock) as store, store.transaction():
        for name in ("bob", "Zed", "Alice"):
            store.execute("INSERT INTO operators (name, role, active, added_by, added_at, updated_by, updated_at) "
                          "VALUES (?, 'operator', 1, 'test', 'now', 'test', 'now')", [name])
        assert [o.name for o in list_operators(store)] == ["Alice", "Zed", "bob"]  # as SQLite's BINARY sorts


def test_plain_inserts_go_as_multi_row_statements_with_either_placeholder():
    assert positional("(:a, ?, 'x%', :b)") == ("(%s, %s, 'x%%', %s)", ["a", 0, "b"])
    assert [len(b) for b in batches(list(range(2500)), 3)] == [1000, 1000, 500]
    assert [len(b) for b in batches(list(range(100)), 40_000)] == [1] * 100  # 65,535 parameters at most
    assert PLAIN_INSERT.match("INSERT INTO t (a, b) VALUES (:a, :b)")
    assert not PLAIN_INSERT.match("INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING")


def test_a_bulk_insert_counts_every_account_once(pg_url):
    """2,500 accounts in one executemany: three multi-row statements, each counted by the statement trigger."""
    with Store(pg_url, clock=fixed_clock) as store, store.transaction():
        store.conn.executemany(
            "INSERT INTO accounts (id, name, custodian, type, margin_enabled, house_maintenance, max_leverage) "
            "VALUES (:id, :name, 'Schwab', 'cash', 0, '0.3', '2')",
            [{"id": f"B-{n:05d}", "name": f"Bulk {n}"} for n in range(2500)])
        assert store.account_count() == 2500 == account_page(store, "bulk schwab").total
        assert account_page(store, "B-0001").total == 10 and account_page(store, "12").total == 111
        assert_counts_agree(store)
