"""The approvals screen (key A): the queue, the request with its acknowledgements and risk, approve behind a
confirmation whose default is Cancel (and again when the build changed), reject with a reason, four eyes."""
from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input, Static

from calc.approvals import Actor
from calc.checklist import ACK_IDS
from console.screens.approvals_screen import ApprovalsScreen
from console.screens.confirm_modal import ConfirmModal
from console.screens.reason_modal import ReasonModal
from store.acrs import fire_acr
from store.core import Store
from store.operators import add_operator, resolve_actor, set_policy
from store.prices import load_prices_text
from store.queries.orders import find_acr
from tests.conftest import fixed_clock, settle
from widgets.risk_panel import RiskPanel


@pytest.fixture
def queued(story_db, settings) -> int:
    """ada (admin), oscar (operator), petra (approver), vic (viewer), a 1.25x rule, and oscar's $1 ACR at 1.5x."""
    with Store(settings.db, settings, fixed_clock) as store:
        add_operator(store, Actor("setup", "setup", None, open_book=True), "ada", "admin")
        ada = resolve_actor(store, "ada")
        for name, role in (("oscar", "operator"), ("petra", "approver"), ("vic", "viewer")):
            add_operator(store, ada, name, role)
        set_policy(store, ada, Decimal("1.25"), None, False, False)
        return fire_acr(store, "A-1001-M1", "one-dollar", "oscar", acknowledged=set(ACK_IDS), requesters=("oscar",)).id


def status(settings, acr_id: int) -> str:
    with Store(settings.db, settings, fixed_clock) as store:
        return find_acr(store, acr_id).status


async def open_approvals(pilot) -> ApprovalsScreen:
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ApprovalsScreen)
    return screen


def request_text(screen: ApprovalsScreen) -> str:
    return str(screen.query_one("#approval-request", Static).content)


async def test_the_queue_shows_the_request_its_acknowledgements_and_risk(queued, make_app, settings):
    app = make_app()
    app.login = "petra"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approvals(pilot)
        table = screen.query_one("#queue", DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[:2] == [str(queued), "A-1001-M1"]
        text = request_text(screen)
        assert "Requested by oscar" in text and "Four eyes: leverage 1.50x is above 1.25x" in text
        assert "Acknowledged: Sleeve cash reviewed; Risk:" in text
        assert "Previewed: buy 600 AGG, buy 180 SPY" in text and "CHANGED" not in text
        assert screen.query_one(RiskPanel).risk is not None


async def test_approve_is_confirmed_with_cancel_as_default_then_builds(queued, make_app, settings, notes):
    app = make_app()
    app.login = "petra"
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_approvals(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # the focused default: Cancel
        await settle(pilot)
        assert status(settings, queued) == "awaiting_approval"
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert status(settings, queued) == "built"
        assert f"ACR {queued} on A-1001-M1: built" in notes.messages
        assert "Nothing awaits approval." in request_text(app.screen)


async def test_the_requester_cannot_approve_their_own(queued, make_app, settings, notes):
    with Store(settings.db, settings, fixed_clock) as store:  # even once oscar may approve others' ACRs
        add_operator(store, resolve_actor(store, "ada"), "oscar", "approver")
    app = make_app()
    app.login = "oscar"
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_approvals(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert status(settings, queued) == "awaiting_approval"
        assert any("the four-eyes rule needs a second person" in m for m in notes.messages)


async def test_a_changed_build_shows_both_and_the_approval_confirms_the_new_one(queued, make_app, settings):
    with Store(settings.db, settings, fixed_clock) as store:
        load_prices_text(store, "symbol,price,as_of\nSPY,450,2026-11-21\n", "csv", "ada")
    app = make_app()
    app.login = "petra"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_approvals(pilot)
        assert "CHANGED" in request_text(screen)
        await pilot.press("v")
        await settle(pilot)
        question = str(app.screen.query_one("#question", Static).content)
        assert "CHANGED" in question and "Requested: buy 600 AGG, buy 180 SPY" in question and "Now:" in question
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert status(settings, queued) == "built"


async def test_reject_asks_for_a_reason(queued, make_app, settings):
    app = make_app()
    app.login = "petra"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_approvals(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ReasonModal)
        app.screen.query_one(Input).value = "client is on holiday"
        await pilot.press("enter")
        await settle(pilot)
        assert status(settings, queued) == "rejected"


async def test_a_viewer_sees_the_queue_without_the_decision_keys(queued, settings, notes):
    from console.app import MarginConsoleApp

    app = MarginConsoleApp(settings.as_viewer(), clock=fixed_clock, cursor_blink=False, login="vic")
    app.animation_level = "none"
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        screen = await open_approvals(pilot)
        assert screen.check_action("approve", ()) is False and screen.check_action("reject", ()) is False
        await pilot.press("v")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert status(settings, queued) == "awaiting_approval"


async def test_an_acr_fired_above_the_policy_says_it_waits(queued, make_app, settings):
    app = make_app()
    app.login = "oscar"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.press("r", "x", "f")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        result = str(app.screen.query_one("#result", Static).content)
        assert "awaiting approval" in result and "leverage 1.50x is above 1.25x" in result
    with Store(settings.db, settings, fixed_clock) as store:
        record = find_acr(store, queued + 1)
    assert record.status == "awaiting_approval" and record.lifecycle.requesters == ("oscar",)
