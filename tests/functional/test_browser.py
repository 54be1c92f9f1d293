"""The account browser: SQL paging, the live filter, cursor keys and opening an account."""
from __future__ import annotations

from console.screens.browser_screen import BrowserScreen
from console.screens.detail_screen import DetailScreen
from tests.conftest import settle
from widgets.account_table import AccountTable


def status(app) -> str:
    return str(app.screen.query_one("#status").content)


def row_ids(app) -> list[str]:
    table = app.screen.query_one(AccountTable)
    return [key.value for key in table.rows]


async def test_first_page_shows_rows_and_the_book_size(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(AccountTable).row_count == 40
        assert row_ids(app)[:2] == ["A-000001", "A-000002"]
        text = status(app)
        assert text.startswith("40 accounts (")
        assert " · all · " in text
        assert "rows 1-40 of 40" in text
        assert "· n/p" not in text  # one page holds the whole book


async def test_paging_with_n_and_p(demo_db, make_app, notes):
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await settle(pilot)
        first = row_ids(app)
        assert first == [f"A-0000{i:02d}" for i in range(1, 11)]
        assert "rows 1-10 of 40" in status(app) and "· n/p" in status(app)

        await pilot.press("n")
        await settle(pilot)
        second = row_ids(app)
        assert second == [f"A-0000{i:02d}" for i in range(11, 21)]
        assert "rows 11-20 of 40" in status(app)
        assert status(app).startswith("40 accounts (")

        await pilot.press("p")
        await settle(pilot)
        assert row_ids(app) == first
        assert "rows 1-10 of 40" in status(app)

        # p at the first page: a notification, the page stays.
        await pilot.press("p")
        await settle(pilot)
        assert row_ids(app) == first
        assert "rows 1-10 of 40" in status(app)
        assert "No more pages that way." in notes.messages
        assert app.screen.page_offset == 0


async def test_filter_narrows_live_and_escape_restores_all_rows(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#filter")
        assert not box.has_class("-visible")
        await pilot.press("slash")
        await settle(pilot)
        assert box.has_class("-visible") and screen.focused is box

        # Each keystroke re-queries: 's' 20 matches, 'su' 3, 'sum' 2 (the two Summit accounts).
        counts = []
        for key, expected in (("s", 20), ("u", 3), ("m", 2)):
            await pilot.press(key)
            await settle(pilot)
            table = screen.query_one(AccountTable)
            assert table.row_count == expected, key
            counts.append(expected)
            assert f"{expected} match" in status(app)
            assert status(app).startswith("40 accounts (")
        assert len(set(counts)) == 3
        assert box.value == "sum"
        assert row_ids(app) == ["A-000020", "A-000027"]
        assert "rows 1-2 of 2" in status(app)

        await pilot.press("escape")
        await settle(pilot)
        assert box.value == ""
        assert not box.has_class("-visible")
        assert screen.query_one(AccountTable).row_count == 40
        assert " · all · " in status(app) and "rows 1-40 of 40" in status(app)
        assert isinstance(screen.focused, AccountTable)
        assert isinstance(app.screen, BrowserScreen)  # escape cleared the filter, it did not leave


async def test_filter_resets_the_page(demo_db, make_app):
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "rows 11-20" in status(app)
        app.screen.query_one("#filter").value = "chen"
        await settle(pilot)
        assert row_ids(app) == ["A-000008", "A-000036", "A-000038"]
        assert "rows 1-3 of 3" in status(app)


async def test_j_and_k_move_the_cursor(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AccountTable)
        assert table.cursor_row == 0 and table.selected_account == "A-000001"
        await pilot.press("j", "j")
        assert table.cursor_row == 2 and table.selected_account == "A-000003"
        await pilot.press("k")
        assert table.cursor_row == 1 and table.selected_account == "A-000002"
        await pilot.press("down")
        assert table.selected_account == "A-000003"
        await pilot.press("k", "k", "k")  # stops at the top
        assert table.cursor_row == 0


async def test_enter_opens_the_highlighted_account_once(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.account_id == "A-000003"
        assert sum(isinstance(s, DetailScreen) for s in app.screen_stack) == 1
        assert app.screen.detail is not None and app.screen.detail.account.id == "A-000003"


async def test_filter_without_a_match_shows_no_rows_and_enter_does_not_crash(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash")
        screen.query_one("#filter").value = "zzqx"
        await settle(pilot)
        table = screen.query_one(AccountTable)
        assert table.row_count == 0 and table.selected_account is None
        assert "0 match 'zzqx'" in status(app)
        assert "rows 0-0 of 0" in status(app)
        await pilot.press("enter")  # submit the filter: focus the empty table
        await settle(pilot)
        assert screen.focused is table
        await pilot.press("enter")  # nothing to open
        await settle(pilot)
        assert app.is_running
        assert app.screen is screen
        assert not any(isinstance(s, DetailScreen) for s in app.screen_stack)
        await pilot.press("j", "k", "n", "p")
        await settle(pilot)
        assert app.screen is screen and table.row_count == 0

        # Escape from the empty table clears the filter and the book comes back.
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == 40


async def test_filter_matches_custodian_and_id(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#filter").value = "bny"
        await settle(pilot)
        assert row_ids(app) == ["A-000010", "A-000018", "A-000026"]
        app.screen.query_one("#filter").value = "A-000007"
        await settle(pilot)
        assert row_ids(app) == ["A-000007"]


async def test_escape_from_detail_returns_to_the_filtered_browser(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#filter").value = "chen"
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.account_id == "A-000036"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert row_ids(app) == ["A-000008", "A-000036", "A-000038"]
        assert app.screen.query_one(AccountTable).selected_account == "A-000036"


async def test_paging_within_a_filter(demo_db, make_app, notes):
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await settle(pilot)
        app.screen.query_one("#filter").value = "s"
        await settle(pilot)
        assert "20 match 's'" in status(app) and "rows 1-10 of 20" in status(app)
        first = row_ids(app)
        await pilot.press("n")
        await settle(pilot)
        assert "rows 11-20 of 20" in status(app)
        assert not set(first) & set(row_ids(app))
        await pilot.press("n")
        await settle(pilot)
        assert "rows 11-20 of 20" in status(app)
        assert "No more pages that way." in notes.messages


async def test_a_broad_filter_is_counted_after_its_page(demo_db, make_app, monkeypatch):
    """Issue 17 item 3: the page comes with a capped count ("5+"), every match is counted once it is painted."""
    from console.messages import MatchesCounted, PageLoaded
    from console.screens import browser_screen

    monkeypatch.setattr(browser_screen, "COUNT_CAP", 5)
    seen: list[object] = []
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s")
        await settle(pilot)
        pages = [m.page for m in seen if isinstance(m, PageLoaded) and m.text == "s"]
        counted = [m.total for m in seen if isinstance(m, MatchesCounted)]
        assert pages and pages[-1].total >= 5
        if not pages[-1].exact:  # SQLite: capped with the page, counted after it
            assert counted and set(counted) == {20}  # (the hook sees it on the screen and on the App)
        assert "20 match 's'" in status(app) and "rows 1-10 of 20" in status(app)
        await pilot.press("enter", "n")  # the pages of a broad filter page on as before
        await settle(pilot)
        assert "rows 11-20 of 20" in status(app)
        await pilot.press("n")
        await settle(pilot)
        assert "rows 11-20 of 20" in status(app)  # no page past the counted end


async def test_a_long_filter_keeps_the_match_count_and_rows_on_a_narrow_status_line(demo_db, make_app):
    """At 80 columns a long filter pushed "rows … of …" off the status line (cut at the edge): the line now gives
    up the reconciled count, the paging hint, then the end of the filter text."""
    words = "smith family revocable living trust under agreement"
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *words)
        await settle(pilot)
        text = status(app)
        assert len(text) <= app.screen.query_one("#status").content_region.width, text
        assert text.startswith("40 accounts · 0 match 'smith family") and text.endswith("…' · rows 0-0 of 0")
        await pilot.resize_terminal(160, 24)
        await settle(pilot)
        assert status(app) == f"40 accounts ({app.screen.freshness.reconciled_today:,} reconciled today) · 0 match '{words}' · rows 0-0 of 0"
