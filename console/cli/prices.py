"""`prices`: the command of store/prices.py (a price file in, the touched accounts' summaries recomputed)."""
from __future__ import annotations

from pathlib import Path

import click

from console.cli.output import emit_json, json_option
from console.cli.support import open_store, operator
from store.prices import load_price_file


@click.command("prices")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--accept-moves", is_flag=True,
              help="Load prices that move more than MARGIN_CONSOLE_PRICE_MOVE_BAND from the stored ones.")
@json_option
@click.pass_context
def prices(ctx: click.Context, file: Path, accept_moves: bool, as_json: bool) -> None:
    """Load prices: FILE.csv (symbol,price,as_of[,marginable,maintenance,leverage_factor]) or FILE.json (a list).

    All or nothing: every bad line is listed (unknown column, a price that is not positive and finite, a date
    after today, a move beyond the band unless --accept-moves). Only the file's symbols change; every account
    holding or targeting one has its summary recomputed in the same transaction.
    """
    with open_store(ctx) as store:
        load = load_price_file(store, file, operator(ctx), accept_moves)
    if as_json:
        emit_json(load.to_json())
        return
    click.echo(f"{len(load.added)} added, {len(load.changed)} changed, {len(load.unchanged)} unchanged; "
               f"{load.accounts:,} account(s) refreshed")
    if load.accepted_moves:
        click.echo(f"accepted moves beyond the band: {', '.join(load.accepted_moves)}")


COMMANDS = [prices]
