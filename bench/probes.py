"""Probes the benchmark runs in fresh processes, so each start is cold and each peak RSS is the app's own.

    python -m bench.probes start console BOOK   first paint of the console, headless (JSON on stdout)
    python -m bench.probes start minimal        first paint of the minimal app (a one-row DataTable), headless
    python -m bench.probes rss console BOOK     peak RSS after 20 pages, 10 filters and 3 account opens
    python -m bench.probes rss minimal          peak RSS of the minimal app after the same keys
    python -m bench.probes minimal-tui          the minimal app in the real terminal (the tmux baseline)

The console is started the way `margin-console --db BOOK` starts it: the entry point's module, the settings
loaded from flags, environment and file, the operator resolved against the book, the live book on. Each start
reports `wall_paint`, the wall clock (time.time) of the first painted frame, so the parent can time from
before it spawned the process: the interpreter's own start and every import are in the figure.
"""
from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

T_PROCESS = time.perf_counter()

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TERMINAL  # noqa: E402  (stdlib only)

READY = "MINIMAL-APP-READY"
# What an operator does in the first minutes, for peak RSS: pages forward, filters typed and erased, accounts opened.
PAGES = 20
FILTERS = ("smith", "fidelity trust", "a", "patel hold", "s", "garcia", "schwab", "jo", "trust", "lee")


def _minimal_app_class() -> Any:
    """The floor every start-up figure is judged against: Textual with one DataTable holding one row."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class MinimalApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="ready")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("id")
            table.add_row(READY)

    return MinimalApp


def _minimal_rows(app: Any) -> int:
    from textual.widgets import DataTable

    found = app.screen.query(DataTable)
    return found.first().row_count if found else 0


async def _until(condition: Any, timeout: float = 60.0) -> None:
    """Poll every millisecond (a busy loop would starve the worker thread of the GIL)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await asyncio.sleep(0.001)


def _browser_rows(app: Any) -> int:
    from console.screens.browser_screen import BrowserScreen
    from widgets.account_table import AccountTable

    screen = app.screen
    if not isinstance(screen, BrowserScreen):
        return 0
    return screen.query_one(AccountTable).row_count


def _console_app(book: str, live: bool = False) -> Any:
    """The console on `book` as `margin-console --db BOOK --operator bench` builds it (live book off for RSS)."""
    from bench.common import OPERATOR, PAGE_SIZE, fixed_clock
    from console.app import MarginConsoleApp
    from console.cli.start import console_settings
    from store.settings import Settings, login_name

    settings = Settings.load(None, db=book, operator=OPERATOR)
    login = login_name()
    app = MarginConsoleApp(console_settings(settings, login, fixed_clock), clock=fixed_clock, page_size=PAGE_SIZE,
                           cursor_blink=False, live=live, login=login, claim=settings.claimed_operator(),
                           collector_held=True)
    app.animation_level = "none"
    return app


async def start(which: str, book: str | None) -> dict[str, Any]:
    """The first painted screen (the browser with rows; the minimal app's row): wall clock, and seconds from
    constructing the app; `imports` is the time to import what the entry point imports before that."""
    t_import = time.perf_counter()
    if which == "console":
        # What `margin-console --db BOOK` does before it builds the app: the entry point's module, then (only the
        # root's options: no click) the console's start, which imports the settings, holds the collector until the
        # first page is painted (console/cli/start.py) and imports the app.
        import console.cli
        import console.cli.start
        import store.settings  # noqa: F401

        gc.disable()
        import console.app  # noqa: F401
    else:
        _minimal_app_class()
    imported = time.perf_counter() - t_import
    from bench.common import PaintWatch

    t0 = time.perf_counter()
    if which == "console":
        assert book is not None
        app = _console_app(book, live=True)
        condition = lambda: _browser_rows(app) > 0  # noqa: E731
    else:
        app = _minimal_app_class()()
        condition = lambda: _minimal_rows(app) > 0  # noqa: E731
    painted = PaintWatch(app).arm(condition)
    async with app.run_test(size=TERMINAL):
        first_paint = await asyncio.wait_for(painted, 60)  # type: ignore[arg-type]
        wall = time.time() - (time.perf_counter() - first_paint)
    return {"first_paint": first_paint - t0, "imports": imported, "wall_paint": wall,
            "since_process_start": first_paint - T_PROCESS}


async def rss(which: str, book: str | None) -> dict[str, Any]:
    """Peak RSS (MB) after PAGES pages, the FILTERS typed and erased, and three accounts opened: an operator's
    first minutes. The minimal app gets the same keys (its one-row table ignores most of them)."""
    console = which == "console"
    app = _console_app(book, live=False) if console and book is not None else _minimal_app_class()()
    async with app.run_test(size=TERMINAL) as pilot:
        async def settle() -> None:
            for _ in range(2):
                await app.workers.wait_for_complete()
                await pilot.pause()

        await _until(lambda: (_browser_rows(app) if console else _minimal_rows(app)) > 0)
        for _ in range(PAGES):
            await pilot.press("n")
            await settle()
        await pilot.press(*["j"] * 40)
        await pilot.press("slash")
        for word in FILTERS:
            for ch in word:
                await pilot.press("space" if ch == " " else ch)
                await settle()
            await pilot.press(*["backspace"] * len(word))
            await settle()
        await pilot.press("escape")
        await settle()
        if console:
            await _open_accounts(app, pilot, settle)
    return {"peak_rss_mb": peak_rss_mb()}


async def _open_accounts(app: Any, pilot: Any, settle: Any) -> None:
    from console.screens.detail_screen import DetailScreen
    from widgets.sleeve_card import SleeveCard

    for _ in range(3):
        await pilot.press("enter")
        await _until(lambda: isinstance(app.screen, DetailScreen) and bool(app.screen.query(SleeveCard)))
        await settle()
        await pilot.press("escape")
        await settle()
        await pilot.press(*["j"] * 7)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    Linux keeps ru_maxrss across fork and exec, so a probe started by a big parent (one that just generated
    a 100,000-account book) would report the parent's peak; VmHWM is the peak of this process's own memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def minimal_tui() -> None:
    _minimal_app_class()().run()


def main(argv: list[str]) -> None:
    command, *rest = argv
    if command == "minimal-tui":
        minimal_tui()
        return
    which = rest[0]
    book = rest[1] if len(rest) > 1 else None
    probe = {"start": start, "rss": rss}[command]
    print(json.dumps(asyncio.run(probe(which, book))))


if __name__ == "__main__":
    main(sys.argv[1:])
