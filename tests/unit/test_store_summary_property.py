"""Property: derived data is never stale. Any sequence of writes through the store services (import, prices,
reconcile, set-leverage, track manager, confirm-margin, an ACR of every kind, fills) leaves every account's
stored summary (NAV, highest saved and applied leverage, call distance, codes, diagnostic rows) equal to a
fresh computation: the comparison `doctor --integrity` makes."""
from __future__ import annotations

import copy
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from calc import ACK_IDS, ACR_KINDS
from store.acrs import fire_acr
from store.book import import_book
from store.core import Store
from store.errors import StoreError
from store.fills import simulate_fills
from store.prices import load_prices_text
from store.queries.audit import verify_chain
from store.queries.integrity import summary_problems
from store.reconcile import reconcile_text
from store.sleeves import confirm_custodian_margin, set_leverage, set_track_manager
from tests.conftest import fixed_clock
from tests.unit.conftest import story_data

SLEEVES = ("A-1001-M1", "A-1002-M1", "A-1003-M1")
ACCOUNTS = ("A-1001", "A-1002", "A-1003")
SYMBOLS = ("SPY", "AGG", "QQQ", "OLDCO")
ALL = frozenset(ACK_IDS)


def extra_account(n: int) -> dict:
    """A levered account to import mid-sequence (its ids new each time)."""
    return {"id": f"B-{n}", "type": "margin", "margin_enabled": True, "house_maintenance": 0.3, "max_leverage": 2.0,
            "sleeves": [{"id": f"B-{n}-APM", "kind": "apm", "cash": 100.0},
                        {"id": f"B-{n}-M1", "kind": "model", "model": "CORE6040", "leverage": 2.0,
                         "cash": -40000.0, "positions": {"SPY": 96, "AGG": 320}}]}


writes = st.one_of(
    st.tuples(st.just("leverage"), st.sampled_from(SLEEVES),
              st.sampled_from(["1.0", "1.25", "1.5", "1.75", "2.0"])),
    st.tuples(st.just("track"), st.sampled_from(SLEEVES), st.booleans()),
    st.tuples(st.just("fire"), st.sampled_from(SLEEVES), st.sampled_from(ACR_KINDS)),
    st.tuples(st.just("fill"), st.integers(0, 5), st.none()),
    st.tuples(st.just("margin"), st.sampled_from(ACCOUNTS), st.booleans()),
    st.tuples(st.just("price"), st.sampled_from(SYMBOLS), st.sampled_from(["0.3", "0.8", "1.1", "1.4", "2.5"])),
    st.tuples(st.just("reconcile"), st.sampled_from(ACCOUNTS), st.integers(-3, 3)),
    st.tuples(st.just("import"), st.none(), st.none()),
)


def apply(store: Store, write: tuple[str, object, object], n: int) -> None:
    what, target, value = write
    if what == "leverage":
        set_leverage(store, str(target), Decimal(str(value)), "alice")
    elif what == "track":
        set_track_manager(store, str(target), bool(value), "alice")
    elif what == "fire":
        amount = Decimal(2500) if value in ("deposit", "withdrawal", "allocation", "liquidation") else Decimal(0)
        fire_acr(store, str(target), str(value), "alice", amount, acknowledged=ALL, request_key=f"prop-{n}")
    elif what == "fill":
        built = [r[0] for r in store.execute("SELECT id FROM acrs WHERE status = 'built' ORDER BY id")]
        if built:
            simulate_fills(store, built[int(target) % len(built)], "alice")
    elif what == "margin":
        confirm_custodian_margin(store, str(target), bool(value), "alice")
    elif what == "price":
        old = Decimal(store.scalar("SELECT price FROM prices WHERE symbol = ?", [target]))
        load_prices_text(store, f"symbol,price,as_of\n{target},{old * Decimal(str(value)):.2f},2026-11-21\n",
                         "csv", "alice", accept_moves=True)
    elif what == "reconcile":
        # The custodian's view of the account's sleeves, off by `value` shares of its first symbol.
        held: dict[str, Decimal] = {}
        for symbol, quantity in store.execute(
                "SELECT p.symbol, p.quantity FROM positions p JOIN sleeves s ON s.id = p.sleeve_id "
                "WHERE s.account_id = ? ORDER BY p.symbol", [target]):
            held[symbol] = held.get(symbol, Decimal(0)) + Decimal(quantity)
        if held:
            first = next(iter(held))
            held[first] = max(Decimal(0), held[first] + int(value))  # type: ignore[call-overload]
        cash = Decimal(store.scalar("SELECT sum(cash_cents) FROM sleeves WHERE account_id = ?", [target])) / 100
        lines = "".join(f"{target},{symbol},{quantity}\n" for symbol, quantity in held.items())
        reconcile_text(store, f"account_id,symbol,quantity\n{lines}{target},CASH,{cash}\n", "alice")
    else:
        data = copy.deepcopy(story_data())
        data["accounts"] = [extra_account(n)]
        import_book(store, data, "alice")


@settings(max_examples=30, deadline=None)
@given(st.lists(writes, min_size=1, max_size=10))
def test_stored_summaries_always_equal_a_fresh_computation(sequence):
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "book.db", clock=fixed_clock) as store:
        import_book(store, story_data(), "alice")
        for n, write in enumerate(sequence):
            try:
                apply(store, write, n)
            except StoreError:
                pass  # a refused write writes nothing; the summaries must still hold
            assert summary_problems(store) == [], (n, write)
        assert verify_chain(store).ok
