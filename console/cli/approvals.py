"""`approvals`, `approve`, `reject`: the commands of store/approvals.py (the four-eyes queue)."""
from __future__ import annotations

import click

from calc.approvals import orders_text
from calc.formatting import lev, money
from calc.views import AcrRecord
from console.cli.output import emit_json, emit_table, json_option
from console.cli.support import SqlInt, actor, open_store
from store.approvals import approve_acr, awaiting_approval, reject_acr


@click.command("approvals")
@click.argument("action", type=click.Choice(["list"]), default="list")
@json_option
@click.pass_context
def approvals(ctx: click.Context, action: str, as_json: bool) -> None:
    """The ACRs awaiting approval (status awaiting_approval), oldest first."""
    with open_store(ctx) as store:
        found = awaiting_approval(store)
    if as_json:
        emit_json([a.to_json() for a in found])
        return
    emit_table([{"acr": a.id, "sleeve": a.sleeve_id, "kind": a.kind, "amount": money(a.amount) if a.amount else "",
                 "leverage": lev(a.leverage), "requested by": ", ".join(a.lifecycle.requesters),
                 "at": a.created_at, "why": "; ".join(a.lifecycle.reasons)} for a in found])


def _echo(record: AcrRecord, as_json: bool) -> None:
    if as_json:
        emit_json(record.to_json())
        return
    click.echo(f"ACR {record.id} {record.kind} on {record.sleeve_id} at {lev(record.leverage)}: {record.status}"
               f" ({record.lifecycle.decided_by})")
    if record.failed:
        click.echo(f"  {record.code}: {record.reason}. Fix: {record.fix}")
    elif record.orders:
        click.echo(f"  {orders_text([o.to_json() for o in record.orders])}")


@click.command("approve")
@click.argument("acr_id", type=SqlInt())
@click.option("--confirm", help="The new build's digest, when the build changed since it was requested "
                                "(the refusal names both builds and the digest).")
@json_option
@click.pass_context
def approve(ctx: click.Context, acr_id: int, confirm: str | None, as_json: bool) -> None:
    """Approve another operator's ACR: its checklist re-evaluated and its build rebuilt on current data."""
    with open_store(ctx) as store:
        record = approve_acr(store, acr_id, actor(ctx), confirm)
    _echo(record, as_json)


@click.command("reject")
@click.argument("acr_id", type=SqlInt())
@click.option("--reason", required=True, help="Why (the requester reads it).")
@json_option
@click.pass_context
def reject(ctx: click.Context, acr_id: int, reason: str, as_json: bool) -> None:
    """Reject another operator's ACR awaiting approval (nothing was moved, nothing is restored)."""
    with open_store(ctx) as store:
        record = reject_acr(store, acr_id, actor(ctx), reason)
    _echo(record, as_json)


COMMANDS = [approvals, approve, reject]
