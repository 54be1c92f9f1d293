"""Output of the commands: the shared --json/--csv options and the emitters (number formats: calc.formatting)."""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from calc.money import json_value

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
csv_option = click.option("--csv", "as_csv", is_flag=True, help="Export as CSV on stdout.")


def emit_json(value: Any) -> None:
    """One JSON document on stdout (Decimals as numbers, dates as ISO strings): indented for a person at a
    terminal, compact when piped, where the C encoder writes it (indented JSON falls back to the pure-Python
    encoder: 1.25 s of a 1M-account doctor)."""
    indent = 2 if sys.stdout.isatty() else None
    try:  # one pass in the C encoder, converting Decimals and dates as it meets them
        text = json.dumps(value, indent=indent, default=json_value)
    except TypeError:  # a key json cannot write (a date as a key): convert the whole value first
        text = json.dumps(json_value(value), indent=indent)
    click.echo(text)


def emit_json_pieces(pieces: Iterable[str], whole: Callable[[], Any]) -> None:
    """A document already written as compact JSON text in pieces (a store query that streams its rows), or, for a
    person at a terminal, `whole()` indented by emit_json: the same document either way."""
    if sys.stdout.isatty():
        emit_json(whole())
        return
    for piece in pieces:
        click.echo(piece, nl=False)
    click.echo("")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection), else the value unchanged.

    Rule: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single
    quote, except a plain number (`-5`, `+3`, `-1.25`, `-1E+3`): a signed number is data that no spreadsheet
    runs, and quoting it would turn a debit into text. `-2+3+cmd|...` or a lone `-` is not a plain number,
    so it is quoted. None (an empty cell) stays None.
    """
    if value is None:
        return None
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return value


def emit_csv(fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """A CSV document with a header line on stdout; every cell passes through csv_cell."""
    import csv  # only the exports write CSV: not imported by every command's start
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    click.echo(out.getvalue(), nl=False)


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


def emit_check(ctx: click.Context, report: Any, as_json: bool) -> None:
    """A check's report (`lines`, `ok`, `to_json()`), then exit 1 when it found a problem."""
    if as_json:
        emit_json(report.to_json())
    else:
        for line in report.lines:
            click.echo(line)
    ctx.exit(0 if report.ok else 1)
