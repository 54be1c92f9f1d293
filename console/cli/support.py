"""Shared pieces of the commands: number parsing, the settings, the store and progress.

The root group (lazy commands, errors as one line) is console/cli/group.py; output (options, emitters,
formatting) lives in console/cli/output.py.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from calc.money import MAX_AMOUNT
from console.cli.group import PROG
from store.core import Store
from store.errors import NotFound, Refused
from store.settings import Settings, login_name

if TYPE_CHECKING:
    from calc.approvals import Actor

SQLITE_MAX_INT = 2**63 - 1  # SQLite's INTEGER is 64-bit: a bigger id, limit or offset cannot even be compared


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
        if abs(number) > MAX_AMOUNT:
            self.fail(f"{value!r} is too large (at most {MAX_AMOUNT:,.0f})", param, ctx)
        return number


DECIMAL = DecimalParam()


class SqlInt(click.IntRange):
    """An integer SQLite can hold (64-bit), optionally at least `min`; a bigger one is refused, not overflowed."""

    def __init__(self, min: int | None = None) -> None:
        super().__init__(min=min)
        self.name = "integer" if min is None else self.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number = super().convert(value, param, ctx)
        if abs(number) > SQLITE_MAX_INT:
            self.fail(f"{value} is too large (at most {SQLITE_MAX_INT:,})", param, ctx)
        return number

    def _describe_range(self) -> str:
        return "" if self.min is None else super()._describe_range()


expect_version_option = click.option("--expect-version", type=SqlInt(),
                                     help="Refuse if the sleeve changed since this version.")


def parse_acks(ack: str) -> set[str]:
    """The acknowledgement ids of --ack: 'all', or a comma list (acr, resubmit)."""
    from calc.checklist import ACK_IDS  # the checklist's rules: not imported by the console's start, which uses support

    if not ack:
        return set()
    if ack.strip() == "all":
        return set(ACK_IDS)
    return {a.strip() for a in ack.split(",") if a.strip()}


# The commands that write the book: refused under --read-only before the file is opened (the store's read-only
# connection would refuse the write too, but only after opening the book).
# Groups with read and write subcommands (operators, policy) and `orders --submit` open the store with writes=True.
WRITE_COMMANDS = frozenset({"demo", "import", "set-leverage", "revert-target", "track-manager", "confirm-margin",
                            "acr", "fills", "prices", "reconcile", "approve", "reject", "cancel", "expire",
                            "resubmit", "copy"})


def refuse_writes_when_read_only(settings: Settings, command: str, force: bool = False) -> None:
    """One line, before anything is opened, when a read-only session asks for a command that writes the book."""
    if settings.read_only and (force or command in WRITE_COMMANDS):
        raise Refused(f"`{command}` writes the book, and this session is read-only (set by "
                      f"{settings.where('read_only')}); nothing was opened or changed")


def settings(ctx: click.Context) -> Settings:
    """The settings the root command built from --db, --operator and the environment."""
    return ctx.find_root().obj["settings"]


def operator(ctx: click.Context) -> str:
    """Who this command's writes are attributed to (both people when an admin acts for another operator)."""
    found = ctx.find_root().obj.get("actor")
    return found.recorded if found is not None else settings(ctx).operator


def actor(ctx: click.Context) -> Actor:
    """The writer open_store(writes=True) resolved: the login name, the operator it acts as and its role."""
    return ctx.find_root().obj["actor"]


def login(ctx: click.Context) -> str:
    """The login name of the process's user (tests inject one in the root's obj; nobody else can)."""
    return ctx.find_root().obj.get("login") or login_name()


@contextmanager
def open_store(ctx: click.Context, create: bool = False, writes: bool | None = None) -> Iterator[Store]:
    """The store of the command's settings (and the root's injected clock, in tests), closed after use.

    Only `create` (demo, import) makes a missing directory: anything else there would be an empty book by mistake.
    A command that writes (WRITE_COMMANDS, or `writes`) is refused in a read-only session, and its writer is
    resolved against the book's operators: a viewer, or a login the book does not know, is refused.
    """
    root = ctx.find_root()
    clock = root.obj.get("clock")
    path = settings(ctx).db
    command = root.invoked_subcommand or ""
    writes = command in WRITE_COMMANDS if writes is None else writes
    if writes:
        refuse_writes_when_read_only(settings(ctx), command, force=True)
    if not create and isinstance(path, Path) and not path.parent.exists():  # a server URL: the server says
        raise NotFound(f"no book at {path}: make one with `{PROG} demo` or `{PROG} import BOOK.json`")
    store = Store(path, settings(ctx), clock)
    try:
        if writes:
            from store.operators import require, resolve_actor  # a reading command resolves no writer

            writer = resolve_actor(store, login(ctx), settings(ctx).claimed_operator())
            require(writer, "operator", f"`{command}`")
            root.obj["actor"] = writer
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
