"""The SQL text the PostgreSQL engine sends: SQLite's placeholders in psycopg's spelling, multi-row INSERTs, and a
server URL without its password. Plain functions without the driver (store/engines/postgres.py uses them)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# `'...'` and `"..."` are copied as they are; `?`, `:name` and a lone `%` are what psycopg must see differently.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|(?<![\w:]):([A-Za-z_]\w*)|%")
# A plain INSERT ... VALUES (one tuple, nothing after it): what executemany sends as multi-row statements.
PLAIN_INSERT = re.compile(r"^(\s*INSERT\s+INTO\s+\w+\s*\([\w\s,]*\)\s*VALUES\s*)(\([^()]*\))\s*;?\s*$",
                          re.IGNORECASE)
MAX_PARAMS = 65535  # the protocol's limit on one statement's parameters


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's `?` and `:name` placeholders as psycopg's `%s` and `%(name)s` (string literals untouched)."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token

    return _TOKEN.sub(one, sql)


def positional(values: str) -> tuple[str, list[Any]]:
    """A VALUES tuple's placeholders as psycopg's `%s`, and which of a row's keys (names, or positions for `?`)
    fill them in order."""
    order: list[Any] = []

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "?":
            order.append(sum(1 for k in order if isinstance(k, int)))
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            order.append(match.group(1))
            return "%s"
        return token

    return _TOKEN.sub(one, values), order


def batches(rows: list[Any], width: int, most: int = 1000) -> Iterator[list[Any]]:
    """Rows in runs of at most `most`, each run within the protocol's parameter limit."""
    size = max(1, min(most, MAX_PARAMS // max(width, 1)))
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def redacted(url: str) -> str:
    """The URL without its password, for titles and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))
