"""Drill 2: kill -9 a command at a random moment, then check the book opens, holds together and is all-or-nothing.

Four operations, in turn, each a `margin-console` child process on a fresh copy of its starting book:
demo generation and a book import into an empty file (afterwards: no accounts and no audit row, or every
account and one audit row), the batch `acr --all-pending --ack all` (committed 200 sleeves at a time:
each chunk is all there or not at all, compared with an uninterrupted reference run, and a re-run finishes
the job exactly as the reference did) and a fill file over every open order (every order filled and an
audit row per ACR, or nothing). After every kill: `doctor --integrity` finds nothing.
"""
from __future__ import annotations

import json
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.common import FIXED_NOW, copy_book
from bench.stress.common import DrillResult, cli_child, integrity, make_demo, open_store

OPERATIONS = ("demo", "import", "batch", "fills")


class Setup:
    """The starting books, the reference outcomes and each operation's uninterrupted duration."""

    def __init__(self, workdir: Path, accounts: int, result: DrillResult) -> None:
        from calc.checklist import ACK_IDS
        from store.batch import CHUNK, pending_sleeves, rebalance_all_pending
        from store.demo import generate_book

        self.workdir, self.accounts = workdir, accounts
        self.book_file = workdir / "book.json"
        self.book_file.write_text(json.dumps(generate_book(accounts, 11, FIXED_NOW.date()), default=str),
                                  encoding="utf-8")
        self.pending_book = workdir / "pending.db"
        _fresh(self.pending_book)
        make_demo(self.pending_book, accounts)
        self.filled_book = workdir / "built.db"
        copy_book(self.pending_book, self.filled_book)
        with open_store(self.filled_book) as store:
            pending = pending_sleeves(store)
            self.chunks = [set(pending[i:i + CHUNK]) for i in range(0, len(pending), CHUNK)]
            rebalance_all_pending(store, "stress", set(ACK_IDS))
            self.reference = _acr_sleeves(store.conn)
            self.reference_acrs = store.scalar("SELECT count(*) FROM acrs")
        self.fill_file = workdir / "fills.csv"
        rows = sqlite3.connect(str(self.filled_book)).execute(
            "SELECT id, quantity, price, acr_id FROM orders WHERE status = 'new' ORDER BY id").fetchall()
        self.fill_file.write_text("order_id,status,filled_quantity,fill_price\n" + "".join(
            f"{i},filled,{q},{p}\n" for i, q, p, _ in rows), encoding="utf-8")
        self.orders, self.fill_acrs = len(rows), len({r[3] for r in rows})
        self.startup = self.timed_startup()
        self.seconds = {op: self.timed(op, result) for op in OPERATIONS}
        result.figures.update(kill_accounts=accounts, pending_sleeves=len(pending), chunks=len(self.chunks),
                              reference_acrs=self.reference_acrs, fill_orders=self.orders,
                              uninterrupted_seconds={k: round(v, 2) for k, v in self.seconds.items()},
                              child_startup_seconds=round(self.startup, 2))

    def prepare(self, op: str, db: Path) -> list[str]:
        """Put the operation's starting book at `db`; the command's arguments."""
        _fresh(db)
        if op == "demo":
            return ["demo", "--accounts", str(self.accounts), "--seed", "11"]
        if op == "import":
            return ["import", str(self.book_file)]
        if op == "batch":
            copy_book(self.pending_book, db)
            return ["acr", "--all-pending", "--ack", "all"]
        copy_book(self.filled_book, db)
        return ["fills", str(self.fill_file)]

    def timed_startup(self) -> float:
        """How long a child takes to start and exit doing nothing with the book (kills before that are idle)."""
        started = time.monotonic()
        cli_child(self.workdir / "startup.db", "whatif", "--equity", "1", "--leverage", "1").communicate(timeout=60)
        return time.monotonic() - started

    def timed(self, op: str, result: DrillResult) -> float:
        db = self.workdir / f"timed-{op}.db"
        args = self.prepare(op, db)
        started = time.monotonic()
        child = cli_child(db, *args)
        _, err = child.communicate(timeout=600)
        if child.returncode not in (0, 3):
            result.find(f"uninterrupted {op} exited {child.returncode}: {err.strip()[-300:]}")
        return time.monotonic() - started


def run(workdir: Path, kills: int = 4, accounts: int = 3000, seed: int = 1) -> DrillResult:
    """Kill `kills` children (the operations in turn), checking the book after each."""
    result = DrillResult("kills")
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    setup = Setup(workdir, accounts, result)
    landed = finished = 0
    by_op: dict[str, int] = {}
    for k in range(kills):
        op = OPERATIONS[k % len(OPERATIONS)]
        db = workdir / f"kill-{op}.db"
        args = setup.prepare(op, db)
        delay = rng.uniform(setup.startup * 0.8, max(setup.seconds[op], setup.startup) * 1.05)
        child = cli_child(db, *args)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        if child.returncode == -signal.SIGKILL:
            landed += 1
            by_op[op] = by_op.get(op, 0) + 1
        else:
            finished += 1
        for problem in check(op, db, setup):
            result.find(f"kill {k} ({op} after {delay:.2f} s): {problem}")
    result.figures.update(kills=kills, killed_mid_run=landed, finished_before_kill=finished,
                          killed_by_operation=by_op)
    return result


def check(op: str, db: Path, setup: Setup) -> list[str]:
    """What does not hold after the kill (an empty list when the book is whole and all-or-nothing)."""
    problems = integrity(db)
    if problems:
        return problems
    conn = sqlite3.connect(str(db))
    try:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("accounts", "audit", "acrs", "orders")}
        actions = dict(conn.execute("SELECT action, count(*) FROM audit GROUP BY action").fetchall())
        if op in ("demo", "import"):
            if (counts["accounts"], counts["audit"]) not in ((0, 0), (setup.accounts, 1)):
                problems.append(f"{counts['accounts']} accounts and {counts['audit']} audit rows after a half import")
            return problems
        acr_rows = actions.get("acr-built", 0) + actions.get("acr-failed", 0)
        if acr_rows != counts["acrs"]:
            problems.append(f"{counts['acrs']} ACRs but {acr_rows} ACR audit rows")
        if op == "batch":
            done = _acr_sleeves(conn)
            for i, chunk in enumerate(setup.chunks):
                if done & chunk not in (set(), setup.reference & chunk):
                    problems.append(f"chunk {i} is half written: {len(done & chunk)} of "
                                    f"{len(setup.reference & chunk)} ACRs")
            if not problems:
                problems += _rerun(db, setup)
            return problems
        statuses = dict(conn.execute("SELECT status, count(*) FROM orders GROUP BY status").fetchall())
        fills = actions.get("fills", 0)
        if not (statuses.get("new", 0) == setup.orders and fills == 0) and \
                not (statuses.get("filled", 0) == setup.orders and fills == setup.fill_acrs):
            problems.append(f"half-applied fill file: orders {statuses}, {fills} fills audit rows")
        return problems
    finally:
        conn.close()


def _rerun(db: Path, setup: Setup) -> list[str]:
    """The batch run again after the kill ends where the uninterrupted run ended."""
    from calc.checklist import ACK_IDS
    from store.batch import rebalance_all_pending

    with open_store(db) as store:
        rebalance_all_pending(store, "stress", set(ACK_IDS))
        done, acrs = _acr_sleeves(store.conn), store.scalar("SELECT count(*) FROM acrs")
    if done != setup.reference or acrs != setup.reference_acrs:
        return [(f"the re-run ended with {acrs} ACRs on {len(done)} sleeves, the reference with "
                 f"{setup.reference_acrs} on {len(setup.reference)}")]
    return [f"after the re-run: {p}" for p in integrity(db)]


def _acr_sleeves(conn: Any) -> set[str]:
    return {r[0] for r in conn.execute("SELECT DISTINCT sleeve_id FROM acrs")}


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
