"""`copy`: the command of store/copy.py, which moves a whole book between engines."""
from __future__ import annotations

import click

from console.cli.output import emit_json, json_option
from console.cli.support import operator, settings
from store.copy import copy_book
from store.engines import book_location, display_name


@click.command("copy")
@click.option("--from", "source", required=True, metavar="PATH|URL", help="The book to copy (left unchanged).")
@click.option("--to", "destination", required=True, metavar="PATH|URL",
              help="An empty book to fill: a new SQLite file or an empty PostgreSQL database.")
@json_option
@click.pass_context
def copy(ctx: click.Context, source: str, destination: str, as_json: bool) -> None:
    """Copy a whole book between engines, all-or-nothing, its audit chain verified on arrival."""
    current = settings(ctx)
    clock = ctx.find_root().obj.get("clock")
    counts = copy_book(source, destination, operator(ctx), current.replace(read_only=False), clock)
    if as_json:
        emit_json(counts)
    else:
        click.echo(f"Copied {counts['accounts']:,} accounts and {counts['audit']:,} audit rows (chain verified) "
                   f"-> {display_name(book_location(destination))}")


COMMANDS = [copy]
