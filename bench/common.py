"""Shared pieces of the benchmark: the repository root, the fixed clock, settings and statistics."""
from __future__ import annotations

import math
import sqlite3
import statistics
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

from store.demo_data import DEFAULT_SEED, DEFAULT_TODAY  # noqa: E402  (stdlib only: the probes stay light)

# Books are generated and read at the demo's own date, so a book cached yesterday behaves the same today.
FIXED_NOW = datetime(DEFAULT_TODAY.year, DEFAULT_TODAY.month, DEFAULT_TODAY.day, 15, 0, tzinfo=timezone.utc)
SEED = DEFAULT_SEED
OPERATOR = "bench"
PAGE_SIZE = 100  # the console's default page
TERMINAL = (100, 30)  # every console measurement, headless or in tmux


def fixed_clock() -> datetime:
    return FIXED_NOW


def settings_for(db: Path | str):  # -> store.settings.Settings (imported here: the probes stay light)
    from store.settings import Settings

    return Settings(db=Path(db), operator=OPERATOR)


@dataclass
class Samples:
    """Repeated measurements of one figure, in `unit` (s, MB or /s)."""

    values: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""
    load: list[float] = field(default_factory=list)  # 1-minute load average when the figure started and ended

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile; for a throughput (unit '/s') the slow end, the 5th percentile."""
        ordered = sorted(self.values)
        if self.unit == "/s":
            ordered.reverse()
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.values)


class PaintWatch:
    """Times paints: `arm(condition)` gives a future set to the time of the first paint after which it holds.

    It wraps the app's `_display`, the call that receives each frame the compositor rendered (headless runs
    render the frame and skip the terminal write), so "painted" means a frame with the new state was rendered.
    """

    def __init__(self, app: object) -> None:
        import asyncio
        import time

        self._asyncio, self._time = asyncio, time
        self.pending: tuple[object, object] | None = None
        self.frames = 0
        original = app._display  # type: ignore[attr-defined]

        def display(screen: object, renderable: object) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            self.frames += 1
            if self.pending is not None:
                condition, future = self.pending
                if not future.done() and condition():  # type: ignore[attr-defined, operator]
                    future.set_result(time.perf_counter())  # type: ignore[attr-defined]
                    self.pending = None

        app._display = display  # type: ignore[attr-defined]

    def arm(self, condition: object) -> object:
        future = self._asyncio.get_running_loop().create_future()
        self.pending = (condition, future)
        return future


def send_key(app: object, key: str) -> None:
    """Post one key press the way Pilot does, without Pilot's waits for the process to go idle."""
    import unicodedata

    from textual import events
    from textual.app import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)  # type: ignore[arg-type]
    app._driver.send_message(event)  # type: ignore[attr-defined]


def remove_book(path: Path) -> None:
    """A book file and its -wal, -shm and -journal companions."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def copy_book(src: Path, dst: Path) -> Path:
    """A consistent copy of a book to write on (SQLite's backup API, so a -wal file is folded in)."""
    remove_book(dst)
    source, target = sqlite3.connect(str(src)), sqlite3.connect(str(dst))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return dst
