"""Issue 13, the screens an operator reads all day, each at 80x24: selection by shape, true status lines, keys."""
from __future__ import annotations

from console.screens.acr_screen import AcrScreen
from console.screens.detail_screen import DetailScreen
from tests.conftest import settle
from widgets.sleeve_card import SleeveCard


async def open_detail(pilot, account_id: str) -> DetailScreen:
    await settle(pilot)
    pilot.app.open_account(account_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen) and screen.detail is not None
    return screen


async def test_the_selected_sleeve_is_marked_by_shape_not_colour_alone(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        apm, model = screen.query(SleeveCard)
        assert screen.focused is model and model.has_class("-pending")
        assert str(model.border_title).startswith("▶ ") and not str(apm.border_title).startswith("▶")
        assert "SELECTED" in str(model.border_title) or model.styles.border_title_style.reverse
        await pilot.press("k")
        await pilot.pause()
        assert screen.focused is apm
        # The pending card keeps its pending colour but loses the pointer; the APM gains it.
        assert str(apm.border_title).startswith("▶ ") and not str(model.border_title).startswith("▶")
        assert model.has_class("-pending")


async def test_after_fills_the_status_says_what_is_true_now(story_db, make_app, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_detail(pilot, "A-1001")
        await pilot.press("r")
        await settle(pilot)
        acr = app.screen
        assert isinstance(acr, AcrScreen)
        await pilot.press("x", "f")
        await settle(pilot)
        await pilot.click("#confirm-button")
        await settle(pilot)
        assert acr.result is not None and acr.result.status == "built"
        assert "Press s to simulate fills" in str(acr.query_one("#result").content)
        await pilot.press("s")
        await settle(pilot)
        assert acr.result.status == "complete"
        status = str(acr.query_one("#result").content)
        assert "Press s" not in status and "filled" in status
        notes.clear()
        await pilot.press("s")
        await settle(pilot)
        assert not any("Fire a built ACR first" in m for m in notes.messages)
        assert any(f"ACR {acr.result.id} is complete" in m for m in notes.messages)
