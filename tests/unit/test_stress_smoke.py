"""The reliability drills (bench/stress), bounded small: writers, kill -9 and fuzz all hold their checks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_reliability_drills_hold_on_a_short_run(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_CONSOLE_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bench.stress", "--seconds", "2", "--processes", "8", "--kills", "4",
         "--kill-accounts", "1500", "--fuzz-cases", "200", "--workdir", str(tmp_path), "--json"],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    report = json.loads(done.stdout)
    drills = {d["drill"]: d for d in report["drills"]}
    assert sorted(drills) == ["fuzz", "kills", "writers"]
    for drill in drills.values():
        # A busy-timeout expiry is a Busy refusal now (counted with the refusals); an OperationalError is a finding.
        assert drill["findings"] == [], (drill["drill"], drill["findings"])
    writers = drills["writers"]
    assert writers["processes"] == 8 and writers["successes"] > 100 and writers["acrs_written"] > 0
    assert drills["kills"]["kills"] == 4
    assert drills["fuzz"]["cases"] == 200 and set(drills["fuzz"]["exits"]) <= {"0", "1", "2", "3"}


def test_the_drills_find_a_lost_write(tmp_path: Path) -> None:
    """The writers' check is not vacuous: a success reported but missing from the book is a finding."""
    from bench.stress import writers
    from bench.stress.common import DrillResult, make_demo

    db = tmp_path / "b.db"
    make_demo(db, 20)
    result = DrillResult("writers")
    entries = [{"op": "acr", "key": "k", "acr": 99, "sleeve": "X", "kind": "rebalance", "amount": "0",
                "replayed": False, "writer": 0},
               {"op": "done", "attempts": 1, "errors": {}, "writer": 0}]
    writers.check(db, entries, 0, result)
    assert any("ACR success" in f for f in result.findings)
    assert any("reported but missing: [99]" in f for f in result.findings)
