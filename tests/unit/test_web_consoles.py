"""`serve` does not return while a console it started is still running (console.web.wait_for_consoles).

Run in a fresh interpreter: the test process has children of its own (a PostgreSQL cluster) that must not count.
"""
from __future__ import annotations

import subprocess
import sys
import time

SCRIPT = """
import subprocess, sys, time
from pathlib import Path
from console.web import wait_for_consoles

def running(pid):  # alive and not a zombie (wait_for_consoles reaps what it can; a reaped pid's poll() says 0)
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

quick = subprocess.Popen(["sleep", "0.3"])      # a console that quits a moment after the server stopped
stuck = subprocess.Popen(["sleep", "60"])       # one that will not quit by itself
started = time.monotonic()
wait_for_consoles(1.0)
print(round(time.monotonic() - started, 2), running(quick.pid), running(stuck.pid))
"""


def test_serve_waits_for_its_consoles_and_ends_those_that_do_not_quit():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30, check=True)
    waited, quick, stuck = done.stdout.split()
    assert 1.0 <= float(waited) < 5.0  # the grace was given (the stuck one outlived it), and no more than needed
    assert quick == "False"             # the quick one ended by itself
    assert stuck == "False"             # the stuck one was killed, not left behind
    assert time.monotonic() - started < 20


def test_nothing_to_wait_for_returns_at_once():
    script = ("import time; from console.web import wait_for_consoles; t = time.monotonic(); "
              "wait_for_consoles(5.0); print(time.monotonic() - t)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True)
    assert float(done.stdout) < 1.0
