"""Prices in (store/prices.py): a price file upserts its symbols and recomputes the touched accounts' summaries."""
from __future__ import annotations

from decimal import Decimal

import pytest

from store.book import import_book
from store.errors import InvalidInput
from store.mapping import load_prices
from store.prices import accounts_for_symbols, file_kind, load_prices_text
from store.queries.audit import audit_trail
from store.queries.doctor import doctor_report
from store.queries.integrity import summary_problems
from store.settings import Settings
from store.summary import refresh_accounts
from tests.conftest import fixed_clock
from tests.unit.conftest import book_with, snapshot, story_data

HEADER = "symbol,price,as_of\n"
# At 2x on CORE6040 (SPY 240 x 500 + AGG 800 x 100 = 200,000 long, 100,000 debit): a call below 142,857 LMV.
LEVERED = {"id": "A-2001", "name": "Levered", "custodian": "Schwab", "type": "margin", "margin_enabled": True,
           "house_maintenance": 0.30, "max_leverage": 2.0,
           "sleeves": [{"id": "A-2001-APM", "kind": "apm", "cash": 0.0, "positions": {}},
                       {"id": "A-2001-M1", "kind": "model", "model": "CORE6040", "leverage": 2.0,
                        "track_manager": True, "cash": -100000.0, "positions": {"SPY": 240, "AGG": 800}}]}
DROP = HEADER + "SPY,300,2026-11-21\nAGG,70,2026-11-21\n"


@pytest.fixture
def levered(open_store):
    store = open_store()
    data = book_with(LEVERED)
    data["accounts"] += story_data()["accounts"]
    import_book(store, data, "alice")
    return store


def codes(store, account_id: str) -> str:
    return store.scalar("SELECT diag_codes FROM accounts WHERE id = ?", [account_id])


def refused(store, text: str, kind: str = "csv", **options) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        load_prices_text(store, text, kind, "bob", **options)
    return raised.value.problems


def test_a_drop_into_margin_call_shows_in_the_summary_and_the_doctor_at_once(levered):
    assert "MARGIN_CALL" not in codes(levered, "A-2001")
    load = load_prices_text(levered, DROP, "csv", "bob")
    assert (load.changed, load.added) == (["SPY", "AGG"], [])
    assert "MARGIN_CALL" in codes(levered, "A-2001").split()
    assert levered.scalar("SELECT nav_cents FROM accounts WHERE id = 'A-2001'") == 2_800_000  # 128,000 - 100,000
    calls = doctor_report(levered).findings["MARGIN_CALL"]
    assert [f.account_id for f in calls] == ["A-2001"] and "call 10,400.00" in calls[0].detail
    assert summary_problems(levered) == []


def test_import_of_prices_alone_brings_the_doctor_up_to_date_too(levered):
    """The issue's first gap: a book import rewrote prices but not the summaries of the accounts already stored."""
    data = {"prices": [{"symbol": "SPY", "price": 300, "as_of": "2026-11-21"},
                       {"symbol": "AGG", "price": 70, "as_of": "2026-11-21"}]}
    import_book(levered, data, "alice")
    assert [f.account_id for f in doctor_report(levered).findings["MARGIN_CALL"]] == ["A-2001"]
    assert summary_problems(levered) == []


def test_every_bad_line_is_listed_and_nothing_is_written(levered, db_path):
    before = snapshot(db_path)
    text = ("symbol,price,as_of,colour\n"
            "SPY,-1,2026-11-21,red\n"          # 2: non-positive
            "AGG,nan,2026-11-21,red\n"         # 3: not finite
            "QQQ,400,2026-11-22,red\n"         # 4: in the future
            "OLDCO,100,2026-11-20,red\n"       # 5: a move of +900 %
            "NEW,inf,someday,red\n"            # 6: not finite, not a date
            "GOOD,10,2026-11-21,red\n"         # fine
            "GOOD,11,2026-11-21,red\n"         # 8: twice
            "XLF,40,2026-11-21\n")             # 9: a field short
    found = refused(levered, text)
    assert [p.split(":")[0] for p in found] == ["line 1", "line 2", "line 3", "line 4", "line 5", "line 6",
                                                "line 6", "line 8", "line 9"]
    assert "unknown column 'colour'" in found[0]
    assert "price must be a positive finite number, got '-1'" in found[1]
    assert "got 'nan'" in found[2]
    assert "as_of 2026-11-22 is in the future (today is 2026-11-21)" in found[3]
    assert "OLDCO moves +900.0% (10 to 100), beyond the ±50% band" in found[4] and "--accept-moves" in found[4]
    assert "already priced at line 7" in found[7]
    assert "expected 4 fields, got 3" in found[8]
    assert snapshot(db_path) == before


def test_optional_columns_are_checked_too(levered, db_path):
    before = snapshot(db_path)
    found = refused(levered, "symbol,price,as_of,marginable,maintenance,leverage_factor\n"
                             "SPY,500,2026-11-21,maybe,1.5,0\n")
    assert [p.split(": ", 1)[1].split(" must")[0] for p in found] == ["marginable", "maintenance", "leverage_factor"]
    assert snapshot(db_path) == before


def test_a_file_without_a_required_column_is_refused_whole(levered):
    with pytest.raises(InvalidInput, match="needs the columns") as raised:
        load_prices_text(levered, "symbol,price\nSPY,500\n", "csv", "bob")
    assert raised.value.problems == ["line 1: missing column 'as_of'"]


def test_a_big_move_loads_with_accept_moves(levered):
    text = HEADER + "SPY,200,2026-11-21\n"
    assert "SPY moves -60.0%" in refused(levered, text)[0]
    load = load_prices_text(levered, text, "csv", "bob", accept_moves=True)
    assert load.accepted_moves == ["SPY"] and load_prices(levered.conn)["SPY"].price == Decimal(200)
    assert "MARGIN_CALL" in codes(levered, "A-2001").split()
    assert summary_problems(levered) == []


def test_the_band_is_a_setting(open_store, db_path):
    store = open_store()
    store.settings = Settings(price_move_band=Decimal("0.10"))
    import_book(store, story_data(), "alice")
    assert "beyond the ±10% band" in refused(store, HEADER + "SPY,560,2026-11-21\n")[0]


def test_only_the_listed_symbols_change_and_new_ones_are_added(levered):
    before = load_prices(levered.conn)
    text = ("symbol,price,as_of,marginable,maintenance,leverage_factor\n"
            "SPY,510,2026-11-21,,,\nTQQQ,60,2026-11-21,no,,3\n")
    load = load_prices_text(levered, text, "csv", "bob")
    assert (load.changed, load.added) == (["SPY"], ["TQQQ"])
    after = load_prices(levered.conn)
    assert {s: after[s] for s in before if s != "SPY"} == {s: p for s, p in before.items() if s != "SPY"}
    assert after["SPY"].price == Decimal(510) and after["SPY"].marginable  # an empty cell keeps what is stored
    assert (after["TQQQ"].marginable, after["TQQQ"].leverage_factor) == (False, Decimal(3))
    assert summary_problems(levered) == []


def test_json_files_take_the_same_fields(levered):
    text = '[{"symbol": "SPY", "price": 300, "as_of": "2026-11-21"}, {"symbol": "AGG", "price": 70, ' \
           '"as_of": "2026-11-21", "marginable": true}]'
    load_prices_text(levered, text, "json", "bob")
    assert "MARGIN_CALL" in codes(levered, "A-2001").split()
    found = refused(levered, '[{"symbol": "SPY", "price": 0, "as_of": "2026-11-21", "colour": "red"}, 7]', "json")
    assert found[0].startswith("$[0]: unknown field(s) 'colour'") and found[1].startswith("$[1]: expected an object")


def test_the_file_kind_comes_from_its_extension():
    assert (file_kind("p.CSV"), file_kind("p.json")) == ("csv", "json")
    with pytest.raises(InvalidInput, match=r"\.csv or \.json"):
        file_kind("p.txt")


def test_holders_and_followers_are_found_by_index(levered):
    assert accounts_for_symbols(levered, ["SPY"]) == ["A-1001", "A-1002", "A-2001"]  # hold it, or follow CORE6040
    assert accounts_for_symbols(levered, ["OLDCO"]) == ["A-1003"]  # held, in no model
    assert accounts_for_symbols(levered, ["QQQ"]) == ["A-1003"]  # held and targeted by TACT
    assert accounts_for_symbols(levered, ["NOPE"]) == []


def test_a_new_date_alone_refreshes_no_account_and_one_audit_row_is_written(levered):
    load = load_prices_text(levered, HEADER + "SPY,500,2026-11-21\nAGG,100.0,2026-11-20\n", "csv", "bob",
                            source="p.csv")
    assert (load.changed, load.unchanged, load.accounts) == (["SPY"], ["AGG"], 0)
    row = audit_trail(levered)[0]
    assert (row.action, row.operator, row.account_id) == ("prices", "bob", None)
    assert row.detail == {"source": "p.csv", "rows": 2, "added": [], "changed": ["SPY"], "unchanged": 1,
                          "accepted_moves": [], "accounts_refreshed": 0}


def test_an_empty_file_is_refused(levered):
    with pytest.raises(InvalidInput, match="no prices"):
        load_prices_text(levered, HEADER, "csv", "bob")
    with pytest.raises(InvalidInput, match="empty"):
        load_prices_text(levered, "", "csv", "bob")
    assert fixed_clock().date().isoformat() == "2026-11-21"


def test_a_demo_book_repriced_by_big_moves_matches_a_fresh_computation(open_store):
    """The chunked refresh (load_accounts builds without re-validating) agrees with refresh_account everywhere."""
    from store.book import generate_demo

    store = open_store()
    generate_demo(store, 300, 3, "alice")
    rows = store.rows("SELECT symbol, price FROM prices ORDER BY symbol")
    text = HEADER + "".join(f"{r['symbol']},{Decimal(r['price']) * Decimal('0.45' if i % 2 else '1.6'):.2f},"
                            "2026-11-21\n" for i, r in enumerate(rows))
    load = load_prices_text(store, text, "csv", "alice", accept_moves=True)
    assert load.accounts == 300 and len(load.accepted_moves) == len(rows)
    assert summary_problems(store) == []
    ids = [r[0] for r in store.execute("SELECT id FROM accounts")]
    with store.transaction():
        store.execute("UPDATE accounts SET nav_cents = 0, diag_codes = ''")
        store.execute("DELETE FROM account_diagnostics")
        assert refresh_accounts(store.conn, ids, store.today(), store.calc_settings(), chunk=7) == 300
    assert summary_problems(store) == []
