"""What store workers hand the App: failures become one notification; writes reload every screen showing the account."""
from __future__ import annotations

import sqlite3

import psycopg
import pytest

from console.messages import StoreFailed
from store.errors import Conflict
from tests.conftest import settle


@pytest.mark.parametrize(("error", "title", "text"), [
    (Conflict("A-1001-M1 changed since you loaded it"), "Conflict", "A-1001-M1 changed since you loaded it"),
    (sqlite3.OperationalError("database is locked"), "Database", "the book is locked by another writer: try again"),
    (sqlite3.OperationalError("disk I/O error"), "Database", "disk I/O error"),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command\nSSL SYSCALL"), "Database",
     "terminating connection due to administrator command"),  # a server's book: the server went away
    (KeyError("x"), "Unexpected error", "KeyError: 'x'"),
])
async def test_store_failed_is_notified_once(story_db, make_app, error, title, text, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await settle(pilot)
        notes.clear()
        app.post_message(StoreFailed(error))
        await settle(pilot)
        assert [(n.title, n.message, n.severity) for n in notes.notifications] == [(title, text, "error")]


async def test_a_write_reloads_the_account_even_after_the_writing_screen_closed(story_db, make_app):
    from console.messages import AccountLoaded, AccountWritten

    loaded: list[str] = []
    app = make_app()
    hook = lambda m: loaded.append(m.detail.account.id) if isinstance(m, AccountLoaded) else None
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        assert loaded == ["A-1001"]
        app.post_message(AccountWritten("A-1001"))  # what a write worker posts, whether or not its screen is open
        await settle(pilot)
        assert loaded == ["A-1001", "A-1001"]
