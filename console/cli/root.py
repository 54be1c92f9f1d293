"""The root command: `margin-console`'s options, and its commands loaded when first used (COMMANDS).

One command module per store service module (book, sleeves, acrs, fills, prices, reconcile, troubleshoot,
walkthrough, operators, approvals, lifecycle), one for the queries, one for the calculator, one for the settings
(config) and one for the web server (serve); the shared pieces are in group.py (the root group: lazy commands,
errors), support.py (settings, store, number parsing) and output.py (--json/--csv, emitters, formats).

Start-up is most of a command's time, so this module imports click and group.py only: the root's callback imports
the settings when it runs, and each command's module (with the store and calc under it) is imported when that
command is invoked. COMMANDS names every command's module and one-line help for `--help`. Opening the console
with only these options does not come here at all (console/cli/start.py).
"""
from __future__ import annotations

from pathlib import Path

import click

from console.cli.group import ConsoleGroup, LazyCommand
from store.config_file import CONFIG_ENV

COMMANDS: dict[str, LazyCommand] = {
    "accounts": LazyCommand("console.cli.queries:accounts",
        "List accounts with NAV, saved and applied leverage and diagnostic codes (the browser's page)."),
    "acr": LazyCommand("console.cli.acrs:acr",
        "Evaluate the checklist and build the ACR; refuses while acknowledgeable items are open."),
    "approvals": LazyCommand("console.cli.approvals:approvals",
        "The ACRs awaiting approval (status awaiting_approval), oldest first."),
    "approve": LazyCommand("console.cli.approvals:approve",
        "Approve another operator's ACR: its checklist re-evaluated and its build rebuilt on current data."),
    "audit": LazyCommand("console.cli.queries:audit",
        "The audit trail, newest first (--verify: check its hash chain)."),
    "cancel": LazyCommand("console.cli.lifecycle:cancel",
        "Cancel an ACR before submission (awaiting approval or built): its orders are cancelled and its cash "
        "movement and applied leverage restored."),
    "config": LazyCommand("console.cli.config:config",
        "The settings: config file, environment (MARGIN_CONSOLE_*) and flags."),
    "confirm-margin": LazyCommand("console.cli.sleeves:confirm_margin",
        "Record the custodian's confirmation of the account's margin status."),
    "copy": LazyCommand("console.cli.copy:copy",
        "Copy a whole book between engines, all-or-nothing, its audit chain verified on arrival."),
    "demo": LazyCommand("console.cli.book:demo",
        "Create a realistic demo book (deterministic per seed) in an empty store."),
    "doctor": LazyCommand("console.cli.queries:doctor",
        "Every diagnostic across the book, grouped by code, with the fix for each (--integrity: check the "
        "book)."),
    "expire": LazyCommand("console.cli.lifecycle:expire",
        "Expire every ACR created before TIME still awaiting approval or with unfilled orders (run by cron)."),
    "fills": LazyCommand("console.cli.fills:fills",
        "Apply fills: a CSV (order_id,status,filled_quantity,fill_price[,reason]) or --simulate ACR_ID."),
    "import": LazyCommand("console.cli.book:import_",
        "Import a book file, all-or-nothing: any bad row writes nothing and every bad row is listed."),
    "operators": LazyCommand("console.cli.operators:operators",
        "The book's operators and their roles: viewer, operator, approver, admin."),
    "orders": LazyCommand("console.cli.queries:orders",
        "List or export orders (--submit: and mark the ACR submitted, as the orders leave for the trading "
        "desk)."),
    "policy": LazyCommand("console.cli.operators:policy",
        "The four-eyes policy: above which an ACR needs a second person's approval."),
    "prices": LazyCommand("console.cli.prices:prices",
        "Load prices: FILE.csv (symbol,price,as_of[,marginable,maintenance,leverage_factor]) or FILE.json (a "
        "list)."),
    "reconcile": LazyCommand("console.cli.reconcile:reconcile",
        "Compare the custodian's FILE.csv (account_id,symbol,quantity; symbol CASH gives the cash) with the "
        "sleeves."),
    "reject": LazyCommand("console.cli.approvals:reject",
        "Reject another operator's ACR awaiting approval (nothing was moved, nothing is restored)."),
    "resubmit": LazyCommand("console.cli.lifecycle:resubmit",
        "A failed, expired or cancelled ACR again, as a new ACR linked to the old (checklist and policy "
        "again)."),
    "revert-target": LazyCommand("console.cli.sleeves:revert_target",
        "Put a pending saved leverage back to the applied one (no trades)."),
    "serve": LazyCommand("console.cli.serve:serve",
        "Serve the console to web browsers: each browser tab runs its own console on this book."),
    "set-leverage": LazyCommand("console.cli.sleeves:set_leverage",
        "Save a model sleeve's leverage target."),
    "show": LazyCommand("console.cli.queries:show",
        "One account: sleeves with saved/applied/actual leverage, cash, exposure, margin figures, "
        "diagnostics."),
    "track-manager": LazyCommand("console.cli.sleeves:track_manager",
        "Save a model sleeve's track-manager toggle (ON follows the manager's cash targets)."),
    "troubleshoot": LazyCommand("console.cli.troubleshoot:troubleshoot",
        "Check the account's data for each symptom: the likely cause, the evidence and the fix."),
    "walkthrough": LazyCommand("console.cli.walkthrough:walkthrough",
        "Guided walkthrough runs (started from an account with w in the console)."),
    "whatif": LazyCommand("console.cli.whatif:whatif",
        "What happens at a multiplier: exposure, debit, requirement, call, cures, call distance, interest."),
}


@click.group(cls=ConsoleGroup, lazy=COMMANDS, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="margin-console", prog_name="margin-console", message="%(prog)s %(version)s",
                      help="Print the installed version (from the package metadata) and exit.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"The TOML config file (env {CONFIG_ENV}; default: config.toml in the user config dir).")
@click.option("--db", metavar="PATH|URL",  # a string: a Path would fold a server URL's `//`
              help="The book: a SQLite file, or postgresql://... on a server several hosts share "
                   "(env MARGIN_CONSOLE_DB; default: book.db in the user data dir).")
@click.option("--operator", help="Who writes are attributed to (env MARGIN_CONSOLE_OPERATOR; default: login name).")
@click.option("--read-only", is_flag=True, default=None,
              help="Open the book with no write path: the file read-only, write keys and commands refused.")
@click.option("--demo", "open_demo", is_flag=True, help="Open the console on a fresh demo book in a temporary file.")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, db: str | None, operator: str | None, read_only: bool | None,
        open_demo: bool) -> None:
    """Operator console for leveraged model sleeves. With no command, opens the console."""
    from console.cli.support import refuse_writes_when_read_only
    from store.settings import Settings

    # Flags over the environment over the config file over defaults; a blank --operator is refused, not replaced.
    settings = Settings.load(config_file, db=db, operator=operator, read_only=read_only)
    ctx.ensure_object(dict)
    ctx.obj.setdefault("settings", settings)
    if ctx.invoked_subcommand is not None:
        refuse_writes_when_read_only(settings, ctx.invoked_subcommand)
        return
    from console.cli.start import open_console

    open_console(settings, open_demo, ctx.obj.get("login"))
