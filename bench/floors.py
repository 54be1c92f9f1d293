"""The floors of the console's figures: minimal Textual apps showing the same rows and text, no store, no console."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench.common import TERMINAL, PaintWatch, Samples, fixed_clock, send_key, settings_for
from bench.measure import _keystrokes
from store.core import Store
from store.queries.accounts import account_page
from store.queries.detail import account_detail


def _visible_pages(book: Path, texts: list[str], rows: int) -> dict[str, list[tuple[str, ...]]]:
    """The first `rows` accounts each filter text shows, as the console's cell strings."""
    from calc.formatting import lev, money
    from calc.vocabulary import DIAGNOSTIC_BADGES

    pages: dict[str, list[tuple[str, ...]]] = {}
    with Store(book, settings_for(book), fixed_clock) as store:
        for text in texts:
            page = account_page(store, text.strip(), rows, 0, count_cap=1000)
            pages[text] = [(r.id, r.name, lev(r.max_saved_leverage), "-" if r.max_applied_leverage is None
                            else lev(r.max_applied_leverage), " ".join(DIAGNOSTIC_BADGES[c] for c in r.codes),
                            money(r.nav), r.custodian[:12], r.type, "yes" if r.margin_enabled else "no")
                           for r in page.rows]
    return pages


async def _filter_floor(book: Path) -> Samples:
    """A minimal app (an Input over a stock DataTable) that, per keystroke, redraws the visible rows the console
    shows for the new text, from memory: what a filter keystroke costs Textual itself, with no query at all."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    strokes = _keystrokes()
    visible = TERMINAL[1] - 7  # the console's table body at 100x30: header, filter box (3), table header, status, footer
    pages = _visible_pages(book, sorted({t for _, t in strokes}), visible)

    class Floor(App[None]):
        shown = ""

        def compose(self) -> ComposeResult:
            yield Input(id="filter")
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("Account", "Name", "Saved", "Applied", "Diagnostics", "NAV",
                                                  "Custodian", "Type", "Margin")
            self.query_one(Input).focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            table = self.query_one(DataTable)
            table.clear()
            for row in pages.get(event.value, []):
                table.add_row(*(Text(cell, no_wrap=True, end="") for cell in row))
            self.shown = event.value

    app = Floor()
    app.animation_level = "none"
    watch = PaintWatch(app)
    samples = Samples()
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        for key, text in strokes:
            future = watch.arm(lambda: app.shown == text)  # noqa: B023
            t0 = time.perf_counter()
            send_key(app, key)
            samples.add(await asyncio.wait_for(future, 60) - t0)  # type: ignore[arg-type]
            await pilot.pause()
    return samples


def filter_floor(book: Path) -> Samples:
    return asyncio.run(_filter_floor(book))


async def _detail_floor(book: Path, ids: list[str]) -> Samples:
    """A minimal app that pushes a screen of Statics holding the same text as the console's cards and panels
    (read beforehand): what showing an account costs Textual itself."""
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Static

    from calc.formatting import money

    texts: list[list[str]] = []
    with Store(book, settings_for(book), fixed_clock) as store:
        for account_id in ids:
            d = account_detail(store, account_id)
            texts.append([f"{a.id} {a.name}" for a in [d.account]]
                         + [f"{s.id} {s.kind} saved {s.saved} applied {s.applied} cash {money(s.cash)}"
                            for s in d.sleeves]
                         + [f"LMV {money(d.margin.lmv)} debit {money(d.margin.debit)}",
                            "\n".join(f"{x.code}: {x.detail}" for x in d.diagnostics) or "no diagnostics"])

    class Shown(Screen[None]):
        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

        def compose(self) -> ComposeResult:
            for line in self.lines:
                yield Static(line, classes="card")

    class Floor(App[None]):
        CSS = ".card { border: round $primary; height: auto; }"

    app = Floor()
    app.animation_level = "none"
    watch = PaintWatch(app)
    samples = Samples()
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        for lines in texts:
            future = watch.arm(lambda: isinstance(app.screen, Shown) and bool(app.screen.query(".card")))
            t0 = time.perf_counter()
            app.push_screen(Shown(lines))
            samples.add(await asyncio.wait_for(future, 60) - t0)  # type: ignore[arg-type]
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
    return samples


def detail_floor(book: Path, ids: list[str]) -> Samples:
    return asyncio.run(_detail_floor(book, ids))
