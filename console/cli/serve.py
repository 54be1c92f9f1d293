"""`serve`: the console in a browser, through textual-serve (console/web.py)."""
from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from console import web
from console.cli.support import PROG, settings

LOCAL_HOST = "127.0.0.1"
# Root options serve does not hand on as given: it passes the effective book and operator itself, and a demo is
# not what a served desk should get.
SET_BY_SERVE = frozenset({"db", "operator", "open_demo"})


def root_options(ctx: click.Context) -> list[str]:
    """The root options this command line gave (e.g. a config file, read-only), to give every browser session.

    Only those typed on the command line: the environment reaches the sessions anyway, since they inherit it.
    """
    root = ctx.find_root()
    forwarded: list[str] = []
    for param in root.command.params:
        name = param.name or ""
        if (not isinstance(param, click.Option) or name in SET_BY_SERVE
                or root.get_parameter_source(name) is not ParameterSource.COMMANDLINE):
            continue
        flag = next(o for o in param.opts if o.startswith("--"))
        value = root.params[name]
        if param.is_flag:
            forwarded += [flag] if value else list(param.secondary_opts[:1])
        else:
            forwarded += [part for item in (value if param.multiple else [value]) for part in (flag, str(item))]
    return forwarded


@click.command("serve")
@click.option("--host", default=LOCAL_HOST, show_default=True,
              help="Address to listen on; a non-loopback address needs --allow-remote.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-remote", is_flag=True,
              help="Allow a non-loopback --host (put it behind a reverse proxy with TLS and authentication).")
@click.option("--public-url", metavar="URL",
              help="The URL browsers reach the server at, e.g. the reverse proxy's (default: http://HOST:PORT).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, allow_remote: bool, public_url: str | None) -> None:
    """Serve the console to web browsers: each browser tab runs its own console on this book."""
    current = settings(ctx)
    if isinstance(current.db, Path) and not current.db.is_file():  # a server's book is checked when opened
        raise click.ClickException(f"no book at {current.db}: make one with `{PROG} demo` or `{PROG} import BOOK.json`")
    if not web.is_local(host):
        if not allow_remote:
            raise click.ClickException(f"{host} is not a loopback address: anyone who reaches it acts as "
                                       f"{current.operator}; pass --allow-remote to serve it anyway")
        click.echo(f"{PROG}: warning: serving on {host}:{port}, reachable from other hosts; every browser that "
                   f"reaches it acts as {current.operator} (no login): put it behind a reverse proxy with TLS "
                   "and authentication", err=True)
    try:
        web.serve(current, host, port, public_url, root_options(ctx))
    except OSError as error:  # the port is taken or the address is not this host's: say so, no traceback
        raise click.ClickException(f"cannot serve on {host}:{port}: {error.strerror or error}") from error


COMMANDS = [serve]
