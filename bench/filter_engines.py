"""The browser's filter on both engines at one book size: Store.account_page per keystroke, median and p95.

    python -m bench.filter_engines [--accounts 100000] [--postgres URL]

Without --postgres a throwaway cluster is started from the machine's server binaries (tests/postgres.py) and
removed afterwards; the SQLite book goes to a temporary directory. Both books are the same demo (seed 7), and
the keystrokes are bench/run.py's filter texts typed and erased, three rounds. Also prints each engine's match
count for a few texts: the same semantics give the same totals.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from store.book import generate_demo
from store.core import Store
from store.queries.accounts import account_page

TEXTS = ["smith", "fidelity trust", "A-0421", "patel hold", "s"]
KEYS = [t[:i] for t in TEXTS for i in range(1, len(t) + 1)] + [t[:i] for t in TEXTS for i in range(len(t) - 1, 0, -1)]


def measure(location: Path | str, label: str, accounts: int) -> None:
    with Store(location) as store:
        started = time.perf_counter()
        generate_demo(store, accounts, 7, "bench")
        print(f"{label}: demo of {accounts:,} accounts written in {time.perf_counter() - started:.1f} s", flush=True)
        for key in KEYS[:5]:
            account_page(store, key, 100)  # warm the caches, as a console that has been open a while has
        samples = []
        for _ in range(3):
            for key in KEYS:
                started = time.perf_counter()
                account_page(store, key, 100)
                samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        print(f"{label}: {len(samples)} keystrokes, median {statistics.median(samples):.1f} ms, "
              f"p95 {samples[int(len(samples) * 0.95)]:.1f} ms, max {samples[-1]:.1f} ms", flush=True)
        print(f"{label}: totals " + ", ".join(f"{t!r} {account_page(store, t, 1).total}" for t in TEXTS), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.filter_engines", description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="An empty database (default: a throwaway cluster).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="margin-filter-") as workdir:
        measure(Path(workdir) / "book.db", "sqlite", args.accounts)
    if args.postgres:
        measure(args.postgres, "postgres", args.accounts)
        return
    from tests.postgres import TEMPLATE, Cluster

    cluster = Cluster()
    try:
        cluster.start()
        measure(cluster.url(TEMPLATE), "postgres", args.accounts)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
