"""Writing an output file without harming what is already there: the open book, another file, a symlink's target."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from store.errors import InvalidInput, Refused

BOOK_COMPANIONS = ("", "-wal", "-shm", "-journal")  # SQLite's own files beside the book


def _is_book(out: Path, book: Path | str) -> bool:
    """Whether `out` names the book's file or one of SQLite's files beside it (by name or as the same inode)."""
    if not isinstance(book, Path):  # a book on a server has no file here to overwrite
        return False
    names = {os.path.abspath(f"{book}{suffix}") for suffix in BOOK_COMPANIONS}
    if os.path.abspath(out) in names or os.path.realpath(out) in {os.path.realpath(n) for n in names}:
        return True
    try:
        return any(os.path.samefile(out, n) for n in names if os.path.exists(n))
    except OSError:
        return False


def check_output(out: Path, book: Path, force: bool) -> None:
    """Refuse a symlink (even with --force), the book itself, and an existing file unless `force`."""
    if out.is_symlink():
        raise Refused(f"{out} is a symbolic link; not writing through it (name a regular file)")
    if _is_book(out, book):
        raise Refused(f"{out} is the book itself; not overwriting it (name another file)")
    if out.exists() and not force:
        raise Refused(f"{out} already exists; pass --force to overwrite it")


def write_output(out: Path, text: str, book: Path, force: bool = False) -> None:
    """Write `text` to `out` through a temporary file in the same directory, renamed over it once complete.

    The rename replaces a symlink created meanwhile instead of following it, and a failed write leaves the old
    file as it was.
    """
    check_output(out, book, force)
    temp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "x", encoding="utf-8") as handle:  # O_EXCL: never opens an existing path or a symlink
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {out}: {error.strerror or error}") from None
