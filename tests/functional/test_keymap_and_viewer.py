"""Issue 14: a rebound key moves in the footer, the help and the palette alike; a read-only session writes nothing."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets._footer import FooterKey

from console.app import MarginConsoleApp
from console.palette import ConsoleCommands
from console.screens.detail_screen import DetailScreen
from console.screens.help_screen import HelpScreen
from store.settings import Settings
from tests.conftest import Notes, count, fixed_clock, raw_rows, settle


def build(settings: Settings, **update: object) -> MarginConsoleApp:
    app = MarginConsoleApp(settings.replace(**update), clock=fixed_clock, cursor_blink=False)
    app.animation_level = "none"
    return app


def footer(app: MarginConsoleApp) -> dict[str, str]:
    """What the footer shows: description -> key, from its FooterKey widgets."""
    return {key.description: key.key for key in app.screen.query(FooterKey)}


async def palette(app: MarginConsoleApp) -> list[str]:
    return [hit.text async for hit in ConsoleCommands(app.screen).discover()]


def book_rows(db: Path) -> tuple[int, int, list[tuple]]:
    return (count(db, "audit"), count(db, "acrs"),
            raw_rows(db, "SELECT id, leverage, track_manager, version FROM sleeves ORDER BY id"))


async def test_a_rebound_action_moves_in_the_footer_the_help_and_the_palette(story_db, settings):
    app = build(settings, keys={"edit-leverage": "E", "help": "f1"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        assert footer(app)["Edit"] == "E"  # the footer's short label (ActionSpec.short) for Edit leverage
        assert "Edit leverage (E)" in await palette(app)
        await pilot.press("e")  # the old key no longer edits
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("E")
        await settle(pilot)
        assert type(app.screen).__name__ == "LeverageEditor"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = Text.from_markup(str(app.screen.query_one("#help-text").content)).plain
        assert "       E  Edit leverage:" in text and "      f1  Help:" in text
        assert "       e  Edit leverage:" not in text


async def test_read_only_hides_write_keys_and_refuses_them_with_a_reason(story_db, settings, notes: Notes):
    before = book_rows(story_db)
    app = build(settings, read_only=True)
    async with app.run_test(size=(120, 40), message_hook=notes) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        shown = footer(app)
        assert "History" in shown and "Back" in shown
        assert not {"Edit leverage", "Track mgr", "Rebalance", "$1 ACR", "Walkthrough"} & set(shown)
        offered = await palette(app)
        assert "History (h)" in offered and not any(t.startswith(("Edit leverage", "Rebalance")) for t in offered)
        for key in ("e", "t", "r", "a", "ctrl+d", "w"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen), key  # no editor, no ACR screen, no walkthrough
        refusals = notes.titled("Read-only")
        assert len(refusals) == 6
        assert refusals[0].message.startswith("Edit leverage is off: it writes the book and this session is read-only")
        await pilot.press("h")  # reading still works
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
    assert book_rows(story_db) == before


@pytest.mark.sqlite_only  # SQLite's mode=ro; on a server the session is read-only (test_store_postgres.py)
async def test_read_only_opens_the_file_with_sqlites_read_only_mode(story_db, settings):
    app = build(settings, read_only=True)
    store = app.open_store()
    try:
        assert store.conn.read_only
        with __import__("pytest").raises(sqlite3.OperationalError, match="readonly"):
            store.conn.execute("UPDATE sleeves SET leverage = '1.9'")
    finally:
        store.close()


def test_the_default_registry_applies_cleanly_and_every_write_id_is_an_action():
    from console.actions import ACTIONS, WRITE_ACTIONS
    from console.keymap import effective_actions, normalize_key

    assert effective_actions({}) == ACTIONS
    assert WRITE_ACTIONS <= {spec.id for spec in ACTIONS}
    assert normalize_key("?") == "question_mark" and normalize_key("ctrl+E") == "ctrl+E"
    moved = {spec.id: spec for spec in effective_actions({"doctor": "ctrl+g", "back": "escape,backspace"})}
    assert moved["doctor"].keys == "ctrl+g" and moved["doctor"].key_display is None
    assert moved["back"].keys == "escape,backspace"
