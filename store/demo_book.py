"""The demo book written into a store (store/book.py's `generate_demo`): generated, summarized and inserted in
batches, the generating and summarizing spread over worker processes on a large book.

It is the store's one write path: each account's rows and stored summary come from store/book.py's
`account_rows` (store/summary.py's `summarize`), the prices, models and rates from `write_reference_data`, and one
audit row closes the store's one transaction. What is skipped is re-checking the accounts our own
generator made (store/mapping.py's `account_from_book`).

Account i depends only on (seed, today, i) (store/demo.py), so a batch can be made in any process; the batches are
inserted in order, so the book is the same row for row whatever the number of workers
(tests/unit/test_demo_write.py).
"""
from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice

from calc import CalcSettings, Model, Price
from store.book import (
    TableRows,
    account_rows,
    insert_account_rows,
    rebuild_filter_index,
    write_reference_data,
)
from store.book_file import parse_book
from store.core import Progress, Store
from store.demo import demo_models, demo_prices, demo_rates, iter_accounts_with_intent
from store.errors import InvalidInput, Refused
from store.mapping import account_from_book, load_models, load_prices

BATCH = 2000  # accounts generated, summarized and inserted together: memory stays flat however large the book
# Below this many accounts the book is made in this process: starting workers (a second or so) would cost more.
PARALLEL_FROM = 20_000
IN_FLIGHT = 2  # batches queued per worker: enough to keep each one busy, few enough to hold memory down


@dataclass(frozen=True)
class DemoJob:
    """What every batch of one demo book needs (sent once to each worker process)."""

    accounts: int
    seed: int
    today: date
    prices: dict[str, Price]
    models: dict[str, Model]
    settings: CalcSettings
    stamp: tuple[str, str, str]


def generate_demo(store: Store, accounts: int, seed: int, operator: str, progress: Progress | None = None,
                  workers: int | None = None) -> dict[str, int]:
    """A deterministic demo book written into an empty store in one transaction; `workers` processes make the
    batches (None: one per CPU for a book of PARALLEL_FROM accounts or more, else none; 0: none)."""
    if accounts < 1:
        raise InvalidInput("the demo needs at least 1 account")
    if store.account_count():
        raise Refused(f"{store.path} already holds {store.account_count():,} accounts: use a new --db for the demo")
    today = store.today()
    head = parse_book({"prices": demo_prices(seed, today), "models": demo_models(seed, today),
                       "rates": demo_rates()})
    stamp = (store.now(), operator, f"demo seed={seed}")
    counts = {"prices": len(head.prices), "models": len(head.models), "rates": len(head.rates), "accounts": 0,
              "sleeves": 0}
    if workers is None:
        workers = _cpus() if accounts >= PARALLEL_FROM else 0
    with store.transaction(), _collector_paused():
        write_reference_data(store.conn, head)
        job = DemoJob(accounts, seed, today, load_prices(store.conn), load_models(store.conn),
                      store.calc_settings(), stamp)
        for rows in _batches(job, workers):
            insert_account_rows(store.conn, rows)
            made = len(rows["accounts"][1])
            counts["accounts"] += made
            counts["sleeves"] += len(rows["sleeves"][1])
            if progress is not None:
                progress(made)
        rebuild_filter_index(store.conn)
        store.audit(operator, stamp[2], None, None, counts)
    return counts


def batch_rows(job: DemoJob, start: int, stop: int) -> TableRows:
    """The rows of the book's accounts start+1..stop in every account table."""
    accounts = [account_from_book(a) for _, a in iter_accounts_with_intent(job.accounts, job.seed, job.today,
                                                                             start, stop)]
    return account_rows(accounts, job.prices, job.models, job.today, job.settings, job.stamp)


def _batches(job: DemoJob, workers: int) -> Iterator[TableRows]:
    """Every batch's rows in book order, made here or by `workers` processes a few batches ahead."""
    ranges = iter([(start, min(start + BATCH, job.accounts)) for start in range(0, job.accounts, BATCH)])
    if workers <= 0:
        for start, stop in ranges:
            yield batch_rows(job, start, stop)
        return
    # spawn, not fork: the parent holds an open database connection (and, in the console, threads).
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                               initargs=(job,))
    try:
        pending: deque[Future[bytes]] = deque(
            pool.submit(_worker_rows, *r) for r in islice(ranges, workers * IN_FLIGHT))
        while pending:
            sent = pending.popleft().result()
            following = next(ranges, None)
            if following is not None:
                pending.append(pool.submit(_worker_rows, *following))
            yield marshal.loads(sent)  # bytes our own worker made (below), never from outside
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_job: DemoJob | None = None  # the worker process's job, set once when it starts


def _start_worker(job: DemoJob) -> None:
    global _job
    _job = job
    # Ctrl-C reaches the whole process group: the parent alone handles it (the demo rolls back, "aborted", the pool
    # ends); a worker finishes the batch in hand and exits with the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_rows(start: int, stop: int) -> bytes:
    """A batch's rows as marshal bytes: tuples of str, int, float and None, which marshal writes in a third of the
    time pickle takes (pickle's memo), and the pool then pickles one bytes object."""
    assert _job is not None, "a demo worker runs batches only after _start_worker"
    with _collector_paused():
        return marshal.dumps(batch_rows(_job, start, stop))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a batch is made and written: the rows make no cycles, and its
    passes over the objects alive cost as much as the work (building 20,000 accounts' models: 57 us an account
    with it on, 25 us off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


MAX_WORKERS = 3  # the parent's inserts are a third of the CPU: a fourth worker would wait on it (~72 MB each)


def _cpus() -> int:
    """Worker processes to start: one per CPU this process may run on, at most MAX_WORKERS."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)
