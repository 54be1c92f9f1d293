"""Opening the console: the settings for this login, the demo book if asked for, then the app.

`margin-console` with only the root's options comes here without click (console/cli/__init__.py); the root
command's callback comes here too. Importing this module imports no click: the first page does not need it.
"""
from __future__ import annotations

import gc
import tempfile
from pathlib import Path
from typing import Any

from store.core import Store
from store.settings import Settings, login_name

DEMO_ACCOUNTS = 2000


def start_console(config_file: Path | None, db: str | None, operator: str | None, read_only: bool | None,
                  open_demo: bool) -> None:
    """What the root command does with no command, for the options console_options parsed; an error is handled by
    the root group as if raised in its callback (the same line on stderr, the same exit code)."""
    try:
        # Flags over the environment over the config file over defaults, as in the root's callback.
        settings = Settings.load(config_file, db=db, operator=operator, read_only=read_only)
        open_console(settings, open_demo)
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - the root's handler decides, as after click
        from console.cli.group import replay

        replay(error)


def open_console(settings: Settings, open_demo: bool = False, login: str | None = None) -> None:
    """Run the console on `settings.db`, or on a fresh demo book in a temporary file (`open_demo`)."""
    if open_demo:
        settings = settings.replace(db=Path(tempfile.mkdtemp(prefix="margin-console-")) / "demo.db")
        from console.cli.support import progress_bar
        from store.book import generate_demo

        writable = settings.replace(read_only=False)  # the demo is made, then viewed as asked
        with Store(settings.db, writable) as store, progress_bar(DEMO_ACCOUNTS, "Generating demo book") as step:
            generate_demo(store, DEMO_ACCOUNTS, 7, settings.operator, step)
    # No automatic garbage collection from here until the first page is painted (the app turns it back on): the
    # app's imports and first screen allocate objects that nearly all live as long as the app, and the collector
    # walked them 110 times on the way (50-55 ms of the start at load 2.5, the minimal app's 15-30 ms). A caller
    # that had it off keeps it off; an error before the app runs turns it back on here.
    was = gc.isenabled()
    gc.disable()
    try:
        from console.app import run_console

        login = login or login_name()
        run_console(console_settings(settings, login), login=login, claim=settings.claimed_operator(),
                    collector_held=was)
    finally:
        if was:
            gc.enable()


def console_settings(settings: Settings, login_name: str, clock: Any = None) -> Settings:
    """The console's settings for this login: the writer's name as it will be recorded, and read-only for a viewer
    or a login the book does not know (the console hides and refuses its write keys, as under --read-only)."""
    if isinstance(settings.db, Path) and not settings.db.exists():  # a server's book is opened to know its operators
        return settings
    from store.operators import resolve_actor

    with Store(settings.db, settings, clock) as store:
        writer = resolve_actor(store, login_name, settings.claimed_operator())
    named = settings.replace(operator=writer.recorded)
    return named if writer.may("operator") else named.as_viewer()
