"""`troubleshoot` and `confirm-margin`: the source document's pitfalls, checked against the data."""
from __future__ import annotations

import click

from calc.troubleshoot import SYMPTOMS, Finding
from console.cli_book import json_option, open_store
from console.cli_support import emit_json
from store.sleeves import confirm_custodian_margin


def finding_json(finding: Finding) -> dict:
    return {"symptom": finding.symptom, "title": SYMPTOMS[finding.symptom], "present": finding.present,
            "cause": finding.cause, "evidence": list(finding.evidence), "fix": finding.fix,
            "action": finding.action, "sleeve_id": finding.sleeve_id,
            "leverage": finding.leverage, "plan": list(finding.plan)}


@click.command("troubleshoot")
@click.argument("account_id")
@click.option("--symptom", type=click.Choice(list(SYMPTOMS)), help="Check one symptom (default: all four).")
@json_option
@click.pass_context
def troubleshoot(ctx: click.Context, account_id: str, symptom: str | None, as_json: bool) -> None:
    """Check the account's data for each symptom: the likely cause, the evidence and the fix."""
    from store.troubleshoot import troubleshoot as check, troubleshoot_all

    with open_store(ctx) as store:
        findings = [check(store, account_id, symptom)] if symptom else troubleshoot_all(store, account_id)
    if as_json:
        emit_json({"account_id": account_id, "findings": [finding_json(f) for f in findings]})
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


@click.command("confirm-margin")
@click.argument("account_id")
@click.argument("state", type=click.Choice(["enabled", "disabled"]))
@click.option("--reference", default="", help="The custodian's confirmation reference (ticket, call, letter).")
@json_option
@click.pass_context
def confirm_margin(ctx: click.Context, account_id: str, state: str, reference: str, as_json: bool) -> None:
    """Record the custodian's confirmation of the account's margin status."""
    operator = ctx.find_root().obj["settings"].operator
    with open_store(ctx) as store:
        version = confirm_custodian_margin(store, account_id, state == "enabled", operator, reference)
    if as_json:
        emit_json({"account_id": account_id, "margin_enabled": state == "enabled", "version": version})
    else:
        click.echo(f"Recorded: the custodian confirmed margin {state} on {account_id}.")


COMMANDS = [troubleshoot, confirm_margin]
