"""`accounts`, `show`, `orders`, `doctor` and `audit`: the commands of store/queries/ (read only).

A command is mostly its start-up (issue 17): what only one command uses (`show`'s and `doctor`'s rules and their
models, the ACR lifecycle, the orders' and the audit trail's queries and views) is imported in that
command, so `accounts` imports the page's query and views and nothing else (tests/unit/test_cli_layout.py).
"""
from __future__ import annotations

import click

from calc.formatting import call_distance_text, lev, money, pct
from calc.vocabulary import DIAGNOSTIC_FIXES, DIAGNOSTIC_TITLES
from console.cli.output import (
    csv_option,
    emit_check,
    emit_csv,
    emit_json,
    emit_json_pieces,
    emit_table,
    json_option,
)
from console.cli.support import SqlInt, open_store, operator
from store.queries.accounts import SORTS, account_page, parse_filter


@click.command("accounts")
@click.option("--filter", "text", default="",
              help="Words matching the start of id, name or custodian words; code:CODE keeps one diagnostic.")
@click.option("--sort", type=click.Choice(list(SORTS)), default="id", show_default=True,
              help="Order: account id, NAV (largest first), saved leverage (highest first) or call distance "
                   "(closest to a call first).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--offset", type=SqlInt(0), default=0, show_default=True)
@json_option
@click.pass_context
def accounts(ctx: click.Context, text: str, sort: str, limit: int, offset: int, as_json: bool) -> None:
    """List accounts with NAV, saved and applied leverage and diagnostic codes (the browser's page)."""
    words, code = parse_filter(text)
    with open_store(ctx) as store:
        page = account_page(store, words, limit, offset, code=code, sort=sort)
    if as_json:
        emit_json(page.to_json())
        return
    emit_table([{"id": r.id, "name": r.name, "custodian": r.custodian, "type": r.type,
                 "margin": "yes" if r.margin_enabled else "no", "nav": money(r.nav),
                 "max lev": lev(r.max_saved_leverage), "applied": lev(r.max_applied_leverage),
                 "diagnostics": " ".join(r.codes)} for r in page.rows])
    click.echo(f"{len(page.rows)} shown of {page.total:,} matching ({page.book_size:,} in the book)")


@click.command("show")
@click.argument("account_id")
@json_option
@click.pass_context
def show(ctx: click.Context, account_id: str, as_json: bool) -> None:
    """One account: sleeves with saved/applied/actual leverage, cash, exposure, margin figures, diagnostics."""
    from calc.diagnostics import pending_banner
    from calc.margin import house_floor_note
    from store.queries.detail import account_detail

    with open_store(ctx) as store:
        detail = account_detail(store, account_id)
    if as_json:
        emit_json(detail.to_json())
        return
    a, m = detail.account, detail.margin
    click.echo(f"{a.id}  {a.name}  ({a.custodian}, {a.type}, margin {'enabled' if a.margin_enabled else 'NOT enabled'})")
    banner = pending_banner(a, keys=False)
    if banner:
        click.echo(banner.replace("⚠", "!", 1))
    emit_table([{"sleeve": s.id, "kind": s.kind, "model": s.model or "", "saved": lev(s.saved),
                 "applied": lev(s.applied), "actual": lev(s.actual), "track": "on" if s.track_manager else "off",
                 "cash": money(s.cash), "exposure": money(s.exposure)} for s in detail.sleeves])
    click.echo("")
    for label, value in (("LMV", money(m.lmv)), ("Debit", money(m.debit)), ("Equity", money(m.equity)),
                         ("Maintenance requirement", money(m.requirement)), ("Margin call", money(m.call)),
                         ("Call distance", call_distance_text(m.call_distance, m.debit)),
                         ("Interest per day", f"{money(m.daily_interest)} at {pct(detail.annual_rate, 2)}")):
        click.echo(f"{label:<26}{value:>16}")
    floor = house_floor_note(a.house_maintenance)
    if floor:
        click.echo(f"Maintenance uses {floor}")
    click.echo("")
    if not detail.diagnostics:
        click.echo("No diagnostics.")
    for d in detail.diagnostics:
        where = f" [{d.sleeve_id}]" if d.sleeve_id else ""
        click.echo(f"{d.code}{where}: {d.detail}. Fix: {d.fix}")
    click.echo(f"Custodian: {detail.reconciliation}")


@click.command("orders")
@click.option("--acr", "acr_id", type=SqlInt(), help="Only this ACR's orders.")
@click.option("--account", "account_id", help="Only this account's orders.")
@csv_option
@click.option("--submit", is_flag=True, help="Mark the ACR's orders sent: the ACR goes built -> submitted (needs --acr).")
@json_option
@click.pass_context
def orders(ctx: click.Context, acr_id: int | None, account_id: str | None, as_csv: bool, submit: bool,
           as_json: bool) -> None:
    """List or export orders (--submit: and mark the ACR submitted, as the orders leave for the trading desk)."""
    from calc.views import OrderRecord
    from store.queries.orders import list_orders

    if submit and acr_id is None:
        raise click.UsageError("--submit marks one ACR's orders: give --acr ID")
    with open_store(ctx, writes=submit) as store:
        if submit:
            from store.lifecycle import submit_acr

            assert acr_id is not None
            submit_acr(store, acr_id, operator(ctx))
        found = list_orders(store, acr_id, account_id)
    if as_json:
        emit_json([o.to_json() for o in found])
    elif as_csv:
        emit_csv(OrderRecord.CSV_FIELDS, [o.csv_row() for o in found])
    else:
        emit_table([{"order": o.id, "acr": o.acr_id, "sleeve": o.sleeve_id, "side": o.side, "symbol": o.symbol,
                     "quantity": o.quantity, "price": money(o.price), "status": o.status} for o in found])


@click.command("doctor")
@click.option("--limit", type=click.IntRange(0), default=10, show_default=True,
              help="Accounts listed per code in the readable output (0 = counts only).")
@click.option("--integrity", is_flag=True, help="Check the book instead: SQLite's integrity and foreign keys, "
              "ACRs against their orders, stored summaries, the audit chain. Exit 1 if anything is wrong.")
@json_option
@click.pass_context
def doctor(ctx: click.Context, limit: int, integrity: bool, as_json: bool) -> None:
    """Every diagnostic across the book, grouped by code, with the fix for each (--integrity: check the book)."""
    from store.queries.doctor import doctor_json, doctor_report, doctor_summary

    if integrity:
        _integrity(ctx, as_json)
    with open_store(ctx) as store:
        if as_json:
            emit_json_pieces(doctor_json(store), lambda: doctor_report(store).to_json())
            return
        report = doctor_summary(store, limit)
    if report.freshness is not None:
        click.echo(report.freshness.line.capitalize())
    if not report.findings:
        click.echo(f"No diagnostics across {report.book_size:,} accounts.")
    for code, found in report.findings.items():
        click.echo(f"{code} ({DIAGNOSTIC_TITLES[code]}): {report.count(code):,} account(s). "
                   f"Fix: {DIAGNOSTIC_FIXES[code]}")
        for f in found[:limit]:
            cause_fix = f". Fix: {f.fix}" if f.fix and f.fix != DIAGNOSTIC_FIXES[code] else ""
            click.echo(f"  {f.account_id}  {f.sleeve_id or '':<14} {f.detail}{cause_fix}")
        if report.total(code) > limit > 0:
            click.echo(f"  ... {report.total(code) - limit:,} more")


def _integrity(ctx: click.Context, as_json: bool) -> None:
    from store.queries.integrity import integrity_report

    with open_store(ctx) as store:
        report = integrity_report(store)
    emit_check(ctx, report, as_json)


@click.command("audit")
@click.option("--account", "account_id", help="Only this account's trail.")
@click.option("--limit", type=SqlInt(1), default=200, show_default=True)
@click.option("--verify", is_flag=True,
              help="Check the whole trail's hash chain instead: the first broken link, exit 1 if any.")
@json_option
@click.pass_context
def audit(ctx: click.Context, account_id: str | None, limit: int, verify: bool, as_json: bool) -> None:
    """The audit trail, newest first (--verify: check its hash chain)."""
    from calc.audit_summary import audit_summary
    from store.queries.audit import audit_trail, verify_chain

    if verify:
        with open_store(ctx) as store:
            report = verify_chain(store)
        emit_check(ctx, report, as_json)
    with open_store(ctx) as store:
        found = audit_trail(store, account_id, limit)
    if as_json:
        emit_json([r.to_json() for r in found])
    else:
        emit_table([{"id": r.id, "at": r.at, "operator": r.operator, "action": r.action,
                     "account": r.account_id or "", "sleeve": r.sleeve_id or "",
                     "detail": audit_summary(r.detail)} for r in found])


COMMANDS = [accounts, show, orders, doctor, audit]
