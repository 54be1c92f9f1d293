"""The live book: notice what other processes commit to the book, about once a second, without blocking the UI.

SQLite's PRAGMA data_version changes on a connection when another connection commits, so the watcher keeps one
connection open for its whole life, in one plain daemon thread: a Textual worker that never completes would keep
`workers.wait_for_complete()` waiting, and a connection belongs to the thread that opened it. When the version
moves, the audit rows since the last look say who wrote which account; they go to the App as one BookChanged.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from console.messages import BookChanged, StoreFailed
from store.queries.audit import audit_head, audit_since, data_version

if TYPE_CHECKING:
    from console.app import MarginConsoleApp


class LiveBook:
    """Polls the book every `interval` seconds on its own connection and posts BookChanged to the app."""

    def __init__(self, app: MarginConsoleApp, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="live-book", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 2)

    def _watch(self) -> None:
        try:
            with self.app.open_store() as store:
                version, head = data_version(store), audit_head(store)
                while not self._stop.wait(self.interval):
                    now = data_version(store)
                    if now == version:
                        continue
                    version = now
                    records = audit_since(store, head)
                    if records:
                        head = records[-1].id
                        self.app.post_message(BookChanged(records))
        except Exception as error:  # noqa: BLE001 - the watcher stops; the operator is told once, the console goes on
            if not self._stop.is_set():
                self.app.post_message(StoreFailed(error))
