"""The troubleshooter screen: a symptom checked against the data, and its fix applied in a keystroke."""
from __future__ import annotations

from console.screens.acr_screen import AcrScreen
from console.screens.confirm_modal import ConfirmModal
from console.screens.troubleshoot_screen import TroubleshootScreen
from store.core import Store
from tests.conftest import fixed_clock, settle
from store.queries.audit import audit_trail
from store.queries.detail import account_detail


async def test_pending_leverage_symptom_opens_the_one_dollar_acr(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TroubleshootScreen)
        assert screen.finding is not None and screen.finding.present
        assert screen.finding.action == "fire-one-dollar"
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen) and app.screen.kind == "one-dollar"


async def test_margin_disabled_symptom_records_the_custodian_confirmation(demo_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-000004")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        screen = app.screen
        assert screen.symptom == "not-leveraging" and screen.finding.action == "confirm-margin"
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # Cancel is the default: nothing recorded
        await settle(pilot)
        with Store(settings.db, settings, fixed_clock) as store:
            assert not account_detail(store, "A-000004").account.margin_enabled
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        assert not screen.finding.present
    with Store(settings.db, settings, fixed_clock) as store:
        assert account_detail(store, "A-000004").account.margin_enabled
        assert audit_trail(store, "A-000004")[0].operator == "alice"


async def test_healthy_account_shows_the_symptom_is_not_the_case(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-000001")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.screen.finding.present
        assert "every saved leverage has been applied" in app.screen.finding.cause


async def test_a_fix_is_refused_when_the_account_moved_since_the_finding(demo_db, make_app, settings, notes):
    """The troubleshooter's writes carry the versions its finding was read at (issue 11, defect 1)."""
    from store.sleeves import confirm_custodian_margin

    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await settle(pilot)
        app.open_account("A-000004")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        assert app.screen.finding.action == "confirm-margin"
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        with Store(settings.db, settings, fixed_clock) as other:  # bob records the custodian's "no" meanwhile
            confirm_custodian_margin(other, "A-000004", False, "bob", "custodian said no")
        await pilot.press("tab", "enter")
        await settle(pilot)
        conflict = [n.message for n in notes.notifications if n.title == "Conflict"]
        assert conflict and conflict[0].startswith("account A-000004 changed since you reviewed it")
        assert "bob" in conflict[0]
    with Store(settings.db, settings, fixed_clock) as store:
        assert not account_detail(store, "A-000004").account.margin_enabled
        assert audit_trail(store, "A-000004")[0].operator == "bob"
