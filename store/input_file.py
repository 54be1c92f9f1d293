"""Reading an operator's input file: its text (one message when it cannot be read) and its CSV records with the
line each starts on. Shared by the fill, price and custodian files."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from store.errors import InvalidInput


def read_text(path: Path | str) -> str:
    """The file's UTF-8 text; a file that cannot be read is one InvalidInput line naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(f"cannot read {path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def csv_records(text: str, problems: list[str], what: str = "file") -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on; bad quoting is a problem naming that line."""
    reader = csv.reader(io.StringIO(text), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = ("an unterminated quote runs to the end of the file" if "end of data" in str(error)
                       else f"bad quoting ({error})")
            if start == 1:
                raise InvalidInput(f"line 1 of the {what}: {problem}") from None
            problems.append(f"line {start}: {problem}")
            continue
        if fields:
            yield start, fields
