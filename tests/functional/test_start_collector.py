"""Issue 17 item 1: the start-up holds automatic garbage collection (console/cli/start.py) and the app turns it
back on once its first page is painted, or when that page fails to load, and never leaves it off."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import MarginConsoleApp
from console.messages import PageLoaded
from store.settings import Settings
from tests.conftest import fixed_clock, settle


@pytest.fixture
def held() -> Iterator[None]:
    """The collector off, as the console's start leaves it; on again after the test whatever happened."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def held_app(settings: Settings) -> MarginConsoleApp:
    app = MarginConsoleApp(settings, clock=fixed_clock, cursor_blink=False, collector_held=True)
    app.animation_level = "none"
    return app


async def test_collection_is_back_on_once_the_first_page_is_painted(story_db, settings, held):
    app = held_app(settings)
    when_loaded: list[bool] = []

    def hook(message: object) -> None:
        if isinstance(message, PageLoaded):
            when_loaded.append(gc.isenabled())

    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await settle(pilot)
        assert when_loaded and when_loaded[0] is False  # held while the first page was read and shown
        assert gc.isenabled()


async def test_collection_is_back_on_when_the_first_page_fails(tmp_path: Path, held):
    (tmp_path / "junk.db").write_text("not a book\n")
    app = held_app(Settings(db=tmp_path / "junk.db", operator="alice"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert gc.isenabled()


async def test_an_app_that_was_not_held_leaves_the_collector_alone(story_db, settings, held):
    app = MarginConsoleApp(settings, clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not gc.isenabled()  # whoever turned it off decides
