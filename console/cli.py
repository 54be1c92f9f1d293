"""The command line: `margin-console` opens the console; its commands are the headless front of the store."""
from __future__ import annotations

import click

from console.cli_calc import whatif
from console.cli_support import ConsoleGroup


@click.group(cls=ConsoleGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Operator console for leveraged model sleeves."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


cli.add_command(whatif)


def main() -> None:
    """Entry point of the `margin-console` command."""
    cli()
