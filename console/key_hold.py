"""Keys read while an account opens are its screen's: held, then replayed in order once its screen is shown.

The kept detail screen is refilled off the stack and pushed only once the account is on it (issue 17 item 4), so
for the few milliseconds of the read the browser is still the screen. A key typed ahead in that window (Enter then
Escape in one read, or typing over a slow SSH link) was meant for the account's screen; without the hold the
browser acted on it (Escape cleared its filter, a cursor key moved its row) and the account opened anyway.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

HOLD_LIMIT = 1.0  # seconds: a read slower than this shows its screen loading (as every open did before the hold)


class ReplayHeldKeys(Message):
    """Posted to the app when the opened screen is shown: the held keys are replayed when this is handled, so a
    key read after them (queued before this message) is held too and keeps its place."""


class KeyHold:
    """The app's hold on keys while an account opens off the stack. The force-quit keys are never held."""

    def __init__(self, app: App[object], never_held: frozenset[str]) -> None:
        self.app = app
        self.never_held = never_held | {"ctrl+c"}
        self.keys: list[events.Key] | None = None  # None: not holding
        self.opening: object = None  # the screen being filled, whose keys these are
        self._show_loading: Callable[[], None] | None = None
        self._timer: Timer | None = None

    @property
    def holding(self) -> bool:
        return self.keys is not None

    def start(self, opening: object, show_loading: Callable[[], None]) -> None:
        """Hold keys for `opening` until it is shown; after HOLD_LIMIT, `show_loading()` shows it as it loads."""
        if self.keys is None:
            self.keys = []
            self._timer = self.app.set_timer(HOLD_LIMIT, self._expired)
        self.opening, self._show_loading = opening, show_loading

    def takes(self, event: events.Event) -> bool:
        """Hold `event` if it is a key read while holding (the app then does not dispatch it)."""
        if self.keys is None or not isinstance(event, events.Key) or event.is_forwarded \
                or event.key in self.never_held:
            return False
        self.keys.append(event)
        return True

    def release(self) -> None:
        """The opened screen is shown: its keys are replayed once the app reaches the ReplayHeldKeys message."""
        if self.keys is not None:
            self._stop_timer()
            self.app.post_message(ReplayHeldKeys())

    def take_held(self) -> list[events.Key]:
        """The held keys, fresh copies in the order read, and the hold ends."""
        held, self.keys, self.opening = self.keys or [], None, None
        return [events.Key(key.key, key.character) for key in held]

    def failed(self, screen: object) -> None:
        """`screen`'s worker failed: if it is the one opening, the keys meant for it are dropped (the browser never
        sees them) and the hold ends."""
        if self.keys is not None and screen is self.opening:
            self._stop_timer()
            self.keys, self.opening = None, None

    def _expired(self) -> None:
        """A slow read: the screen is shown loading, and the held keys go to it (a key acts on no figures until
        the account is on it)."""
        self._timer = None
        if self._show_loading is not None:
            self._show_loading()
        self.release()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
