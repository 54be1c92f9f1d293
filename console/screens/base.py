"""Base screens: a typed `app`, and what every screen's store workers share."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static
from textual.worker import get_current_worker

from console.actions import ActionSpec
from console.messages import AccountChanged, AccountWritten, StoreFailed, WriteFailed

if TYPE_CHECKING:
    from console.app import MarginConsoleApp

ResultT = TypeVar("ResultT")


class StoreWorkers:
    """Mixed into screens: run inside a `@work(thread=True)` method, around the store call and its result."""

    if TYPE_CHECKING:
        @property
        def app(self) -> MarginConsoleApp: ...

        def post_message(self, message: Message) -> bool: ...

    @contextmanager
    def store_failures(self, failed: type[WriteFailed] | None = None) -> Iterator[None]:
        """Any error in the block becomes one StoreFailed on the App (an operator never sees a traceback).

        A write passes `failed`: the screen is told too, so it can say nothing was written and stay usable.
        """
        try:
            yield
        except Exception as error:
            self.app.post_message(StoreFailed(error, self))
            if failed is not None:
                self.post_message(failed(error))

    def written(self, account_id: str) -> None:
        """After a write: every screen showing the account reloads, whether or not this worker's result is shown."""
        self.app.post_message(AccountWritten(account_id))

    # -- a read-only session: write actions are off (hidden from the footer) and refused with a reason if pressed --

    def _write_spec(self, action: str | None = None, key: str | None = None) -> ActionSpec | None:
        """This screen's write action named `action` or bound to `key`, in a read-only session; else None."""
        if not self.app.read_only:
            return None
        scope = getattr(self, "SCOPE", "")
        return next((spec for spec in self.app.registry if spec.scope == scope and spec.writes and (
            spec.action.split("(")[0] == action or key in spec.keys.split(","))), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False hides a write action from the footer and keeps Textual from running it."""
        return self._write_spec(action=action) is None

    def on_key(self, event: events.Key) -> None:
        spec = self._write_spec(key=event.key)
        if spec is not None:
            event.stop()
            self.app.notify(f"{spec.description} is off: it writes the book and this session is read-only "
                            f"(set by {self.app.settings.where('read_only')}).", title="Read-only", severity="warning")

    def mark_stale(self, message: AccountChanged, account_id: str, container: str) -> None:
        """Another operator wrote this account while an editor or checklist is open: say so at the top of
        `container` and keep what is on screen (the operator's input stays; a conflicting write is refused)."""
        if message.changed_by is None or message.account_id != account_id:
            return
        text = (f"⚠ Stale: {message.changed_by} changed {account_id} ({message.action}) since this opened. "
                "Close and reopen to see the book as it is now.")
        shown = self.query("#stale")
        if shown:
            shown.first(Static).update(text)
        else:
            self.query_one(container).mount(Static(text, id="stale", classes="stale", markup=False), before=0)

    def deliver(self, message: Message) -> None:
        """Post a worker's result to this screen, unless the worker was cancelled (a newer one replaces it)."""
        if not get_current_worker().is_cancelled:
            self.post_message(message)


class ConsoleScreen(StoreWorkers, Screen[ResultT]):
    """A full screen of the console."""

    if TYPE_CHECKING:
        @property
        def app(self) -> MarginConsoleApp: ...  # type: ignore[override]


class ConsoleModal(StoreWorkers, ModalScreen[ResultT]):
    """A modal of the console."""

    if TYPE_CHECKING:
        @property
        def app(self) -> MarginConsoleApp: ...  # type: ignore[override]


BUTTON_MOVES = [
    Binding("left", "focus_button(-1)", "Previous button", show=False),
    Binding("right", "focus_button(1)", "Next button", show=False),
]


class ButtonMoves:
    """Mixed into dialogs: left/right move between the buttons (a focused input keeps them for its cursor)."""

    if TYPE_CHECKING:
        focused: object

        def query(self, selector: type[Button]) -> list[Button]: ...

    def action_focus_button(self, step: int) -> None:
        buttons = [b for b in self.query(Button) if b.display and not b.disabled]
        if not buttons:
            return
        current = self.focused
        index = buttons.index(current) + step if current in buttons else (0 if step > 0 else -1)
        buttons[index % len(buttons)].focus()
