"""`acr`: the command of store/acrs.py, and with --all-pending of store/batch.py (one rebalance per sleeve)."""
from __future__ import annotations

from decimal import Decimal

import click

from calc import ACR_KINDS
from calc.checklist import ACK_IDS
from calc.formatting import lev, money
from console.cli.output import emit_json, emit_table, json_option
from console.cli.support import (
    DECIMAL,
    PROG,
    actor,
    expect_version_option,
    open_store,
    operator,
    parse_acks,
    progress_bar,
)
from store.acrs import fire_acr


@click.command("acr")
@click.argument("sleeve_id", required=False)
@click.option("--kind", type=click.Choice(list(ACR_KINDS)),
              help="What activates the leverage (required with SLEEVE_ID).")
@click.option("--amount", type=DECIMAL, default=Decimal(0), help="Dollars, for deposit/withdrawal/allocation/liquidation.")
@click.option("--ack", default="", help=f"'all', or a comma list of: {', '.join(ACK_IDS)}.")
@click.option("--request-key", help="Idempotency key: the same key never makes a second ACR; "
                                    "reused for another sleeve, kind or amount, it is refused.")
@expect_version_option
@click.option("--all-pending", is_flag=True,
              help="Rebalance every PENDING_LEVERAGE model sleeve instead of one (needs --ack all).")
@json_option
@click.pass_context
def acr(ctx: click.Context, sleeve_id: str | None, kind: str | None, amount: Decimal, ack: str,
        request_key: str | None, expect_version: int | None, all_pending: bool, as_json: bool) -> None:
    """Evaluate the checklist and build the ACR; refuses while acknowledgeable items are open.

    With --all-pending (and no SLEEVE_ID), fire a rebalance on every model sleeve whose saved leverage is
    not applied, each through the same checklist, build and write as one ACR.
    """
    if all_pending:
        _acr_all_pending(ctx, sleeve_id, kind, amount, ack, request_key, expect_version, as_json)
        return
    if sleeve_id is None:
        raise click.UsageError("give a SLEEVE_ID, or --all-pending")
    if kind is None:
        raise click.UsageError("Missing option '--kind'.")
    with open_store(ctx) as store:
        record = fire_acr(store, sleeve_id, kind, operator(ctx), amount, parse_acks(ack), request_key,
                          expect_version, requesters=actor(ctx).people)
    if as_json:
        emit_json(record.to_json())
    else:
        again = " (already fired with this request key)" if record.replayed else ""
        click.echo(f"ACR {record.id} {record.kind} on {record.sleeve_id} at {lev(record.leverage)}: {record.status}{again}")
        if record.status == "awaiting_approval":
            click.echo(f"Four eyes: {'; '.join(record.lifecycle.reasons)}. Nothing moves until another person "
                       f"approves it (`{PROG} approve {record.id}`) or rejects it.")
        if record.orders:
            emit_table([{"order": o.id, "side": o.side, "symbol": o.symbol, "quantity": o.quantity,
                         "price": money(o.price), "notional": money(o.notional)} for o in record.orders])
    if record.failed:
        click.echo(f"{PROG}: ACR {record.id} failed {record.code}: {record.reason}. Fix: {record.fix}", err=True)
        ctx.exit(3)


def _acr_all_pending(ctx: click.Context, sleeve_id: str | None, kind: str | None, amount: Decimal, ack: str,
                     request_key: str | None, expect_version: int | None, as_json: bool) -> None:
    from store.batch import pending_sleeves, rebalance_all_pending

    if sleeve_id is not None:
        raise click.UsageError("give either a SLEEVE_ID or --all-pending, not both")
    if kind not in (None, "rebalance"):
        raise click.UsageError("--all-pending fires rebalance ACRs only: omit --kind or use --kind rebalance")
    if amount or request_key is not None or expect_version is not None:
        raise click.UsageError("--all-pending takes no --amount, --request-key or --expect-version")
    acks = parse_acks(ack)
    if not set(ACK_IDS) <= acks:
        raise click.UsageError("--all-pending acknowledges once for every ACR: add --ack all")
    with open_store(ctx) as store:
        total = len(pending_sleeves(store))
        with progress_bar(total, "Rebalancing pending sleeves") as step:
            result = rebalance_all_pending(store, operator(ctx), acks, step, actor(ctx).people)
    if as_json:
        emit_json(result.to_json())
    else:
        waiting = f"{result.awaiting:,} awaiting approval, " if result.awaiting else ""
        click.echo(f"{result.total:,} pending sleeve(s): {result.built:,} built ({result.orders:,} orders), {waiting}"
                   f"{result.failed:,} failed, {result.refused:,} refused in {result.seconds:.1f} s "
                   f"({result.rate:,.0f} sleeves/s)")
        for code, n in sorted(result.failures.items()):
            click.echo(f"  failed {code}: {n:,}")
        for sleeve, reason in result.refused_sleeves[:10]:
            click.echo(f"  refused {sleeve}: {reason}")
    if result.failed or result.refused:
        click.echo(f"{PROG}: {result.failed + result.refused:,} of {result.total:,} pending sleeve(s) "
                   f"not rebalanced (failed {result.failed:,}, refused {result.refused:,})", err=True)
        ctx.exit(3)


COMMANDS = [acr]
