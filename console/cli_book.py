"""Headless commands over the store: the same services the console calls (DESIGN.md's command table)."""
from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from calc import ACR_KINDS
from calc.checklist import ACK_IDS
from calc.formatting import lev, money
from console.cli_support import DECIMAL, emit_json, emit_table
from store.errors import InvalidInput
from store.service import Store
from store.settings import Settings
from store.views import AccountDetail, AcrRecord

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


def _operator(ctx: click.Context) -> str:
    return _settings(ctx).operator


@contextmanager
def open_store(ctx: click.Context) -> Iterator[Store]:
    settings = _settings(ctx)
    clock = ctx.find_root().obj.get("clock")
    store = Store(settings.db, settings, clock)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Any]:
    """A progress bar on a terminal (stderr), silent otherwise."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
    else:
        yield lambda n: None




@click.command("demo")
@click.option("--accounts", type=click.IntRange(1, 1_000_000), default=2000, show_default=True,
              help="How many accounts.")
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same book.")
@json_option
@click.pass_context
def demo(ctx: click.Context, accounts: int, seed: int, as_json: bool) -> None:
    """Create a realistic demo book (deterministic per seed) in an empty store."""
    with open_store(ctx) as store, progress_bar(accounts, "Writing demo book") as step:
        counts = store.generate_demo(accounts, seed, _operator(ctx), step)
    if as_json:
        emit_json({"db": str(store.path), **counts})
    else:
        click.echo(f"Demo book: {counts['accounts']:,} accounts, {counts['sleeves']:,} sleeves, "
                   f"{counts['models']} models, {counts['prices']} prices -> {store.path}")


@click.command("import")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@click.pass_context
def import_(ctx: click.Context, book: Path, as_json: bool) -> None:
    """Import a book file, all-or-nothing: any bad row writes nothing and every bad row is listed."""
    with open_store(ctx) as store:
        counts = store.import_file(book, _operator(ctx))
    if as_json:
        emit_json(counts)
    else:
        click.echo("Imported " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


@click.command("accounts")
@click.option("--filter", "text", default="", help="Words matching the start of id, name or custodian words.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@json_option
@click.pass_context
def accounts(ctx: click.Context, text: str, limit: int, offset: int, as_json: bool) -> None:
    """List accounts with NAV, highest saved leverage and diagnostic codes."""
    with open_store(ctx) as store:
        page = store.account_page(text, limit, offset)
    if as_json:
        emit_json({"total": page.total, "book_size": page.book_size, "offset": offset,
                   "accounts": [{**r.__dict__, "codes": list(r.codes)} for r in page.rows]})
        return
    emit_table([{"id": r.id, "name": r.name, "custodian": r.custodian, "type": r.type,
                 "margin": "yes" if r.margin_enabled else "no", "nav": money(r.nav),
                 "max lev": lev(r.max_saved_leverage), "diagnostics": " ".join(r.codes)} for r in page.rows])
    click.echo(f"{len(page.rows)} shown of {page.total:,} matching ({page.book_size:,} in the book)")


def detail_json(detail: AccountDetail) -> dict[str, Any]:
    a, m = detail.account, detail.margin
    return {
        "id": a.id, "name": a.name, "custodian": a.custodian, "type": a.type, "margin_enabled": a.margin_enabled,
        "house_maintenance": a.house_maintenance, "max_leverage": a.max_leverage, "nav": detail.nav,
        "version": detail.version,
        "sleeves": [{"id": s.id, "kind": s.kind, "model": s.model, "saved_leverage": s.saved,
                     "applied_leverage": s.applied, "actual_leverage": s.actual, "track_manager": s.track_manager,
                     "cash_reserve": s.cash_reserve, "cash": s.cash, "exposure": s.exposure, "equity": s.equity,
                     "version": s.version, "positions": s.positions} for s in detail.sleeves],
        "margin": {"lmv": m.lmv, "debit": m.debit, "equity": m.equity, "maintenance_requirement": m.requirement,
                   "margin_call": m.call, "cure_cash": m.cure_cash, "cure_securities": m.cure_securities,
                   "cure_sell": m.cure_sell, "trigger_value": m.trigger_value, "call_distance": m.call_distance,
                   "regt_requirement": m.regt_requirement, "sma": m.sma, "buying_power": m.buying_power,
                   "annual_rate": detail.annual_rate, "daily_interest": m.daily_interest},
        "diagnostics": [{"code": d.code, "sleeve_id": d.sleeve_id, "detail": d.detail, "fix": d.fix}
                        for d in detail.diagnostics],
    }


@click.command("show")
@click.argument("account_id")
@json_option
@click.pass_context
def show(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """One account: sleeves with saved/applied/actual leverage, cash, exposure, margin figures, diagnostics."""
    with open_store(ctx) as store:
        detail = store.account_detail(account_id)
    if as_json:
        emit_json(detail_json(detail))
        return
    a, m = detail.account, detail.margin
    click.echo(f"{a.id}  {a.name}  ({a.custodian}, {a.type}, margin {'enabled' if a.margin_enabled else 'NOT enabled'})")
    if detail.pending:
        click.echo("! Leverage saved but not applied: run a rebalance or a $1 ACR")
    emit_table([{"sleeve": s.id, "kind": s.kind, "model": s.model or "", "saved": lev(s.saved),
                 "applied": lev(s.applied), "actual": lev(s.actual), "track": "on" if s.track_manager else "off",
                 "cash": money(s.cash), "exposure": money(s.exposure)} for s in detail.sleeves])
    click.echo("")
    for label, value in (("LMV", money(m.lmv)), ("Debit", money(m.debit)), ("Equity", money(m.equity)),
                         ("Maintenance requirement", money(m.requirement)), ("Margin call", money(m.call)),
                         ("Call distance", f"{m.call_distance:.1%}" if m.debit else "no debit"),
                         ("Interest per day", f"{money(m.daily_interest)} at {detail.annual_rate:.2%}")):
        click.echo(f"{label:<26}{value:>16}")
    click.echo("")
    if not detail.diagnostics:
        click.echo("No diagnostics.")
    for d in detail.diagnostics:
        where = f" [{d.sleeve_id}]" if d.sleeve_id else ""
        click.echo(f"{d.code}{where}: {d.detail}. Fix: {d.fix}")


@click.command("set-leverage")
@click.argument("sleeve_id")
@click.argument("leverage", type=DECIMAL)
@click.option("--expect-version", type=int, help="Refuse if the sleeve changed since this version.")
@json_option
@click.pass_context
def set_leverage(ctx: click.Context, sleeve_id: str, leverage: Decimal, expect_version: int | None,
                 as_json: bool) -> None:
    """Save a model sleeve's leverage target. No trades: an ACR makes it take effect."""
    with open_store(ctx) as store:
        version = store.set_leverage(sleeve_id, leverage, _operator(ctx), expect_version)
    if as_json:
        emit_json({"sleeve_id": sleeve_id, "leverage": leverage, "version": version, "traded": False})
    else:
        click.echo(f"Saved leverage {leverage} on {sleeve_id} (target only, nothing traded). "
                   f"Run a rebalance or a $1 ACR to apply it.")


@click.command("track-manager")
@click.argument("sleeve_id")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--expect-version", type=int, help="Refuse if the sleeve changed since this version.")
@json_option
@click.pass_context
def track_manager(ctx: click.Context, sleeve_id: str, state: str, expect_version: int | None, as_json: bool) -> None:
    """Save a model sleeve's track-manager toggle (ON follows the manager's cash targets). No trades."""
    with open_store(ctx) as store:
        version = store.set_track_manager(sleeve_id, state == "on", _operator(ctx), expect_version)
    if as_json:
        emit_json({"sleeve_id": sleeve_id, "track_manager": state == "on", "version": version})
    else:
        click.echo(f"Track manager {state.upper()} on {sleeve_id} (saved, nothing traded).")


def acr_json(acr: AcrRecord) -> dict[str, Any]:
    return {"id": acr.id, "request_key": acr.request_key, "account_id": acr.account_id, "sleeve_id": acr.sleeve_id,
            "kind": acr.kind, "amount": acr.amount, "leverage": acr.leverage, "status": acr.status, "code": acr.code,
            "reason": acr.reason, "fix": acr.fix, "operator": acr.operator, "created_at": acr.created_at,
            "replayed": acr.replayed, "checklist": acr.checklist,
            "orders": [order_json(o) for o in acr.orders]}


def order_json(o: Any) -> dict[str, Any]:
    return {"id": o.id, "acr_id": o.acr_id, "account_id": o.account_id, "sleeve_id": o.sleeve_id,
            "symbol": o.symbol, "side": o.side, "quantity": o.quantity, "price": o.price, "notional": o.notional,
            "status": o.status, "filled_quantity": o.filled_quantity, "fill_price": o.fill_price, "reason": o.reason}


def _parse_acks(ack: str) -> set[str]:
    if not ack:
        return set()
    if ack.strip() == "all":
        return set(ACK_IDS)
    return {a.strip() for a in ack.split(",") if a.strip()}


@click.command("acr")
@click.argument("sleeve_id", required=False)
@click.option("--kind", type=click.Choice(list(ACR_KINDS)),
              help="What activates the leverage (required with SLEEVE_ID).")
@click.option("--amount", type=DECIMAL, default=Decimal(0), help="Dollars, for deposit/withdrawal/allocation/liquidation.")
@click.option("--ack", default="", help=f"'all', or a comma list of: {', '.join(ACK_IDS)}.")
@click.option("--request-key", help="Idempotency key: the same key never makes a second ACR.")
@click.option("--expect-version", type=int, help="Refuse if the sleeve changed since this version.")
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
        record = store.fire_acr(sleeve_id, kind, _operator(ctx), amount, _parse_acks(ack), request_key,
                                expect_version)
    if as_json:
        emit_json(acr_json(record))
    else:
        again = " (already fired with this request key)" if record.replayed else ""
        click.echo(f"ACR {record.id} {record.kind} on {record.sleeve_id} at {record.leverage}x: {record.status}{again}")
        if record.orders:
            emit_table([{"order": o.id, "side": o.side, "symbol": o.symbol, "quantity": o.quantity,
                         "price": money(o.price), "notional": money(o.notional)} for o in record.orders])
    if record.failed:
        click.echo(f"margin-console: ACR {record.id} failed {record.code}: {record.reason}. Fix: {record.fix}",
                   err=True)
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
    acks = _parse_acks(ack)
    if not set(ACK_IDS) <= acks:
        raise click.UsageError("--all-pending acknowledges once for every ACR: add --ack all")
    with open_store(ctx) as store:
        total = len(pending_sleeves(store))
        with progress_bar(total, "Rebalancing pending sleeves") as step:
            result = rebalance_all_pending(store, _operator(ctx), acks, step)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(f"{result.total:,} pending sleeve(s): {result.built:,} built ({result.orders:,} orders), "
                   f"{result.failed:,} failed, {result.refused:,} refused in {result.seconds:.1f} s "
                   f"({result.rate:,.0f} sleeves/s)")
        for code, n in sorted(result.failures.items()):
            click.echo(f"  failed {code}: {n:,}")
        for sleeve, reason in result.refused_sleeves[:10]:
            click.echo(f"  refused {sleeve}: {reason}")
    if result.failed or result.refused:
        click.echo(f"margin-console: {result.failed + result.refused:,} of {result.total:,} pending sleeve(s) "
                   f"not rebalanced (failed {result.failed:,}, refused {result.refused:,})", err=True)
        ctx.exit(3)


@click.command("orders")
@click.option("--acr", "acr_id", type=int, help="Only this ACR's orders.")
@click.option("--account", "account_id", help="Only this account's orders.")
@click.option("--csv", "as_csv", is_flag=True, help="Export as CSV on stdout.")
@json_option
@click.pass_context
def orders(ctx: click.Context, acr_id: int | None, account_id: str | None, as_csv: bool, as_json: bool) -> None:
    """List or export orders."""
    with open_store(ctx) as store:
        found = store.orders(acr_id, account_id)
    records = [order_json(o) for o in found]
    if as_json:
        emit_json(records)
    elif as_csv:
        out = io.StringIO()
        fields = ["id", "acr_id", "account_id", "sleeve_id", "symbol", "side", "quantity", "price", "notional",
                  "status", "filled_quantity", "fill_price", "reason"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({k: ("" if r[k] is None else r[k]) for k in fields})
        click.echo(out.getvalue(), nl=False)
    else:
        emit_table([{"order": o.id, "acr": o.acr_id, "sleeve": o.sleeve_id, "side": o.side, "symbol": o.symbol,
                     "quantity": o.quantity, "price": money(o.price), "status": o.status} for o in found])


@click.command("fills")
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--simulate", "simulate_acr", type=int, help="Fill this ACR's open orders at their order prices.")
@json_option
@click.pass_context
def fills(ctx: click.Context, file: Path | None, simulate_acr: int | None, as_json: bool) -> None:
    """Apply fills: a CSV (order_id,status,filled_quantity,fill_price[,reason]) or --simulate ACR_ID."""
    if (file is None) == (simulate_acr is None):
        raise click.UsageError("give either a fill CSV file or --simulate ACR_ID")
    with open_store(ctx) as store:
        if simulate_acr is not None:
            done = [store.simulate_fills(simulate_acr, _operator(ctx))]
        else:
            assert file is not None
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise InvalidInput(f"cannot read {file}: {error}") from None
            done = store.apply_fills_csv(text, _operator(ctx))
    if as_json:
        emit_json([acr_json(a) for a in done])
    else:
        for a in done:
            filled = sum(1 for o in a.orders if o.status == "filled")
            click.echo(f"ACR {a.id}: {a.status} ({filled} of {len(a.orders)} orders filled)")


@click.command("doctor")
@click.option("--limit", type=click.IntRange(0), default=10, show_default=True,
              help="Accounts listed per code in the readable output (0 = counts only).")
@json_option
@click.pass_context
def doctor(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Every diagnostic across the book, grouped by code, with the fix for each."""
    from calc import DIAGNOSTIC_FIXES, DIAGNOSTIC_TITLES

    with open_store(ctx) as store:
        report = store.doctor()
    if as_json:
        emit_json({"book_size": report.book_size,
                   "codes": {code: {"accounts": report.count(code), "fix": DIAGNOSTIC_FIXES[code],
                                    "findings": [f.__dict__ for f in found]}
                             for code, found in report.findings.items()}})
        return
    if not report.findings:
        click.echo(f"No diagnostics across {report.book_size:,} accounts.")
    for code, found in report.findings.items():
        click.echo(f"{code} ({DIAGNOSTIC_TITLES[code]}): {report.count(code):,} account(s). "
                   f"Fix: {DIAGNOSTIC_FIXES[code]}")
        for f in found[:limit]:
            click.echo(f"  {f.account_id}  {f.sleeve_id or '':<14} {f.detail}")
        if len(found) > limit > 0:
            click.echo(f"  ... {len(found) - limit:,} more")


@click.command("audit")
@click.option("--account", "account_id", help="Only this account's trail.")
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True)
@json_option
@click.pass_context
def audit(ctx: click.Context, account_id: str | None, limit: int, as_json: bool) -> None:
    """The audit trail, newest first."""
    with open_store(ctx) as store:
        found = store.audit(account_id, limit)
    if as_json:
        emit_json([r.__dict__ for r in found])
    else:
        emit_table([{"id": r.id, "at": r.at, "operator": r.operator, "action": r.action,
                     "account": r.account_id or "", "sleeve": r.sleeve_id or "",
                     "detail": ", ".join(f"{k}={v}" for k, v in r.detail.items())} for r in found])


COMMANDS = [demo, import_, accounts, show, set_leverage, track_manager, acr, orders, fills, doctor, audit]
