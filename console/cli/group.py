"""The root group's machinery: commands imported when invoked, and errors as one line on stderr.

Light on purpose (click and store.errors only): `margin-console --help` imports this and the root command and
nothing of the store or the calculations; a command imports its own module when it runs.
"""
from __future__ import annotations

import importlib
import os
import sys
from decimal import InvalidOperation
from typing import NamedTuple, NoReturn

import click

from store.errors import InvalidInput, KeyReused, StoreError

PROG = "margin-console"
BAD_INPUT: dict[type[Exception], str] = {
    OverflowError: "a number is too large to store",
    InvalidOperation: "a number is too large or too precise to use",
    RecursionError: "the input is nested too deeply to read",
}


class LazyCommand(NamedTuple):
    """Where a command lives ("module:attribute") and its one-line help, shown by --help without importing it.

    tests/unit/test_cli_layout.py proves the summary is the command's own short help.
    """

    target: str
    summary: str


def one_line(error: Exception) -> str:
    """An error as one line (a model's refusal, calc.model_checks.FieldProblem, already names its field)."""
    return " ".join(str(error).split()) or type(error).__name__


class ConsoleGroup(click.Group):
    """The root group: its commands load on first use (`lazy`), its errors are one clear line and a non-zero exit.

    Click's lazy-loading pattern (a group overriding list_commands and get_command): a command module (and the
    store and calc under it) is imported only when that command is invoked or its help is asked for.
    """

    def __init__(self, *args: object, lazy: dict[str, LazyCommand] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy: dict[str, LazyCommand] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name].target.partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands section from the summaries: what click would print, without importing every command."""
        rows = [(name, click.Command(name, help=self.lazy[name].summary) if name in self.lazy
                 and name not in self.commands else self.commands[name]) for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in rows if not command.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)  # as click.Group.format_commands
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]
        try:
            result = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
            # Without standalone mode click returns ctx.exit()'s code instead of exiting with it.
            if isinstance(result, int) and result:
                sys.exit(result)
            return result
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.exceptions.Abort:
            click.echo(f"{PROG}: aborted", err=True)
            sys.exit(1)
        except click.ClickException as error:
            click.echo(f"{PROG}: error: {one_line(Exception(error.format_message()))}", err=True)
            sys.exit(error.exit_code)
        except KeyReused as error:  # a misused option, like click's usage errors: exit 2
            click.echo(f"{PROG}: error: {one_line(error)}", err=True)
            sys.exit(2)
        except InvalidInput as error:
            click.echo(f"{PROG}: error: {one_line(error)}", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
        except (StoreError, ValueError) as error:  # a model's FieldProblem is a ValueError
            click.echo(f"{PROG}: error: {one_line(error)}", err=True)
            sys.exit(1)
        except tuple(BAD_INPUT) as error:  # numbers and nesting that no check before caught
            click.echo(f"{PROG}: error: {next(m for t, m in BAD_INPUT.items() if isinstance(error, t))}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(f"{PROG}: interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # last resort: an operator never sees a traceback
            if os.environ.get("MARGIN_CONSOLE_DEBUG"):
                raise
            click.echo(f"{PROG}: unexpected error ({type(error).__name__}): {one_line(error)}", err=True)
            sys.exit(70)


def replay(error: BaseException) -> NoReturn:
    """An error raised while the console opened without click (console/cli/start.py), handled exactly as one raised
    in the root's callback: raised again inside a root group's main, so it passes through click's own handling (an
    interrupt becomes click's Abort) and ConsoleGroup.main's one line and exit code, written once, here above."""

    def again() -> None:
        raise error

    ConsoleGroup(PROG, callback=again, invoke_without_command=True).main([])
    raise error  # not reached: main exits for every error it is given
