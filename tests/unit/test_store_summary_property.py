"""Property: derived data is never stale. Any sequence of writes through the store services (import, prices,
reconcile, set-leverage, track manager, confirm-margin, an ACR of every kind, the batch rebalance, fills, the
four-eyes policy and every lifecycle transition: approve, reject, submit, cancel, expire, resubmit) leaves every account's
stored summary (NAV, highest saved and applied leverage, call distance, codes, diagnostic rows) equal to a
fresh computation: the comparison `doctor --integrity` makes."""
from __future__ import annotations

import copy
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from calc import ACK_IDS, ACR_KINDS
from calc.approvals import Actor
from store.acrs import fire_acr
from store.approvals import BuildChanged, approve_acr, reject_acr
from store.batch import rebalance_all_pending
from store.book import import_book
from store.core import Store
from store.errors import StoreError
from store.fills import apply_fills_csv, simulate_fills
from store.lifecycle import cancel_acr, expire_acrs, resubmit_acr, submit_acr
from store.operators import set_policy
from store.prices import load_prices_text
from store.queries.audit import verify_chain
from store.queries.integrity import summary_problems
from store.reconcile import reconcile_text
from store.sleeves import confirm_custodian_margin, set_leverage, set_track_manager
from tests.conftest import FIXED_NOW
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


def fires() -> st.SearchStrategy:
    # The story's only margin-ready sleeve is drawn most: the others' ACRs fail at the checklist, and wait for nobody.
    return st.tuples(st.just("fire"), st.sampled_from(SLEEVES[:1] * 4 + SLEEVES[1:]), st.sampled_from(ACR_KINDS))


def transitions() -> st.SearchStrategy:
    return st.tuples(st.sampled_from(["approve", "reject", "submit", "cancel", "resubmit", "reject-fills"]),
                     st.integers(0, 5), st.none())


# Fires and transitions are drawn more often than the rest (distinct strategy objects: one_of merges equal ones),
# so most sequences walk ACRs through the lifecycle.
writes = st.one_of(
    fires(), fires(), fires(), transitions(), transitions(), transitions(),
    st.tuples(st.just("leverage"), st.sampled_from(SLEEVES),
              st.sampled_from(["1.0", "1.25", "1.5", "1.75", "2.0"])),
    st.tuples(st.just("track"), st.sampled_from(SLEEVES), st.booleans()),
    st.tuples(st.just("fill"), st.integers(0, 5), st.none()),
    st.tuples(st.just("margin"), st.sampled_from(ACCOUNTS), st.booleans()),
    st.tuples(st.just("price"), st.sampled_from(SYMBOLS), st.sampled_from(["0.3", "0.8", "1.1", "1.4", "2.5"])),
    st.tuples(st.just("reconcile"), st.sampled_from(ACCOUNTS), st.integers(-3, 3)),
    st.tuples(st.just("import"), st.none(), st.none()),
    st.tuples(st.just("policy"), st.none(), st.sampled_from([None, "1.25", "1.75"])),
    st.tuples(st.just("expire"), st.none(), st.none()),
    st.tuples(st.just("batch"), st.none(), st.none()),  # acr --all-pending: a chunk's rows written together
)
# Which statuses each transition picks its ACR from (a pick outside them is refused, and must write nothing).
PICK = {"approve": ("awaiting_approval",), "reject": ("awaiting_approval",), "submit": ("built",),
        "cancel": ("awaiting_approval", "built"), "resubmit": ("failed", "expired", "cancelled"),
        "reject-fills": ("built", "submitted")}
BOB = Actor("bob", "bob", None, open_book=True)  # the second pair of eyes (alice requests everything)


class Clock:
    """Twenty minutes pass per write, so an expiry has ACRs from before its cutoff."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


def lifecycle(store: Store, what: str, target: object, value: object, n: int) -> None:
    if what == "policy":
        set_policy(store, BOB, Decimal(str(value)) if value else None, None, False, False)
        return
    if what == "expire":
        expire_acrs(store, (store.clock() - timedelta(minutes=10)).isoformat(), "cron")
        return
    ids = [r[0] for r in store.execute(
        f"SELECT id FROM acrs WHERE status IN ({', '.join('?' * len(PICK[what]))}) ORDER BY id", PICK[what])]
    if not ids:
        return
    acr_id = ids[int(target) % len(ids)]  # type: ignore[call-overload]
    if what == "approve":
        try:
            approve_acr(store, acr_id, BOB)
        except BuildChanged as changed:
            approve_acr(store, acr_id, BOB, confirm=changed.digest)
    elif what == "reject":
        reject_acr(store, acr_id, BOB, "no")
    elif what == "submit":
        submit_acr(store, acr_id, "alice")
    elif what == "cancel":
        cancel_acr(store, acr_id, "alice")
    elif what == "resubmit":
        resubmit_acr(store, acr_id, "alice", ALL)
    else:
        lines = "".join(f"{o[0]},rejected,0,\n" for o in store.execute(
            "SELECT id FROM orders WHERE acr_id = ? AND status = 'new'", [acr_id]))
        apply_fills_csv(store, "order_id,status,filled_quantity,fill_price\n" + lines, "alice")


def apply(store: Store, write: tuple[str, object, object], n: int) -> None:
    what, target, value = write
    if what in PICK or what in ("policy", "expire"):
        lifecycle(store, what, target, value, n)
    elif what == "leverage":
        set_leverage(store, str(target), Decimal(str(value)), "alice")
    elif what == "track":
        set_track_manager(store, str(target), bool(value), "alice")
    elif what == "fire":
        amount = Decimal(2500) if value in ("deposit", "withdrawal", "allocation", "liquidation") else Decimal(0)
        fire_acr(store, str(target), str(value), "alice", amount, acknowledged=ALL, request_key=f"prop-{n}")
    elif what == "batch":
        rebalance_all_pending(store, "alice", ALL)
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


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([None, "1.25", "1.75"]), st.lists(writes, min_size=1, max_size=12))
def test_stored_summaries_always_equal_a_fresh_computation(policy, sequence):
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "book.db", clock=clock) as store:
        import_book(store, story_data(), "alice")
        lifecycle(store, "policy", None, policy, -1)  # most books start with a four-eyes rule: ACRs queue
        for n, write in enumerate(sequence):
            clock.now = FIXED_NOW + timedelta(minutes=20 * n)
            try:
                apply(store, write, n)
            except StoreError:
                pass  # a refused write writes nothing; the summaries must still hold
            assert summary_problems(store) == [], (n, write)
        assert verify_chain(store).ok
