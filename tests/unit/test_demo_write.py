"""Writing the demo book (store/book.py `generate_demo`): the same book for a seed, however it is written."""
from __future__ import annotations

import gc
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import store.demo_book as demo_book_module
from calc import Account, CalcSettings
from store.book import generate_demo, write_book
from store.book_file import parse_book
from store.core import Store
from store.demo import demo_models, demo_prices, generate_book, iter_accounts_with_intent
from store.demo_book import DemoJob, batch_rows
from store.mapping import account_from_book
from tests.conftest import fixed_clock
from tests.unit.book_values import checked
from tests.unit.conftest import snapshot

# sha256 of each table of the seed-7 300-account demo book (rows in rowid order, or key order for WITHOUT ROWID
# tables; the tables the demo writes, so a migration that adds an empty table changes nothing here), as the streaming
# writer of 2,000-account batches through pydantic wrote it before issue 17's speed-up.
# A change to the demo on purpose (a new showcase account, another price) changes these: regenerate them with
# `table_digests` and say why in the commit. A change for speed must leave every one as it is.
PINNED_SIZE = 300
PINNED: dict[str, str] = {
    "prices": "8da108437f260692eaf3b9223826b747630e5f97b72819105f021b984da6548f",
    "models": "fb430fcc923c1369ce914d7cf94c23c4ab79bc720edd9ef287861dc7fd7d215c",
    "rates": "cbbf8b7dce96353132d5f9a69fdf0541724520da2c29e731cd7357d6121a058f",
    "accounts": "6b7a5d9aaa05cd0a0ef8c7a1c17992d79dc4cd78c1861c21d9eb65a20f613d03",
    "sleeves": "9211af8e8869ab945cc7381a240c9f27eb4ce4408781aab9009b343c869d8f5e",
    "positions": "45a709be37dbca67beedfb647240349ba223d3004a92d4ef06f74fb523060da9",
    "account_diagnostics": "af49067c2b942bf6c4e5611c583fc6bae392a6383549423f04cfc5d49b17aa04",
    "custodian_reports": "73ee9cd8653ba1d05a732323e129efb71ae28c26a207e02c3b7b1e7fc795e2d1",
    "custodian_positions": "e4b413e4baf4069ec77aef4acab3ec6dce67c01bfba42ce7f21882fe6e0ab085",
    "audit": "dfd99c419f35d6db59f56f7ec9181d336d0773e21b33407a75d06f0f3d7b38cf",
    "accounts_fts_data": "5344381ad2c48ead18204b7cbcd82ae90841451cd3a3dca4c0c6e3e63052e5c9",
    "accounts_fts_idx": "6947ca70a241db6d3e164294a2100ad2382d01a6be9caad88d863a2f891b6715",
    "accounts_fts_docsize": "b6862c19247f6defac9cf63d467b39d30054ec51241bd29c5e6910dbebdfc9cb",
    "accounts_fts_config": "ada92526309f86a3a9ffe14c12a523763133e33caef1f59c210553e4cb604c81",
}


def table_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a SQLite book (the full-text index's shadow tables too) in storage order."""
    conn = sqlite3.connect(str(db))
    try:
        tables = {name: sql for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")}
        found: dict[str, list[tuple[Any, ...]]] = {}
        for name, sql in tables.items():
            if sql.startswith("CREATE VIRTUAL TABLE"):
                continue  # its rows are the accounts table's; the shadow tables hold the index itself
            order = "ORDER BY 1, 2" if "WITHOUT ROWID" in sql else "ORDER BY rowid"
            found[name] = [tuple(r) for r in conn.execute(f'SELECT * FROM "{name}" {order}')]
        found["user_version"] = [conn.execute("PRAGMA user_version").fetchone()]
        return found
    finally:
        conn.close()


def table_digests(db: Path) -> dict[str, str]:
    return {name: hashlib.sha256(repr(rows).encode()).hexdigest() for name, rows in table_rows(db).items()}


def demo_book(path: Path, accounts: int, seed: int = 7, **options: Any) -> Path:
    with Store(path, clock=fixed_clock) as store:
        generate_demo(store, accounts, seed, "tester", **options)
    return path


def test_the_demo_book_for_a_seed_is_the_book_it_always_was(tmp_path: Path):
    digests = table_digests(demo_book(tmp_path / "demo.db", PINNED_SIZE))
    changed = [name for name in PINNED if PINNED[name] != digests.get(name)]
    assert not changed, f"tables that differ from the pinned demo book: {changed}"


@pytest.mark.sqlite_only
def test_worker_processes_write_the_same_book_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(demo_book_module, "BATCH", 100)  # 8 batches for 2 workers, 2 each in flight: order is tested
    alone = table_rows(demo_book(tmp_path / "alone.db", 750, seed=3, workers=0))
    shared = table_rows(demo_book(tmp_path / "shared.db", 750, seed=3, workers=2))
    assert len(alone["accounts"]) == 750
    assert [name for name in alone if alone[name] != shared[name]] == []


def test_the_demo_is_the_validated_import_of_the_generated_book(db_path, open_store, engine: str, request,
                                                               tmp_path: Path):
    """The demo skips the checks for the accounts its own generator made: the book is the one the checking import
    writes from the same dicts (the same rows, summaries and audit row), on either engine."""
    other = tmp_path / "reference.db" if engine == "sqlite" else request.getfixturevalue("pg_cluster").fresh_url()
    demo, reference = open_store(), open_store(other)
    counts = generate_demo(demo, 150, 5, "tester", workers=0)
    book = generate_book(150, seed=5, today=reference.today())
    with reference.transaction():
        write_book(reference.conn, parse_book(book), reference.today(), reference.calc_settings(),
                   stamp=(reference.now(), "tester", "demo seed=5"))
        reference.audit("tester", "demo seed=5", None, None, counts)
    assert snapshot(db_path) == snapshot(other)
    assert counts == {"prices": 40, "models": 14, "rates": 21, "accounts": 150,
                      "sleeves": sum(len(a["sleeves"]) for a in book["accounts"])}


def test_the_last_batch_of_a_million_account_book_is_made():
    """Issue 17: `demo --accounts 1000000` must work; its last batch holds accounts 999,991..1,000,000."""
    today = fixed_clock().date()
    head = parse_book({"prices": demo_prices(7, today), "models": demo_models(7, today)})
    job = DemoJob(1_000_000, 7, today, {p.symbol: p for p in head.prices}, {m.id: m for m in head.models},
                  CalcSettings(), ("2026-11-20T12:00:00+00:00", "tester", "demo seed=7"))
    rows = batch_rows(job, 999_990, 1_000_000)
    columns, accounts = rows["accounts"]
    assert [r[columns.index("id")] for r in accounts] == [f"A-{i:07d}" for i in range(999_991, 1_000_001)]


def test_a_failed_batch_writes_nothing(open_store, monkeypatch: pytest.MonkeyPatch):
    store = open_store()
    made = demo_book_module.batch_rows
    calls = []

    def failing(job: DemoJob, start: int, stop: int):  # the second batch fails, after the first was inserted
        calls.append(start)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return made(job, start, stop)

    monkeypatch.setattr(demo_book_module, "BATCH", 50)
    monkeypatch.setattr(demo_book_module, "batch_rows", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate_demo(store, 120, 7, "tester", workers=0)
    assert store.account_count() == 0
    assert store.scalar("SELECT count(*) FROM audit") == 0
    assert store.scalar("SELECT count(*) FROM prices") == 0
    assert gc.isenabled()


def test_accounts_built_without_validation_are_the_validated_ones():
    """mapping.account_from_book skips the checks for the demo's own dicts: every value, to the Decimal's exponent
    ("1.0" is not "1"), is what the book file's reader makes of the same dict, defaults included (an APM names no
    leverage)."""
    for _, data in iter_accounts_with_intent(300, seed=9):
        built, validated = account_from_book(data), checked(Account, data)
        assert built == validated
        assert repr(built) == repr(validated)


def test_a_many_core_host_starts_no_more_demo_workers_than_help(monkeypatch):
    """One worker per CPU on a 64-core ops host would be 4.5 GB of processes waiting on the parent's inserts."""
    import store.demo_book as demo_book

    monkeypatch.setattr(demo_book.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert demo_book._cpus() == demo_book.MAX_WORKERS == 3
    monkeypatch.setattr(demo_book.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert demo_book._cpus() == 1
