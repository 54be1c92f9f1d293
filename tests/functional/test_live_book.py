"""Issue 14 item 6: another process writes an account on screen; the console refreshes and says who, an open editor
is marked stale instead of refreshed, and the console's own writes are not announced."""
from __future__ import annotations

from decimal import Decimal

from textual.message import Message

from console.app import MarginConsoleApp
from console.messages import BookChanged
from store.core import Store
from store.settings import Settings
from store.sleeves import set_leverage
from tests.conftest import Notes, fixed_clock, settle, wait_for


def live_app(settings: Settings) -> MarginConsoleApp:
    """The console as run_console makes it (live), looking every 0.1 s so the tests stay short."""
    app = MarginConsoleApp(settings.replace(live_seconds=0.1), clock=fixed_clock, cursor_blink=False,
                           live=True)
    app.animation_level = "none"
    return app


def other_operator_sets(settings: Settings, sleeve_id: str, leverage: str, operator: str = "bob") -> None:
    """A write from another process's connection, as another operator."""
    with Store(settings.db, settings.replace(operator=operator), fixed_clock) as store:
        set_leverage(store, sleeve_id, Decimal(leverage), operator)


async def test_the_detail_refreshes_and_says_who_changed_it(story_db, settings, notes: Notes):
    app = live_app(settings)
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        detail = app.screen
        assert str(detail.detail.sleeves[1].saved) != "1.7"
        other_operator_sets(settings, "A-1001-M1", "1.7")
        await wait_for(pilot, lambda: notes.titled("Book changed"))
        assert notes.titled("Book changed")[0].message.startswith("A-1001 was changed by bob (set-leverage)")
        await wait_for(pilot, lambda: str(app.screen.detail.sleeves[1].saved) == "1.7")
        assert app.screen is detail


async def test_an_open_editor_is_marked_stale_not_refreshed(story_db, settings, notes: Notes):
    app = live_app(settings)
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert type(editor).__name__ == "LeverageEditor"
        await pilot.press("end", *["backspace"] * 5, *"1.3")  # the operator's typing must survive the other write
        other_operator_sets(settings, "A-1001-M1", "1.7")
        await wait_for(pilot, lambda: editor.query("#stale"))
        stale = str(editor.query_one("#stale").render())
        assert "Stale: bob changed A-1001 (set-leverage)" in stale
        assert app.screen is editor and editor.query_one("#leverage").value == "1.3"


async def test_our_own_writes_do_not_announce_themselves(story_db, settings, notes: Notes):
    app = live_app(settings)
    seen: list[BookChanged] = []

    def hook(message: Message) -> None:
        notes(message)
        if isinstance(message, BookChanged):
            seen.append(message)

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        other_operator_sets(settings, "A-1001-M1", "1.7", operator="alice")  # the app's own operator
        # The watcher has handed the write to the app (so its silence below is a decision, not a race).
        await wait_for(pilot, lambda: any(r.operator == "alice" for m in seen for r in m.records))
        await settle(pilot)
        assert notes.titled("Book changed") == []


async def test_the_watcher_starts_once_the_first_page_is_shown(story_db, settings):
    """Issue 17 item 1: the watcher's imports, connection and thread wait until the first page is on screen."""
    from console.messages import PageLoaded

    app = live_app(settings)
    when_loaded: list[object] = []

    def hook(message: Message) -> None:
        if isinstance(message, PageLoaded):
            when_loaded.append(app.live_book)

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        assert when_loaded and when_loaded[0] is None  # not yet watching when the first page arrived
        assert app.live_book is not None and app.live_book._thread.is_alive()
        await settle(pilot)
        watcher = app.live_book
        app.screen.post_message(PageLoaded(app.screen.page, "", None))  # a later result starts no second one
        await settle(pilot)
        assert app.live_book is watcher


async def test_a_write_before_the_watcher_starts_is_still_announced(story_db, settings):
    """The watcher starts after the first page is painted (issue 17 item 1); a write that lands between the first
    page's read and the watcher's first look used to be its baseline, so the page stayed stale and nobody was
    told. The watcher starts from the book as the console's first read saw it."""
    app = live_app(settings)
    start_watching = app._start_live_book
    seen: list[BookChanged] = []

    def write_then_start() -> None:  # each result shown before the watcher runs asks for it: write only once
        if app.live_book is None:
            other_operator_sets(settings, "A-1001-M1", "1.7")
        start_watching()

    def hook(message: Message) -> None:
        if isinstance(message, BookChanged):
            seen.append(message)

    app._start_live_book = write_then_start  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await wait_for(pilot, lambda: seen)
        assert [(r.account_id, r.operator, r.action) for r in seen[0].records] == [("A-1001", "bob", "set-leverage")]
        table = app.screen.query_one("#accounts")  # the page refreshed: A-1001, its first row, saved at 1.70x
        await wait_for(pilot, lambda: "1.70x" in "".join(table.render_line(y).text for y in range(4)))
