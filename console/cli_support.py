"""Shared pieces of the command line: the error-catching group, number parsing and output helpers."""
from __future__ import annotations

import json
import os
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from pydantic import ValidationError

from store.errors import InvalidInput, StoreError

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


def _one_line(error: Exception) -> str:
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
            click.echo(f"{PROG}: error: {_one_line(Exception(error.format_message()))}", err=True)
            sys.exit(error.exit_code)
        except InvalidInput as error:
            click.echo(f"{PROG}: error: {_one_line(error)}", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
        except (StoreError, ValueError, ValidationError) as error:
            click.echo(f"{PROG}: error: {_one_line(error)}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(f"{PROG}: interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # last resort: an operator never sees a traceback
            if os.environ.get("MARGIN_CONSOLE_DEBUG"):
                raise
            click.echo(f"{PROG}: unexpected error ({type(error).__name__}): {_one_line(error)}", err=True)
            sys.exit(70)


def to_jsonable(value: Any) -> Any:
    """Decimals become numbers (floats), dates ISO strings, recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def emit_json(value: Any) -> None:
    """One JSON document on stdout."""
    click.echo(json.dumps(to_jsonable(value), indent=2))


def emit_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> None:
    """A plain aligned table on stdout."""
    if not rows:
        click.echo("(none)")
        return
    columns = columns or list(rows[0])
    text = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in text)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for t in text:
        click.echo("  ".join(v.ljust(w) for v, w in zip(t, widths)).rstrip())
