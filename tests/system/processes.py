"""Servers the system tests start: a free loopback port, waiting until one listens, stopping it for sure."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A port nothing listens on at 127.0.0.1 now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(server: subprocess.Popen[bytes], port: int, log: Path, timeout: float) -> None:
    """Return once something accepts on 127.0.0.1:port; fail with the server's log if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{server.args[0]} exited with {server.returncode}: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout} s: {log.read_text(errors='replace')}")


def stop(server: subprocess.Popen[bytes], timeout: float = 5.0) -> int:
    """SIGTERM, then SIGKILL if it will not go; its exit status."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return server.returncode


def group_alive(pgid: int) -> bool:
    """Whether any process of the group (a server started with start_new_session, and its children) remains."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_group(pgid: int) -> None:
    """End whatever of the group is left (a failed test must not leave consoles running)."""
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
