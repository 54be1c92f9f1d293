"""A request key names one intent (DOMAIN, trade build step 5): same sleeve, kind and amount replay; else refused."""
from __future__ import annotations

from decimal import Decimal

import pytest

from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.errors import InvalidInput, KeyReused
from tests.unit.conftest import count, snapshot

ALL = set(ACK_IDS)


@pytest.mark.parametrize("sleeve_id, kind, amount, first_intent", [
    ("A-1002-M1", "deposit", Decimal(500), "the one-dollar ACR 1 on A-1001-M1"),
    ("A-1001-M1", "rebalance", Decimal(0), "the one-dollar ACR 1 on A-1001-M1"),
    ("A-1001-M1", "deposit", Decimal(500), "the one-dollar ACR 1 on A-1001-M1"),
])
def test_a_request_key_reused_for_another_intent_is_refused(story_store, db_path, sleeve_id, kind, amount,
                                                            first_intent):
    first = fire_acr(story_store, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL, request_key="K1")
    before = snapshot(db_path)
    with pytest.raises(KeyReused) as refused:
        fire_acr(story_store, sleeve_id, kind, "alice", amount, acknowledged=ALL, request_key="K1")
    assert str(refused.value) == f"request key K1 was used for {first_intent}; use a new key"
    assert first.id == 1
    assert isinstance(refused.value, InvalidInput)
    assert snapshot(db_path) == before


def test_a_request_key_reused_with_another_amount_is_refused(story_store, db_path):
    fire_acr(story_store, "A-1001-M1", "deposit", "alice", Decimal(500), acknowledged=ALL, request_key="K2")
    before = snapshot(db_path)
    with pytest.raises(KeyReused, match=r"request key K2 was used for the deposit ACR 1 of \$500\.00 on A-1001-M1; use a new key"):
        fire_acr(story_store, "A-1001-M1", "deposit", "alice", Decimal(600), acknowledged=ALL, request_key="K2")
    assert snapshot(db_path) == before


def test_the_same_intent_replays_whatever_the_amount_is_spelled(story_store, db_path):
    first = fire_acr(story_store, "A-1001-M1", "deposit", "alice", Decimal(500), acknowledged=ALL, request_key="K3")
    again = fire_acr(story_store, "A-1001-M1", "deposit", "bob", Decimal("500.00"), acknowledged=ALL,
                     request_key="K3")
    assert again.id == first.id and again.replayed is True
    assert count(db_path, "acrs") == 1
