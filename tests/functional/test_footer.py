"""Issue 17 item 4: the footer builds its keys once per change of what they show, not once per bindings refresh."""
from __future__ import annotations

from textual.widgets._footer import FooterKey

from console.footer import PriorityFooter
from tests.conftest import settle
from tests.functional.test_detail import open_detail


def shown(screen) -> list[tuple[str, str, bool]]:
    return [(k.key, k.description, k.disabled) for k in screen.query(FooterKey)]


async def test_opening_an_account_builds_its_footer_keys_once(story_db, make_app, monkeypatch):
    builds: list[PriorityFooter] = []
    recompose = PriorityFooter.recompose

    async def counted(self: PriorityFooter) -> None:
        builds.append(self)
        await recompose(self)

    monkeypatch.setattr(PriorityFooter, "recompose", counted)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        builds.clear()
        screen = await open_detail(pilot, "A-1001")  # focus moves to a card, the stack changes: 6 bindings refreshes
        await pilot.pause(0.05)
        assert [footer.screen for footer in builds] == [screen]  # before: 7 builds of the same keys
        assert ("e", "Edit", False) in shown(screen)
        builds.clear()
        app.pop_screen()
        await settle(pilot)
        assert builds == [] and shown(browser)  # the browser's keys did not change while it waited


async def test_a_bindings_refresh_that_changes_nothing_keeps_the_key_widgets(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        keys = list(screen.query(FooterKey))
        for _ in range(3):
            screen.refresh_bindings()
        await settle(pilot)
        assert list(screen.query(FooterKey)) == keys


async def test_the_keys_follow_a_change_of_bindings_and_of_width(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        await pilot.press("slash")  # the filter box takes the focus: the table's keys leave the footer
        await settle(pilot)
        typing = shown(browser)
        await pilot.press("enter")  # back to the table
        await settle(pilot)
        reading = shown(browser)
        assert typing != reading
        await pilot.resize_terminal(140, 30)  # room for the palette key
        await settle(pilot)
        assert "ctrl+p" in [key for key, _, _ in shown(browser)]
        assert "ctrl+p" not in [key for key, _, _ in reading]


async def test_the_keys_take_the_footers_compact_style(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        footer = screen.query_one(PriorityFooter)
        assert not any(key.has_class("-compact") for key in screen.query(FooterKey))
        footer.compact = True
        await pilot.pause()
        assert all(key.has_class("-compact") for key in screen.query(FooterKey))
        footer.compact = False
        await pilot.pause()
        assert not any(key.has_class("-compact") for key in screen.query(FooterKey))
