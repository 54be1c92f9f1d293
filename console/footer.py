"""The footer every screen uses: when the terminal is too narrow for every key, it keeps the registry's
highest-ranked keys whole (never a key cut mid-word) and `?` help lists the rest."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import (
    FooterKey,  # the pinned Textual's key widget; Footer composes nothing else we use
)

from console.actions import footer_rank

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

PALETTE_WIDTH = 14  # "^p palette" docked right, with its padding and separator
PALETTE_MIN_WIDTH = 130  # below this the palette key gives its room to the screen's keys (? help names ctrl+p)

# One shown key: what a FooterKey is built from (binding key, key display, description, action, enabled, tooltip).
ShownKey = tuple[str, str, str, str, bool, str]


def key_width(key_display: str, description: str) -> int:
    """A FooterKey's cells: the key with one space each side, the description with one after."""
    return len(key_display) + 2 + (len(description) + 1 if description else 0)


class PriorityFooter(Footer):
    """A Footer that drops the lowest-ranked keys first, and shows the kept ones in the registry's order.

    It rebuilds its keys only when what they show changed. Textual's Footer recomposes once per bindings
    refresh, and a screen refreshes its bindings twice per focus change and once per suspend and resume: an
    opened account recomposed its footer 7 times (about 70 keys built, each styled twice) for the same keys.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._width = 0
        self._shown: tuple[tuple[ShownKey, ...], ShownKey | None] | None = None  # what the keys show now
        self._pending = False  # a refresh of the keys is queued

    def _keys(self) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        """The screen's keys that fit, in the registry's order, and the palette key if it has room."""
        width = self.size.width or self.app.size.width
        palette = width >= PALETTE_MIN_WIDTH and self.app.ENABLE_COMMAND_PALETTE
        budget = width - (PALETTE_WIDTH if palette else 0)
        active = self.screen.active_bindings
        unique: dict[str, tuple[Binding, bool, str]] = {}
        for (_, b, enabled, tooltip) in active.values():
            if b.show and b.key != self.app.COMMAND_PALETTE_BINDING:
                unique.setdefault(b.action, (b, enabled, tooltip))  # one key per action, as Footer shows it
        entries = list(unique.values())
        kept: set[int] = set()
        used = 0
        for index in sorted(range(len(entries)), key=lambda i: footer_rank(entries[i][0].id)):
            b = entries[index][0]
            cells = key_width(self.app.get_key_display(b), b.description)
            if used + cells > budget:
                break  # strictly by rank: a lower-ranked short key never jumps a higher-ranked long one
            kept.add(index)
            used += cells
        keys = tuple((b.key, self.app.get_key_display(b), b.description, b.action, enabled, tooltip)
                     for index, (b, enabled, tooltip) in enumerate(entries) if index in kept)
        palette_key = None
        if palette and self.app.COMMAND_PALETTE_BINDING in active:
            _node, b, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette_key = (b.key, self.app.get_key_display(b), b.description, b.action, enabled,
                           b.tooltip or b.description)
        return keys, palette_key

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys, palette_key = self._shown = self._keys()
        self.show_command_palette = palette_key is not None
        for key, display, description, action, enabled, tooltip in keys:
            yield self._key(FooterKey(key, display, description, action, disabled=not enabled, tooltip=tooltip))
        if palette_key is not None:
            key, display, description, action, enabled, tooltip = palette_key
            yield FooterKey(key, display, description, action, classes="-command-palette", disabled=not enabled,
                            tooltip=tooltip)

    def _key(self, key: FooterKey) -> FooterKey:
        """A key in this footer's style, set before it mounts: Footer's `data_bind(compact=...)` styles each key
        twice as it mounts and leaves a watcher on the footer that outlives the key (textual#6666)."""
        key.set_reactive(FooterKey.compact, self.compact)
        return key

    def watch_compact(self, compact: bool) -> None:
        """What the data binding did: the screen's keys follow the footer's style (the palette key keeps its own)."""
        for key in self.query(FooterKey):
            if not key.has_class("-command-palette"):
                key.compact = compact

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._refresh_keys()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Rebuild the keys once the screen has refreshed, once however many refreshes asked meanwhile."""
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        if self._bindings_ready and self.is_attached and self._keys() != self._shown:
            await self.recompose()
