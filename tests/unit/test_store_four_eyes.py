"""Four eyes through the store: identity and roles, the policy, the approval queue, and two approvers at once."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from calc.approvals import Actor
from calc.checklist import ACK_IDS
from store.acrs import fire_acr
from store.approvals import BuildChanged, _decide, approve_acr, awaiting_approval, reject_acr
from store.batch import rebalance_all_pending
from store.core import Store
from store.errors import Conflict, InvalidInput, NotFound, Refused
from store.fills import simulate_fills
from store.operators import (
    add_operator,
    disable_operator,
    get_policy,
    list_operators,
    resolve_actor,
    set_policy,
)
from store.prices import load_prices_text
from store.queries.audit import audit_trail
from store.queries.integrity import integrity_report
from store.sleeves import confirm_custodian_margin
from tests.conftest import fixed_clock
from tests.unit.conftest import snapshot

ALL = frozenset(ACK_IDS)
OPEN = Actor("setup", "setup", None, open_book=True)


def staffed(store: Store) -> dict[str, Actor]:
    """ada (admin), oscar (operator), petra and quinn (approvers), vic (viewer); each resolved by login."""
    add_operator(store, OPEN, "ada", "admin")
    ada = resolve_actor(store, "ada")
    for name, role in (("oscar", "operator"), ("petra", "approver"), ("quinn", "approver"), ("vic", "viewer")):
        add_operator(store, ada, name, role)
    return {n: resolve_actor(store, n) for n in ("ada", "oscar", "petra", "quinn", "vic")}


@pytest.fixture
def people(story_store) -> dict[str, Actor]:
    return staffed(story_store)


@pytest.fixture
def queued(story_store, people):
    """A leverage rule at 1.25x and oscar's one-dollar ACR at 1.5x waiting on it."""
    set_policy(story_store, people["ada"], Decimal("1.25"), None, False, False)
    oscar = people["oscar"]
    return fire_acr(story_store, "A-1001-M1", "one-dollar", oscar.recorded, acknowledged=ALL, requesters=oscar.people)


def sleeve(store: Store, sleeve_id: str) -> tuple[str, str, int]:
    row = store.rows("SELECT applied_leverage, cash_cents, version FROM sleeves WHERE id = ?", [sleeve_id])[0]
    return row["applied_leverage"], row["cash_cents"], row["version"]


# -- identity and roles -----------------------------------------------------------------------------------------

def test_a_book_without_operators_takes_the_claimed_name(story_store):
    actor = resolve_actor(story_store, "root", "alice")
    assert actor.open_book and actor.name == "alice" and actor.recorded == "alice" and actor.may("admin")


def test_with_operators_the_login_is_the_identity_and_a_claim_needs_an_admin(story_store, people):
    assert resolve_actor(story_store, "oscar", "oscar").name == "oscar"
    with pytest.raises(Refused, match="only an admin may act for another operator: oscar claimed to be petra"):
        resolve_actor(story_store, "oscar", "petra")
    acting = resolve_actor(story_store, "ada", "oscar")
    assert acting.acting_for and acting.role == "operator"
    assert acting.recorded == "ada (admin for oscar)" and acting.people == ("oscar", "ada")
    with pytest.raises(Refused, match="mallory is not an active operator"):
        resolve_actor(story_store, "ada", "mallory")
    stranger = resolve_actor(story_store, "mallory")
    assert stranger.role is None and not stranger.may("viewer")
    assert "mallory is not an operator of this book" in (stranger.refusal("operator", "`acr`") or "")


def test_the_first_operator_must_be_an_admin_and_only_admins_manage(story_store, db_path):
    before = snapshot(db_path)
    with pytest.raises(Refused, match="the first operator of a book must be an admin"):
        add_operator(story_store, OPEN, "oscar", "operator")
    assert snapshot(db_path) == before
    people = staffed(story_store)
    with pytest.raises(Refused, match="managing operators needs the admin role; petra is a approver"):
        add_operator(story_store, people["petra"], "zed", "admin")
    with pytest.raises(InvalidInput, match="unknown role"):
        add_operator(story_store, people["ada"], "zed", "boss")
    with pytest.raises(InvalidInput, match="blank"):
        add_operator(story_store, people["ada"], " ", "viewer")


def test_disable_and_role_changes_are_audited_and_the_last_admin_stays(story_store, people):
    ada = people["ada"]
    with pytest.raises(Refused, match="ada is the book's last active admin"):
        disable_operator(story_store, ada, "ada")
    with pytest.raises(Refused, match="last active admin"):
        add_operator(story_store, ada, "ada", "viewer")
    assert disable_operator(story_store, ada, "oscar").active is False
    with pytest.raises(Refused, match="already disabled"):
        disable_operator(story_store, ada, "oscar")
    with pytest.raises(NotFound):
        disable_operator(story_store, ada, "nobody")
    assert resolve_actor(story_store, "oscar").role is None  # a disabled login writes nothing
    assert add_operator(story_store, ada, "oscar", "approver").active  # enabled again, with a new role
    actions = [r.action for r in audit_trail(story_store, None, 20)]
    assert actions[:3] == ["operator-changed", "operator-disabled", "operator-added"]
    assert {o.name: o.role for o in list_operators(story_store)}["oscar"] == "approver"


def test_policy_is_stored_audited_and_admin_only(story_store, people):
    with pytest.raises(Refused, match="setting the four-eyes policy needs the admin role"):
        set_policy(story_store, people["petra"], Decimal(1), None, False, False)
    with pytest.raises(InvalidInput, match="1.0 or more"):
        set_policy(story_store, people["ada"], Decimal("0.5"), None, False, False)
    policy = set_policy(story_store, people["ada"], Decimal("1.5"), Decimal(100000), True, True)
    assert get_policy(story_store) == policy and policy.updated_by == "ada"
    assert policy.to_json()["four_eyes_notional_above"] == Decimal(100000)
    row = audit_trail(story_store, None, 1)[0]
    assert row.action == "policy-set" and row.detail["after"]["four_eyes_in_call"] is True


# -- the queue ----------------------------------------------------------------------------------------------------

def test_an_acr_above_a_threshold_waits_and_moves_nothing(story_store, queued):
    assert queued.status == "awaiting_approval" and queued.orders == []
    assert queued.lifecycle.reasons == ["leverage 1.50x is above 1.25x"]
    assert queued.lifecycle.requesters == ("oscar",)
    assert [o["symbol"] for o in queued.lifecycle.preview["orders"]] == ["AGG", "SPY"]
    assert {i["id"] for i in queued.checklist if i["status"] == "acknowledged"} == set(ACK_IDS)
    assert sleeve(story_store, "A-1001-M1")[:2] == ("1.0", 10_000_000)  # no cash moved, no leverage applied
    assert sleeve(story_store, "A-1001-APM")[1] == 500_000
    assert [a.id for a in awaiting_approval(story_store)] == [queued.id]
    assert audit_trail(story_store, "A-1001", 1)[0].action == "acr-requested"
    assert integrity_report(story_store).ok


@pytest.mark.parametrize("rule, kind, amount, reason", [
    ((None, Decimal(100000), False, False), "one-dollar", Decimal(0), "orders of $150,000.00 are above $100,000.00"),
    ((None, None, False, True), "withdrawal", Decimal(10), "it is a withdrawal"),
])
def test_the_other_rules_queue_too(story_store, people, rule, kind, amount, reason):
    set_policy(story_store, people["ada"], *rule)
    acr = fire_acr(story_store, "A-1001-M1", kind, "oscar", amount, acknowledged=ALL)
    assert acr.status == "awaiting_approval" and acr.lifecycle.reasons == [reason]


def test_an_account_in_a_call_queues_under_the_in_call_rule(story_store, people):
    set_policy(story_store, people["ada"], None, None, True, False)
    first = fire_acr(story_store, "A-1001-M1", "one-dollar", "oscar", acknowledged=ALL)
    assert first.status == "built"  # not in a call yet: it goes through alone
    simulate_fills(story_store, first.id, "oscar")
    load_prices_text(story_store, "symbol,price,as_of\nSPY,200,2026-11-21\nAGG,40,2026-11-21\n", "csv", "ada",
                     accept_moves=True)
    acr = fire_acr(story_store, "A-1001-M1", "rebalance", "oscar", acknowledged=ALL)
    assert acr.status == "awaiting_approval" and acr.lifecycle.reasons[0].startswith("the account is in a margin call")


def test_the_requester_never_approves_or_rejects_their_own(story_store, people, db_path):
    set_policy(story_store, people["ada"], Decimal("1.25"), None, False, False)
    petra = people["petra"]
    own = fire_acr(story_store, "A-1001-M1", "one-dollar", "petra", acknowledged=ALL, requesters=petra.people)
    before = snapshot(db_path)
    with pytest.raises(Refused, match=f"ACR {own.id} was requested by petra: the four-eyes rule needs a second"):
        approve_acr(story_store, own.id, petra)
    with pytest.raises(Refused, match="petra cannot reject it"):
        reject_acr(story_store, own.id, petra, "no")
    assert snapshot(db_path) == before


def test_an_admin_acting_for_a_requester_cannot_approve_it_either(story_store, people):
    set_policy(story_store, people["ada"], Decimal("1.25"), None, False, False)
    acting = resolve_actor(story_store, "ada", "oscar")
    acr = fire_acr(story_store, "A-1001-M1", "one-dollar", acting.recorded, acknowledged=ALL, requesters=acting.people)
    assert acr.operator == "ada (admin for oscar)"
    with pytest.raises(Refused, match="ada cannot approve it"):
        approve_acr(story_store, acr.id, people["ada"])


@pytest.mark.parametrize("who", ["oscar", "vic"])
def test_approving_needs_the_approver_role(story_store, people, queued, who):
    with pytest.raises(Refused, match=f"to approve an ACR needs the approver role; {who} is a"):
        approve_acr(story_store, queued.id, people[who])


def test_approval_rebuilds_and_applies_the_build(story_store, people, queued):
    done = approve_acr(story_store, queued.id, people["petra"])
    assert done.status == "built" and done.lifecycle.decided_by == "petra"
    assert [(o.side, o.symbol, o.quantity) for o in done.orders] == [("buy", "AGG", 600), ("buy", "SPY", 180)]
    assert sleeve(story_store, "A-1001-M1")[:2] == ("1.5", 10_000_100)
    assert sleeve(story_store, "A-1001-APM")[1] == 499_900
    row = audit_trail(story_store, "A-1001", 1)[0]
    assert row.action == "acr-approved" and row.operator == "petra" and row.detail["build_changed"] is False
    assert integrity_report(story_store).ok


def test_a_build_that_changed_beyond_rounding_needs_a_second_confirmation(story_store, people, queued, db_path):
    load_prices_text(story_store, "symbol,price,as_of\nSPY,450,2026-11-21\n", "csv", "ada")
    before = snapshot(db_path)
    with pytest.raises(BuildChanged) as refused:
        approve_acr(story_store, queued.id, people["petra"])
    assert "requested at 1.50x buy 600 AGG, buy 180 SPY; now at 1.50x buy" in str(refused.value)
    assert refused.value.previewed != refused.value.current
    assert snapshot(db_path) == before  # nothing written
    with pytest.raises(BuildChanged):
        approve_acr(story_store, queued.id, people["petra"], confirm="not-the-digest")
    done = approve_acr(story_store, queued.id, people["petra"], confirm=refused.value.digest)
    assert done.status == "built" and audit_trail(story_store, "A-1001", 1)[0].detail["build_changed"] is True


def test_a_price_move_within_rounding_is_the_same_build(story_store, people, queued):
    load_prices_text(story_store, "symbol,price,as_of\nSPY,500.50,2026-11-21\n", "csv", "ada")
    assert approve_acr(story_store, queued.id, people["petra"]).status == "built"


def test_approval_re_evaluates_the_checklist(story_store, people, queued):
    confirm_custodian_margin(story_store, "A-1001", False, "ada")
    done = approve_acr(story_store, queued.id, people["petra"])
    assert done.status == "failed" and done.code == "MARGIN_NOT_ENABLED" and done.orders == []
    assert sleeve(story_store, "A-1001-M1")[:2] == ("1.0", 10_000_000)


def test_reject_needs_a_reason_and_moves_nothing(story_store, people, queued):
    with pytest.raises(InvalidInput, match="needs --reason"):
        reject_acr(story_store, queued.id, people["petra"], "  ")
    done = reject_acr(story_store, queued.id, people["petra"], "client on holiday")
    assert done.status == "rejected" and done.lifecycle.decision_reason == "client on holiday"
    assert sleeve(story_store, "A-1001-M1")[:2] == ("1.0", 10_000_000)
    assert audit_trail(story_store, "A-1001", 1)[0].action == "acr-rejected"
    with pytest.raises(Refused, match=f"ACR {queued.id} is rejected: only awaiting_approval ACRs can be approved"):
        approve_acr(story_store, queued.id, people["quinn"])


def test_an_acr_that_does_not_wait_cannot_be_approved(story_store, people):
    built = fire_acr(story_store, "A-1001-M1", "one-dollar", "oscar", acknowledged=ALL)
    with pytest.raises(Refused, match=f"ACR {built.id} is built: only awaiting_approval ACRs can be approved"):
        approve_acr(story_store, built.id, people["petra"])
    with pytest.raises(Refused, match="is built: only awaiting_approval ACRs can be rejected"):
        reject_acr(story_store, built.id, people["petra"], "late")


def test_two_approvers_at_once_exactly_one_wins(story_store, people, queued, open_store, db_path):
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def approve_as(name: str) -> None:
        store = Store(db_path, clock=fixed_clock)  # its own connection, as a second operator's process would have
        try:
            barrier.wait()
            outcomes[name] = approve_acr(store, queued.id, people[name])
        except (Refused, Conflict) as error:
            outcomes[name] = error
        finally:
            store.close()

    threads = [threading.Thread(target=approve_as, args=(n,)) for n in ("petra", "quinn")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [n for n, o in outcomes.items() if not isinstance(o, Exception)]
    lost = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert f"ACR {queued.id} is built" in str(lost[0]) and won[0] in str(lost[0])
    check = open_store()
    assert check.scalar("SELECT count(*) FROM orders WHERE acr_id = ?", [queued.id]) == 2
    assert check.scalar("SELECT count(*) FROM audit WHERE action = 'acr-approved'") == 1
    assert sleeve(check, "A-1001-M1")[1] == 10_000_100  # the $1 moved once


def test_a_batch_rebalance_counts_the_acrs_that_wait(story_store, people):
    set_policy(story_store, people["ada"], Decimal("1.25"), None, False, False)
    result = rebalance_all_pending(story_store, "oscar", ALL, requesters=("oscar",))
    assert result.awaiting == 1 and result.built == 0 and result.to_json()["awaiting_approval"] == 1
    [waiting] = awaiting_approval(story_store)
    assert waiting.sleeve_id == "A-1001-M1" and waiting.lifecycle.requesters == ("oscar",)


def test_on_a_book_without_operators_one_login_cannot_be_two_people(story_store):
    set_policy(story_store, OPEN, Decimal("1.25"), None, False, False)
    asker = resolve_actor(story_store, "root", "alice")
    acr = fire_acr(story_store, "A-1001-M1", "one-dollar", asker.recorded, acknowledged=ALL, requesters=asker.people)
    assert acr.lifecycle.requesters == ("alice", "root")
    with pytest.raises(Refused, match="root cannot approve it"):
        approve_acr(story_store, acr.id, resolve_actor(story_store, "root", "bob"))
    assert approve_acr(story_store, acr.id, resolve_actor(story_store, "bea", "bob")).status == "built"


def test_the_status_change_is_conditional_on_still_awaiting(story_store, queued):
    """The guard behind the lock: had another decision landed between the read and the write, the conditional
    UPDATE changes no row and the decision is refused with the state the other one left."""
    with story_store.transaction():
        story_store.execute("UPDATE acrs SET status = 'rejected' WHERE id = ?", [queued.id])
        with pytest.raises(Conflict, match=f"ACR {queued.id} was decided by someone else meanwhile: it is rejected"):
            _decide(story_store, queued.id, "status = 'built'", [])
        assert story_store.scalar("SELECT status FROM acrs WHERE id = ?", [queued.id]) == "rejected"
