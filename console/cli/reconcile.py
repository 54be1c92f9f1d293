"""`reconcile`: the command of store/reconcile.py (the custodian's positions and cash against the sleeves)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from console.cli.output import emit_json, json_option
from console.cli.support import open_store, operator
from store.reconcile import reconcile_file

SHOWN = 20  # out-of-sync accounts printed; `doctor` and --json list them all


@click.command("reconcile")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The custodian file's date (default: today).")
@json_option
@click.pass_context
def reconcile(ctx: click.Context, file: Path, as_of: object, as_json: bool) -> None:
    """Compare the custodian's FILE.csv (account_id,symbol,quantity; symbol CASH gives the cash) with the sleeves.

    All or nothing: every bad line is listed (an unknown account, a repeated symbol, a quantity that is not a
    number). Each difference becomes an OUT_OF_SYNC finding on its account (any share; cash beyond
    MARGIN_CONSOLE_RECONCILE_CASH_TOLERANCE, $1 by default). Accounts the file leaves out read "not
    reconciled today".
    """
    day: date | None = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    with open_store(ctx) as store:
        result = reconcile_file(store, file, operator(ctx), day)
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(f"reconciled {result.accounts:,} account(s) as of {result.as_of.isoformat()}: "
               f"{result.accounts - len(result.out_of_sync):,} in sync, {len(result.out_of_sync):,} out of sync")
    if result.not_in_file:
        click.echo(f"{result.not_in_file:,} account(s) of the book are not in the file: not reconciled today")
    for account_id, details in list(result.out_of_sync.items())[:SHOWN]:
        for detail in details:
            click.echo(f"  {account_id}: {detail}")
    if len(result.out_of_sync) > SHOWN:
        click.echo(f"  ... and {len(result.out_of_sync) - SHOWN:,} more account(s): `margin-console doctor` "
                   "lists every OUT_OF_SYNC finding")


COMMANDS = [reconcile]
