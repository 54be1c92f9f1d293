"""The command line: `margin-console` opens the console; its commands are the headless front of the store.

One command module per store service module (book, sleeves, acrs, fills, prices, reconcile, troubleshoot,
walkthrough), one for the queries and one for the calculator; the shared pieces are in support.py (group, errors,
store) and output.py (--json/--csv, emitters, formats).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from console.cli import (
    acrs,
    book,
    fills,
    prices,
    queries,
    reconcile,
    sleeves,
    troubleshoot,
    walkthrough,
    whatif,
)
from console.cli.support import ConsoleGroup, progress_bar
from store.book import generate_demo
from store.settings import Settings

DEMO_ACCOUNTS = 2000


@click.group(cls=ConsoleGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="MARGIN_CONSOLE_DB",
              help="The book's SQLite file (default: the user data dir; env MARGIN_CONSOLE_DB).")
@click.option("--operator", envvar="MARGIN_CONSOLE_OPERATOR", help="Who writes are attributed to (default: login name).")
@click.option("--demo", "open_demo", is_flag=True, help="Open the console on a fresh demo book in a temporary file.")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, operator: str | None, open_demo: bool) -> None:
    """Operator console for leveraged model sleeves. With no command, opens the console."""
    overrides: dict[str, object] = {"db": db} if db else {}
    if operator is not None:  # a blank --operator is refused by Settings, not replaced by the login name
        overrides["operator"] = operator
    settings = Settings(**overrides)
    ctx.ensure_object(dict)
    ctx.obj.setdefault("settings", settings)
    if ctx.invoked_subcommand is not None:
        return
    if open_demo:
        settings = settings.model_copy(update={"db": Path(tempfile.mkdtemp(prefix="margin-console-")) / "demo.db"})
        from store.core import Store

        with Store(settings.db, settings) as store, progress_bar(DEMO_ACCOUNTS, "Generating demo book") as step:
            generate_demo(store, DEMO_ACCOUNTS, 7, settings.operator, step)
    from console.app import run_console

    run_console(settings)


# One module per store service (or query) module; each lists its commands, none imports another.
for module in (book, queries, sleeves, acrs, fills, prices, reconcile, troubleshoot, walkthrough, whatif):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Entry point of the `margin-console` command."""
    cli()
