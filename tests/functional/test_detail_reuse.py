"""Issue 17 item 4: opening an account refills one kept detail screen, and a reload updates widgets in place."""
from __future__ import annotations

from console.screens.browser_screen import BrowserScreen
from console.screens.detail_screen import DetailScreen
from tests.conftest import settle
from tests.functional.test_detail import open_detail
from widgets.diagnostics_list import DiagnosticsList
from widgets.margin_panel import MarginPanel
from widgets.risk_panel import RiskPanel
from widgets.sleeve_card import SleeveCard


def shown(screen: DetailScreen) -> tuple[str, list[str], str]:
    title = str(screen.query_one("#account-title").content)
    return title, [c.sleeve.id for c in screen.query(SleeveCard)], str(screen.query_one(DiagnosticsList).render())


async def test_each_account_opened_on_the_kept_screen_shows_only_its_own(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_detail(pilot, "A-1001")
        panels = (first.query_one(MarginPanel), first.query_one(RiskPanel), first.query_one(DiagnosticsList))
        title, cards, diagnostics = shown(first)
        assert title.startswith("A-1001 ·") and cards == ["A-1001-APM", "A-1001-M1"]
        assert "PENDING_LEVERAGE" in diagnostics
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)

        second = await open_detail(pilot, "A-1003")
        assert second is first  # the same screen, refilled
        assert (second.query_one(MarginPanel), second.query_one(RiskPanel),
                second.query_one(DiagnosticsList)) == panels  # panels updated in place, not remounted
        title, cards, diagnostics = shown(second)
        assert title.startswith("A-1003 ·") and all(c.startswith("A-1003-") for c in cards)
        assert "PENDING_LEVERAGE" not in diagnostics and second.detail.account.id == "A-1003"
        assert second.query_one(MarginPanel).figures == second.detail.margin
        assert sum(isinstance(s, DetailScreen) for s in app.screen_stack) == 1
        body = [w.id for w in second.query_one("#detail-body").children]
        assert body == [f"sleeve-{c}" for c in cards] + ["margin", "risk", "diagnostics"]  # cards first, as before


async def test_a_reload_updates_the_cards_in_place(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1003")
        cards = list(screen.query(SleeveCard))
        assert screen.selected_sleeve.id == "A-1003-M1"
        await pilot.press("t")  # track manager on the model sleeve: a write, then a reload
        await settle(pilot)
        assert list(screen.query(SleeveCard)) == cards  # the same widgets
        model = screen.query_one("#sleeve-A-1003-M1", SleeveCard)
        assert model.sleeve.track_manager and "Track manager ON" in str(model.render())
        assert screen.focused is model


async def test_an_account_opened_above_the_detail_gets_its_own_screen(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_detail(pilot, "A-1001")
        app.open_account("A-1002")  # e.g. from the palette over the detail
        await settle(pilot)
        second = app.screen
        assert isinstance(second, DetailScreen) and second is not first
        assert second.detail.account.id == "A-1002" and first.detail.account.id == "A-1001"
