"""Base screens: a typed `app`, and what every screen's store workers share."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button
from textual.worker import get_current_worker

from console.messages import AccountWritten, StoreFailed, WriteFailed

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
            self.app.post_message(StoreFailed(error))
            if failed is not None:
                self.post_message(failed(error))

    def written(self, account_id: str) -> None:
        """After a write: every screen showing the account reloads, whether or not this worker's result is shown."""
        self.app.post_message(AccountWritten(account_id))

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
