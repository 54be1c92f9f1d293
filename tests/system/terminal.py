"""A real terminal for the system tests: a process on a pty (pexpect) whose output a VT emulator (pyte) draws.

The console is a full-screen program that repaints cells, so matching raw output would be fragile: pyte keeps the
80x24 grid the user would see, and the tests assert on its lines.
"""
from __future__ import annotations

import time

import pexpect
import pyte

# What the keys send on an xterm (the bytes `tmux send-keys` or a person would produce).
KEYS = {"enter": "\r", "escape": "\x1b", "ctrl+q": "\x11", "ctrl+u": "\x15", "down": "\x1b[B", "up": "\x1b[A"}


class PtyScreen:
    """A command on a pty of `columns` x `rows`, with the screen its output paints."""

    def __init__(self, argv: list[str], env: dict[str, str], columns: int = 80, rows: int = 24) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.transcript = bytearray()
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(rows, columns), timeout=None)

    def pump(self, seconds: float = 0.05) -> None:
        """Read whatever the program wrote within `seconds` and draw it."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=max(0.0, deadline - time.monotonic()))
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
            self.transcript += data
            self.stream.feed(data)
            if time.monotonic() >= deadline:
                return

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, *shown: str, hidden: tuple[str, ...] = (), timeout: float = 15.0) -> str:
        """Pump output until the screen shows every `shown` text and none of `hidden`; fail with the screen.

        A repaint arrives in pieces (a table's ids before its widened columns), so a test waits for the whole of
        what it is about to assert, never for one token of it.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            text = self.text
            if all(s in text for s in shown) and not any(h in text for h in hidden):
                return text
            if not self.child.isalive():
                self.pump()
                break
        raise AssertionError(f"the screen never showed {shown!r} without {hidden!r}; it shows:\n{self.text}\n"
                             f"(last output: {bytes(self.transcript[-400:])!r})")

    def press(self, *keys: str) -> None:
        """Send keys by name (`enter`, `ctrl+q`) or as text, one at a time as a person types."""
        for key in keys:
            self.child.send(KEYS.get(key, key))
            self.pump(0.05)

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Drain the output until the program exits; its exit status."""
        deadline = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < deadline:
            self.pump()
        self.child.expect(pexpect.EOF, timeout=max(0.1, deadline - time.monotonic()))
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else 128 + (self.child.signalstatus or 0)

    def close(self) -> None:
        """End the program if it is still running (a failed test must not leave it behind)."""
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close(force=True)
