"""Snapshot of the walkthrough screen at 80x24 on the story book with a fixed clock.

Every update of this SVG is reviewed by eye (its text read back) before it is committed.
"""
from __future__ import annotations

import pytest

from tests.conftest import settle

# SQLite only: drawing does not depend on the engine, and the title names the book (a file here): one set of SVGs.
pytestmark = pytest.mark.sqlite_only


def walkthrough(account: str, *keys: str):
    """Open the account, press w, then `keys`; toasts are cleared so the screen itself is compared."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_account(account)
        await settle(pilot)
        for key in ("w", *keys):
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run_before


def test_walkthrough_step_2_pending(story_db, make_app, snap_compare):
    """Step 1 confirmed as saved (c); step 2 shows saved 1.50x, applied 1.00x and what to confirm."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=walkthrough("A-1001", "c"))
