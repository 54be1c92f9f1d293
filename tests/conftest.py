"""Helpers shared by the unit and functional tests: the fixed clock and waiting on a Pilot.

Nothing here imports Textual at import time, so the unit tests (calc, store, CLI) stay free of it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

FIXED_NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    """The clock injected into every store and app under test."""
    return FIXED_NOW


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker, then let the UI process what they posted."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], tries: int = 60) -> None:
    """Give the app turns until `condition()` holds (debounce timers, palette searches), then assert it."""
    for _ in range(tries):
        if condition():
            return
        await settle(pilot)
        await pilot.pause(0.02)
    assert condition()
