"""Shared pieces of the drills: the fixed clock, books, a table digest, the integrity check and CLI children."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, fixed_clock

SEED = 7


@dataclass
class DrillResult:
    """What one drill did (figures) and every check that did not hold (findings)."""

    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)

    def find(self, text: str) -> None:
        if len(self.findings) < 200:  # one defect can repeat thousands of times: keep the report readable
            self.findings.append(text)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {"drill": self.name, "ok": self.ok, **self.figures, "findings": self.findings}


def open_store(path: Path | str, operator: str = "stress"):  # -> store.core.Store
    from store.core import Store
    from store.settings import Settings

    return Store(path, Settings(db=path, operator=operator), fixed_clock)


def make_demo(path: Path | str, accounts: int) -> None:
    """A demo book at the demo's own date (the drills' clock is fixed, so integrity checks agree with it)."""
    from store.book import generate_demo

    with open_store(path) as store:
        generate_demo(store, accounts, SEED, "stress")


def digest(path: Path) -> str:
    """A hash of every row of every table and the schema version, through a separate raw connection."""
    conn = sqlite3.connect(str(path))
    try:
        h = hashlib.sha256(str(conn.execute("PRAGMA user_version").fetchone()[0]).encode())
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for name in names:
            h.update(name.encode())
            for row in sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"')):
                h.update(row.encode())
        return h.hexdigest()
    finally:
        conn.close()


def integrity(path: Path | str) -> list[str]:
    """Every problem `doctor --integrity` would report (SQLite, foreign keys, ACRs, summaries, audit chain)."""
    from store.queries.integrity import integrity_report

    try:
        with open_store(path) as store:
            report = integrity_report(store)
    except Exception as error:  # noqa: BLE001 (a book that does not even open is the worst finding)
        return [f"the book does not open: {type(error).__name__}: {error}"]
    return [f"{p.check}: {p.detail}" for p in report.problems]


def child_env() -> dict[str, str]:
    """The environment of a CLI child: this tree first on the path, no stray MARGIN_CONSOLE_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_CONSOLE_")}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MARGIN_CONSOLE_OPERATOR"] = "stress"
    return env


def cli_child(db: Path, *args: str) -> subprocess.Popen:
    """`margin-console --db DB ARGS` in a child process on the fixed clock (bench/stress/cli_child.py)."""
    return subprocess.Popen([sys.executable, "-m", "bench.stress.cli_child", "--db", str(db), *args], cwd=ROOT,
                            env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
