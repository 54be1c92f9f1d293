"""docs/PERFORMANCE.md: the machine, the targets, a table per book size, the growth, and the findings."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from bench.common import ROOT, Samples

TARGET_SIZE = 100_000
FINDINGS = ROOT / "bench" / "FINDINGS.md"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    baseline: str = ""  # what the ".base" samples are
    target: str = ""  # as the issue states it
    stat: str = "median"  # which statistic the target is judged on
    limit: float | None = None  # in the figure's unit; a throughput must reach it, anything else stay below
    ratio_limit: float | None = None  # median / baseline median must not exceed it
    over_limit: float | None = None  # median - baseline median must not exceed it (seconds)


MINIMAL = "a minimal Textual app (one DataTable, one row), same way"
FIGURES: tuple[Figure, ...] = (
    Figure("start_headless", "console cold start to first painted browser (headless run_test, from exec)",
           MINIMAL, "<= 1.3x the baseline", "median", None, 1.3),
    Figure("start_tmux", "console cold start to first painted browser (real tmux terminal, 100x30)",
           MINIMAL, "<= 1.3x the baseline", "median", None, 1.3),
    Figure("start_visidata", "the same console start in tmux, against VisiData opening the same file",
           "VisiData 3 (`vd BOOK`, its list of tables painted)", "faster than VisiData", "median", None, 1.0),
    Figure("imports", "imports before the app is built (console.cli, settings, console.app), for reference",
           "import textual.app + DataTable"),
    Figure("cli_help", "`margin-console --help` (fresh process, wall)", "`python -c pass`",
           "<= 4x the baseline", "median", None, 4.0),
    Figure("cli_show", "`margin-console show ID`", "`--help`", "adds <= 30 ms to --help", "median",
           over_limit=0.030),
    Figure("cli_accounts", "`margin-console accounts` (first 50)", "`--help`", "adds <= 30 ms to --help",
           "median", over_limit=0.030),
    Figure("cli_acr", "`margin-console acr SLEEVE --kind rebalance --ack all` (writes, on a copy)", "`--help`",
           "adds <= 30 ms to --help", "median", over_limit=0.030),
    Figure("filter_tui", "filter keystroke to updated table (console, Pilot)",
           "a minimal app (Input + stock DataTable) redrawing the same visible rows from memory",
           "p95 < 50 ms; median <= 1.2x the baseline", "p95", 0.050, 1.2),
    Figure("filter_sql", "a filter keystroke's query: Store.account_page as the console asks it", "",
           "", "p95"),
    Figure("detail_store", "open an account's detail: Store.account_detail",
           "its bare SQL queries (plain tuples)", "p95 < 50 ms", "p95", 0.050),
    Figure("detail_tui", "open an account's detail in the console (cards and panels painted)",
           "a minimal app pushing a screen of Statics with the same text", "p95 < 30 ms", "p95", 0.030),
    Figure("acr", "fire one ACR (checklist, build, write): Store.fire_acr", "", "p95 < 30 ms", "p95", 0.030),
    Figure("batch", "batch rebalance of every PENDING_LEVERAGE sleeve (acr --all-pending), sleeves/s", "",
           ">= 2,000 sleeves/s", "median", 2000.0),
    Figure("doctor", "doctor over the whole book: Store.doctor", "", "< 5 s", "p95", 5.0),
    Figure("rss", "peak RSS of the console after 20 pages, 10 filters and 3 opens (fresh process)",
           MINIMAL, "< 200 MB; <= 2x the baseline", "max", 200.0, 2.0),
    Figure("demo", "demo generation: Store.generate_demo", "", "< 60 s", "median", 60.0),
)


@dataclass
class Result:
    accounts: int
    book_mb: float
    figures: dict[str, Samples] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def fmt(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:,.1f} MB"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if value >= 1:
        return f"{value:,.2f} s"
    if value >= 0.001:
        return f"{value * 1000:,.1f} ms"
    return f"{value * 1e6:,.0f} µs"


def _stat(samples: Samples, stat: str) -> float:
    return getattr(samples, stat)


def verdict(fig: Figure, result: Result) -> tuple[str, str]:
    """(measured text, met / missed / n/a) for a figure at this book size."""
    samples = result.figures.get(fig.key)
    if samples is None or not samples.values:
        return result.skipped.get(fig.key, "not measured"), "n/a"
    if fig.limit is None and fig.ratio_limit is None and fig.over_limit is None:
        return fmt(samples.median, samples.unit), "-"
    value = _stat(samples, fig.stat)
    measured = f"{fig.stat} {fmt(value, samples.unit)}"
    ok = True
    if fig.limit is not None:
        ok = value >= fig.limit if samples.unit == "/s" else value < fig.limit
    base = result.figures.get(f"{fig.key}.base")
    if fig.ratio_limit is not None and base is not None and base.values:
        ratio = samples.median / base.median
        measured += f"; {ratio:.2f}x baseline"
        ok = ok and ratio <= fig.ratio_limit
    if fig.over_limit is not None and base is not None and base.values:
        over = samples.median - base.median
        measured += f"; {'+' if over >= 0 else '-'}{fmt(abs(over), 's')} over baseline"
        ok = ok and over <= fig.over_limit
    if (fig.ratio_limit is not None or fig.over_limit is not None) and (base is None or not base.values):
        return measured + "; no baseline measured", "n/a"
    return measured, "met" if ok else "**missed**"


def machine(load: tuple[tuple[float, float, float], tuple[float, float, float]] | None = None) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        commit = f"{commit}{' + uncommitted changes' if dirty else ''}" if commit else "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    try:
        tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True, timeout=10).stdout.strip() or "none"
    except OSError:
        tmux = "none"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- Memory: {memory}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), SQLite {sqlite3.sqlite_version}, "
        f"Textual {version('textual')}, {tmux}",
        f"- Code: commit {commit}",
    ] + ([f"- Load average (1/5/15 min) at the start {'/'.join(f'{x:.2f}' for x in load[0])}, at the end "
          f"{'/'.join(f'{x:.2f}' for x in load[1])}: other work on the machine inflates wall times"]
         if load else [])


def _size_table(result: Result) -> list[str]:
    lines = [f"### {result.accounts:,} accounts (book file {result.book_mb:,.1f} MB)", "",
             "| figure | n | min | median | p95 | baseline | baseline median | ratio | load |",
             "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    notes = []
    for fig in FIGURES:
        samples = result.figures.get(fig.key)
        if samples is None or not samples.values:
            lines.append(f"| {fig.label} | 0 | - | - | - | {fig.baseline or '-'} | - | - | - |")
            if fig.key in result.skipped:
                notes.append(f"- {fig.label}: {result.skipped[fig.key]}")
            continue
        u = samples.unit
        base = result.figures.get(f"{fig.key}.base")
        if base is not None and base.values:
            base_text, ratio = fmt(base.median, base.unit), f"{samples.median / base.median:,.2f}x"
        else:
            base_text, ratio = "-", "-"
        load = "-".join(f"{x:.1f}" for x in samples.load) or "-"
        lines.append(f"| {fig.label} | {samples.n} | {fmt(samples.min, u)} | {fmt(samples.median, u)} | "
                     f"{fmt(samples.p95, u)} | {fig.baseline or '-'} | {base_text} | {ratio} | {load} |")
        if samples.note:
            notes.append(f"- {fig.label}: {samples.note}")
    return lines + ([""] + notes if notes else []) + [""]


def _growth(results: list[Result]) -> list[str]:
    first, last = results[0], results[-1]
    head = " | ".join(f"{r.accounts:,}" for r in results)
    lines = [f"| figure (median) | {head} | {last.accounts:,} / {first.accounts:,} |",
             "|---|" + "---:|" * (len(results) + 1)]
    for fig in FIGURES:
        cells, medians = [], []
        for r in results:
            s = r.figures.get(fig.key)
            if s is None or not s.values:
                cells.append("-")
                medians.append(None)
            else:
                cells.append(fmt(s.median, s.unit))
                medians.append(s.median)
        growth = "-"
        if medians[0] and medians[-1] is not None and len(results) > 1:
            growth = f"{medians[-1] / medians[0]:,.2f}x"
        lines.append(f"| {fig.label} | {' | '.join(cells)} | {growth} |")
    return lines


def _import_tables(results: list[Result]) -> list[str]:
    """Where the console's import time goes, per top-level package (self time summed from `-X importtime`),
    next to the minimal app's, for the largest run that measured it."""
    measured = [r for r in results if any(k.startswith("importtime:") for k in r.figures)]
    if not measured:
        return []
    figures = measured[-1].figures
    packages = {k.split(":", 1)[1] for k in figures if k.startswith(("importtime:", "importtime.base:"))}

    def median(key: str) -> float:
        samples = figures.get(key)
        return samples.median if samples is not None and samples.values else 0.0

    rows = sorted(packages, key=lambda p: -median(f"importtime:{p}"))
    total, base_total = (sum(median(f"{k}:{p}") for p in packages) for k in ("importtime", "importtime.base"))
    any_samples = next(v for k, v in figures.items() if k.startswith("importtime:"))
    load = "-".join(f"{x:.1f}" for x in any_samples.load) or "-"
    lines = [f"## Import time by package ({measured[-1].accounts:,} accounts, load {load})", "",
             "`python -X importtime -m bench.probes start console BOOK` (the console's start: `console.cli`, the "
             "settings, the operator, the app, the first page) and `... start minimal`: each package's import "
             f"self-time summed, median of {any_samples.n} runs.", "",
             "| package | console | minimal app |", "|---|---:|---:|"]
    rest, rest_base = 0.0, 0.0
    for package in rows:
        console, base = median(f"importtime:{package}"), median(f"importtime.base:{package}")
        if max(console, base) >= 0.002:
            lines.append(f"| {package} | {fmt(console, 's')} | {fmt(base, 's') if base else '-'} |")
        else:
            rest, rest_base = rest + console, rest_base + base
    lines += [f"| every other package (under 2 ms in both) | {fmt(rest, 's')} | {fmt(rest_base, 's')} |",
              f"| **total** | {fmt(total, 's')} | {fmt(base_total, 's')} |", ""]
    return lines


def render(results: list[Result], command: str, seconds: float, when: str, machine_lines: list[str]) -> str:
    largest = results[-1]
    judged = [r for r in results if r.accounts >= TARGET_SIZE] or [largest]  # 100,000 and 1,000,000 when run
    at_target = judged[0].accounts >= TARGET_SIZE
    out = [
        "# Performance at book scale",
        "",
        f"Written by `{command}` on {when} in {seconds:,.0f} s. Do not edit the numbers by hand: rerun the "
        "command (the findings at the end come from `bench/FINDINGS.md`). None of these figures is asserted "
        "by the test suite; `tests/unit/test_bench_smoke.py` only checks that the command runs.",
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        f"## Targets at {TARGET_SIZE:,} accounts",
        "",
    ]
    if not at_target:
        out += [f"The largest book in this run has {largest.accounts:,} accounts, not {TARGET_SIZE:,}: the "
                "verdicts below are for that book and say nothing about the targets.", ""]
    out += ["Targets stated as p95 are judged on the p95, the others on the median (peak RSS on its max); a "
            "ratio or a difference is the figure's median against its baseline's median, measured in the same run.",
            ""]
    for result in judged:
        out += [f"| figure | target | measured at {result.accounts:,} | verdict |", "|---|---|---|---|"]
        for fig in FIGURES:
            if fig.target:
                measured, ok = verdict(fig, result)
                out.append(f"| {fig.label} | {fig.target} | {measured} | {ok} |")
        out.append("")
    out += _import_tables(results)
    out += ["## Each book size", "",
            "min / median / p95 over the samples (n) of one run; for sleeves/s the p95 column is the slow end "
            "(95 % of runs were at least that fast). The ratio is the figure's median over its baseline's median.",
            ""]
    for r in results:
        out += _size_table(r)
    if len(results) > 1:
        out += [f"## Growth from {results[0].accounts:,} to {largest.accounts:,} accounts", "",
                *_growth(results), ""]
    out += ["## How each figure is measured", "", *METHODS, ""]
    if FINDINGS.exists():
        out += [FINDINGS.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out)


METHODS = [
    "- Books: `Store.generate_demo(N, seed 7)` at the demo's date (2026-11-20), cached in `--books-dir` and "
    "reused when present; the in-process store and console use that date as their clock. Anything that writes "
    "(ACRs, the batch) works on a copy made with SQLite's backup API, so the cached books stay pristine.",
    "- Cold start, headless: a fresh `python -m bench.probes start console BOOK` per sample, started as "
    "`margin-console --db BOOK` starts (the entry point's `console.cli`, the settings from flags, environment and "
    "file, the operator resolved against the book, the live book on); the sample is the wall time from just "
    "before the bench spawns the process to the first painted frame (the compositor's update handed to "
    "`App._display`; headless runs render it and skip the terminal write) in which the browser's table has rows, "
    "inside `run_test` (100x30): the interpreter's start and every import are in it. The baseline is the minimal "
    "app (an `App` whose screen is one `DataTable` with one row), timed the same way in its own fresh process, "
    "the two interleaved. Import time is reported on its own row, and per package below the targets.",
    "- Cold start, real terminal: a private tmux server (`tmux -L`) is started first; each sample is the wall "
    "time from `tmux new-session -d -x 100 -y 30 \"python -c 'from console.cli import main; main()' --db BOOK\"` "
    "(this tree's code, not an installed `margin-console`) until `tmux capture-pane -p` (polled every 5 ms) shows "
    "the book's first account id. The baseline runs the minimal app (`python -m bench.probes minimal-tui`) the "
    "same way and waits for its row; VisiData (`vd BOOK`, from `$BENCH_VISIDATA` or `vd` on PATH; not a "
    "project dependency) is timed the same way until its list of the book's tables shows the first table's name.",
    "- Command line: fresh processes, interleaved: `python -c pass`, `--help`, `show ID` (accounts spread over the "
    "book), `accounts` (the first 50) and `acr SLEEVE --kind rebalance --ack all` on distinct pending sleeves of "
    "margin accounts in a copy of the book (it writes; an ACR recorded as failed counts). Wall time from spawn "
    "to exit.",
    "- Filter keystroke: in one console under Pilot (100x30, like the tmux run), `/` then each keystroke of typing and erasing "
    "`smith`, `fidelity trust`, `A-0421`, `patel hold` and `s`; each sample is from posting the key event "
    "(as Pilot does, without its idle waits) until the first painted frame (the compositor's update handed to "
    "`App._display`) in which the browser holds the page for the new text. The next key is sent once the app "
    "is idle again (Pilot's pause), an operator's pace rather than a key storm. The baseline (the floor) is a "
    "minimal Textual app, an Input over a stock DataTable, that on each keystroke clears the table and adds "
    "the rows the console shows on screen for the new text (23 at 100x30, read beforehand), timed the same way; "
    "`Store.account_page` as the console calls it (book size kept, count capped at 1,000) has its own row.",
    "- Open detail: account ids spread evenly across the book. `Store.account_detail` against the bare SQL it "
    "runs (account, sleeves, positions, prices, models, rate; `fetchall` of plain tuples), and in the console "
    "from `open_account` until the first painted frame with the DetailScreen's sleeve cards and its laid-out "
    "diagnostics; the screen is popped and the app left to go idle before the next account. Its floor is a "
    "minimal app pushing a screen of bordered Statics holding the same account's sleeve and panel text.",
    "- Fire one ACR: `Store.fire_acr(sleeve, 'rebalance', acknowledged=all)` on distinct PENDING_LEVERAGE "
    "sleeves spread across a copy of the book; a failed ACR (a failed check) is written too and counts.",
    "- Batch: `store.batch.rebalance_all_pending` (what `margin-console acr --all-pending --ack all` runs) over "
    "a fresh copy per run; sleeves/s is pending sleeves over the run's wall time.",
    "- Doctor: `Store.doctor()` on a fresh connection per sample.",
    "- Peak RSS: the peak resident set of a fresh process (`VmHWM` from /proc/self/status; "
    "`getrusage().ru_maxrss` survives fork and exec on Linux, so a probe started by the bench process would "
    "report the bench's own peak) after the console paged forward 20 times, moved the cursor, typed and erased "
    "10 filters and opened three accounts; the baseline is the minimal app after the same keys.",
    "- Demo generation: `Store.generate_demo` into a new file (generation, the stored summaries and the write; "
    "from 20,000 accounts up, worker processes, one per CPU, make the batches and this process writes them).",
]
