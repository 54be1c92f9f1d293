"""Fills through the store: simulated and imported (CSV, all or nothing); holdings and cash move by qty x price."""
from __future__ import annotations

from decimal import Decimal

import pytest

from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.book import import_book
from store.errors import InvalidInput, NotFound, Refused
from store.fills import apply_fills_csv, simulate_fills
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from tests.unit.conftest import book_with, count, snapshot

ALL = set(ACK_IDS)
HEADER = "order_id,status,filled_quantity,fill_price,reason\n"


@pytest.fixture
def built(story_store):
    """The story's one-dollar ACR on A-1001-M1: order ids by symbol (AGG 600, SPY 180 buys)."""
    acr = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
    return acr, {o.symbol: o.id for o in acr.orders}


def m1(store):
    return account_detail(store, "A-1001").sleeve("A-1001-M1")


def test_simulated_fills_complete_the_acr_at_order_prices(story_store, built):
    acr, _ = built
    done = simulate_fills(story_store, acr.id, "bob")
    assert done.status == "complete"
    assert all(o.status == "filled" and o.filled_quantity == o.quantity and o.fill_price == o.price
               for o in done.orders)
    sleeve = m1(story_store)
    assert sleeve.positions == {"SPY": Decimal(180), "AGG": Decimal(600)}
    assert sleeve.cash == Decimal(-49999)
    trail = audit_trail(story_store, "A-1001")[0]
    assert (trail.action, trail.operator, trail.detail["status"], trail.detail["simulated"]) == (
        "fills", "bob", "complete", 2)
    with pytest.raises(Refused, match="no open orders"):
        simulate_fills(story_store, acr.id, "bob")


def test_simulating_a_failed_or_unknown_acr_is_refused(story_store, db_path):
    failed = fire_acr(story_store, "A-1002-M1", "one-dollar", "alice", acknowledged=ALL)
    before = snapshot(db_path)
    with pytest.raises(Refused, match="MARGIN_NOT_ENABLED"):
        simulate_fills(story_store, failed.id, "alice")
    with pytest.raises(NotFound):
        simulate_fills(story_store, 999, "alice")
    assert snapshot(db_path) == before


def test_csv_all_filled_completes(story_store, built):
    acr, ids = built
    text = HEADER + f"{ids['AGG']},filled,600,100.25,\n{ids['SPY']},filled,180,499.5,\n"
    [done] = apply_fills_csv(story_store, text, "alice")
    assert done.id == acr.id and done.status == "complete"
    sleeve = m1(story_store)
    assert sleeve.positions == {"SPY": Decimal(180), "AGG": Decimal(600)}
    assert sleeve.cash == Decimal(100001) - Decimal(600) * Decimal("100.25") - Decimal(180) * Decimal("499.5")
    by_symbol = {o.symbol: o for o in done.orders}
    assert by_symbol["AGG"].fill_price == Decimal("100.25") and by_symbol["SPY"].filled_quantity == 180


def test_csv_partial_fill_makes_complete_with_errors(story_store, built):
    _, ids = built
    text = HEADER + f"{ids['AGG']},filled,600,100,\n{ids['SPY']},partially_filled,100,499,\n"
    [done] = apply_fills_csv(story_store, text, "alice")
    assert done.status == "complete_with_errors"
    spy = next(o for o in done.orders if o.symbol == "SPY")
    assert (spy.status, spy.filled_quantity, spy.fill_price) == ("partially_filled", Decimal(100), Decimal(499))
    sleeve = m1(story_store)
    assert sleeve.positions == {"SPY": Decimal(100), "AGG": Decimal(600)}
    assert sleeve.cash == Decimal(100001) - 600 * 100 - 100 * 499 == Decimal(-9899)


def test_csv_rejected_order_keeps_its_reason_and_moves_nothing(story_store, built):
    _, ids = built
    text = (HEADER + f"{ids['AGG']},filled,600,100,\n"
            f"{ids['SPY']},rejected,0,,insufficient buying power\n")
    [done] = apply_fills_csv(story_store, text, "alice")
    assert done.status == "complete_with_errors"
    spy = next(o for o in done.orders if o.symbol == "SPY")
    assert (spy.status, spy.reason, spy.fill_price, spy.filled_quantity) == (
        "rejected", "insufficient buying power", None, Decimal(0))
    sleeve = m1(story_store)
    assert sleeve.positions == {"AGG": Decimal(600)}
    assert sleeve.cash == Decimal(100001 - 60000)


def test_csv_with_open_orders_left_is_submitted(story_store, built):
    _, ids = built
    [done] = apply_fills_csv(story_store, HEADER + f"{ids['AGG']},filled,600,100,\n", "alice")
    assert done.status == "submitted"
    [done] = apply_fills_csv(story_store, HEADER + f"{ids['SPY']},cancelled,0,,\n", "alice")
    assert done.status == "complete_with_errors"


def test_csv_without_reason_column_and_with_whitespace(story_store, built):
    _, ids = built
    text = "order_id,status,filled_quantity,fill_price\n" + f"{ids['AGG']}, filled ,600,100\n"
    [done] = apply_fills_csv(story_store, text, "alice")
    assert next(o for o in done.orders if o.symbol == "AGG").status == "filled"


def test_sell_fills_raise_cash(open_store):
    s = open_store()
    acc = {"id": "S-1", "type": "margin", "margin_enabled": True, "sleeves": [
        {"id": "S-1-APM", "kind": "apm", "cash": 100.0},
        {"id": "S-1-M1", "kind": "model", "model": "CORE6040", "leverage": 1.0, "cash": 0.0,
         "positions": {"SPY": 200}}]}
    import_book(s, book_with(acc), "alice")
    acr = fire_acr(s, "S-1-M1", "rebalance", "alice", acknowledged=ALL)
    assert [(o.side, o.symbol, o.quantity) for o in acr.orders] == [("sell", "SPY", Decimal(80)),
                                                                    ("buy", "AGG", Decimal(400))]
    sell, buy = acr.orders
    apply_fills_csv(s, HEADER + f"{sell.id},filled,80,510,\n{buy.id},filled,400,100,\n", "alice")
    sleeve = account_detail(s, "S-1").sleeve("S-1-M1")
    assert sleeve.positions == {"SPY": Decimal(120), "AGG": Decimal(400)}
    assert sleeve.cash == Decimal(80 * 510 - 400 * 100) == Decimal(800)


@pytest.mark.parametrize("rows, problem", [
    ("{AGG},filled,600,100,\n999,filled,1,1,\n", "line 3: no order 999"),
    ("{AGG},filled,600,100,\n{SPY},partially_filled,181,500,\n", "line 3: filled_quantity must be 0 to 180"),
    ("{AGG},filled,600,100,\n{SPY},filled,179,500,\n", "line 3: a filled order fills its whole quantity 180"),
    ("{AGG},filled,600,100,\n{SPY},done,180,500,\n", "line 3: status must be one of"),
    ("{AGG},filled,600,100,\n{AGG},filled,600,100,\n", "line 3: order {AGG} appears twice"),
    ("{AGG},filled,600,100,\n{SPY},filled,180,0,\n", "line 3: fill_price must be positive"),
    ("{AGG},filled,600,100,\nx,filled,180,500,\n", "line 3: order_id, filled_quantity and fill_price must be numbers"),
    ("{AGG},filled,600,100,\n{SPY},partially_filled,-1,500,\n", "line 3: filled_quantity must be 0 to 180"),
])
def test_csv_with_one_bad_row_applies_nothing(story_store, built, db_path, rows, problem):
    _, ids = built
    before = snapshot(db_path)
    text = HEADER + rows.format(AGG=ids["AGG"], SPY=ids["SPY"])
    with pytest.raises(InvalidInput, match="nothing was applied") as bad:
        apply_fills_csv(story_store, text, "alice")
    assert any(p.startswith(problem.format(AGG=ids["AGG"])) for p in bad.value.problems), bad.value.problems
    assert snapshot(db_path) == before


def test_csv_lists_every_bad_row(story_store, built, db_path):
    _, ids = built
    before = snapshot(db_path)
    text = HEADER + f"998,filled,1,1,\n{ids['AGG']},filled,600,100,\n{ids['SPY']},filled,999,500,\n997,filled,1,1,\n"
    with pytest.raises(InvalidInput, match="3 problem") as bad:
        apply_fills_csv(story_store, text, "alice")
    assert [p.split(":")[0] for p in bad.value.problems] == ["line 2", "line 4", "line 5"]
    assert snapshot(db_path) == before


def test_csv_already_filled_order_is_refused(story_store, built, db_path):
    acr, ids = built
    simulate_fills(story_store, acr.id, "alice")
    before = snapshot(db_path)
    with pytest.raises(InvalidInput) as bad:
        apply_fills_csv(story_store, HEADER + f"{ids['AGG']},filled,600,100,\n", "alice")
    assert "already filled" in bad.value.problems[0]
    assert snapshot(db_path) == before


@pytest.mark.parametrize("text, message", [
    ("order_id,status\n1,filled\n", "needs the columns"),
    ("", "needs the columns"),
    (HEADER, "no rows"),
])
def test_csv_shape_errors(story_store, built, db_path, text, message):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match=message):
        apply_fills_csv(story_store, text, "alice")
    assert snapshot(db_path) == before
    assert count(db_path, "orders") == 2


def test_csv_short_row_is_a_located_problem(story_store, built, db_path):
    """A truncated line (fewer fields than the header) must be reported by line, not crash."""
    _, ids = built
    before = snapshot(db_path)
    with pytest.raises(InvalidInput) as bad:
        apply_fills_csv(story_store, HEADER + f"{ids['AGG']},filled,600,100,\n{ids['SPY']}\n", "alice")
    assert any(p.startswith("line 3") for p in bad.value.problems), bad.value.problems
    assert snapshot(db_path) == before


# -- issue 11.4: rows that contradict themselves, prices far from the order's, malformed lines ----------


@pytest.mark.parametrize("rows, problems", [
    ("{AGG},cancelled,600,0,\n{SPY},rejected,180,-1000,\n",
     ["line 2: a cancelled order fills nothing: filled_quantity must be 0",
      "line 3: a rejected order fills nothing: filled_quantity must be 0"]),
    ("{AGG},filled,600,100,\n{SPY},rejected,0,-1000,\n", ["line 3: fill_price must be positive"]),
    ("{AGG},filled,600,-100,\n", ["line 2: fill_price must be positive"]),
    ("{AGG},filled,600,150.01,\n{SPY},partially_filled,10,249.99,\n",
     ["line 2: fill_price 150.01 is not within 50% of the order price 100.00: 50.00 to 150.00",
      "line 3: fill_price 249.99 is not within 50% of the order price 500.00: 250.00 to 750.00"]),
    ("{AGG},filled,600,100,\"unterminated\n{SPY},filled,180,500,\n",
     ["line 2: an unterminated quote runs to the end of the file"]),
    ("{AGG},filled,600,100,,extra\n{SPY},filled,180,500,\n", ["line 2: expected 5 fields, got 6"]),
    ("{AGG},filled,600,100,\n{SPY},filled,180\n", ["line 3: expected 5 fields, got 3"]),
])
def test_contradictory_or_malformed_rows_apply_nothing(story_store, built, db_path, rows, problems):
    _, ids = built
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match="nothing was applied") as bad:
        apply_fills_csv(story_store, HEADER + rows.format(AGG=ids["AGG"], SPY=ids["SPY"]), "alice")
    assert bad.value.problems == problems
    assert snapshot(db_path) == before


def test_fill_prices_at_the_band_edges_apply(story_store, built):
    _, ids = built
    [done] = apply_fills_csv(story_store, HEADER + f"{ids['AGG']},filled,600,150,\n{ids['SPY']},filled,180,250,\n",
                             "alice")
    assert done.status == "complete"


def test_the_fill_price_band_is_a_setting(story_store, built, db_path):
    _, ids = built
    story_store.settings = story_store.settings.replace(fill_price_band=Decimal("0.10"))
    before = snapshot(db_path)
    with pytest.raises(InvalidInput) as bad:
        apply_fills_csv(story_store, HEADER + f"{ids['AGG']},filled,600,111,\n", "alice")
    assert bad.value.problems == ["line 2: fill_price 111 is not within 10% of the order price 100.00: 90.00 to 110.00"]
    assert snapshot(db_path) == before
    [done] = apply_fills_csv(story_store, HEADER + f"{ids['AGG']},filled,600,110,\n", "alice")
    assert done.status == "submitted"
