"""`walkthrough list` and `walkthrough export`: the commands of store/queries/walkthrough.py.

List stored walkthrough runs and export one as Markdown for a support ticket.
"""
from __future__ import annotations

from pathlib import Path

import click

from calc.walkthrough import STEPS
from console.cli.output import emit_json, emit_table, json_option
from console.cli.support import SqlInt, open_store
from console.safe_write import check_output, write_output
from console.walkthrough_export import export_markdown
from store.queries.walkthrough import list_runs, load_run

STATE_MARKS = {"completed": "done", "skipped": "skipped", "blocked": "BLOCKED", "open": "open"}


@click.group("walkthrough")
def walkthrough() -> None:
    """Guided walkthrough runs (started from an account with w in the console)."""


@walkthrough.command("list")
@click.option("--account", "account_id", help="Only this account's runs.")
@click.option("--limit", type=SqlInt(1), default=100, show_default=True)
@json_option
@click.pass_context
def list_(ctx: click.Context, account_id: str | None, limit: int, as_json: bool) -> None:
    """Walkthrough runs, newest first, with each step's state."""
    with open_store(ctx) as store:
        runs = list_runs(store, account_id, limit)
    if as_json:
        emit_json([r.to_json() for r in runs])
        return
    emit_table([{"run": r.id, "account": r.account_id, "sleeve": r.sleeve_id, "operator": r.operator,
                 "started": r.started_at, "finished": r.finished_at or "-", "status": r.status,
                 "steps": " ".join(f"{n}:{STATE_MARKS[r.states[s]]}" for n, s in enumerate(STEPS, start=1))}
                for r in runs])


@walkthrough.command("export")
@click.argument("run_id", type=SqlInt())
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Markdown to this new file instead of stdout (never the book, never through a symlink).")
@click.option("--force", is_flag=True, help="With --out, replace an existing file.")
@click.pass_context
def export(ctx: click.Context, run_id: int, out: Path | None, force: bool) -> None:
    """A run as Markdown for a support ticket: account, sleeve, operator, times, steps, ACRs, checklist."""
    with open_store(ctx) as store:
        if out is not None:
            check_output(out, store.path, force)  # refuse before any work
        text = export_markdown(load_run(store, run_id))
    if out is None:
        click.echo(text, nl=False)
        return
    write_output(out, text, store.path, force)
    click.echo(f"Walkthrough run {run_id} -> {out}")


COMMANDS = [walkthrough]
