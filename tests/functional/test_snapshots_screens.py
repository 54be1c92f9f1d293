"""Snapshots of the issue 13 screens at 80x24: the confirmation with its own footer, an ACR opened from history,
the browser filtered by a code and sorted by NAV, and the doctor's finding pane.

Every update of these SVGs is reviewed by eye before it is committed.
"""
from __future__ import annotations

import pytest

from tests.conftest import settle

# SQLite only: drawing does not depend on the engine, and the title names the book (a file here): one set of SVGs.
pytestmark = pytest.mark.sqlite_only

SIZE = (80, 24)


def steps(*keys: str, account: str | None = None, text: str | None = None):
    """Open an account (optionally), type `text` into the browser filter (optionally), then press keys."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        if text is not None:
            await pilot.press("slash", *text, "enter")
            await settle(pilot)
        if account is not None:
            pilot.app.open_account(account)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


class TestScreensReadAllDay:
    def test_confirmation_footer(self, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps("r", "x", "f", account="A-1001"))

    def test_acr_opened_from_history(self, story_db, make_app, snap_compare):
        keys = ("a", "x", "f", "right", "enter", "escape", "h", "enter")
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps(*keys, account="A-1001"))

    def test_browser_by_code_and_nav(self, demo_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps("o", text="code:DRIFT"))

    def test_doctor_finding_pane(self, demo_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps("d", "enter", "j"))
