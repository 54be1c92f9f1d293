"""Which rules computed a book's stored summaries, and the recompute that brings them to this code's rules.

The browser and the doctor read the stored summaries (store/summary.py) while the detail computes fresh; a book
written by an older margin-console keeps the causes its rules wrote, so the two would disagree. The book records
the version of the rules its summaries were computed by (migration 11, one row); a writable open of a book recorded
under an older version (or none: every book made before the record existed) recomputes every account with
`refresh_accounts`, the one computation, in chunked transactions. The first chunk records the version with a mark of
how far it has gone, so an older console is refused from then on (it would write its rules' summaries between
chunks); the last clears the mark. A kill in the middle leaves the mark (each chunk is whole), and the next open
goes on from it.
A read-only open cannot write: the doctor, its integrity check and the browser's header say so instead (`note`).
A book recorded under a newer version is refused for writing (recomputing would put older causes back).
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from store.db import write
from store.errors import NewerSchema
from store.settings import login_name

if TYPE_CHECKING:
    from store.core import Store

# The version of the rules store/summary.py `summarize` applies (calc's margin figures and diagnostics, with their
# detail texts). Bump it whenever a rule's stored output changes: the next writable open of every book recomputes
# its summaries. tests/unit/test_summary_rules.py pins it to a digest of a fixed book's summaries. It lives here,
# not in store/summary.py, so that every open can compare it without importing the rules (calc's diagnostics).
SUMMARY_RULES = 1
CHUNK = 2000  # accounts per transaction: a chunk of the 100,000-account book commits in well under a second
# How a recompute reports: started(accounts, recorded version) once, then done(accounts so far) after each chunk.
Progress = Callable[[int], None]
Started = Callable[[int, "int | None"], Progress]


def recorded_rules(conn: Any) -> int | None:
    """The rules version the book's summaries were computed by (None: not recorded, an older margin-console's)."""
    return recorded_state(conn)[0]


def recorded_state(conn: Any) -> tuple[int | None, str | None]:
    """The recorded version, and the last account a recompute for it has done (None: done, or none under way)."""
    row = conn.execute("SELECT version, recomputed_through FROM summary_rules WHERE id = 1").fetchone()
    return (None, None) if row is None else (int(row[0]), row[1])


def record_rules(conn: Any, version: int | None, through: str | None = None) -> None:
    """Record that the stored summaries were computed by `version`'s rules, up to account `through` while a
    recompute is under way (None: all of them; a None version: unknown; inside a transaction)."""
    conn.execute("DELETE FROM summary_rules")
    if version is not None:
        conn.execute("INSERT INTO summary_rules (id, version, recomputed_through) VALUES (1, ?, ?)",
                     [version, through])


def has_record(conn: Any) -> bool:
    """Whether the book has migration 12's record (a test may open a book migrated only part of the way)."""
    return "recomputed_through" in conn.dialect.table_columns(conn, "summary_rules")


def summaries_current(conn: Any) -> bool:
    """Whether the stored summaries were all computed by this code's rules."""
    return not has_record(conn) or recorded_state(conn) == (SUMMARY_RULES, None)


def note(conn: Any) -> str | None:
    """What an operator reading stored summaries on this book must know (None: they are this code's)."""
    if summaries_current(conn):
        return None
    recorded = recorded_rules(conn)
    if recorded == SUMMARY_RULES:
        return "stale summaries: a recompute stopped part way; an operator's read-write open finishes it"
    if recorded is not None and recorded > SUMMARY_RULES:
        return (f"newer summaries: a newer margin-console computed them (rules v{recorded}, this one's v"
                f"{SUMMARY_RULES}); upgrade, as this one's detail may give other causes")
    was = "an older margin-console" if recorded is None else f"rules v{recorded}"
    # Its point first: a header at 80 columns shows only the beginning.
    return (f"stale summaries: an operator's read-write open refreshes them (computed by {was}, not this "
            f"margin-console's rules v{SUMMARY_RULES})")


def bring_current(store: Store, started: Started | None = None, chunk: int | None = None) -> int:
    """On a writable open: recompute every account's summary if the book's were computed by other rules, then
    record this code's version and one audit row (when there were accounts). Returns how many were recomputed."""
    conn = store.conn
    if getattr(conn, "read_only", False):
        return 0
    try:  # one query on every open (a table lookup first would be a second round trip to a server)
        recorded, through = recorded_state(conn)
    except conn.dialect.DatabaseError:  # no migration 12: a test's book migrated only part of the way
        return 0
    if (recorded, through) == (SUMMARY_RULES, None):
        return 0
    if recorded is not None and recorded > SUMMARY_RULES:
        # Recomputing would put this older code's causes back, and the newer code would redo it on its next open.
        raise NewerSchema(f"the book's summaries were computed by a newer margin-console (rules v{recorded} > "
                          f"v{SUMMARY_RULES}): upgrade margin-console to write to it, or open it --read-only to read it")
    # The recompute writes (its audit row names the login): a viewer, or a login the book does not know, reads the
    # book as it is and is told (`note`), as on a read-only open.
    from store.operators import resolve_actor

    if not resolve_actor(store, login_name()).may("operator"):
        return 0
    # The rules themselves (calc's diagnostics), imported only when a recompute runs: not on every open.
    from store.summary import refresh_accounts

    chunk = chunk or CHUNK
    resume = through if recorded == SUMMARY_RULES else None  # a recompute for these rules stopped after `through`
    ids = [r[0] for r in conn.execute("SELECT id FROM accounts WHERE id > ? ORDER BY id", [resume or ""]).fetchall()]
    done = (started or stderr_progress)(len(ids), recorded) if ids else None
    today, settings = store.today(), store.calc_settings()
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        with write(conn):
            if recorded_state(conn) == (SUMMARY_RULES, None):  # another process opened the book and finished first
                return start
            refresh_accounts(conn, part, today, settings, chunk=500)
            if start + chunk >= len(ids):
                _finish(store, recorded, len(ids))
            else:  # the version from the first chunk on: an older console is refused rather than writing between
                record_rules(conn, SUMMARY_RULES, part[-1])
        if done is not None:
            done(min(start + chunk, len(ids)))
    if not ids:  # a new (or empty) book, or a recompute stopped after its last chunk: nothing left to compute
        with write(conn):
            record_rules(conn, SUMMARY_RULES)
    return len(ids)


def _finish(store: Store, recorded: int | None, accounts: int) -> None:
    """The last chunk's transaction: the version, and the audit row saying the summaries were recomputed."""
    record_rules(store.conn, SUMMARY_RULES)
    # No operator asked for it (like a migration, any writable open runs it): the row names the process's login,
    # which --operator cannot claim, as the one who opened the book.
    store.audit(login_name(), "summaries-recomputed", None, None,
                {"from": recorded, "to": SUMMARY_RULES, "accounts": accounts})


def stderr_progress(accounts: int, recorded: int | None) -> Progress:
    """One line on stderr when the recompute starts and one when it ends (stdout stays the command's output)."""
    was = ("unrecorded" if recorded is None else "partly recomputed: going on" if recorded == SUMMARY_RULES
           else f"v{recorded}")
    print(f"recomputing {accounts:,} account summaries for rules v{SUMMARY_RULES} (the book's were {was})",
          file=sys.stderr, flush=True)
    began, tty = time.monotonic(), sys.stderr.isatty()
    back = "\r" if tty else ""  # back over the count line a terminal was shown

    def done(count: int) -> None:
        if count == accounts:
            print(f"{back}recomputed {accounts:,} account summaries in "
                  f"{time.monotonic() - began:.1f} s", file=sys.stderr, flush=True)
        elif tty:  # a terminal sees the count move (a log gets the two lines only)
            print(f"{back}  {count:,} of {accounts:,}", end="", file=sys.stderr, flush=True)

    return done
