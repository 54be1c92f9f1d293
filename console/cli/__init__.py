"""The command line: `margin-console` opens the console; its commands are the headless front of the store.

The root command, its options and its lazily loaded commands are root.py (click); opening the console is
start.py. The entry point below opens the console without importing click when the arguments are only the root's
own options (the console's start is the figure an operator waits on, issue 17 item 1): `--config PATH`,
`--db PATH|URL`, `--operator NAME`, `--read-only`, `--demo`. Anything else (a command, `--help`, `--version`, an
unknown, repeated or doubtful option) goes to click, which parses the same options the same way, so the help and
every usage error are click's own; an error while the console opens is handled by the root group as if click had
run it (console/cli/group.py: replay).
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

VALUE_OPTIONS = {"--config": "config_file", "--db": "db", "--operator": "operator"}
FLAG_OPTIONS = {"--read-only": "read_only", "--demo": "open_demo"}
COMPLETE_VAR = "_MARGIN_CONSOLE_COMPLETE"  # click's shell completion for the prog name margin-console


def console_options(args: list[str]) -> dict[str, Any] | None:
    """The root's options in `args` as its callback receives them, or None when click must parse `args`: anything
    but these options, an option twice, a missing or empty value, a value that starts with `-`, `--flag=value`, or
    a config path click's Path type would refuse (a directory, an unreadable file)."""
    found: dict[str, Any] = {"config_file": None, "db": None, "operator": None, "read_only": None,
                             "open_demo": False}
    seen: set[str] = set()
    rest = list(args)
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if name in seen:
            return None
        seen.add(name)
        if name in FLAG_OPTIONS and not equals:
            found[FLAG_OPTIONS[name]] = True
        elif name in VALUE_OPTIONS:
            if not equals:
                if not rest:
                    return None
                value = rest.pop(0)
            if not value or value.startswith("-"):
                return None
            found[VALUE_OPTIONS[name]] = value
        else:
            return None
    if found["config_file"] is not None:
        try:
            mode = os.stat(found["config_file"]).st_mode
        except OSError:
            mode = None  # a missing file: the settings' loader says so, as after click
        if mode is not None and (stat.S_ISDIR(mode) or not os.access(found["config_file"], os.R_OK)):
            return None
        found["config_file"] = Path(found["config_file"])
    return found


def main() -> None:
    """Entry point of the `margin-console` command."""
    options = None if COMPLETE_VAR in os.environ else console_options(sys.argv[1:])
    if options is None:
        from console.cli.root import cli

        cli()
        return
    from console.cli.start import start_console

    start_console(**options)


def __getattr__(name: str) -> Any:
    """`console.cli.cli` and `console.cli.COMMANDS`, the root command and its table, loaded when first asked for."""
    if name in ("cli", "COMMANDS"):
        from console.cli import root

        return getattr(root, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
