"""The Textual workarounds: applied on the pinned 8.2.x only, and a collection after each shown result."""
from __future__ import annotations

import gc

import textual

from console import textual_workarounds
from console.textual_workarounds import TextualWorkarounds
from tests.conftest import settle


def test_active_only_on_the_textual_they_were_written_for():
    assert textual_workarounds.ACTIVE == textual.__version__.startswith("8.2.")


def test_the_version_read_without_importlib_metadata_is_the_installed_one():
    """The dist-info directory's name says what importlib.metadata says (which the console's start avoids)."""
    assert textual_workarounds.textual_version() == textual.__version__


def test_inactive_workarounds_do_nothing(make_app, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    inactive = TextualWorkarounds(make_app(), active=False)
    inactive.install()
    inactive.collect_after_refresh()
    inactive.uninstall()
    assert calls == []


async def test_garbage_is_collected_after_a_result_is_shown(story_db, make_app, monkeypatch):
    collected: list[int] = []
    monkeypatch.setattr(textual_workarounds.gc, "collect", lambda *args: collected.append(1) or 0)
    app = make_app()
    app.workarounds.active = True  # whatever Textual runs the tests, the wiring is what is tested here
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(collected)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.pause(0.1)
        assert len(collected) > before



async def test_removed_widgets_are_not_kept_alive_by_watchers(story_db, make_app):
    """textual#6666: after the collection that follows a result, no removed widget is left watching the app's
    title (each popped DetailScreen's Header was) and a footer's replaced keys are freed; live watchers stay."""
    import weakref

    from textual.widgets._footer import FooterKey

    app = make_app()
    app.workarounds.active = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        for account_id in ("A-1001", "A-1002"):
            app.open_account(account_id)
            await settle(pilot)
            app.pop_screen()
            await settle(pilot)
        replaced = [weakref.ref(k) for k in browser.query(FooterKey)]
        await pilot.resize_terminal(140, 30)  # the browser's footer gains the palette key: its keys are rebuilt
        await settle(pilot)
        assert all(ref() not in browser.query(FooterKey) for ref in replaced)
        await pilot.pause(0.1)  # past the collections' minimum interval
        app.open_account("A-1003")  # a result: the collection after it lets go of what was removed
        await settle(pilot)
        await pilot.pause(0.1)
        watching = [node for name in ("title", "sub_title") for node, _ in getattr(app, "__watchers")[name]]
        assert watching and not [node for node in watching if node._closing]  # two popped Headers were there
        gc.unfreeze()  # the keys were alive when the kept detail screen was frozen in: unreachable is what counts
        gc.collect()
        assert [ref for ref in replaced if ref() is not None] == []
        app.title = "renamed"  # the live Headers kept their watchers on the app's title
        await pilot.pause()
        assert all("renamed" in str(h.query_one("HeaderTitle").render()) for h in app.screen.query("Header"))
