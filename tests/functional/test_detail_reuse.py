"""Issue 17 item 4: the detail's panels are built with the screen and a reload updates its widgets in place."""
from __future__ import annotations

from tests.conftest import settle
from tests.functional.test_detail import open_detail
from widgets.diagnostics_list import DiagnosticsList
from widgets.margin_panel import MarginPanel
from widgets.risk_panel import RiskPanel
from widgets.sleeve_card import SleeveCard


async def test_a_reload_updates_the_cards_in_place(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1003")
        cards = list(screen.query(SleeveCard))
        panels = (screen.query_one(MarginPanel), screen.query_one(RiskPanel), screen.query_one(DiagnosticsList))
        assert "TACTICAL_TRACK_OFF" in str(panels[2].render())
        assert screen.selected_sleeve.id == "A-1003-M1"
        await pilot.press("t")  # track manager on the model sleeve: a write, then a reload
        await settle(pilot)
        assert list(screen.query(SleeveCard)) == cards  # the same widgets
        model = screen.query_one("#sleeve-A-1003-M1", SleeveCard)
        assert model.sleeve.track_manager and "Track manager ON" in str(model.render())
        assert screen.focused is model
        assert (screen.query_one(MarginPanel), screen.query_one(RiskPanel),
                screen.query_one(DiagnosticsList)) == panels  # updated in place, not remounted
        assert "TACTICAL_TRACK_OFF" not in str(panels[2].render())
        body = [w.id for w in screen.query_one("#detail-body").children]
        assert body == [f"sleeve-{c.sleeve.id}" for c in cards] + ["margin", "risk", "diagnostics"]
