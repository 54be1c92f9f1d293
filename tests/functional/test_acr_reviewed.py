"""What the operator confirms is what happens on the ACR screen (issue 11, defects 1 and 2)."""
from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from console.screens.confirm_modal import ConfirmModal
from store.core import Store
from store.queries.orders import list_acrs
from store.sleeves import set_leverage
from tests.conftest import fixed_clock, settle
from tests.functional.test_acr import open_acr


def acrs(settings):
    with Store(settings.db, settings, fixed_clock) as store:
        return list_acrs(store, "A-1001")


async def test_a_target_saved_by_another_operator_while_the_dialog_is_open_is_refused(story_db, make_app,
                                                                                       settings, notes):
    """Reviewed at 1.50x, bob saves 2.0 from the CLI, alice confirms: no ACR at 2.00x, the screen says so."""
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        acr = await open_acr(pilot, "a")
        await pilot.press("x", "f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "at 1.50x" in str(app.screen.question)
        with Store(settings.db, settings, fixed_clock) as other:
            set_leverage(other, "A-1001-M1", Decimal("2.0"), "bob")
        await pilot.click("#confirm-button")
        await settle(pilot)
        assert acrs(settings) == []  # nothing built under the 1.50x acknowledgements
        conflict = [n.message for n in notes.notifications if n.title == "Conflict"]
        assert conflict and conflict[0].startswith("A-1001-M1 changed since you reviewed it: saved 2.00x")
        assert "bob" in conflict[0]
        result = str(acr.query_one("#result").content)
        assert "Not fired, nothing written" in result
        # The screen shows the book as it is now and fires again after a new review, at what it shows.
        assert "at 2.00x" in str(acr.query_one("#acr-title").content)
        assert not acr.firing and acr.result is None
        await pilot.press("x", "f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal) and "at 2.00x" in str(app.screen.question)
        await pilot.click("#confirm-button")
        await settle(pilot)
        built = acrs(settings)
        assert len(built) == 1 and built[0].leverage == Decimal("2.0") and built[0].status == "built"


@pytest.mark.sqlite_only  # a raw sqlite3 connection holds the lock (test_store_postgres.py holds the server's)
async def test_after_a_fire_fails_on_a_locked_book_the_screen_fires_again(story_db, make_app, settings, notes):
    app = make_app()
    app.settings = settings.replace(busy_timeout_ms=50)  # the writer gives up quickly while another holds the lock
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        acr = await open_acr(pilot, "a")
        lock = sqlite3.connect(str(settings.db), isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            await pilot.press("x", "f")
            await settle(pilot)
            await pilot.click("#confirm-button")
            await settle(pilot)
            assert any("locked" in n.message for n in notes.notifications)
            assert "Not fired, nothing written" in str(acr.query_one("#result").content)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert acrs(settings) == [] and not acr.firing
        await settle(pilot)
        await pilot.press("x", "f")  # today f did nothing, silently: it must ask again and fire
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-button")
        await settle(pilot)
        assert [a.status for a in acrs(settings)] == ["built"]
