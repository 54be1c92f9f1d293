"""`operators` and `policy`: the commands of store/operators.py (who may do what, and when an ACR needs four eyes)."""
from __future__ import annotations

from decimal import Decimal

import click

from calc.vocabulary import ROLE_HELP, ROLES
from console.cli.output import emit_json, emit_table, json_option
from console.cli.support import DECIMAL, actor, open_store
from store.operators import add_operator, disable_operator, get_policy, list_operators, set_policy


@click.group("operators")
def operators() -> None:
    """The book's operators and their roles: viewer, operator, approver, admin."""


@operators.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), required=True,
              help="; ".join(f"{r}: {h}" for r, h in ROLE_HELP.items()) + ".")
@json_option
@click.pass_context
def operators_add(ctx: click.Context, name: str, role: str, as_json: bool) -> None:
    """Add an operator with a role, or change an operator's role (admins; the first operator must be an admin)."""
    with open_store(ctx, writes=True) as store:
        record = add_operator(store, actor(ctx), name, role)
    if as_json:
        emit_json(record.to_json())
    else:
        click.echo(f"{record.name} is now an active {record.role}")


@operators.command("list")
@json_option
@click.pass_context
def operators_list(ctx: click.Context, as_json: bool) -> None:
    """Every operator, active or disabled, with their role."""
    with open_store(ctx) as store:
        found = list_operators(store)
    if as_json:
        emit_json([o.to_json() for o in found])
        return
    emit_table([{"name": o.name, "role": o.role, "active": "yes" if o.active else "disabled",
                 "added by": o.added_by, "changed": o.updated_at} for o in found])
    if not found:
        click.echo("No operators yet: anyone may act under the name they claim. Add an admin first.")


@operators.command("disable")
@click.argument("name")
@click.pass_context
def operators_disable(ctx: click.Context, name: str) -> None:
    """Disable an operator (kept in the audit trail; never the last active admin)."""
    with open_store(ctx, writes=True) as store:
        record = disable_operator(store, actor(ctx), name)
    click.echo(f"{record.name} ({record.role}) is disabled")


@click.group("policy")
def policy() -> None:
    """The four-eyes policy: above which an ACR needs a second person's approval."""


@policy.command("set")
@click.option("--four-eyes-leverage-above", "leverage_above", type=DECIMAL,
              help="ACRs at a leverage above this wait for approval.")
@click.option("--four-eyes-notional-above", "notional_above", type=DECIMAL,
              help="ACRs whose orders trade more than this many dollars wait for approval.")
@click.option("--four-eyes-in-call", "in_call", is_flag=True, help="ACRs on an account in a margin call wait.")
@click.option("--four-eyes-withdrawals", "withdrawals", is_flag=True, help="Withdrawal ACRs wait.")
@json_option
@click.pass_context
def policy_set(ctx: click.Context, leverage_above: Decimal | None, notional_above: Decimal | None, in_call: bool,
               withdrawals: bool, as_json: bool) -> None:
    """Replace the policy (admins; audited): an option left out turns its rule off."""
    with open_store(ctx, writes=True) as store:
        found = set_policy(store, actor(ctx), leverage_above, notional_above, in_call, withdrawals)
    _show(found, as_json)


@policy.command("show")
@json_option
@click.pass_context
def policy_show(ctx: click.Context, as_json: bool) -> None:
    """The four-eyes policy in force."""
    with open_store(ctx) as store:
        found = get_policy(store)
    _show(found, as_json)


def _show(found, as_json: bool) -> None:
    if as_json:
        emit_json(found.to_json())
        return
    click.echo("Four eyes (a second person approves ACRs when):")
    for line in found.lines:
        click.echo(f"  {line}")
    if found.updated_by:
        click.echo(f"set by {found.updated_by} at {found.updated_at}")


COMMANDS = [operators, policy]
