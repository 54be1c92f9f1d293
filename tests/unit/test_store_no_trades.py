"""Issue 13 item 4: an ACR whose new target builds no order fails NO_TRADES, leverage stays pending, no loop."""
from __future__ import annotations

from decimal import Decimal

from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.book import import_book
from store.core import Store
from store.queries.detail import account_detail
from store.settings import Settings
from store.troubleshoot import troubleshoot
from tests.conftest import fixed_clock
from tests.unit.conftest import story_data


def test_a_rebalance_that_builds_nothing_fails_and_the_drift_fix_does_not_loop(tmp_path):
    # A-1001-M1 holds 100,000 cash, saved 1.50x, applied 1.00x. With a 100,000 minimum trade neither buy
    # (SPY 90,000, AGG 60,000) survives: the rebalance must not mark 1.50x applied with 0 orders.
    settings = Settings(db=tmp_path / "book.db", operator="alice", min_trade=Decimal(100000))
    with Store(settings.db, settings, fixed_clock) as store:
        import_book(store, story_data(), "seed")
        record = fire_acr(store, "A-1001-M1", "rebalance", "alice", acknowledged=set(ACK_IDS))
        assert (record.status, record.code, record.orders) == ("failed", "NO_TRADES", [])
        assert "smaller than the minimum trade" in record.reason and "(u puts it back)" in record.fix
        detail = account_detail(store, "A-1001")
        sleeve = detail.sleeve("A-1001-M1")
        assert (sleeve.saved, sleeve.applied) == (Decimal("1.5"), Decimal(1))  # still pending
        # DRIFT (all cash against an applied 1.00x) offers no rebalance: one would build nothing again.
        drift = next(d for d in detail.diagnostics if d.code == "DRIFT")
        assert drift.cause == "below-minimum" and "Rebalance" not in drift.fix
        found = troubleshoot(store, "A-1001", "nothing-happened")
        assert "(NO_TRADES)" in found.cause and found.action == "revert-target"
