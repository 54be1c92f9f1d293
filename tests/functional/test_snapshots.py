"""Snapshots of the main screens at 80x24 and 120x40 on a fixed book with a fixed clock.

Every update of these SVGs is reviewed by eye before it is committed.
"""
from __future__ import annotations

import pytest

from tests.conftest import settle

# SQLite only: drawing does not depend on the engine, and the title names the book (a file here): one set of SVGs.
pytestmark = pytest.mark.sqlite_only

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def steps(*keys: str, account: str | None = None):
    """A run_before that optionally opens an account, presses keys, and waits for workers after each."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        if account is not None:
            pilot.app.open_account(account)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
class TestBrowser:
    def test_browser(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps())

    def test_browser_filtered(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps("slash", "s", "c", "h"))


@pytest.mark.parametrize("size", SIZES)
class TestDetail:
    def test_detail_pending(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps(account="A-1001"))


@pytest.mark.parametrize("size", SIZES)
class TestEditor:
    def test_editor_with_preview(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps("e", account="A-1001"))


@pytest.mark.parametrize("size", SIZES)
class TestChecklist:
    def test_checklist_awaiting(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps("a", "1", account="A-1001"))

    def test_checklist_blocked(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps("a", account="A-1002"))


@pytest.mark.parametrize("size", SIZES)
class TestDoctor:
    def test_doctor(self, size, demo_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps("d"))


@pytest.mark.parametrize("size", SIZES)
class TestHelp:
    def test_help(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=steps("question_mark"))
