"""Start-up figures, each in fresh processes next to its floor: the console's first page (headless and in a real
terminal) against a minimal Textual app and VisiData, the CLI against `python -c pass`, and where the import time
goes (`python -X importtime`).

The console and the CLI run this tree's code (`python -c "from console.cli import main; main()"` with the tree on
PYTHONPATH), never an installed `margin-console`, which may be another checkout. Its bytecode is compiled first,
as pip compiles an installed package's: under PYTHONDONTWRITEBYTECODE (set on the shared VM) every run would
otherwise compile the tree's modules from source, which the minimal app (all site-packages, compiled at install)
never does: ~140 ms of the console's start and 40-60 ms of `accounts` (measured at load 3).
"""
from __future__ import annotations

import compileall
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OPERATOR, ROOT, Samples, copy_book, remove_book

ENTRY = "from console.cli import main; main()"
VISIDATA_ENV = "BENCH_VISIDATA"  # the `vd` to compare with; else `vd` on PATH; neither: not measured


def _env(**settings: str) -> dict[str, str]:
    """This environment without the operator's MARGIN_CONSOLE_* settings (plus `settings`), the tree importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_CONSOLE_")}
    env.update({f"MARGIN_CONSOLE_{name.upper()}": value for name, value in settings.items()})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env.pop("TMUX", None)
    return env


def compile_bytecode() -> None:
    """The tree's modules compiled to __pycache__ (only those changed since the last time), as an install has them."""
    for package in ("calc", "store", "widgets", "console", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


def visidata() -> str | None:
    return os.environ.get(VISIDATA_ENV) or shutil.which("vd")


# -- headless, from exec to first paint ------------------------------------------------------------------------


def _probe_start(which: str, book: Path | None) -> tuple[float, dict[str, Any]]:
    """Wall seconds from just before spawning `bench.probes start` to the first painted frame it reports."""
    args = [sys.executable, "-m", "bench.probes", "start", which, *([str(book)] if book else [])]
    t0 = time.time()
    done = subprocess.run(args, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"probe start {which} failed: {done.stderr.strip()[-2000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["wall_paint"] - t0, out


def headless_start(book: Path, repeat: int) -> dict[str, Samples]:
    """Cold start to the first painted page, headless, console and minimal app interleaved: from exec (the
    interpreter's start and every import included) and, for reference, from building the app."""
    compile_bytecode()
    out = {k: Samples() for k in ("console", "minimal", "console_app", "minimal_app", "console_imports",
                                  "minimal_imports")}
    for _ in range(repeat):
        for which in ("console", "minimal"):
            total, probe = _probe_start(which, book if which == "console" else None)
            out[which].add(total)
            out[f"{which}_app"].add(probe["first_paint"])
            out[f"{which}_imports"].add(probe["imports"])
    return out


# -- a real terminal ---------------------------------------------------------------------------------------------


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def tmux_start(book: Path, repeat: int) -> dict[str, Samples]:
    """Wall time from `tmux new-session` to the page on the pane: the console's first account id, the minimal
    app's row, VisiData's list of the book's tables (its first screen on a SQLite file: the first table's name)."""
    compile_bytecode()
    socket = f"margin-bench-{os.getpid()}"
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    python = shlex.quote(sys.executable)
    contenders = {
        "console": (f"{python} -c {shlex.quote(ENTRY)} --db {shlex.quote(str(book))} --operator {OPERATOR}",
                    _first_account_id(book)),
        "minimal": (f"{python} -m bench.probes minimal-tui", "MINIMAL-APP-READY"),
    }
    vd = visidata()
    if vd:
        contenders["visidata"] = (f"{shlex.quote(vd)} {shlex.quote(str(book))}", _first_table(book))
    out = {key: Samples() for key in contenders}
    env = _env()
    # A keeper session starts the (private) server up front, so no sample pays for the server's start.
    subprocess.run([*tmux, "new-session", "-d", "-s", "keeper", "-x", "100", "-y", "30", "sleep 3600"],
                   check=True, env=env, cwd=ROOT)
    try:
        for i in range(repeat):
            for key, (cmd, marker) in contenders.items():
                out[key].add(_tmux_sample(tmux, f"{key}{i}", cmd, marker, env))
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    return out


def _tmux_sample(tmux: list[str], name: str, cmd: str, marker: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", name, "-x", "100", "-y", "30", "-c", str(ROOT), cmd],
                   check=True, env=env)
    try:
        while True:
            shown = subprocess.run([*tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True)
            if shown.returncode != 0:
                raise RuntimeError(f"{name} exited in tmux before painting: {shown.stderr.strip()}")
            if marker in shown.stdout:
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > 60:
                raise RuntimeError(f"{name} did not paint {marker!r} in tmux within 60 s")
            time.sleep(0.005)
    finally:
        subprocess.run([*tmux, "kill-session", "-t", name], capture_output=True)


def _first_table(book: Path) -> str:
    """The start of the first table's name, as VisiData lists it (its name column may be narrow at first)."""
    conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchone()[0][:5]
    finally:
        conn.close()


def _first_account_id(book: Path) -> str:
    conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id FROM accounts ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


# -- the command line ----------------------------------------------------------------------------------------------


def cli(book: Path, scratch: Path, repeat: int) -> dict[str, Samples]:
    """Wall time of whole commands in fresh processes, interleaved with their floor `python -c pass`: --help,
    `show` and `accounts` on the book, `acr` (rebalance, every item acknowledged: it writes) on a copy."""
    compile_bytecode()
    copy_book(book, scratch)
    try:
        ids, sleeves = _cli_subjects(scratch, repeat)
        db = ["--db", str(book), "--operator", OPERATOR]
        out = {k: Samples() for k in ("pass", "help", "show", "accounts", "acr")}
        for i in range(repeat):
            runs = {
                "pass": ["-c", "pass"],
                "help": ["-c", ENTRY, "--help"],
                "show": ["-c", ENTRY, *db, "show", ids[i % len(ids)]],
                "accounts": ["-c", ENTRY, *db, "accounts"],
                "acr": ["-c", ENTRY, "--db", str(scratch), "--operator", OPERATOR, "acr", sleeves[i % len(sleeves)],
                        "--kind", "rebalance", "--ack", "all"],
            }
            for key, args in runs.items():
                out[key].add(_timed([sys.executable, *args]))
        return out
    finally:
        remove_book(scratch)


def _cli_subjects(book: Path, n: int) -> tuple[list[str], list[str]]:
    """Accounts spread over the book for `show`, and distinct pending model sleeves for `acr`."""
    conn = sqlite3.connect(str(book))
    try:
        total = conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
        step = max(1, total // max(n, 1))
        ids = [r[0] for r in conn.execute("SELECT id FROM accounts WHERE rowid % ? = 1 LIMIT ?", [step, n])]
        sleeves = [r[0] for r in conn.execute(  # pending, on margin accounts: most build, as an operator's would
            "SELECT s.id FROM sleeves s JOIN accounts a ON a.id = s.account_id WHERE s.kind = 'model' AND "
            "s.leverage != s.applied_leverage AND a.type = 'margin' AND a.margin_enabled ORDER BY s.id LIMIT ?",
            [n])]
    finally:
        conn.close()
    return ids or ["A-000001"], sleeves or ["none"]


def _timed(args: list[str]) -> float:
    # The demo's prices are dated at the demo's date and the CLI runs on today's clock: without a wider price age
    # every ACR would stop at STALE_PRICE before it builds anything.
    env = _env(max_price_age_days="36500")
    t0 = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - t0
    acr_failed = re.search(r"ACR \d+ failed", done.stderr) is not None  # recorded as failed: still a whole run
    if done.returncode != 0 and not acr_failed:
        raise RuntimeError(f"{' '.join(args[:4])}... exited {done.returncode}: {done.stderr.strip()[-1000:]}")
    return seconds


# -- where the import time goes ---------------------------------------------------------------------------------------

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_table(book: Path, repeat: int) -> dict[str, Samples]:
    """`python -X importtime` of the console's start (`bench.probes start console`) and the minimal app's: the
    import self-time summed per top-level package, each run's figure a sample ("importtime:PACKAGE"; the minimal
    app's under "importtime.base:PACKAGE")."""
    compile_bytecode()
    out: dict[str, Samples] = {}
    for _ in range(repeat):
        for key, which in (("importtime", ["console", str(book)]), ("importtime.base", ["minimal"])):
            done = subprocess.run([sys.executable, "-X", "importtime", "-m", "bench.probes", "start", *which],
                                  cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                raise RuntimeError(f"importtime {which[0]} failed: {done.stderr.strip()[-1000:]}")
            for package, seconds in by_package(done.stderr).items():
                out.setdefault(f"{key}:{package}", Samples()).add(seconds)
    return out


def by_package(stderr: str) -> dict[str, float]:
    """Import self-time (seconds) per top-level package from `-X importtime` output."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        found = IMPORT_LINE.match(line)
        if found:
            package = found.group(4).split(".")[0]
            totals[package] = totals.get(package, 0.0) + int(found.group(1)) / 1e6
    return totals
