"""The benchmark command runs end to end on a tiny book and writes every table; no timing is asserted."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_runs_on_a_200_account_book(tmp_path: Path) -> None:
    out = tmp_path / "PERFORMANCE.md"
    books = tmp_path / "books"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_CONSOLE_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "200", "--repeat", "1", "--samples", "5", "--no-tmux",
         "--out", str(out), "--books-dir", str(books)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")

    from bench.report import FIGURES

    assert "## Machine" in text and "## Targets at 100,000 accounts" in text
    assert "### 200 accounts" in text
    assert "| figure | n | min | median | p95 | baseline | baseline median | ratio | load |" in text
    assert "| figure | target | measured at 200 | verdict |" in text
    for fig in FIGURES:
        assert f"| {fig.label} |" in text, fig.key
    tmux_row = next(line for line in text.splitlines() if line.startswith(f"| {FIGURES[1].label} | 0 |"))
    assert "-" in tmux_row  # --no-tmux: the real-terminal row is reported, not measured
    assert "not measured (--no-tmux)" in text
    assert "filter keystroke to updated table (console, Pilot): slowest: " in text  # per keystroke, with its text
    # The scratch copies are gone; the book stays cached next to the raw numbers of the run.
    assert sorted(p.name for p in books.iterdir()) == ["demo-200-seed7.db", "last-run.json"]

    # --render-only rewrites the report from those numbers without measuring anything.
    again = tmp_path / "again.md"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--render-only", "--out", str(again),
                           "--books-dir", str(books)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    assert again.read_text(encoding="utf-8") == text


def test_daily_bench_runs_on_a_100_account_book(tmp_path: Path) -> None:
    """`python -m bench.daily`: each case of the daily routine is measured next to its floor; no timing asserted."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_CONSOLE_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.daily", "--sizes", "100", "--repeat", "1", "--books-dir", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and " | 100 | " in line]
    assert [r.split(" | ")[0] for r in rows] == [
        "| prices: every symbol +1 %", "| prices: the 3 least-held symbols +1 %",
        "| reconcile: every account, each report changed (cash +0.50)",
        "| reconcile: every account, the reports as stored"]
    assert all(r.rstrip(" |").endswith("x") for r in rows)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daily-100.db"]  # scratch copies removed


@pytest.mark.slow
def test_bench_only_browse_replaces_its_own_section(tmp_path: Path) -> None:
    out = tmp_path / "PERFORMANCE.md"
    out.write_text("# Performance at book scale\n\nthe full run's tables\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_CONSOLE_")}
    for _ in range(2):  # a second partial run replaces the first one's section
        done = subprocess.run(
            [sys.executable, "-m", "bench.run", "--sizes", "200", "--repeat", "1", "--samples", "3", "--no-tmux",
             "--only", "browse", "--out", str(out), "--books-dir", str(tmp_path / "books")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance at book scale\n\nthe full run's tables\n")
    assert text.count("<!-- bench.run --only browse: begin -->") == 1
    assert text.count("## Partial run: --only browse") == 1
    from bench.report import FIGURES

    label = {f.key: f.label for f in FIGURES}
    for key in ("filter_tui", "filter_sql", "detail_tui"):
        row = next(line for line in text.splitlines() if line.startswith(f"| {label[key]} | "))
        assert not row.startswith(f"| {label[key]} | 0 |"), key  # measured
    assert f"| {label['batch']} | 0 |" in text  # not measured in a browse run
