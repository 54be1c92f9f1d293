"""The config file: which TOML file is read, what is wrong in it, and where a key sits in it.

Precedence is flag > environment > file > default (store/settings.py); this module finds the file, reads it and
words every error about it, naming the file, the line and the key. It imports nothing of the settings: the
command line's help names CONFIG_ENV without loading them. tomllib (~3 ms) is imported when a file is read: the
help never reads one, and a command reads one only when it exists.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from store.errors import InvalidInput

CONFIG_ENV = "MARGIN_CONSOLE_CONFIG"
TABLES = frozenset({"keys"})  # settings written as a TOML table ([keys]); every other setting is a top-level key
SYNTAX_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
KEY_AT = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")
HEADER = re.compile(r"""^\s*\[\s*("?)([^"\]]+)\1\s*\]\s*(#.*)?$""")


class ConfigError(InvalidInput):
    """A setting that cannot be used: the message says where it was set (file and line, variable or flag)."""


def default_config_path() -> Path:
    """The config file read when neither --config nor MARGIN_CONSOLE_CONFIG names one (if it exists)."""
    return Path(user_config_dir("margin-console", appauthor=False)) / "config.toml"


def config_path(flag: Path | str | None) -> tuple[Path | None, str]:
    """The config file to read and where that choice came from: --config, else the environment, else the default.

    A file named by the flag or the environment must exist (a typo must not silently mean "no config"); the
    default file is optional.
    """
    if flag is not None:
        path, origin = Path(flag), "flag"
    elif os.environ.get(CONFIG_ENV):
        path, origin = Path(os.environ[CONFIG_ENV]), "env"
    else:
        default = default_config_path()
        return (default if default.is_file() else None), "default"
    if not path.is_file():
        named = "--config" if origin == "flag" else CONFIG_ENV
        raise ConfigError(f"config file {path} (from {named}) does not exist or is not a file")
    return path, origin


def read(path: Path | None, known: set[str]) -> dict[str, Any]:
    """The settings the file sets, by name ({} without a file); ConfigError for a file that cannot be read, is not
    TOML or sets something the settings do not have."""
    if path is None:
        return {}
    import tomllib

    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as error:
        raise unreadable(path, error) from None
    check_keys(data, known, path)
    return data


def check_keys(data: dict[str, Any], known: set[str], path: Path | None) -> None:
    """Refuse a key the settings do not have, a table where a value belongs and a value where a table belongs."""
    for key in data:
        if key not in known:
            raise ConfigError(f"{where(path, key)}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in TABLES and not isinstance(data[key], dict):
            raise ConfigError(f"{where(path, key)}: {key!r} must be a table ([{key}])")
        if key not in TABLES and isinstance(data[key], dict):
            raise ConfigError(f"{where(path, key)}: {key!r} is a setting, not a table")


def unreadable(file_path: Any, error: Exception) -> ConfigError:
    """The one-line error for a file that is not valid TOML (naming the line and its key) or cannot be read."""
    import tomllib

    if isinstance(error, tomllib.TOMLDecodeError):
        text = str(error)
        at = SYNTAX_AT.search(text)
        located = f"{file_path}: line {at.group(1)}" if at else str(file_path)
        key = KEY_AT.match(_line(file_path, int(at.group(1)))) if at else None
        named = f": {key.group(1).strip(chr(34) + chr(39))}" if key else ""
        return ConfigError(f"{located}{named}: not valid TOML: {SYNTAX_AT.sub('', text)}")
    return ConfigError(f"{file_path}: cannot be read: {error}")


def where(path: Path | None, key: str, table_key: str | None = None) -> str:
    """`FILE: line N: key` (or `[table] key`) for messages; the line is omitted if the key cannot be found."""
    name = f"[{key}] {table_key}" if table_key is not None else key
    try:
        line = key_line(path.read_text(encoding="utf-8"), key, table_key) if path else None
    except (OSError, UnicodeDecodeError):  # the file changed since start: name it without a line
        line = None
    return f"{path}: line {line}: {name}" if line else f"{path}: {name}"


def _line(path: Any, number: int) -> str:
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def key_line(text: str, key: str, table_key: str | None = None) -> int | None:
    """The 1-based line that sets `key` (top level), or `table_key` inside the `[key]` table."""
    table, wanted_table, wanted = None, (key if table_key is not None else None), (table_key or key)
    pattern = re.compile(rf"""^\s*(["']?){re.escape(wanted)}\1\s*=""")
    for number, line in enumerate(text.splitlines(), start=1):
        header = HEADER.match(line)
        if header:
            table = header.group(2).strip()
            if table_key is None and table == key:
                return number  # the table itself ([keys])
            continue
        if table == wanted_table and pattern.match(line):
            return number
    return None
