"""Snapshots of the risk panel at 80x24 (scrolled into view) on the story book with a fixed clock.

Every update of these SVGs is reviewed by eye before it is committed.
"""
from __future__ import annotations

import pytest

from tests.conftest import settle
from widgets.risk_panel import RiskPanel

# SQLite only: drawing does not depend on the engine, and the title names the book (a file here): one set of SVGs.
pytestmark = pytest.mark.sqlite_only

SIZES = [pytest.param((80, 24), id="80x24")]


def risk_in_view(*keys: str, account: str, value: str | None = None):
    """Open an account, press keys (waiting for workers after each), optionally type a leverage, then scroll
    the risk panel to the top of its container."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_account(account)
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if value is not None:
            pilot.app.screen.query_one("#leverage").value = value
        for _ in range(20):  # the editor's preview is debounced by a short timer
            await pilot.pause(0.02)
            await settle(pilot)
        panel = pilot.app.screen.query_one(RiskPanel)
        assert panel.risk is not None
        panel.scroll_visible(top=True, animate=False, immediate=True)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
class TestRiskPanel:
    def test_risk_detail(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=risk_in_view(account="A-1001"))

    def test_risk_editor(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=risk_in_view("e", account="A-1001"))

    def test_risk_editor_at_2x(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size,
                            run_before=risk_in_view("e", account="A-1001", value="2.0"))

    def test_risk_checklist(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=risk_in_view("a", account="A-1001"))

    def test_risk_checklist_blocked(self, size, story_db, make_app, snap_compare):
        assert snap_compare(make_app(), terminal_size=size, run_before=risk_in_view("a", account="A-1002"))
