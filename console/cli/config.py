"""`config show`: the effective settings and where each came from (default, file, env, flag)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import dataclasses
import textwrap

import click

from console.cli.output import emit_json, emit_table, json_option
from console.cli.support import settings as current_settings
from store.engines import is_server
from store.settings import SPECS, Settings, env_name


def _value(value: Any) -> Any:
    """A setting as printed: paths as text, a server URL without its password."""
    if is_server(value):
        from store.engines.postgres import redacted

        return redacted(value)
    return str(value) if isinstance(value, Path) else value


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "(none)"
    return "(none)" if value is None else str(value)


def settings_help(width: int = 78) -> str:
    """Every setting from the settings' one table: its name, environment variable, kind, default, bounds and what
    it is for (click keeps the block as written: each paragraph starts with its no-rewrap marker)."""
    defaults = {f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
                for f in dataclasses.fields(Settings) if f.name in SPECS}
    blocks = ["Settings: each is a key in the config file and a MARGIN_CONSOLE_ variable, and some a flag of "
              "margin-console (see its --help); a flag wins over the environment, the environment over the file."]
    for name, spec in SPECS.items():
        bounds = "".join([f", at least {spec.ge}" if spec.ge is not None else "",
                          f", at most {spec.le}" if spec.le is not None else ""])
        default = defaults[name]
        shown = spec.shown_default or (str(default).lower() if isinstance(default, bool) else _text(_value(default)))
        head = f"{name} ({env_name(name)}): {spec.kind.name}{bounds}; default {shown}."
        body = textwrap.fill(f"{head} {spec.description}", width, initial_indent="  ", subsequent_indent="    ")
        blocks.append(f"\b\n{body}")
    return "\n\n".join(blocks)


@click.group("config", epilog=settings_help())
def config() -> None:
    """The settings: config file, environment (MARGIN_CONSOLE_*) and flags."""


@config.command("show")
@json_option
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the effective settings and where each came from; a bad [keys] or theme is refused as at start."""
    from console.keymap import (
        console_registry,  # imports Textual: only this command and the console need it
    )

    settings: Settings = current_settings(ctx)
    console_registry(settings)
    rows = {name: {"value": _value(getattr(settings, name)), "from": settings.origin(name)}
            for name in SPECS}
    if as_json:
        emit_json({"config": _value(settings.config), "settings": rows})
        return
    emit_table([{"setting": name, "value": _text(row["value"]), "from": row["from"],
                 "where": "" if row["from"] == "default" else settings.where(name)} for name, row in rows.items()])


COMMANDS = [config]
