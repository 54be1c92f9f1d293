"""Book import through the store: counts, audit, summaries, and the all-or-nothing rules across imports."""
from __future__ import annotations

from decimal import Decimal

import pytest

from store.book import import_book, import_file
from store.errors import InvalidInput
from store.queries.accounts import account_page
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.queries.doctor import doctor_report
from store.queries.integrity import summary_problems
from store.rates import annual_rate
from tests.unit.conftest import STORY_BOOK, book_with, count, raw_rows, snapshot, story_data


def test_import_writes_the_book_its_summaries_and_one_audit_row(open_store, db_path):
    s = open_store()
    steps: list[int] = []
    counts = import_file(s, STORY_BOOK, "alice", progress=steps.append)
    assert counts == {"prices": 4, "models": 2, "rates": 2, "accounts": 3, "sleeves": 6}
    assert sum(steps) == 3
    for table, n in (("prices", 4), ("models", 2), ("rates", 2), ("accounts", 3), ("sleeves", 6),
                     ("positions", 2), ("audit", 1), ("acrs", 0), ("orders", 0)):
        assert count(db_path, table) == n, table
    [row] = audit_trail(s)
    assert (row.action, row.operator, row.at, row.detail) == (
        "import story_book.json", "alice", "2026-11-21T15:00:00+00:00", counts)
    detail = account_detail(s, "A-1003")
    assert detail.sleeve("A-1003-M1").positions == {"QQQ": Decimal(40), "OLDCO": Decimal(100)}
    assert detail.sleeve("A-1003-APM").cash == Decimal(-2500)
    assert [d.code for d in detail.diagnostics] == ["NEGATIVE_APM", "TACTICAL_TRACK_OFF", "DRIFT", "STALE_PRICES"]
    assert annual_rate(s, "Schwab", Decimal(50000)) == Decimal("0.09")
    assert annual_rate(s, "Schwab", Decimal(150000)) == Decimal("0.08")


@pytest.mark.sqlite_only  # typeof() is SQLite's; PostgreSQL's columns are typed BIGINT by its DDL
def test_money_is_stored_exactly(open_store, db_path):
    s = open_store()
    acc = {"id": "X-1", "type": "margin", "margin_enabled": True,
           "sleeves": [{"id": "X-1-APM", "kind": "apm", "cash": 0.1},
                       {"id": "X-1-M1", "kind": "model", "model": "CORE6040", "cash": 0.2}]}
    import_book(s, book_with(acc), "alice")
    assert account_detail(s, "X-1").nav == Decimal("0.3")  # not 0.30000000000000004
    assert s.conn.execute("SELECT typeof(cash_cents) FROM sleeves LIMIT 1").fetchone()[0] == "integer"


def test_reimporting_an_account_is_refused_and_writes_nothing(story_store, db_path):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput) as bad:
        import_book(story_store, story_data(), "alice")
    assert "$.accounts[0].id: account A-1001 is already in the store" in bad.value.problems
    assert len([p for p in bad.value.problems if ".id: account" in p and "already in the store" in p]) == 3
    assert snapshot(db_path) == before


def test_a_second_book_may_use_models_already_in_the_store(story_store):
    book = {"accounts": [{"id": "B-1", "name": "Zed Holdings", "type": "margin", "margin_enabled": True,
                          "sleeves": [{"id": "B-1-M1", "kind": "model", "model": "TACT", "cash": 1000.0}]}]}
    assert import_book(story_store, book, "bob")["accounts"] == 1
    assert account_page(story_store).total == 4
    assert [r.id for r in account_page(story_store, "zed").rows] == ["B-1"]  # the filter index sees it


def test_a_sleeve_id_already_in_the_store_is_a_located_problem(story_store, db_path):
    """Sleeve ids are unique across the book: a second file reusing one must be listed, not crash."""
    before = snapshot(db_path)
    book = {"accounts": [{"id": "B-1", "type": "margin", "margin_enabled": True, "sleeves": [
        {"id": "A-1001-M1", "kind": "model", "model": "CORE6040", "cash": 1000.0}]}]}
    with pytest.raises(InvalidInput) as bad:
        import_book(story_store, book, "bob")
    assert any(p.startswith("$.accounts[0].sleeves[0].id") for p in bad.value.problems), bad.value.problems
    assert snapshot(db_path) == before


def test_applied_leverage_is_validated_like_leverage(open_store, db_path):
    """applied_leverage is 'the value the last built ACR used': it cannot be outside 1.0..max_leverage."""
    s = open_store()
    before = snapshot(db_path)
    acc = {"id": "X-1", "type": "margin", "margin_enabled": True, "sleeves": [
        {"id": "X-1-M1", "kind": "model", "model": "CORE6040", "leverage": 1.5, "applied_leverage": 3,
         "cash": 1000.0}]}
    with pytest.raises(InvalidInput) as bad:
        import_book(s, book_with(acc), "alice")
    assert any(p.startswith("$.accounts[0].sleeves[0]") for p in bad.value.problems)
    assert snapshot(db_path) == before


def test_other_sleeve_kinds_import_read_only(open_store):
    s = open_store()
    acc = {"id": "K-1", "type": "margin", "margin_enabled": True, "sleeves": [
        {"id": "K-1-APM", "kind": "apm", "cash": 10.0},
        {"id": "K-1-F", "kind": "funding", "cash": 2500.0},
        {"id": "K-1-P", "kind": "protected", "cash": 0.0, "positions": {"AGG": 5}}]}
    import_book(s, book_with(acc), "alice")
    detail = account_detail(s, "K-1")
    assert [(v.kind, v.editable) for v in detail.sleeves] == [("apm", False), ("funding", False),
                                                               ("protected", False)]
    assert detail.nav == Decimal(3010)


def test_progress_is_reported_in_batches(open_store):
    s = open_store()
    data = story_data()
    template = data["accounts"][0]
    data["accounts"] = []
    for i in range(2500):
        acc = {**template, "id": f"P-{i:05d}",
               "sleeves": [{**sl, "id": f"P-{i:05d}-{sl['id'][-3:]}"} for sl in template["sleeves"]]}
        data["accounts"].append(acc)
    steps: list[int] = []
    assert import_book(s, data, "alice", progress=steps.append)["accounts"] == 2500
    assert steps == [2000, 500]
    page = account_page(s, "P-0249", limit=10)
    assert page.total == 10 and page.book_size == 2500
    assert doctor_report(s).count("PENDING_LEVERAGE") == 2500


def test_a_holding_without_a_price_is_a_stored_diagnostic_the_doctor_reports(open_store, db_path):
    """MISSING_PRICE depends on the data, not the clock: it is stored with the summary, so the doctor lists it."""
    s = open_store()
    acc = {"id": "X-2", "type": "margin", "margin_enabled": True, "sleeves": [
        {"id": "X-2-APM", "kind": "apm", "cash": 1000.0, "positions": {"NOPX": 10}}]}
    import_book(s, book_with(acc), "alice")
    stored = raw_rows(db_path, "SELECT code, detail FROM account_diagnostics WHERE account_id = 'X-2'")
    codes = raw_rows(db_path, "SELECT diag_codes FROM accounts WHERE id = 'X-2'")[0][0]
    assert [c for c, _ in stored] == ["MISSING_PRICE"] and "NOPX" in stored[0][1]
    assert codes == "MISSING_PRICE"
    assert [f.account_id for f in doctor_report(s).findings["MISSING_PRICE"]] == ["X-2"]


def test_a_house_rate_below_25_percent_is_refused_unless_exempted(open_store, db_path):
    s = open_store()
    before = snapshot(db_path)
    acc = {"id": "X-3", "type": "margin", "margin_enabled": True, "house_maintenance": 0.20, "sleeves": [
        {"id": "X-3-APM", "kind": "apm", "cash": 1000.0}]}
    with pytest.raises(InvalidInput) as bad:
        import_book(s, book_with(acc), "alice")
    assert any(p.startswith("$.accounts[0].house_maintenance: ") and "FINRA" in p for p in bad.value.problems)
    assert snapshot(db_path) == before
    import_book(s, book_with(dict(acc, maintenance_exemption="custodian letter 2024-03")), "alice")
    assert account_detail(s, "X-3").account.house_maintenance == Decimal("0.2")


def test_a_book_whose_prices_moved_recomputes_the_accounts_already_stored(story_store):
    """Issue 12: importing a book rewrote the prices but not the summaries of the accounts already in the store."""
    data = story_data()
    data["accounts"] = [{"id": "A-7001", "type": "cash", "sleeves": [{"id": "A-7001-APM", "kind": "apm"}]}]
    data["prices"] = [dict(p, price=p["price"] * 0.3) if p["symbol"] == "QQQ" else p for p in data["prices"]]
    before = story_store.scalar("SELECT nav_cents FROM accounts WHERE id = 'A-1003'")
    import_book(story_store, data, "alice")
    assert summary_problems(story_store) == []
    # 40 QQQ at 120 instead of 400: NAV falls by 11,200.00.
    assert story_store.scalar("SELECT nav_cents FROM accounts WHERE id = 'A-1003'") == before - 1_120_000


def test_a_book_whose_model_moved_recomputes_the_accounts_following_it(story_store):
    """A model's new cash weight moves every follower's drift target: their summaries are recomputed on import."""
    data = story_data()
    data["accounts"] = [{"id": "A-7002", "type": "cash", "sleeves": [{"id": "A-7002-APM", "kind": "apm"}]}]
    core = next(m for m in data["models"] if m["id"] == "CORE6040")
    core["weights"], core["cash"] = {"SPY": 0.4, "AGG": 0.3}, 0.3
    import_book(story_store, data, "alice")
    assert summary_problems(story_store) == []
