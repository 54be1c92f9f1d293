"""A failed store call in any worker becomes one notification, written on the App."""
from __future__ import annotations

import sqlite3

import pytest

from console.messages import StoreFailed
from store.errors import Conflict
from tests.functional.conftest import settle


@pytest.mark.parametrize(("error", "title", "text"), [
    (Conflict("A-1001-M1 changed since you loaded it"), "Conflict", "A-1001-M1 changed since you loaded it"),
    (sqlite3.OperationalError("database is locked"), "Database", "the book is locked by another writer: try again"),
    (sqlite3.OperationalError("disk I/O error"), "Database", "disk I/O error"),
    (KeyError("x"), "Unexpected error", "KeyError: 'x'"),
])
async def test_store_failed_is_notified_once(story_db, make_app, error, title, text):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.clear_notifications()
        app.post_message(StoreFailed(error))
        await settle(pilot)
        notes = list(app._notifications)
        assert [(n.title, n.message, n.severity) for n in notes] == [(title, text, "error")]
