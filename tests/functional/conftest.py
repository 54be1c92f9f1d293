"""Fixtures for Pilot and snapshot tests: a fresh store per test and a non-blinking app on the fixed clock."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.app import MarginConsoleApp
from store.book import generate_demo, import_book
from store.core import Store
from store.settings import Settings
from tests.conftest import fixed_clock

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def settings(book_url: Path | str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings isolated from the environment: a temp book (a file, or a database on the test cluster) and a
    fixed operator."""
    for name in ("MARGIN_CONSOLE_DB", "MARGIN_CONSOLE_OPERATOR"):
        monkeypatch.delenv(name, raising=False)
    return Settings(db=book_url, operator="alice")


@pytest.fixture
def story_db(settings: Settings) -> Path:
    """The small fixed book (tests/data/story_book.json) imported through the store API."""
    with Store(settings.db, settings, fixed_clock) as store:
        import_book(store, json.loads((DATA / "story_book.json").read_text()), "seed")
    return settings.db


@pytest.fixture
def demo_db(settings: Settings) -> Path:
    """A 40-account demo book (seed 7): the showcase plus random accounts."""
    with Store(settings.db, settings, fixed_clock) as store:
        generate_demo(store, 40, 7, "seed")
    return settings.db


@pytest.fixture
def make_app(settings: Settings):
    """Build the app without running it: fixed clock, no cursor blink, no animations."""

    def build(page_size: int = 100) -> MarginConsoleApp:
        app = MarginConsoleApp(settings, clock=fixed_clock, page_size=page_size, cursor_blink=False)
        app.animation_level = "none"
        return app

    return build
