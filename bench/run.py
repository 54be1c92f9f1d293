"""Benchmarks at book scale: start-up, the CLI, filter, open, ACR, batch, doctor, memory and demo generation.

    python -m bench.run [--sizes 1000,10000,100000] [--repeat 5] [--samples 60] [--out docs/PERFORMANCE.md]
                        [--books-dir bench/books] [--book PATH ...] [--only start,cli,rss,...] [--no-tmux]

Demo books are generated into --books-dir (git-ignored) and reused when present; `--book PATH` uses a book
file as it is (a copy you made: it is opened, so an older schema is migrated) for its size, so a 1,000,000-account
book need not be generated here (`--sizes` keeps 1,000,000 optional). Every figure is measured
several times in the one run, next to its baseline, and the report (a table per book size with min /
median / p95, the ratio to the baseline, the growth from the smallest to the largest book, the targets and
the machine) is written to --out. Nothing here asserts a time: the numbers are for reading.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import floors, measure, startup  # noqa: E402
from bench.common import ROOT, Samples  # noqa: E402
from bench.report import Result, machine, render  # noqa: E402


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def with_load(measure_fn: Any, *args: Any) -> Any:
    """Run one measurement and stamp its Samples with the machine's 1-minute load average before and after."""
    before = os.getloadavg()[0]
    value = measure_fn(*args)
    after = os.getloadavg()[0]
    for samples in (value.values() if isinstance(value, dict) else [value]):
        samples.load = [before, after]
    return value


GROUPS = ("start", "cli", "tui", "acr", "batch", "doctor", "rss", "demo")
SKIPPED_BY_GROUP = {
    "start": ("start_headless", "start_tmux", "start_visidata", "imports"), "cli": ("cli_help", "cli_show",
    "cli_accounts", "cli_acr"), "tui": ("filter_tui", "filter_sql", "detail_store", "detail_tui"), "acr": ("acr",),
    "batch": ("batch",), "doctor": ("doctor",), "rss": ("rss",), "demo": ("demo",),
}


def bench_size(accounts: int, args: argparse.Namespace) -> Result:
    _log(f"[{accounts:,} accounts]")
    books_dir: Path = args.books_dir
    books_dir.mkdir(parents=True, exist_ok=True)  # scratch copies and the raw numbers go here with --book too
    given = args.books.get(accounts)
    book, generated = (given, None) if given else measure.ensure_book(books_dir, accounts, _log)
    result = Result(accounts=accounts, book_mb=book.stat().st_size / 1e6)
    figures: dict[str, Samples] = result.figures
    repeat, samples = args.repeat, args.samples
    scratch = books_dir / f"scratch-{accounts}.db"
    for group in set(GROUPS) - args.only:
        for key in SKIPPED_BY_GROUP[group]:
            result.skipped[key] = f"not measured (--only {','.join(sorted(args.only))})"

    def step(label: str) -> float:
        _log(f"  {label}")
        return time.perf_counter()

    if "start" in args.only:
        bench_start(book, args, result, step)
    if "cli" in args.only:
        step("command line: python -c pass, --help, show, accounts, acr (fresh process each)")
        cli = with_load(startup.cli, book, scratch, repeat)
        figures["cli_help"], figures["cli_help.base"] = cli["help"], cli["pass"]
        for key in ("show", "accounts", "acr"):
            figures[f"cli_{key}"], figures[f"cli_{key}.base"] = cli[key], cli["help"]
    if "tui" in args.only:
        bench_tui(book, args, result, step)
    if "acr" in args.only:
        step(f"fire {samples} ACRs on a copy")
        figures["acr"] = with_load(measure.fire_acrs, book, scratch, samples)
    if "batch" in args.only:
        batch_runs = min(repeat, 3)
        step(f"batch rebalance of every pending sleeve x{batch_runs} (fresh copy each)")
        figures["batch"] = with_load(measure.batch, book, scratch, batch_runs)
    if "doctor" in args.only:
        step("doctor")
        figures["doctor"] = with_load(measure.doctor, book, repeat)
    if "rss" in args.only:
        step("peak RSS (fresh process each)")
        rss = with_load(measure.peak_rss, book, min(repeat, 3))
        figures["rss"], figures["rss.base"] = rss["console"], rss["minimal"]
    if "demo" in args.only:
        demo_runs = min(repeat, 3)
        step(f"demo generation x{demo_runs}")
        figures["demo"] = with_load(measure.demo_generation, books_dir, accounts, demo_runs, generated)
        figures["demo"].note = f"book file {result.book_mb:,.1f} MB"
    return result


def bench_start(book: Path, args: argparse.Namespace, result: Result, step: Any) -> None:
    """Cold start against the minimal app (headless and in tmux), VisiData, and the import-time table."""
    figures, repeat = result.figures, args.repeat
    step("headless start from exec (fresh process each, console and minimal app interleaved)")
    start = with_load(startup.headless_start, book, repeat)
    figures["start_headless"], figures["start_headless.base"] = start["console"], start["minimal"]
    figures["imports"], figures["imports.base"] = start["console_imports"], start["minimal_imports"]
    if args.tmux and startup.tmux_available():
        step("real terminal start (tmux): console, minimal app" + (", VisiData" if startup.visidata() else ""))
        real = with_load(startup.tmux_start, book, repeat)
        figures["start_tmux"], figures["start_tmux.base"] = real["console"], real["minimal"]
        if "visidata" in real:
            figures["start_visidata"], figures["start_visidata.base"] = real["console"], real["visidata"]
        else:
            result.skipped["start_visidata"] = f"not measured (no `vd` on PATH or in ${startup.VISIDATA_ENV})"
    else:
        why = "not measured (--no-tmux)" if not args.tmux else "not measured (no tmux)"
        result.skipped["start_tmux"] = result.skipped["start_visidata"] = why
    step("import time per package (python -X importtime)")
    figures.update(with_load(startup.import_table, book, min(repeat, 3)))



def bench_tui(book: Path, args: argparse.Namespace, result: Result, step: Any) -> None:
    figures, repeat, samples = result.figures, args.repeat, args.samples
    step("filter keystrokes and detail opens in the console (Pilot), each next to its minimal-app floor")
    detail_ids = measure.spread_ids(book, samples)
    console = with_load(measure.tui, book, samples)
    figures["filter_tui"] = console["filter"]
    figures["detail_tui"] = console["detail"]
    figures["filter_tui.base"] = with_load(floors.filter_floor, book)
    figures["detail_tui.base"] = with_load(floors.detail_floor, book, detail_ids)
    step("the same through the store and bare SQL")
    figures["filter_sql"] = with_load(measure.filter_sql, book, repeat)
    detail = with_load(measure.detail_store, book, detail_ids, 1)
    figures["detail_store"], figures["detail_store.base"] = detail["store"], detail["sql"]


def _section(out: Path, only: str, report: str) -> str:
    """A partial run (`--only`) replaces its own marked section at the end of `out`, never the whole report."""
    begin, end = f"<!-- bench.run --only {only}: begin -->", f"<!-- bench.run --only {only}: end -->"
    body = report.split("\n## How each figure is measured", 1)[0].replace("# Performance at book scale",
                                                                           f"## Partial run: --only {only}", 1)
    body = body.replace("\n## ", "\n### ").replace("\n### Partial", "\n## Partial")
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    head, _, rest = old.partition(begin)
    tail = rest.partition(end)[2] if rest else ""
    return f"{head.rstrip()}\n\n{begin}\n{body.strip()}\n{end}\n{tail.lstrip()}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated book sizes in accounts (default: 1000,10000,100000)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="repetitions of whole-run figures: start-up, doctor; batch, RSS and demo use at "
                             "most 3 (default: 5)")
    parser.add_argument("--samples", type=int, default=60,
                        help="operations per per-operation figure: detail opens, ACRs (default: 60)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md", help="the report to write")
    parser.add_argument("--books-dir", type=Path, default=ROOT / "bench" / "books",
                        help="where demo books are cached (default: bench/books, git-ignored)")
    parser.add_argument("--book", dest="book_files", type=Path, action="append", default=[], metavar="PATH",
                        help="measure this book file for its size (its account count, added to --sizes) instead "
                             "of a generated one; pass a copy: it is opened (and migrated when older)")
    parser.add_argument("--only", default=",".join(GROUPS),
                        help=f"the figure groups to measure, comma-separated (default: all of {','.join(GROUPS)}; "
                             "browse is start,tui); a partial run writes its own section of --out, not the report")
    parser.add_argument("--no-tmux", dest="tmux", action="store_false",
                        help="skip the real-terminal start-up measurement")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: rewrite --out from the last run's numbers (--books-dir/last-run.json)")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes comma-separated whole numbers")
    args.only_text = args.only
    args.only = {g.strip() for g in args.only.split(",") if g.strip()}
    if "browse" in args.only:  # the filter and detail figures with the start-up, for a 1M book kept as it is
        args.only = (args.only - {"browse"}) | {"start", "tui"}
    if args.only - set(GROUPS):
        parser.error(f"--only takes some of {','.join(GROUPS)}")
    args.books = {}
    for path in args.book_files:
        if not path.is_file():
            parser.error(f"--book {path}: no such file")
        args.books[measure.accounts_in(path, older=True)] = path.resolve()
    if -1 in args.books:
        parser.error("--book: a file is not a book this code can read (or was written by a newer margin-console)")
    args.sizes = sorted({*args.sizes, *args.books})
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes needs at least one size of 1 or more")
    if args.repeat < 1 or args.samples < 1:
        parser.error("--repeat and --samples must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raw = args.books_dir / "last-run.json"
    if args.render_only:  # re-render the last run's numbers (say, after editing bench/FINDINGS.md)
        try:
            saved = json.loads(raw.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            _log(f"cannot read {raw}: {error}; run the benchmark first")
            return 2
        results = [Result(r["accounts"], r["book_mb"], {k: Samples(**v) for k, v in r["figures"].items()},
                          r["skipped"]) for r in saved["results"]]
        text = render(results, saved["command"], saved["seconds"], saved["when"], saved["machine"])
    else:
        started = time.perf_counter()
        load_before = os.getloadavg()
        results = [bench_size(n, args) for n in args.sizes]
        lines = machine((load_before, os.getloadavg()))
        command = ("python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
        seconds = time.perf_counter() - started
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        raw.write_text(json.dumps({
            "command": command, "seconds": seconds, "when": when, "machine": lines,
            "results": [{"accounts": r.accounts, "book_mb": r.book_mb, "skipped": r.skipped,
                         "figures": {k: asdict(v) for k, v in r.figures.items()}} for r in results],
        }, indent=1), encoding="utf-8")
        text = render(results, command, seconds, when, lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.only != set(GROUPS):
        text = _section(args.out, args.only_text, text)
    args.out.write_text(text, encoding="utf-8")
    _log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
