"""The live book: notice what other processes commit to the book, about once a second, without blocking the UI.

SQLite's PRAGMA data_version changes on a connection when another connection commits, so the watcher keeps one
connection open for its whole life, in one plain daemon thread: a Textual worker that never completes would keep
`workers.wait_for_complete()` waiting, and a connection belongs to the thread that opened it. When the version
moves, the audit rows since the last look say who wrote which account; they go to the App as one BookChanged.
The watcher starts after the first page is painted (issue 17 item 1), from the audit head the console's first read
saw, so a write between that read and the watcher's first look is announced too.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from console.messages import BookChanged, StoreFailed
from store.queries.audit import audit_since, data_version

if TYPE_CHECKING:
    from console.app import MarginConsoleApp
    from store.core import Store


class LiveBook:
    """Polls the book every `interval` seconds on its own connection and posts BookChanged to the app."""

    def __init__(self, app: MarginConsoleApp, interval: float, since: int | None = None) -> None:
        self.app = app
        self.interval = interval
        self.since = since  # the audit head the console's screen was read at (None: the watcher's own first look)
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
                version = data_version(store)
                head = store.audit_head() if self.since is None else self._announce(store, self.since)
                while not self._stop.wait(self.interval):
                    now = data_version(store)
                    if now != version:
                        version, head = now, self._announce(store, head)
        except Exception as error:  # noqa: BLE001 - the watcher stops; the operator is told once, the console goes on
            if not self._stop.is_set():
                self.app.post_message(StoreFailed(error))

    def _announce(self, store: Store, head: int) -> int:
        """Post the audit rows after `head` as one BookChanged; the new head."""
        records = audit_since(store, head)
        if not records:
            return head
        self.app.post_message(BookChanged(records))
        return records[-1].id
