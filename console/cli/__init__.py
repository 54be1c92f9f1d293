"""The command line: `margin-console` opens the console; its commands are the headless front of the store.

One command module per store service module (book, sleeves, acrs, fills, prices, reconcile, troubleshoot,
walkthrough, operators, approvals, lifecycle), one for the queries, one for the calculator, one for the settings (config) and one for the web
server (serve); the shared pieces are in support.py (group, errors, store) and output.py (--json/--csv, emitters,
formats).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from console.cli import (
    acrs,
    approvals,
    book,
    config,
    copy,
    fills,
    lifecycle,
    operators,
    prices,
    queries,
    reconcile,
    serve,
    sleeves,
    troubleshoot,
    walkthrough,
    whatif,
)
from console.cli.support import (
    ConsoleGroup,
    console_settings,
    progress_bar,
    refuse_writes_when_read_only,
)
from store.book import generate_demo
from store.config_file import CONFIG_ENV
from store.settings import Settings, login_name

DEMO_ACCOUNTS = 2000


@click.group(cls=ConsoleGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="margin-console", prog_name="margin-console", message="%(prog)s %(version)s",
                      help="Print the installed version (from the package metadata) and exit.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"The TOML config file (env {CONFIG_ENV}; default: config.toml in the user config dir).")
@click.option("--db", metavar="PATH|URL",  # a string: a Path would fold a server URL's `//`
              help="The book: a SQLite file, or postgresql://... on a server several hosts share "
                   "(env MARGIN_CONSOLE_DB; default: book.db in the user data dir).")
@click.option("--operator", help="Who writes are attributed to (env MARGIN_CONSOLE_OPERATOR; default: login name).")
@click.option("--read-only", is_flag=True, default=None,
              help="Open the book with no write path: the file read-only, write keys and commands refused.")
@click.option("--demo", "open_demo", is_flag=True, help="Open the console on a fresh demo book in a temporary file.")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, db: str | None, operator: str | None, read_only: bool | None,
        open_demo: bool) -> None:
    """Operator console for leveraged model sleeves. With no command, opens the console."""
    # Flags over the environment over the config file over defaults; a blank --operator is refused, not replaced.
    settings = Settings.load(config_file, db=db, operator=operator, read_only=read_only)
    ctx.ensure_object(dict)
    ctx.obj.setdefault("settings", settings)
    if ctx.invoked_subcommand is not None:
        refuse_writes_when_read_only(settings, ctx.invoked_subcommand)
        return
    if open_demo:
        settings = settings.model_copy(update={"db": Path(tempfile.mkdtemp(prefix="margin-console-")) / "demo.db"})
        from store.core import Store

        writable = settings.model_copy(update={"read_only": False})  # the demo is made, then viewed as asked
        with Store(settings.db, writable) as store, progress_bar(DEMO_ACCOUNTS, "Generating demo book") as step:
            generate_demo(store, DEMO_ACCOUNTS, 7, settings.operator, step)
    from console.app import run_console

    login = ctx.obj.get("login") or login_name()
    run_console(console_settings(settings, login), login=login, claim=settings.claimed_operator())


# One module per store service (or query) module; each lists its commands, none imports another.
for module in (book, copy, config, queries, sleeves, acrs, fills, prices, reconcile, troubleshoot, walkthrough,
               whatif, serve, operators, approvals, lifecycle):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Entry point of the `margin-console` command."""
    cli()
