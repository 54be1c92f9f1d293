"""The source document's story, driven through the console with Pilot."""
from __future__ import annotations

from decimal import Decimal

from console.screens.acr_screen import AcrScreen
from console.screens.browser_screen import BrowserScreen
from console.screens.confirm_modal import ConfirmModal
from console.screens.detail_screen import DetailScreen
from console.screens.editor_modal import LeverageEditor
from store.core import Store
from tests.conftest import fixed_clock, settle
from widgets.account_table import AccountTable
from store.queries.audit import audit_trail
from store.queries.orders import list_acrs


async def test_story_filter_open_set_leverage_fire_one_dollar_acr(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("slash", "j", "a", "n", "e")
        await settle(pilot)
        table = app.screen.query_one(AccountTable)
        assert table.row_count == 1 and table.selected_account == "A-1001"
        await pilot.press("enter")  # submit the filter: focus the table
        await pilot.press("enter")  # open the account
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        detail = app.screen
        assert detail.selected_sleeve is not None and detail.selected_sleeve.id == "A-1001-M1"

        # The book already saved 1.5; bring it to 1.25 and back to 1.5 through the editor.
        for value in ("1.25", "1.5"):
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, LeverageEditor)
            app.screen.query_one("#leverage").value = value
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen)
        assert app.screen.query_one("#banner").has_class("-visible")

        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen)
        acr = app.screen
        assert acr.checklist is not None and not acr.checklist.can_fire
        await pilot.press("f")  # open items: refused with a notification, no dialog
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        await pilot.press("1", "2", "3", "4")
        await settle(pilot)
        assert acr.checklist.can_fire
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.focused.id == "cancel"  # the default is Cancel
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen)
        assert acr.result is not None and acr.result.status == "built"
        assert [(o.side, o.symbol, o.quantity) for o in acr.result.orders] == [
            ("buy", "AGG", Decimal(600)), ("buy", "SPY", Decimal(180))]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert not app.screen.query_one("#banner").has_class("-visible")
        codes = {d.code for d in app.screen.detail.diagnostics}
        assert "PENDING_LEVERAGE" not in codes

    with Store(settings.db, settings, fixed_clock) as store:
        actions = [r.action for r in audit_trail(store, "A-1001")]
        assert actions[:3] == ["acr-built", "set-leverage", "set-leverage"]
        assert all(r.operator == "alice" for r in audit_trail(store, "A-1001"))
        assert len(list_acrs(store, "A-1001")) == 1


async def test_cash_account_is_blocked_with_margin_not_enabled(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1002")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        acr = app.screen
        assert isinstance(acr, AcrScreen)
        assert acr.checklist.blocking_code == "MARGIN_NOT_ENABLED"
        await pilot.press("x", "f")  # blocked: no confirmation, the attempt is recorded as failed
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen)
        assert acr.result is not None and acr.result.code == "MARGIN_NOT_ENABLED"
        assert acr.result.orders == []
    with Store(settings.db, settings, fixed_clock) as store:
        assert list_acrs(store, "A-1002")[0].status == "failed"
