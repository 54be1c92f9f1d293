"""The console in a browser: textual-serve runs one console process per browser connection (websocket).

The web server itself is textual-serve's aiohttp app; this module only decides what it runs and where it listens.
Every session runs the same command as `margin-console --db BOOK --operator NAME` in this Python, so a browser
sees the same console, the same book and the same rules as an SSH session on this host.
"""
from __future__ import annotations

import ipaddress
import os
import shlex
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from store.settings import Settings

CONSOLE_ENTRY = "from console.cli import main; main()"
TITLE = "margin-console"
CONSOLES_GRACE = 3.0  # seconds the consoles get to quit once the server has stopped


def is_local(host: str) -> bool:
    """Whether binding to `host` keeps the server reachable from this machine only (loopback)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve to anything: treat it as remote
        return False


def console_command(settings: Settings, options: Sequence[str] = ()) -> str:
    """The shell command textual-serve starts per connection: this Python, this book, this operator, and the
    other root `options` serve was given (a config file, read-only), so a browser session runs as serve was told.

    `-P` keeps the server's working directory off sys.path, so a folder named like one of our packages there
    cannot stand in for the console.
    """
    argv = [sys.executable, "-P", "-c", CONSOLE_ENTRY, *options, "--db",
            str(settings.db.resolve() if isinstance(settings.db, Path) else settings.db),
            "--operator", settings.operator]
    return shlex.join(argv)


def public_url(host: str, port: int) -> str:
    """The URL the served page tells the browser to open its websocket on, when no --public-url is given."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(settings: Settings, host: str, port: int, url: str | None = None, options: Sequence[str] = ()) -> None:
    """Serve the console on http://host:port until interrupted (ctrl+c or SIGTERM)."""
    from textual_serve.server import Server  # aiohttp and friends load only for `serve`

    Server(console_command(settings, options), host=host, port=port, title=TITLE,
           public_url=url or public_url(host, port)).serve()
    wait_for_consoles(CONSOLES_GRACE)


def wait_for_consoles(grace: float) -> None:
    """Return once every console this server started has ended; past `grace` seconds, end those left.

    textual-serve returns as soon as its web server stops, while each browser's console is still quitting (its
    websocket closed a moment before): a ctrl+c or a service manager's SIGTERM would leave consoles, with the
    book open, running behind a server that is gone.
    """
    deadline = time.monotonic() + grace
    while _children():
        if time.monotonic() >= deadline:
            for pid in _children():
                os.kill(pid, signal.SIGKILL)
            deadline = float("inf")  # killed: now only wait for them to be reaped
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        time.sleep(0.02)


def _children() -> list[int]:
    """This process's live children (Linux's /proc; elsewhere none are known and nothing is waited for)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        if fields[0] != "Z" and int(fields[1]) == os.getpid():
            found.append(int(entry.parent.name))
    return found
