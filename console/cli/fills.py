"""`fills`: the command of store/fills.py (a fill CSV, or fills simulated at the order prices)."""
from __future__ import annotations

from pathlib import Path

import click

from console.cli.output import emit_json, json_option
from console.cli.support import SqlInt, open_store, operator
from store.fills import apply_fills_csv, simulate_fills
from store.input_file import read_text


@click.command("fills")
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--simulate", "simulate_acr", type=SqlInt(), help="Fill this ACR's open orders at their order prices.")
@json_option
@click.pass_context
def fills(ctx: click.Context, file: Path | None, simulate_acr: int | None, as_json: bool) -> None:
    """Apply fills: a CSV (order_id,status,filled_quantity,fill_price[,reason]) or --simulate ACR_ID.

    All or nothing: every bad line is listed (field count, quoting, a rejected or cancelled line with shares,
    a quantity above the order's, a fill price outside MARGIN_CONSOLE_FILL_PRICE_BAND of the order's price).
    """
    if (file is None) == (simulate_acr is None):
        raise click.UsageError("give either a fill CSV file or --simulate ACR_ID")
    with open_store(ctx) as store:
        if simulate_acr is not None:
            done = [simulate_fills(store, simulate_acr, operator(ctx))]
        else:
            assert file is not None
            done = apply_fills_csv(store, read_text(file), operator(ctx))
    if as_json:
        emit_json([a.to_json() for a in done])
    else:
        for a in done:
            filled = sum(1 for o in a.orders if o.status == "filled")
            click.echo(f"ACR {a.id}: {a.status} ({filled} of {len(a.orders)} orders filled)")


COMMANDS = [fills]
