"""Writing the demo book (store/book.py `generate_demo`): the same book for a seed, however it is written."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from store.book import generate_demo
from store.core import Store
from tests.conftest import fixed_clock

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
