"""A screen kept between uses, refilled while off the stack and then pushed: a push that need not restyle it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import ScreenResume

from console.textual_workarounds import css_generation

if TYPE_CHECKING:
    from textual.app import App


class RefilledPush:
    """Mixed into a kept screen: `push_when_refilled()` as its refill starts off the stack, `refilled()` once its
    widgets hold the new content, which pushes it.

    Textual restyles every node of a screen as it is pushed (a fifth of an account's open). A refilled screen's
    styles are current when the app's CSS has not changed since its last full restyle: each widget was styled as it
    changed. A theme changed while it was off the stack did not reach it (Textual restyles the stack only), so then,
    and on any other resume (a modal popped, say), it is restyled as Textual does.
    """

    _push_pending = False  # being refilled off the stack: pushed once the content is on it
    _pushed_filled = False  # the push under way is of the refilled screen
    _styled_at: int | None = None  # the app's CSS generation when Textual last restyled the whole screen

    if TYPE_CHECKING:
        @property
        def app(self) -> App[object]: ...

    def push_when_refilled(self) -> None:
        self._push_pending = True

    def push_now(self) -> None:
        """Push it before the content is on it (a slow read): it shows loading, and is filled on the stack."""
        if self._push_pending:
            self._push_pending = False
            self.app.push_screen(self)  # type: ignore[arg-type]

    def refilled(self) -> None:
        """The new content is on the screen: push it if it waited for that (a reload on the stack does not)."""
        if self._push_pending:
            self._push_pending = False
            self._pushed_filled = True
            self.app.push_screen(self)  # type: ignore[arg-type]

    def on_screen_resume(self, event: ScreenResume) -> None:
        generation = css_generation(self.app)
        if self._pushed_filled and generation is not None and generation == self._styled_at:
            event.refresh_styles = False
        self._pushed_filled = False
        if event.refresh_styles:
            self._styled_at = generation
