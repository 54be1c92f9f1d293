"""Issue 17 item 4: one detail screen is kept and refilled per account; a reload updates its widgets in place."""
from __future__ import annotations

import gc
import sqlite3
import threading

import pytest

from calc.troubleshoot import SYMPTOM_OF_CODE
from console import key_hold, textual_workarounds
from console.messages import AccountLoaded, AccountWritten, FindingLoaded, RiskLoaded, StoreFailed
from console.screens import detail_screen
from console.screens.acr_screen import AcrScreen
from console.screens.detail_screen import DetailScreen
from console.screens.editor_modal import LeverageEditor
from console.screens.history_screen import HistoryScreen
from console.screens.troubleshoot_screen import TroubleshootScreen
from store.core import Store
from store.queries.detail import account_detail
from store.risk import account_risk
from store.troubleshoot import troubleshoot
from tests.conftest import Notes, fixed_clock, settle
from tests.functional.test_detail import card, open_detail, shown_cards, text
from tests.functional.test_live_book import live_app, other_operator_sets
from widgets.account_table import AccountTable
from widgets.detail_body import DetailView
from widgets.diagnostics_list import DiagnosticsList
from widgets.margin_panel import MarginPanel
from widgets.risk_panel import RiskPanel


async def reopen(pilot, account_id: str) -> DetailScreen:
    """Back to the browser, then open `account_id`."""
    await pilot.press("escape")
    await settle(pilot)
    return await open_detail(pilot, account_id)


async def test_a_reload_updates_the_cards_in_place(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1003")
        cards = shown_cards(screen)
        panels = (screen.query_one(MarginPanel), screen.query_one(RiskPanel), screen.query_one(DiagnosticsList))
        assert "TACTICAL_TRACK_OFF" in str(panels[2].render())
        assert screen.selected_sleeve.id == "A-1003-M1"
        await pilot.press("t")  # track manager on the model sleeve: a write, then a reload
        await settle(pilot)
        assert shown_cards(screen) == cards  # the same widgets
        model = card(screen, "A-1003-M1")
        assert model.sleeve.track_manager and "Track manager ON" in str(model.render())
        assert screen.focused is model
        assert (screen.query_one(MarginPanel), screen.query_one(RiskPanel),
                screen.query_one(DiagnosticsList)) == panels  # updated in place, not remounted
        assert "TACTICAL_TRACK_OFF" not in str(panels[2].render())
        body = list(screen.query_one("#detail-body").children)
        assert body == [*cards, *panels]


async def test_the_next_account_reuses_the_screen_and_keeps_nothing_of_the_last(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_detail(pilot, "A-1001")
        assert "PENDING_LEVERAGE" in text(first.query_one(DiagnosticsList))
        first.query_one("#detail-body").scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert first.query_one("#detail-body").scroll_y > 0
        screen = await reopen(pilot, "A-1003")
        assert screen is first and screen.account_id == "A-1003" and screen.detail.account.id == "A-1003"
        assert [c.sleeve.id for c in shown_cards(screen)] == ["A-1003-APM", "A-1003-M1"]
        title = text(screen.query_one("#account-title"))
        assert title.startswith("A-1003 ·") and "A-1001" not in title
        diagnostics = text(screen.query_one(DiagnosticsList))
        assert "TACTICAL_TRACK_OFF" in diagnostics and "A-1001" not in diagnostics
        assert screen.query_one(RiskPanel).risk[0].sleeve_id == "A-1003-M1"  # the risk of this account's sleeve
        assert screen.query_one("#detail-body").scroll_y == 0  # an account opens at its top
        assert screen.focused is card(screen, "A-1003-M1")
        assert "SELECTED" in str(card(screen, "A-1003-M1").border_title)
        assert "SELECTED" not in str(card(screen, "A-1003-APM").border_title)
        await pilot.press("e")  # edit leverage acts on this account's sleeve
        await settle(pilot)
        assert isinstance(app.screen, LeverageEditor) and app.screen.sleeve.id == "A-1003-M1"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and app.screen.account_id == "A-1003"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # the troubleshooter from the detail
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        assert (app.screen.account_id, app.screen.sleeve_id) == ("A-1003", "A-1003-M1")


async def test_cards_follow_the_number_of_sleeves(demo_db, make_app, settings):
    with Store(settings.db, settings, fixed_clock) as store:
        counts = {f"A-{n:06d}": len(account_detail(store, f"A-{n:06d}").sleeves) for n in range(1, 41)}
    many = max(counts, key=counts.get)
    few = min(counts, key=counts.get)
    assert counts[many] > counts[few]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, few)
        for account_id in (many, few, many):
            assert await reopen(pilot, account_id) is screen
            assert [c.sleeve.id for c in shown_cards(screen)] == [s.id for s in screen.detail.sleeves]
            assert len(screen.detail.sleeves) == counts[account_id]
            assert [type(w) for w in screen.query_one("#detail-body").children][-3:] == [
                MarginPanel, RiskPanel, DiagnosticsList]


async def test_the_fix_key_acts_on_the_account_now_shown(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, "A-000003")
        await reopen(pilot, "A-000006")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen)
        assert (app.screen.sleeve_id, app.screen.kind) == ("A-000006-M1", "liquidation")


async def test_results_read_for_the_last_account_are_dropped(story_db, make_app, settings):
    """A worker still running for the last account when the screen moved on: its account, risk and finding
    arrive after the next account's and must not land on it (nor perform a fix on it)."""
    with Store(settings.db, settings, fixed_clock) as store:
        last = account_detail(store, "A-1001")
        risks = account_risk(store, "A-1001")
        finding = troubleshoot(store, "A-1001", SYMPTOM_OF_CODE["PENDING_LEVERAGE"], "A-1001-M1")
    assert finding.action is not None
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, "A-1001")
        screen = await reopen(pilot, "A-1003")
        screen.post_message(AccountLoaded(last, DetailView.of(last)))
        screen.post_message(RiskLoaded(risks))
        screen.post_message(FindingLoaded(finding, last.version, {s.id: s.version for s in last.sleeves}, "A-1001"))
        await settle(pilot)
        assert app.screen is screen  # no fix performed: no ACR screen, no confirmation
        assert screen.detail.account.id == "A-1003"
        assert [c.sleeve.id for c in shown_cards(screen)] == ["A-1003-APM", "A-1003-M1"]
        assert screen.query_one(RiskPanel).risk[0].sleeve_id == "A-1003-M1"


async def test_an_account_opened_above_the_kept_screen_gets_its_own(story_db, make_app):
    """The palette (or the doctor) opens an account while the kept screen is on the stack: a second screen, and
    escape comes back to the first account as it was."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        kept = await open_detail(pilot, "A-1001")
        app.open_account("A-1003")
        await settle(pilot)
        above = app.screen
        assert isinstance(above, DetailScreen) and above is not kept and above.detail.account.id == "A-1003"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is kept and kept.detail.account.id == "A-1001"
        assert [c.sleeve.id for c in shown_cards(kept)] == ["A-1001-APM", "A-1001-M1"]


async def test_another_operators_write_refreshes_the_refilled_screen(story_db, settings, notes: Notes):
    app = live_app(settings)
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await open_detail(pilot, "A-1003")
        screen = await reopen(pilot, "A-1001")
        other_operator_sets(settings, "A-1001-M1", "1.7")
        for _ in range(60):
            if str(screen.detail.sleeves[1].saved) == "1.7":
                break
            await pilot.pause(0.05)
            await settle(pilot)
        assert str(screen.detail.sleeves[1].saved) == "1.7" and app.screen is screen
        assert notes.titled("Book changed")[0].message.startswith("A-1001 was changed by bob (set-leverage)")


async def test_a_write_on_stale_figures_is_refused_with_who_changed_what(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_detail(pilot, "A-1003")
        screen = await reopen(pilot, "A-1001")
        assert screen.selected_sleeve.id == "A-1001-M1"
        other_operator_sets(settings, "A-1001-M1", "1.7")  # no live book here: the screen still shows the old target
        await pilot.press("t")
        await settle(pilot)
        conflict = [n.message for n in notes.titled("Conflict")]
        assert conflict and conflict[0].startswith("A-1001-M1 changed since you reviewed it")
        assert "changed by bob" in conflict[0]
    with Store(settings.db, settings, fixed_clock) as store:
        assert account_detail(store, "A-1001").sleeve("A-1001-M1").track_manager  # nothing written


async def test_a_theme_changed_while_the_screen_was_away_is_on_it_when_it_comes_back(story_db, make_app):
    """The push of the refilled screen skips Textual's restyle of every node: its styles must be current anyway."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)
        app.theme = "nord" if app.theme != "nord" else "gruvbox"
        await settle(pilot)
        screen = await open_detail(pilot, "A-1003")
        widgets = [screen, *shown_cards(screen), screen.query_one(RiskPanel), screen.query_one(DiagnosticsList)]
        shown = [(w.styles.background, w.styles.border_top, w.styles.color) for w in widgets]
        app.update_styles(screen)  # what the skipped restyle would have done
        assert [(w.styles.background, w.styles.border_top, w.styles.color) for w in widgets] == shown


async def test_the_kept_screen_is_frozen_out_of_later_collections_once(story_db, make_app, monkeypatch):
    freezes: list[int] = []
    monkeypatch.setattr(textual_workarounds.gc, "freeze", lambda: freezes.append(1))
    monkeypatch.setattr(textual_workarounds.gc, "unfreeze", lambda: None)
    app = make_app()
    app.workarounds.active = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(freezes) == 1  # at start
        for account_id in ("A-1001", "A-1002", "A-1003"):
            await open_detail(pilot, account_id)
            await pilot.pause(0.1)  # past the collections' minimum interval
            await pilot.press("escape")
            await settle(pilot)
        assert len(freezes) == 2  # and once after the kept screen was built, never again
    assert gc.isenabled()


async def kept_screen_then_browser(pilot) -> None:
    """Open A-1001 (which installs the kept detail screen) and go back to the browser."""
    await open_detail(pilot, "A-1001")
    await pilot.press("escape")
    await settle(pilot)


async def until_pushed_loading(pilot, screen) -> None:
    """Give the app turns until the key hold has given up and pushed `screen` (not settle: it waits for workers,
    and the read under test is slow)."""
    app = pilot.app
    for _ in range(100):
        if app.screen is screen and not app.key_hold.holding:
            return
        await pilot.pause(0.02)


def read_waits(monkeypatch, failing: bool = False) -> threading.Event:
    """From now on the detail screen's account read waits for the returned event (at most 10 s), then reads the
    account, or fails as a broken disk would (`failing`)."""
    gate = threading.Event()

    def waiting_read(store, account_id):
        gate.wait(10)  # the account is still being read while the test's keys arrive
        if failing:
            raise sqlite3.OperationalError("disk I/O error")
        return account_detail(store, account_id)

    monkeypatch.setattr(detail_screen, "account_detail", waiting_read)
    return gate


async def test_keys_typed_while_an_account_opens_reach_its_screen_not_the_browser(story_db, make_app, monkeypatch):
    """The kept screen is pushed only once the account is on it; a key typed in between (Enter then Escape read
    together, or typed ahead over a slow link) is meant for the account's screen. It used to reach the browser
    (Escape cleared the filter there) and then the account opened anyway."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)
        browser = app.screen
        row = browser.query_one(AccountTable).cursor_row
        gate = read_waits(monkeypatch)
        app.open_account("A-1003")
        await pilot.press("down", "escape")
        assert app.screen is browser
        assert browser.query_one(AccountTable).cursor_row == row  # the browser's cursor did not move
        gate.set()
        await settle(pilot)
        assert app.screen is browser  # the account opened, then its screen took the escape
        assert app.get_screen("detail").account_id == "A-1003"


async def test_quit_is_never_held_behind_an_opening_account(story_db, make_app, monkeypatch):
    """An account whose read hangs must not take the keyboard with it: ctrl+q still quits."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)
        gate = read_waits(monkeypatch)
        app.open_account("A-1003")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit or not app.is_running
        gate.set()


async def test_keys_typed_for_an_account_that_fails_to_open_reach_no_other_screen(story_db, make_app, monkeypatch):
    """The read fails: the error is shown, the keys typed for the account are dropped, and the keyboard is the
    browser's again."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)
        browser, table = app.screen, app.screen.query_one(AccountTable)
        row = table.cursor_row
        gate = read_waits(monkeypatch, failing=True)
        app.open_account("A-1003")
        await pilot.press("down")
        gate.set()
        await settle(pilot)
        assert app.screen is browser and table.cursor_row == row
        assert not app.key_hold.holding
        await pilot.press("down")
        assert table.cursor_row == row + 1


async def test_a_slow_open_shows_its_screen_loading_and_it_takes_the_keys(story_db, make_app, monkeypatch):
    """A read slower than the hold limit: the screen is pushed loading (titled with the account being opened, not
    the last one), the held keys go to it, and the account fills it in place when it arrives (it does not pop up
    later over whatever the operator did meanwhile)."""
    monkeypatch.setattr(key_hold, "HOLD_LIMIT", 0.2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)
        browser = app.screen
        table = browser.query_one(AccountTable)
        row = table.cursor_row
        gate = read_waits(monkeypatch)
        app.open_account("A-1003")
        await pilot.press("down")
        screen = app.get_screen("detail")
        await until_pushed_loading(pilot, screen)
        assert app.screen is screen and screen.detail is None
        assert str(screen.query_one("#account-title").content) == "A-1003 · loading…"
        assert table.cursor_row == row  # the held key went to the loading screen, not the browser
        gate.set()
        await settle(pilot)
        assert app.screen is screen and screen.detail.account.id == "A-1003"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is browser


async def test_another_screens_failure_keeps_the_keys_held_for_the_opening_account(story_db, make_app,
                                                                                   monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)
        browser = app.screen
        gate = read_waits(monkeypatch)
        app.open_account("A-1003")
        await pilot.press("escape")
        app.post_message(StoreFailed(sqlite3.OperationalError("database is locked"), browser))  # a browser worker's
        await pilot.pause()
        assert app.key_hold.holding
        gate.set()
        await settle(pilot)
        assert app.screen is browser  # the held escape reached the account's screen and closed it


@pytest.mark.sqlite_only  # a raw sqlite3 connection holds the write lock
async def test_a_write_that_ends_after_the_screen_moved_on_announces_its_own_account(story_db, make_app, settings):
    """The track-manager toggle waits on a locked book while the operator opens another account: when it commits,
    its own account is announced (its browser row and any screen showing it reload), not the one now shown."""
    written: list[str] = []

    def hook(message) -> None:
        if isinstance(message, AccountWritten):
            written.append(message.account_id)

    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await open_detail(pilot, "A-1003")
        lock = sqlite3.connect(str(settings.db), isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            await pilot.press("t")  # the write waits for the lock (busy timeout)
            await pilot.press("escape")
            app.open_account("A-1001")
            screen = app.get_screen("detail")
            for _ in range(100):  # not settle: it would wait for the blocked write
                if screen.detail is not None and screen.detail.account.id == "A-1001":
                    break
                await pilot.pause(0.02)
            assert app.screen is screen and screen.detail.account.id == "A-1001"
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        await settle(pilot)
        assert written == ["A-1003"]
