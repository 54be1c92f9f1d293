"""`cancel`, `expire`, `resubmit`: the commands of store/lifecycle.py (submit is `orders --acr N --submit`)."""
from __future__ import annotations

import click

from calc.checklist import ACK_IDS
from calc.formatting import lev
from calc.views import AcrRecord
from console.cli.output import emit_json, json_option
from console.cli.support import PROG, SqlInt, actor, open_store, operator, parse_acks
from store.lifecycle import cancel_acr, expire_acrs, resubmit_acr


def _line(record: AcrRecord) -> str:
    return f"ACR {record.id} {record.kind} on {record.sleeve_id} at {lev(record.leverage)}: {record.status}"


@click.command("cancel")
@click.argument("acr_id", type=SqlInt())
@click.option("--reason", default="", help="Why (kept on the ACR and in the audit trail).")
@json_option
@click.pass_context
def cancel(ctx: click.Context, acr_id: int, reason: str, as_json: bool) -> None:
    """Cancel an ACR before submission (awaiting approval or built): its orders are cancelled and its cash
    movement and applied leverage restored."""
    with open_store(ctx) as store:
        record = cancel_acr(store, acr_id, operator(ctx), reason)
    if as_json:
        emit_json(record.to_json())
    else:
        click.echo(_line(record))


@click.command("expire")
@click.option("--before", required=True, help="The end of the trading day, ISO (2026-11-21T21:00Z; no zone: UTC).")
@json_option
@click.pass_context
def expire(ctx: click.Context, before: str, as_json: bool) -> None:
    """Expire every ACR created before TIME still awaiting approval or with unfilled orders (run by cron)."""
    with open_store(ctx) as store:
        done = expire_acrs(store, before, operator(ctx))
    if as_json:
        emit_json([a.to_json() for a in done])
        return
    for record in done:
        click.echo(_line(record))
    click.echo(f"{len(done)} ACR(s) expired")


@click.command("resubmit")
@click.argument("acr_id", type=SqlInt())
@click.option("--ack", default="", help=f"'all', or a comma list of: {', '.join(ACK_IDS)}.")
@json_option
@click.pass_context
def resubmit(ctx: click.Context, acr_id: int, ack: str, as_json: bool) -> None:
    """A failed, expired or cancelled ACR again, as a new ACR linked to the old (checklist and policy again)."""
    with open_store(ctx) as store:
        record = resubmit_acr(store, acr_id, operator(ctx), parse_acks(ack), actor(ctx).people)
    if as_json:
        emit_json(record.to_json())
    else:
        again = " (already resubmitted)" if record.replayed else ""
        click.echo(f"{_line(record)}, resubmitting ACR {acr_id}{again}")
    if record.failed:
        click.echo(f"{PROG}: ACR {record.id} failed {record.code}: {record.reason}. Fix: {record.fix}", err=True)
        ctx.exit(3)


COMMANDS = [cancel, expire, resubmit]
