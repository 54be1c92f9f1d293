"""The throwaway PostgreSQL cluster of the tests (tests/postgres.py) does not outlive a run that is killed.

A SIGTERM'd run (a CI timeout) stops its cluster on the way out; a SIGKILL'd one cannot, so the next run's cluster
reaps any cluster whose owning process is gone, and leaves alone one whose owner is alive.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.postgres import bindir, process_alive, reap_stale

ROOT = Path(__file__).resolve().parents[2]
HOLDER = "from tests.postgres import Cluster; import time; c = Cluster().start(); print(c.dir, flush=True); time.sleep(120)"


@pytest.fixture
def binaries() -> Path:
    found = bindir()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries not found (pg_config --bindir)")
        pytest.skip("PostgreSQL server binaries not found (pg_config --bindir)")
    return found


def hold_a_cluster() -> tuple[subprocess.Popen[str], Path, int]:
    """A process that starts a cluster and waits; its directory and the server's pid."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    directory = Path(holder.stdout.readline().strip())
    server = int((directory / "data" / "postmaster.pid").read_text().split()[0])
    return holder, directory, server


def gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_sigtermed_run_stops_its_cluster(binaries):
    holder, directory, server = hold_a_cluster()
    holder.send_signal(signal.SIGTERM)
    assert holder.wait(timeout=30) == -signal.SIGTERM  # it still dies of the signal, as it would have
    assert gone(server) and not directory.exists()


def test_a_killed_runs_cluster_is_reaped_by_the_next_and_a_live_one_is_not(binaries):
    holder, directory, server = hold_a_cluster()
    try:
        assert directory not in reap_stale(binaries, directory.parent)  # its owner is alive: left alone
        assert process_alive(server) and directory.exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert process_alive(server)  # SIGKILL: nothing could stop the server
    assert directory in reap_stale(binaries, directory.parent)
    assert gone(server) and not directory.exists()
