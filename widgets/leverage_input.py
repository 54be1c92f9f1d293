"""A numeric input that leaves letter keys to the screen's bindings (e.g. `t` for track manager)."""
from __future__ import annotations

from widgets.typed_input import TypedInput

NUMERIC = frozenset("0123456789.")


class LeverageInput(TypedInput):
    """Accepts digits and a point; every other printable key stays free for bindings."""

    def __init__(self, **kwargs) -> None:
        super().__init__(restrict=r"[0-9.]*", max_length=8, **kwargs)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in NUMERIC
