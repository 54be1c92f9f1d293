"""What the operator confirms is what happens: a fire carries what was reviewed and is refused when it moved."""
from __future__ import annotations

from decimal import Decimal

import pytest

from calc.checklist import ACK_IDS
from store.acrs import fire_acr, preview_acr
from store.errors import Conflict
from store.queries.orders import list_acrs
from store.sleeves import confirm_custodian_margin, set_leverage, set_track_manager
from tests.unit.conftest import snapshot

ALL = set(ACK_IDS)
SLEEVE = "A-1001-M1"


def test_the_preview_carries_the_versions_and_digest_the_operator_saw(story_store):
    preview = preview_acr(story_store, SLEEVE, "one-dollar")
    again = preview_acr(story_store, SLEEVE, "one-dollar")
    assert preview.reviewed == again.reviewed
    assert preview.reviewed.sleeve_version >= 1 and preview.reviewed.account_version >= 1
    record = fire_acr(story_store, SLEEVE, "one-dollar", "alice", acknowledged=ALL, request_key="k",
                      reviewed=preview.reviewed)
    assert record.status == "built" and record.leverage == preview.build.leverage


def test_a_fire_after_another_operator_saved_a_new_target_is_refused_with_who_and_what(story_store, db_path):
    """The issue's story: reviewed at 1.50x, bob saves 2.0 meanwhile, the confirm must not build at 2.00x."""
    reviewed = preview_acr(story_store, SLEEVE, "one-dollar").reviewed
    set_leverage(story_store, SLEEVE, Decimal("2.0"), "bob")
    before = snapshot(db_path)
    with pytest.raises(Conflict) as refused:
        fire_acr(story_store, SLEEVE, "one-dollar", "alice", acknowledged=ALL, request_key="k", reviewed=reviewed)
    text = str(refused.value)
    assert text.startswith(f"{SLEEVE} changed since you reviewed it: saved 2.00x")
    assert "changed by bob at" in text and "review again" in text
    assert snapshot(db_path) == before and list_acrs(story_store) == []


def test_a_fire_after_the_toggle_moved_is_refused(story_store, db_path):
    reviewed = preview_acr(story_store, SLEEVE, "one-dollar").reviewed
    set_track_manager(story_store, SLEEVE, False, "bob")
    with pytest.raises(Conflict, match="track manager OFF · changed by bob"):
        fire_acr(story_store, SLEEVE, "one-dollar", "alice", acknowledged=ALL, request_key="k", reviewed=reviewed)


def test_a_fire_after_the_account_changed_is_refused(story_store, db_path):
    reviewed = preview_acr(story_store, SLEEVE, "one-dollar").reviewed
    confirm_custodian_margin(story_store, "A-1001", True, "bob", "re-confirmed")
    with pytest.raises(Conflict, match=r"account A-1001 changed since you reviewed it: margin enabled by bob"):
        fire_acr(story_store, SLEEVE, "one-dollar", "alice", acknowledged=ALL, request_key="k", reviewed=reviewed)


def test_a_fire_after_a_price_moved_is_refused_though_no_version_changed(story_store, db_path):
    """Prices change no sleeve or account version: the build's digest catches them."""
    reviewed = preview_acr(story_store, SLEEVE, "one-dollar").reviewed
    story_store.execute("UPDATE prices SET price = '250' WHERE symbol = 'SPY'")
    before = snapshot(db_path)
    with pytest.raises(Conflict, match="would now build differently .*prices or holdings moved"):
        fire_acr(story_store, SLEEVE, "one-dollar", "alice", acknowledged=ALL, request_key="k", reviewed=reviewed)
    assert snapshot(db_path) == before
