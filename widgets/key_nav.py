"""Tables and lists that move with j/k as well as the arrows (DESIGN.md keys: `j`/`k` and arrows move)."""
from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable, OptionList

VIM_MOVES = [
    Binding("j", "cursor_down", "Down", show=False, id="move-down"),
    Binding("k", "cursor_up", "Up", show=False, id="move-up"),
]


class KeyTable(DataTable):
    """A DataTable every screen uses, so j/k move in every table."""

    BINDINGS = VIM_MOVES


class KeyOptionList(OptionList):
    """An OptionList that j/k move too."""

    BINDINGS = VIM_MOVES
