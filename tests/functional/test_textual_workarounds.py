"""The Textual workarounds: applied on the pinned 8.2.x only, and a collection after each shown result."""
from __future__ import annotations

import gc

import textual

from console import textual_workarounds
from console.textual_workarounds import TextualWorkarounds
from tests.conftest import settle


def test_active_only_on_the_textual_they_were_written_for():
    assert textual_workarounds.ACTIVE == textual.__version__.startswith("8.2.")


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
