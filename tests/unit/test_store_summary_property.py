"""Property: derived data is never stale. Any sequence of writes through the store services leaves every
account's stored summary equal to a fresh computation (the comparison `doctor --integrity` makes)."""
from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from calc import ACK_IDS
from store.acrs import fire_acr
from store.book import import_book
from store.core import Store
from store.errors import StoreError
from store.fills import simulate_fills
from store.queries.audit import verify_chain
from store.queries.integrity import summary_problems
from store.sleeves import confirm_custodian_margin, set_leverage, set_track_manager
from tests.conftest import fixed_clock
from tests.unit.conftest import story_data

SLEEVES = ("A-1001-M1", "A-1002-M1", "A-1003-M1")
ACCOUNTS = ("A-1001", "A-1002", "A-1003")
ALL = frozenset(ACK_IDS)

writes = st.one_of(
    st.tuples(st.just("leverage"), st.sampled_from(SLEEVES),
              st.sampled_from(["1.0", "1.25", "1.5", "1.75", "2.0"])),
    st.tuples(st.just("track"), st.sampled_from(SLEEVES), st.booleans()),
    st.tuples(st.just("fire"), st.sampled_from(SLEEVES), st.sampled_from(["one-dollar", "deposit", "rebalance"])),
    st.tuples(st.just("fill"), st.integers(0, 5), st.none()),
    st.tuples(st.just("margin"), st.sampled_from(ACCOUNTS), st.booleans()),
)


def apply(store: Store, write: tuple[str, object, object], n: int) -> None:
    what, target, value = write
    if what == "leverage":
        set_leverage(store, str(target), Decimal(str(value)), "alice")
    elif what == "track":
        set_track_manager(store, str(target), bool(value), "alice")
    elif what == "fire":
        amount = Decimal(2500) if value == "deposit" else Decimal(0)
        fire_acr(store, str(target), str(value), "alice", amount, acknowledged=ALL, request_key=f"prop-{n}")
    elif what == "fill":
        built = [r[0] for r in store.execute("SELECT id FROM acrs WHERE status = 'built' ORDER BY id")]
        if built:
            simulate_fills(store, built[int(target) % len(built)], "alice")
    else:
        confirm_custodian_margin(store, str(target), bool(value), "alice")


@settings(max_examples=25, deadline=None)
@given(st.lists(writes, min_size=1, max_size=8))
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
