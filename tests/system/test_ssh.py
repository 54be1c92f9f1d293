"""The console behind a real OpenSSH server, driven through the real `ssh -t` client on a pty at 80x24.

What this proves that the Pilot tests cannot: the console starts as a remote command in a terminal sshd allocated,
reads keys from the wire (xterm-256color escape sequences, ctrl+q as a byte), paints a screen a VT emulator can
read, writes to the book on the server, and gives the terminal back when it quits.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.system.conftest import console_command, missing_tool, query
from tests.system.sshd import find_sshd, running_sshd
from tests.system.terminal import PtyScreen

pytestmark = pytest.mark.system

LEAVE_ALT_SCREEN = b"\x1b[?1049l"


def test_filter_open_save_leverage_and_quit_over_ssh(story_book: Path, tmp_path: Path):
    sshd = find_sshd()
    if sshd is None:
        missing_tool("OpenSSH's sshd", "apt-get install openssh-server")
    remote = console_command("--db", str(story_book), "--operator", "ssh-op")
    with running_sshd(tmp_path / "ssh", sshd) as server:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "TERM": "xterm-256color"}
        term = PtyScreen(server.client_argv(remote), env, columns=80, rows=24)
        try:
            term.wait_for("margin-console — ssh-op · book.db", "3 accounts (0 reconciled today)", "A-1001", "Jane Doe Trust",
                          "A-1002", "A-1003", "? Help", timeout=30)
            # The console took the pty's size from sshd: its title on the first row, its footer on the 24th (at 80
            # columns the footer keeps its ranked keys, `? Help` always; the palette key shows from 130).
            assert "margin-console — ssh-op · book.db" in term.lines[0] and "? Help" in term.lines[23]

            # Type once the field shows, as a person does: keys that arrive before a new field takes the focus
            # still go to the widget that had it (the console drops typeahead there; Pilot tests pause between keys).
            term.press("/")
            term.wait_for("Filter: id, name or custodian")
            term.press(*"jane")  # the table follows each keystroke
            term.wait_for("1 match 'jane'", "A-1001", "Jane Doe Trust", hidden=("A-1002", "A-1003"))

            term.press("enter")  # submit the filter: the table takes the focus, and the footer its keys
            term.wait_for("n Next page")
            term.press("enter")  # open the selected account
            term.wait_for("A-1001 · Jane Doe Trust", "A-1001-M1 · MODEL", "Leverage saved 1.50x · applied 1.00x")

            term.press("e")
            term.wait_for("Edit leverage · A-1001-M1", "At 1.50x")  # mounted, focused, first preview shown
            # The field opens with the saved 1.5 selected, so typing replaces it. (Not ctrl+u first: a key bound
            # to an action is dispatched after the characters typed behind it when the app is busy.)
            term.press(*"1.25")
            term.wait_for("At 1.25x")  # the live preview followed the keystrokes
            term.press("enter")
            term.wait_for("Saved leverage 1.25x on A-1001-M1", "Leverage saved 1.25x · applied 1.00x")

            term.press("ctrl+q")
            assert term.wait_exit() == 0
        finally:
            term.close()
    assert term.transcript.rfind(LEAVE_ALT_SCREEN) > term.transcript.rfind(b"Saved leverage")  # terminal given back

    assert query(story_book, "SELECT leverage, applied_leverage FROM sleeves WHERE id = 'A-1001-M1'") == [
        ("1.25", "1.0")]
    (operator, action, account, sleeve, detail), = query(
        story_book, "SELECT operator, action, account_id, sleeve_id, detail FROM audit WHERE operator != 'seed'")
    assert (operator, action, account, sleeve) == ("ssh-op", "set-leverage", "A-1001", "A-1001-M1")
    assert json.loads(detail) == {"applied": "1.0", "from": "1.5", "to": "1.25"}
