"""The measurements: each returns Samples (seconds unless stated) for one book."""
from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import (
    OPERATOR, PAGE_SIZE, ROOT, SEED, TERMINAL, PaintWatch, Samples, copy_book, fixed_clock, remove_book, send_key,
    settings_for,
)
from calc.checklist import ACK_IDS
from store.batch import pending_sleeves, rebalance_all_pending
from store.core import Store
from store.acrs import fire_acr
from store.book import generate_demo
from store.queries.accounts import account_page
from store.queries.detail import account_detail
from store.queries.doctor import doctor_report

# What an operator types in the filter box, keystroke by keystroke (then erases, keystroke by keystroke).
FILTER_WORDS = ("smith", "fidelity trust", "A-0421", "patel hold", "s")


# -- books -------------------------------------------------------------------------------------------------


def book_path(books_dir: Path, accounts: int) -> Path:
    return books_dir / f"demo-{accounts}-seed{SEED}.db"


def accounts_in(path: Path, older: bool = False) -> int:
    """Accounts in a book; -1 when it is unreadable or was written by another schema version (`older`: one this
    code migrates on open is read too, as a --book is; a cached book of an older schema is made again instead)."""
    from store.db import SCHEMA_VERSION

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION or (version < SCHEMA_VERSION and not older):
                return -1
            return conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def generate(path: Path, accounts: int) -> float:
    """Write a demo book to `path` (which must not exist); seconds spent in Store.generate_demo."""
    with Store(path, settings_for(path), fixed_clock) as store:
        t0 = time.perf_counter()
        generate_demo(store, accounts, SEED, OPERATOR)
        seconds = time.perf_counter() - t0
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return seconds


def ensure_book(books_dir: Path, accounts: int, log: Callable[[str], None]) -> tuple[Path, float | None]:
    """The cached demo book of this size (generated when absent); the generation seconds when it was."""
    books_dir.mkdir(parents=True, exist_ok=True)
    path = book_path(books_dir, accounts)
    if path.exists() and accounts_in(path) == accounts:
        log(f"  reusing {path}")
        return path, None
    remove_book(path)
    partial = path.with_suffix(".partial.db")
    remove_book(partial)
    log(f"  generating {accounts:,} accounts -> {path}")
    seconds = generate(partial, accounts)
    remove_book(Path(f"{partial}-wal"))
    partial.rename(path)
    remove_book(Path(f"{partial}-shm"))
    return path, seconds


def demo_generation(books_dir: Path, accounts: int, repeat: int, first: float | None) -> Samples:
    samples = Samples(unit="s")
    if first is not None:
        samples.add(first)
    scratch = books_dir / f"scratch-demo-{accounts}.db"
    while samples.n < repeat:
        remove_book(scratch)
        samples.add(generate(scratch, accounts))
    remove_book(scratch)
    return samples


# -- subprocess probes ---------------------------------------------------------------------------------------


def _probe(*args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "bench.probes", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"probe {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss(book: Path, repeat: int) -> dict[str, Samples]:
    out = {"console": Samples(unit="MB"), "minimal": Samples(unit="MB")}
    for _ in range(repeat):
        out["console"].add(_probe("rss", "console", str(book))["peak_rss_mb"])
        out["minimal"].add(_probe("rss", "minimal")["peak_rss_mb"])
    return out


# -- the console, in process (Pilot) ------------------------------------------------------------------------


def _keystrokes() -> list[tuple[str, str]]:
    """(key, filter text after the key) for typing each word and erasing it again."""
    strokes: list[tuple[str, str]] = []
    for word in FILTER_WORDS:
        for i, ch in enumerate(word):
            strokes.append(("space" if ch == " " else ch, word[:i + 1]))
        for i in range(len(word) - 1, -1, -1):
            strokes.append(("backspace", word[:i]))
    return strokes


def slowest_keystrokes(values: list[float], shown: int = 8) -> str:
    """The slowest keystrokes with the filter text each left (the values are in _keystrokes' order)."""
    strokes = _keystrokes()
    ranked = sorted(range(len(values)), key=values.__getitem__, reverse=True)[:shown]
    return "slowest: " + ", ".join(
        f"{strokes[i][0] if strokes[i][0] == 'backspace' else 'typed'} -> '{strokes[i][1]}' {values[i] * 1000:.0f} ms"
        for i in ranked)


def spread_ids(book: Path, n: int) -> list[str]:
    """n account ids spread evenly across the book."""
    conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM accounts ORDER BY id")]
    finally:
        conn.close()
    step = max(1, len(ids) // n)
    return ids[::step][:n]


async def _tui(book: Path, detail_ids: list[str]) -> dict[str, Samples]:
    from console.app import MarginConsoleApp
    from console.screens.browser_screen import BrowserScreen
    from console.screens.detail_screen import DetailScreen
    from widgets.account_table import AccountTable
    from widgets.sleeve_card import SleeveCard

    app = MarginConsoleApp(settings_for(book), clock=fixed_clock, page_size=PAGE_SIZE, cursor_blink=False)
    app.animation_level = "none"
    watch = PaintWatch(app)
    filter_samples, detail_samples = Samples(), Samples()

    async def painted(condition: Callable[[], bool], act: Callable[[], None]) -> float:
        """Seconds from `act` to the first painted frame after which `condition` holds."""
        future = watch.arm(condition)
        t0 = time.perf_counter()
        act()
        return await asyncio.wait_for(future, 60) - t0  # type: ignore[arg-type]

    def browser_ready() -> bool:
        return isinstance(app.screen, BrowserScreen) and app.screen.query_one(AccountTable).row_count > 0

    first = watch.arm(browser_ready)
    async with app.run_test(size=TERMINAL) as pilot:
        await asyncio.wait_for(first, 60)  # type: ignore[arg-type]
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        await app.workers.wait_for_complete()
        await pilot.press("slash")
        for key, text in _keystrokes():
            before = browser.page
            filter_samples.add(await painted(
                lambda: browser.page is not before and browser.filter_text == text.strip(),  # noqa: B023
                lambda: send_key(app, key)))  # noqa: B023
            await app.workers.wait_for_complete()
            await pilot.pause()  # the next key comes once the app is idle again: typing pace, not a key storm
        filter_samples.note = slowest_keystrokes(filter_samples.values)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()

        def detail_shown(account_id: str) -> bool:
            screen = app.screen  # one detail screen is kept and refilled: it must show this account
            if not isinstance(screen, DetailScreen) or screen.detail is None or not screen.query(SleeveCard):
                return False
            if screen.detail.account.id != account_id:
                return False
            found = screen.query("#diagnostics")
            return bool(found) and found.first().region.area > 0

        for account_id in detail_ids:
            detail_samples.add(await painted(lambda: detail_shown(account_id),  # noqa: B023
                                             lambda: app.open_account(account_id)))  # noqa: B023
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
    return {"filter": filter_samples, "detail": detail_samples}


def tui(book: Path, detail_opens: int) -> dict[str, Samples]:
    return asyncio.run(_tui(book, spread_ids(book, detail_opens)))


# -- the store, in process -------------------------------------------------------------------------------


def filter_sql(book: Path, repeat: int) -> Samples:
    """A keystroke's query: Store.account_page for the same filter texts, as the console asks (book size kept,
    the count capped)."""
    samples = Samples()
    with Store(book, settings_for(book), fixed_clock) as store:
        book_size = store.account_count()
        for _ in range(repeat):
            for _, text in _keystrokes():
                t0 = time.perf_counter()
                account_page(store, text.strip(), PAGE_SIZE, 0, book_size=book_size, count_cap=1000)
                samples.add(time.perf_counter() - t0)
    return samples


def _bare_detail_queries(conn: sqlite3.Connection, account_id: str) -> None:
    """The SQL behind Store.account_detail, fetched as plain tuples (no models, no calculations)."""
    conn.execute("SELECT * FROM accounts WHERE id = ?", [account_id]).fetchall()
    conn.execute("SELECT * FROM sleeves WHERE account_id = ? ORDER BY seq", [account_id]).fetchall()
    conn.execute("SELECT p.sleeve_id, p.symbol, p.quantity FROM positions p JOIN sleeves s ON s.id = p.sleeve_id "
                 "WHERE s.account_id = ?", [account_id]).fetchall()
    conn.execute("SELECT * FROM prices").fetchall()
    conn.execute("SELECT * FROM models").fetchall()
    conn.execute("SELECT annual_rate FROM rates WHERE custodian = (SELECT custodian FROM accounts WHERE id = ?) "
                 "AND min_debit_cents <= 0 ORDER BY min_debit_cents DESC LIMIT 1", [account_id]).fetchall()


def detail_store(book: Path, ids: list[str], repeat: int) -> dict[str, Samples]:
    out = {"store": Samples(), "sql": Samples()}
    with Store(book, settings_for(book), fixed_clock) as store:
        conn = sqlite3.connect(str(book))
        try:
            for _ in range(repeat):
                for account_id in ids:
                    t0 = time.perf_counter()
                    account_detail(store, account_id)
                    out["store"].add(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    _bare_detail_queries(conn, account_id)
                    out["sql"].add(time.perf_counter() - t0)
        finally:
            conn.close()
    return out


def fire_acrs(book: Path, scratch: Path, samples: int) -> Samples:
    """Store.fire_acr (checklist, build, write) on distinct PENDING_LEVERAGE sleeves of a copy of the book."""
    copy_book(book, scratch)
    out = Samples()
    statuses: dict[str, int] = {}
    try:
        with Store(scratch, settings_for(scratch), fixed_clock) as store:
            pending = pending_sleeves(store)
            step = max(1, len(pending) // samples)
            for sleeve_id in pending[::step][:samples]:
                t0 = time.perf_counter()
                record = fire_acr(store, sleeve_id, "rebalance", OPERATOR, acknowledged=set(ACK_IDS))
                out.add(time.perf_counter() - t0)
                statuses[record.status] = statuses.get(record.status, 0) + 1
    finally:
        remove_book(scratch)
    out.note = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    return out


def batch(book: Path, scratch: Path, repeat: int) -> Samples:
    """rebalance_all_pending on a fresh copy each time: sleeves per second."""
    out = Samples(unit="/s")
    notes = []
    try:
        for _ in range(repeat):
            copy_book(book, scratch)
            with Store(scratch, settings_for(scratch), fixed_clock) as store:
                cpu = time.process_time()
                result = rebalance_all_pending(store, OPERATOR, set(ACK_IDS))
                cpu = time.process_time() - cpu
            out.add(result.rate)
            notes = [f"{result.total:,} sleeves: {result.built:,} built, {result.failed:,} failed "
                     f"({', '.join(f'{c} {n:,}' for c, n in sorted(result.failures.items())) or 'none'}), "
                     f"{result.refused:,} refused; last run {result.seconds:.2f} s wall, {cpu:.2f} s CPU "
                     f"({result.total / cpu if cpu else 0:,.0f} sleeves per CPU-second)"]
    finally:
        remove_book(scratch)
    out.note = "; ".join(notes)
    return out


def doctor(book: Path, repeat: int) -> Samples:
    out = Samples()
    for _ in range(repeat):
        with Store(book, settings_for(book), fixed_clock) as store:
            t0 = time.perf_counter()
            report = doctor_report(store)
            out.add(time.perf_counter() - t0)
    out.note = f"{sum(len(v) for v in report.findings.values()):,} findings"
    return out
