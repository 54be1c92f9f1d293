"""`set-leverage`, `revert-target`, `track-manager` and `confirm-margin`: the commands of store/sleeves.py (saved, no trades)."""
from __future__ import annotations

from decimal import Decimal

import click

from calc.formatting import lev
from console.cli.output import emit_json, json_option
from console.cli.support import DECIMAL, expect_version_option, open_store, operator
from store import sleeves


@click.command("set-leverage")
@click.argument("sleeve_id")
@click.argument("leverage", type=DECIMAL)
@expect_version_option
@json_option
@click.pass_context
def set_leverage(ctx: click.Context, sleeve_id: str, leverage: Decimal, expect_version: int | None,
                 as_json: bool) -> None:
    """Save a model sleeve's leverage target. No trades: an ACR makes it take effect."""
    with open_store(ctx) as store:
        version = sleeves.set_leverage(store, sleeve_id, leverage, operator(ctx), expect_version)
    if as_json:
        emit_json({"sleeve_id": sleeve_id, "leverage": leverage, "version": version, "traded": False})
    else:
        click.echo(f"Saved leverage {lev(leverage)} on {sleeve_id} (target only, nothing traded). "
                   f"Run a rebalance or a $1 ACR to apply it.")


@click.command("track-manager")
@click.argument("sleeve_id")
@click.argument("state", type=click.Choice(["on", "off"]))
@expect_version_option
@json_option
@click.pass_context
def track_manager(ctx: click.Context, sleeve_id: str, state: str, expect_version: int | None, as_json: bool) -> None:
    """Save a model sleeve's track-manager toggle (ON follows the manager's cash targets). No trades."""
    with open_store(ctx) as store:
        version = sleeves.set_track_manager(store, sleeve_id, state == "on", operator(ctx), expect_version)
    if as_json:
        emit_json({"sleeve_id": sleeve_id, "track_manager": state == "on", "version": version})
    else:
        click.echo(f"Track manager {state.upper()} on {sleeve_id} (saved, nothing traded).")


@click.command("confirm-margin")
@click.argument("account_id")
@click.argument("state", type=click.Choice(["enabled", "disabled"]))
@click.option("--reference", default="", help="The custodian's confirmation reference (ticket, call, letter).")
@json_option
@click.pass_context
def confirm_margin(ctx: click.Context, account_id: str, state: str, reference: str, as_json: bool) -> None:
    """Record the custodian's confirmation of the account's margin status."""
    with open_store(ctx) as store:
        version = sleeves.confirm_custodian_margin(store, account_id, state == "enabled", operator(ctx), reference)
    if as_json:
        emit_json({"account_id": account_id, "margin_enabled": state == "enabled", "version": version})
    else:
        click.echo(f"Recorded: the custodian confirmed margin {state} on {account_id}.")


@click.command("revert-target")
@click.argument("sleeve_id")
@expect_version_option
@json_option
@click.pass_context
def revert_target(ctx: click.Context, sleeve_id: str, expect_version: int | None, as_json: bool) -> None:
    """Put a pending saved leverage back to the applied one (no trades). Refused when nothing is pending."""
    with open_store(ctx) as store:
        version, leverage = sleeves.revert_target(store, sleeve_id, operator(ctx), expect_version)
    if as_json:
        emit_json({"sleeve_id": sleeve_id, "leverage": leverage, "version": version, "traded": False})
    else:
        click.echo(f"Reverted {sleeve_id}'s target to the applied {lev(leverage)} (nothing pending, nothing traded).")


COMMANDS = [set_leverage, revert_target, track_manager, confirm_margin]
