"""`copy --from SRC --to DST`: a whole book moved between engines (a desk starting on SQLite, moving to PostgreSQL).

All-or-nothing: the source is read in one snapshot, the destination (which must hold no book yet) is written in
one write transaction, and before it commits every table's row count is compared and the audit hash chain is
verified on arrival; then one `copy` audit row, chained like any other, records where the book came from.
Ids are kept (the chain hashes them), so history reads the same on both engines.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.core import Store
from store.errors import InvalidInput, Refused
from store.queries.audit import verify_chain

# Every table of the book, parents before children (foreign keys are checked row by row on PostgreSQL). A
# migration that adds a table adds it here; test_store_copy.py fails on a table this list does not name.
TABLES = ("operators", "policy", "prices", "models", "rates", "accounts", "sleeves", "positions",
          "account_diagnostics", "custodian_reports", "custodian_positions", "walkthrough_runs", "acrs", "orders",
          "walkthrough_steps", "audit", "summary_rules")
CHUNK = 5000


def book_tables(store: Store) -> set[str]:
    """The book's own tables on the store's engine (not the engine's bookkeeping or search index tables)."""
    return set(store.conn.dialect.book_tables(store.conn))


def copy_book(source: Path | str, destination: Path | str, operator: str, settings: Any = None,
              clock: Any = None, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Copy every row of the book at `source` into the empty book at `destination`; returns rows per table."""
    if str(source) == str(destination):
        raise InvalidInput("--from and --to name the same book")
    with Store(source, settings, clock) as src, Store(destination, settings, clock) as dst:
        unknown = sorted(book_tables(src) - set(TABLES))
        if unknown:
            raise Refused(f"the source book has table(s) copy does not know: {', '.join(unknown)}; nothing was copied")
        if dst.scalar("SELECT count(*) FROM accounts") or dst.scalar("SELECT count(*) FROM audit"):
            raise Refused(f"{dst.path} already holds a book; copy only fills an empty one (nothing was copied)")
        counts: dict[str, int] = {}
        with src.snapshot(), dst.transaction():
            # The empty destination recorded this code's rules when it opened; its summaries are the source's, so
            # the source's record (summary_rules, copied below) is the one that tells the truth about them.
            dst.execute("DELETE FROM summary_rules")
            for table in TABLES:
                counts[table] = _copy_table(src, dst, table, progress)
            dst.conn.dialect.after_copy(dst.conn)
            for table, expected in counts.items():
                arrived = int(dst.scalar(f"SELECT count(*) FROM {table}"))
                if arrived != expected:
                    raise Refused(f"{table}: {arrived} row(s) arrived of {expected}; nothing was copied")
            chain = verify_chain(dst)
            if not chain.ok:
                raise Refused(f"the audit chain did not arrive intact ({chain.message}); nothing was copied")
            dst.audit(operator, "copy", None, None, {"from": str(src.path), "rows": counts})
    return counts


def _copy_table(src: Store, dst: Store, table: str, progress: Callable[[int], None] | None) -> int:
    """Stream one table in chunks, in id (or rowid) order, through the destination engine's bulk insert."""
    wanted = dst.conn.dialect.table_columns(dst.conn, table)
    cursor = src.execute(f"SELECT * FROM {table}")
    names = [c[0] for c in cursor.description]
    keep = [i for i, name in enumerate(names) if name in wanted]
    done = 0
    while rows := cursor.fetchmany(CHUNK):
        dst.conn.dialect.insert_rows(dst.conn, table, ({names[i]: row[i] for i in keep} for row in rows),
                                     batch=500)
        done += len(rows)
        if progress is not None:
            progress(len(rows))
    return done
