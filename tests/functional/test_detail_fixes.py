"""Issue 13: the detail's `f` performs the fix its diagnostics name (the troubleshooter's finding), `u` reverts."""
from __future__ import annotations

from decimal import Decimal

from console.screens.acr_screen import AcrScreen
from console.screens.confirm_modal import ConfirmModal
from store.core import Store
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from tests.conftest import fixed_clock, settle
from tests.functional.test_detail import open_detail


async def test_f_on_a_negative_apm_from_fees_opens_the_liquidation_that_funds_it(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, "A-000006")
        await pilot.press("f")
        await settle(pilot)
        acr = app.screen
        assert isinstance(acr, AcrScreen)
        # The fees (187.50) go back to the APM from the model sleeve, and the checklist lets this cure fire.
        assert (acr.sleeve_id, acr.kind, acr.amount) == ("A-000006-M1", "liquidation", Decimal("187.50"))
        assert acr.checklist is not None and not acr.checklist.failed


async def test_f_on_a_cash_account_sets_the_target_back_to_one_after_a_confirmation(demo_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_detail(pilot, "A-000003")
        banner = str(detail.query_one("#banner").content)
        assert "cannot apply: a cash account cannot carry margin" in banner and "(f)" in banner
        assert "run a rebalance" not in banner and "rebalance (r)" not in banner
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Save leverage 1.00x on A-000003-M1" in str(app.screen.query_one("#question").content)
        await pilot.click("#confirm-button")
        await settle(pilot)
    with Store(settings.db, clock=fixed_clock) as store:
        sleeve = account_detail(store, "A-000003").sleeve("A-000003-M1")
        assert (sleeve.saved, sleeve.applied) == (Decimal(1), Decimal(1))
        assert audit_trail(store, "A-000003")[0].action == "set-leverage"


async def test_u_reverts_a_pending_target_and_refuses_when_nothing_is_pending(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_detail(pilot, "A-1001")  # A-1001-M1: saved 1.50x, applied 1.00x, selected first
        await pilot.press("u")
        await settle(pilot)
        assert any("back to the applied 1.00x" in m for m in notes.messages)
        await pilot.press("u")
        await settle(pilot)
        assert any("nothing pending to revert" in m for m in notes.messages)
    with Store(settings.db, clock=fixed_clock) as store:
        sleeve = account_detail(store, "A-1001").sleeve("A-1001-M1")
        assert (sleeve.saved, sleeve.applied) == (Decimal(1), Decimal(1))
        assert [r.action for r in audit_trail(store, "A-1001")][:1] == ["revert-target"]
