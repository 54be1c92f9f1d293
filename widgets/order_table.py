"""Orders (a preview or an ACR's) as a compact table."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text

from calc.formatting import money
from widgets.key_nav import KeyTable

NUMERIC = {"Qty", "Price", "Notional"}


def number(text: str) -> Text:
    """A figure right-aligned in its column, so digits line up."""
    return Text(text, justify="right")


class OrderTable(KeyTable):
    """Side, symbol, quantity, price, notional and (for stored orders) status."""

    DEFAULT_CSS = """
    OrderTable {
        height: auto;
        max-height: 12;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)

    def on_mount(self) -> None:
        for label in ("Side", "Symbol", "Qty", "Price", "Notional", "Status"):
            right = label in NUMERIC
            self.add_column(Text(label, justify="right") if right else label, key=label.lower())

    def show_orders(self, orders: Iterable[Any]) -> None:
        self.clear()
        for i, o in enumerate(orders):
            self.add_row(o.side.upper(), o.symbol, number(f"{o.quantity:,}"), number(money(o.price)),
                         number(money(o.notional)), getattr(o, "status", "preview"), key=str(i))
