"""Shared pieces of the command line: the error-catching group, number parsing, the store and progress.

Output (options, emitters, formatting) lives in console/cli/output.py.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from pydantic import ValidationError

from store.core import Store
from store.errors import InvalidInput, KeyReused, StoreError
from store.settings import Settings

PROG = "margin-console"


class DecimalParam(click.ParamType):
    """A finite decimal number; rejects nan, inf and words with a clear message."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            number = Decimal(str(value).strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            self.fail(f"{value!r} is not a number", param, ctx)
        if not number.is_finite():
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


DECIMAL = DecimalParam()

expect_version_option = click.option("--expect-version", type=int,
                                     help="Refuse if the sleeve changed since this version.")


def one_line(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first['msg']}" if where else first["msg"]
    return " ".join(str(error).split()) or type(error).__name__


class ConsoleGroup(click.Group):
    """A group whose errors are one clear line on stderr and a non-zero exit, never a traceback."""

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
        except (StoreError, ValueError, ValidationError) as error:
            click.echo(f"{PROG}: error: {one_line(error)}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(f"{PROG}: interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # last resort: an operator never sees a traceback
            if os.environ.get("MARGIN_CONSOLE_DEBUG"):
                raise
            click.echo(f"{PROG}: unexpected error ({type(error).__name__}): {one_line(error)}", err=True)
            sys.exit(70)


def settings(ctx: click.Context) -> Settings:
    """The settings the root command built from --db, --operator and the environment."""
    return ctx.find_root().obj["settings"]


def operator(ctx: click.Context) -> str:
    """Who this command's writes are attributed to."""
    return settings(ctx).operator


@contextmanager
def open_store(ctx: click.Context) -> Iterator[Store]:
    """The store of the command's settings (and the root's injected clock, in tests), closed after use."""
    clock = ctx.find_root().obj.get("clock")
    store = Store(settings(ctx).db, settings(ctx), clock)
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
