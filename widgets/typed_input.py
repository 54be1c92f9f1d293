"""An Input that applies its editing keys in the order they were typed."""
from __future__ import annotations

from textual import events
from textual.widgets import Input


class TypedInput(Input):
    """Runs its own key bindings (backspace, arrows, home, ctrl+u…) as the key arrives, not after it bubbles.

    Textual runs a focused Input's bindings only once the key has bubbled up to the app, while a printable key is
    inserted at once. Keys that arrive in one read (fast typing, or any typing over a slow SSH link) are therefore
    reordered: "abc", then backspace and "z" read together, left "abc" (z inserted, then deleted) instead of "abz".
    The filter and every amount, leverage and reason box would then hold text the operator never typed.
    """

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)
