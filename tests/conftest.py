"""Helpers shared by the unit and functional tests: the fixed clock, waiting on a Pilot, recording notifications.

Nothing here imports Textual at import time, so the unit tests (calc, store, CLI) stay free of it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.postgres import Cluster, bindir

ENGINES = ("sqlite", "postgres")

if TYPE_CHECKING:
    from textual.message import Message
    from textual.notifications import Notification
    from textual.pilot import Pilot

FIXED_NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    """The clock injected into every store and app under test."""
    return FIXED_NOW


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker, then let the UI process what they posted."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], tries: int = 60) -> None:
    """Give the app turns until `condition()` holds (debounce timers, palette searches), then assert it."""
    for _ in range(tries):
        if condition():
            return
        await settle(pilot)
        await pilot.pause(0.02)
    assert condition()


class Notes:
    """A `run_test(message_hook=...)` that records every notification the app shows, in order.

    `App.notify` posts a `textual.notifications.Notify` message, so the hook sees each notification as the app
    processes it, without reading the app's private notification store.
    """

    def __init__(self) -> None:
        from textual.notifications import Notify

        self._kind = Notify
        self.notifications: list[Notification] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, self._kind):
            self.notifications.append(message.notification)

    @property
    def messages(self) -> list[str]:
        return [n.message for n in self.notifications]

    @property
    def titles(self) -> list[str]:
        return [n.title for n in self.notifications]

    def titled(self, title: str) -> list[Notification]:
        """The notifications with this title (e.g. "Conflict")."""
        return [n for n in self.notifications if n.title == title]

    def clear(self) -> None:
        """Forget what was recorded so far (the app's own toasts are untouched)."""
        self.notifications.clear()


def raw_rows(db: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """A statement's rows through a separate raw connection (autocommit, no placeholders), on either engine."""
    if isinstance(db, str):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []
    import sqlite3

    conn = sqlite3.connect(str(db), isolation_level=None)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def count(db: Path | str, table: str) -> int:
    return raw_rows(db, f'SELECT count(*) FROM "{table}"')[0][0]


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the machine's config file or a config the environment names (XDG points at an empty dir)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
    for name in ("CONFIG", "READ_ONLY", "KEYS", "THEME"):
        monkeypatch.delenv(f"MARGIN_CONSOLE_{name}", raising=False)


@pytest.fixture
def notes() -> Notes:
    """A fresh notification recorder: pass it as `app.run_test(..., message_hook=notes)`."""
    return Notes()


# -- the two engines: every test that asks for `engine` (through db_path, open_store, run, settings) runs on both ----

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: inspects the SQLite file itself (PRAGMAs, raw sqlite3), so it "
                                       "runs on SQLite alone")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each store, CLI and functional test on both engines, unless it is marked sqlite_only."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine the test's book lives on ("sqlite" unless parametrised)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_cluster() -> Any:
    """A throwaway PostgreSQL cluster for the session (tests/postgres.py), stopped at the end even on failure.

    Where the server is not installed the PostgreSQL half is skipped with that reason, except in CI (CI=true),
    where it fails: CI must run both engines.
    """
    import os

    if bindir() is None:
        reason = "PostgreSQL server binaries not found (pg_config --bindir): install postgresql to run this half"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster()
    try:
        cluster.start()
        cluster.migrate_template()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def book_url(engine: str, request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """Where the test's book lives: `tmp_path/book.db` on SQLite, a fresh database URL on PostgreSQL."""
    if engine == "sqlite":
        return tmp_path / "book.db"
    return request.getfixturevalue("pg_cluster").fresh_url()
