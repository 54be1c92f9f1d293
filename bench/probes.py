"""Probes the benchmark runs in fresh processes, so each start is cold and each peak RSS is the app's own.

    python -m bench.probes start console BOOK   first paint of the console, headless (JSON on stdout)
    python -m bench.probes start empty          first paint of an empty Textual app, headless
    python -m bench.probes rss console BOOK     peak RSS after browsing, filtering and opening an account
    python -m bench.probes rss empty            peak RSS of an empty Textual app after a few keys
    python -m bench.probes empty-tui            an empty Textual app in the real terminal (the tmux baseline)
"""
from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

T_PROCESS = time.perf_counter()

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TERMINAL  # noqa: E402  (stdlib only)

READY = "EMPTY-APP-READY"
READY_SELECTOR = "#ready"



def _empty_app_class() -> Any:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class EmptyApp(App[None]):
        """The baseline: a Textual app that shows one Static."""

        def compose(self) -> ComposeResult:
            yield Static(READY, id="ready")

    return EmptyApp


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


def _console_app(book: str) -> Any:
    from bench.common import PAGE_SIZE, fixed_clock, settings_for
    from console.app import MarginConsoleApp

    app = MarginConsoleApp(settings_for(book), clock=fixed_clock, page_size=PAGE_SIZE, cursor_blink=False)
    app.animation_level = "none"
    return app


async def start(which: str, book: str | None) -> dict[str, Any]:
    """Seconds from constructing the app to the first painted screen (the browser with rows)."""
    t_import = time.perf_counter()
    if which == "console":
        import console.app  # noqa: F401  (what `margin-console` imports before it builds the app)
        import console.screens.browser_screen  # noqa: F401
    else:
        _empty_app_class()
    imported = time.perf_counter() - t_import
    from bench.common import PaintWatch

    t0 = time.perf_counter()
    if which == "console":
        assert book is not None
        app = _console_app(book)
        condition = lambda: _browser_rows(app) > 0  # noqa: E731
    else:
        app = _empty_app_class()()
        condition = lambda: bool(app.screen.query(READY_SELECTOR))  # noqa: E731
    painted = PaintWatch(app).arm(condition)
    async with app.run_test(size=TERMINAL):
        first_paint = await asyncio.wait_for(painted, 60) - t0  # type: ignore[arg-type]
    return {"first_paint": first_paint, "imports": imported, "since_process_start": time.perf_counter() - T_PROCESS}


async def rss(which: str, book: str | None) -> dict[str, Any]:
    """Peak RSS (MB) after browsing and filtering: what an operator's first minutes cost."""
    if which == "console":
        assert book is not None
        from console.screens.detail_screen import DetailScreen
        from widgets.sleeve_card import SleeveCard

        app = _console_app(book)
        async with app.run_test(size=TERMINAL) as pilot:
            async def settle() -> None:
                for _ in range(2):
                    await app.workers.wait_for_complete()
                    await pilot.pause()

            await _until(lambda: _browser_rows(app) > 0)
            for _ in range(3):
                await pilot.press("n")
                await settle()
            await pilot.press(*["j"] * 40)
            await pilot.press("slash")
            for word in ("smith", "fidelity trust", "a", "patel hold", "s"):
                for ch in word:
                    await pilot.press("space" if ch == " " else ch)
                    await settle()
                await pilot.press(*["backspace"] * len(word))
                await settle()
            await pilot.press("escape")
            await settle()
            for _ in range(3):
                await pilot.press("enter")
                await _until(lambda: isinstance(app.screen, DetailScreen) and bool(app.screen.query(SleeveCard)))
                await settle()
                await pilot.press("escape")
                await settle()
                await pilot.press(*["j"] * 7)
    else:
        app = _empty_app_class()()
        async with app.run_test(size=TERMINAL) as pilot:
            await pilot.press(*["j"] * 40)
            await pilot.pause()
    return {"peak_rss_mb": peak_rss_mb()}


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


def empty_tui() -> None:
    _empty_app_class()().run()


def main(argv: list[str]) -> None:
    command, *rest = argv
    if command == "empty-tui":
        empty_tui()
        return
    which = rest[0]
    book = rest[1] if len(rest) > 1 else None
    probe = {"start": start, "rss": rss}[command]
    print(json.dumps(asyncio.run(probe(which, book))))


if __name__ == "__main__":
    main(sys.argv[1:])
