"""Benchmarks of the daily routine: a price file and a custodian file at book scale, each against its floor.

    python -m bench.daily [--sizes 1000,10000,100000] [--repeat 3] [--books-dir bench/books/daily]

Every figure is the median of --repeat runs, each on a fresh copy of the same demo book, next to its floor
measured in the same run on another fresh copy:
- prices: the bare SQL a price load cannot avoid: upsert the file's prices, read every touched account's
  sleeves and positions as plain tuples, and write one summary UPDATE per account (no calc, no models).
- reconcile: csv.reader over the file, the bare inserts of its rows, and one UPDATE per account.
Nothing here asserts a time: the table (Markdown, on stdout) is for reading and for docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # `python bench/daily.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import FIXED_NOW, ROOT, copy_book, fixed_clock, remove_book, settings_for  # noqa: E402
from bench.measure import generate  # noqa: E402

TODAY = FIXED_NOW.date().isoformat()


def price_file(book: Path, symbols: list[str] | None) -> str:
    """Every (or the given) symbol moved +1 % and dated today."""
    import sqlite3

    conn = sqlite3.connect(str(book))
    try:
        rows = conn.execute("SELECT symbol, price FROM prices ORDER BY symbol").fetchall()
    finally:
        conn.close()
    wanted = [(s, p) for s, p in rows if symbols is None or s in symbols]
    return "symbol,price,as_of\n" + "".join(f"{s},{Decimal(p) * Decimal('1.01'):.2f},{TODAY}\n" for s, p in wanted)


def least_held(book: Path, n: int) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(str(book))
    try:
        return [r[0] for r in conn.execute(
            "SELECT symbol FROM positions GROUP BY symbol ORDER BY count(*), symbol LIMIT ?", [n])]
    finally:
        conn.close()


def custodian_file(book: Path, cash_shift: str) -> str:
    """The custodian's view of every account's sleeves (shares summed per symbol), cash moved by `cash_shift`."""
    import sqlite3

    conn = sqlite3.connect(str(book))
    try:
        out = io.StringIO()
        out.write("account_id,symbol,quantity\n")
        for account_id, symbol, quantity in conn.execute(
                "SELECT s.account_id, p.symbol, sum(CAST(p.quantity AS INTEGER)) FROM positions p "
                "JOIN sleeves s ON s.id = p.sleeve_id GROUP BY s.account_id, p.symbol ORDER BY s.account_id"):
            out.write(f"{account_id},{symbol},{quantity}\n")
        for account_id, cents in conn.execute("SELECT account_id, sum(cash_cents) FROM sleeves GROUP BY account_id"):
            out.write(f"{account_id},CASH,{Decimal(cents) / 100 + Decimal(cash_shift):.2f}\n")
        return out.getvalue()
    finally:
        conn.close()


def timed(book: Path, scratch: Path, work: Callable[[Path], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        copy_book(book, scratch)
        start = time.perf_counter()
        work(scratch)
        times.append(time.perf_counter() - start)
    remove_book(scratch)
    return times


def load_prices(text: str) -> Callable[[Path], object]:
    def work(path: Path) -> object:
        from store.core import Store
        from store.prices import load_prices_text

        with Store(path, settings_for(path), clock=fixed_clock) as store:
            return load_prices_text(store, text, "csv", "bench", accept_moves=True)
    return work


def reconcile(text: str) -> Callable[[Path], object]:
    def work(path: Path) -> object:
        from store.core import Store
        from store.reconcile import reconcile_text

        with Store(path, settings_for(path), clock=fixed_clock) as store:
            return reconcile_text(store, text, "bench")
    return work


def prices_floor(text: str) -> Callable[[Path], object]:
    def work(path: Path) -> object:
        import sqlite3

        rows = list(csv.reader(io.StringIO(text)))[1:]
        conn = sqlite3.connect(str(path), isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("UPDATE prices SET price = ?, as_of = ? WHERE symbol = ?", [(p, d, s) for s, p, d in rows])
            symbols = [s for s, _, _ in rows]
            marks = ", ".join("?" * len(symbols))
            models = [m for m, weights in conn.execute("SELECT id, weights FROM models")
                      if set(json.loads(weights)) & set(symbols)]
            ids = sorted({r[0] for r in conn.execute(
                f"SELECT DISTINCT account_id FROM sleeves WHERE id IN (SELECT sleeve_id FROM positions WHERE symbol "
                f"IN ({marks})) OR model IN ({', '.join('?' * len(models))})", symbols + models)})
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                m = ", ".join("?" * len(chunk))
                conn.execute(f"SELECT * FROM sleeves WHERE account_id IN ({m})", chunk).fetchall()
                conn.execute(f"SELECT p.* FROM positions p JOIN sleeves s ON s.id = p.sleeve_id "
                             f"WHERE s.account_id IN ({m})", chunk).fetchall()
                conn.executemany("UPDATE accounts SET nav_cents = nav_cents WHERE id = ?", [(i,) for i in chunk])
            conn.execute("COMMIT")
        finally:
            conn.close()
        return None
    return work


def reconcile_floor(text: str) -> Callable[[Path], object]:
    def work(path: Path) -> object:
        import sqlite3

        rows = list(csv.reader(io.StringIO(text)))[1:]
        conn = sqlite3.connect(str(path), isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM custodian_positions")
            conn.executemany("INSERT OR REPLACE INTO custodian_reports (account_id, as_of, cash, loaded_at, loaded_by) "
                             "VALUES (?, ?, ?, ?, 'bench')",
                             [(a, TODAY, q, TODAY) for a, s, q in rows if s == "CASH"])
            conn.executemany("INSERT INTO custodian_positions (account_id, symbol, quantity) VALUES (?, ?, ?)",
                             [r for r in rows if r[1] != "CASH"])
            conn.executemany("UPDATE accounts SET nav_cents = nav_cents WHERE id = ?",
                             [(a,) for a, s, _ in rows if s == "CASH"])
            conn.execute("COMMIT")
        finally:
            conn.close()
        return None
    return work


def bench_size(accounts: int, books_dir: Path, repeat: int) -> list[tuple[str, int, float, float, str]]:
    book = books_dir / f"daily-{accounts}.db"
    if not book.exists():
        print(f"[generating {accounts:,} accounts -> {book}]", file=sys.stderr, flush=True)
        generate(book, accounts)
        from store.core import Store  # migrate once here, so no timed run pays for it

        with Store(book, settings_for(book), clock=fixed_clock):
            pass
    scratch = books_dir / f"daily-scratch-{accounts}.db"
    cases = [
        ("prices: every symbol +1 %", price_file(book, None), load_prices, prices_floor),
        ("prices: the 3 least-held symbols +1 %", price_file(book, least_held(book, 3)), load_prices, prices_floor),
        ("reconcile: every account, each report changed (cash +0.50)", custodian_file(book, "0.50"), reconcile,
         reconcile_floor),
        ("reconcile: every account, the reports as stored", custodian_file(book, "0"), reconcile, reconcile_floor),
    ]
    out = []
    for label, text, run, floor in cases:
        print(f"  {accounts:,}: {label}", file=sys.stderr, flush=True)
        measured = statistics.median(timed(book, scratch, run(text), repeat))
        base = statistics.median(timed(book, scratch, floor(text), repeat))
        out.append((label, accounts, measured, base, f"{text.count(chr(10)) - 1:,} lines"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.daily", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--books-dir", type=Path, default=ROOT / "bench" / "books" / "daily")
    args = parser.parse_args(argv)
    args.books_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows += bench_size(size, args.books_dir, args.repeat)
    print("| case | accounts | file | median | floor | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, accounts, measured, base, size in rows:
        print(f"| {label} | {accounts:,} | {size} | {measured:.2f} s | {base:.2f} s | {measured / base:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
