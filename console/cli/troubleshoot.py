"""`troubleshoot`: the command of store/troubleshoot.py, the source document's pitfalls checked against the data."""
from __future__ import annotations

import click

from calc.troubleshoot import SYMPTOMS
from console.cli.output import emit_json, json_option
from console.cli.support import open_store


@click.command("troubleshoot")
@click.argument("account_id")
@click.option("--symptom", type=click.Choice(list(SYMPTOMS)), help="Check one symptom (default: all four).")
@json_option
@click.pass_context
def troubleshoot(ctx: click.Context, account_id: str, symptom: str | None, as_json: bool) -> None:
    """Check the account's data for each symptom: the likely cause, the evidence and the fix."""
    from store.troubleshoot import troubleshoot as check
    from store.troubleshoot import troubleshoot_all

    with open_store(ctx) as store:
        findings = [check(store, account_id, symptom)] if symptom else troubleshoot_all(store, account_id)
    if as_json:
        emit_json({"account_id": account_id, "findings": [f.to_json() for f in findings]})
        return
    for f in findings:
        mark = "!" if f.present else "ok"
        click.echo(f"[{mark}] {SYMPTOMS[f.symptom]}")
        click.echo(f"     Cause: {f.cause}")
        for line in f.evidence:
            click.echo(f"     - {line}")
        for step in f.plan:
            click.echo(f"     {step}")
        if f.present and f.fix:
            click.echo(f"     Fix: {f.fix}")


COMMANDS = [troubleshoot]
