"""The footer every screen uses: when the terminal is too narrow for every key, it keeps the registry's
highest-ranked keys whole (never a key cut mid-word) and `?` help lists the rest."""
from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import (
    FooterKey,  # the pinned Textual's key widget; Footer composes nothing else we use
)

from console.actions import footer_rank

PALETTE_WIDTH = 14  # "^p palette" docked right, with its padding and separator
PALETTE_MIN_WIDTH = 130  # below this the palette key gives its room to the screen's keys (? help names ctrl+p)


def key_width(key_display: str, description: str) -> int:
    """A FooterKey's cells: the key with one space each side, the description with one after."""
    return len(key_display) + 2 + (len(description) + 1 if description else 0)


class PriorityFooter(Footer):
    """A Footer that drops the lowest-ranked keys first, and shows the kept ones in the registry's order."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        palette = width >= PALETTE_MIN_WIDTH and self.app.ENABLE_COMMAND_PALETTE
        self.show_command_palette = palette
        budget = width - (PALETTE_WIDTH if palette else 0)
        shown = [(b, enabled, tooltip) for (_, b, enabled, tooltip) in self.screen.active_bindings.values()
                 if b.show and b.key != self.app.COMMAND_PALETTE_BINDING]
        unique: dict[str, tuple] = {}
        for entry in shown:
            unique.setdefault(entry[0].action, entry)  # one key per action, as Footer shows it
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
        for index, (b, enabled, tooltip) in enumerate(entries):
            if index in kept:
                yield FooterKey(b.key, self.app.get_key_display(b), b.description, b.action, disabled=not enabled,
                                tooltip=tooltip).data_bind(compact=Footer.compact)
        if palette:
            try:
                _node, b, enabled, tooltip = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            yield FooterKey(b.key, self.app.get_key_display(b), b.description, b.action, classes="-command-palette",
                            disabled=not enabled, tooltip=b.tooltip or b.description)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
