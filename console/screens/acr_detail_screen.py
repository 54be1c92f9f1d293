"""One stored ACR as it was fired: kind, leverage, operator, the checklist with each acknowledgement, orders, fills."""
from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from calc.amounts import cash_moved
from calc.formatting import lev, money
from calc.views import AcrRecord
from calc.vocabulary import kind_title
from console.actions import bindings
from console.footer import PriorityFooter
from console.screens.base import ConsoleScreen
from widgets.key_nav import KeyTable
from widgets.order_table import number

NUMERIC = {"Qty", "Price", "Notional", "Filled", "Fill price"}

CHECK_MARKS = {"passed": "✔", "acknowledged": "☑", "awaiting": "☐", "failed": "✘"}


def acr_summary(a: AcrRecord) -> str:
    """The ACR's header lines: what, on which sleeve, by whom, and how it ended."""
    moved = money(cash_moved(a.kind, a.amount))
    lines = [f"{kind_title(a.kind)} · amount {moved} · at {lev(a.leverage)} · {a.status}",
             f"Sleeve {a.sleeve_id} · fired by {a.operator} at {a.created_at[:16].replace('T', ' ')}"]
    if a.code:
        lines.append(f"{a.code}: {a.reason}" + (f"\nFix: {a.fix}" if a.fix else ""))
    return escape("\n".join(lines))


def checklist_text(a: AcrRecord) -> str:
    """Each stored checklist item with its mark; an acknowledgement names the operator who gave it."""
    lines = []
    for item in a.checklist:
        mark = CHECK_MARKS.get(item.get("status", ""), "·")
        who = f" (acknowledged by {a.operator})" if item.get("status") == "acknowledged" else ""
        detail = f": {item['detail']}" if item.get("detail") else ""
        lines.append(f"{mark} {item.get('title', item.get('id', ''))}{detail}{who}")
    return escape("\n".join(lines) or "No checklist was stored with this ACR.")


class AcrDetailScreen(ConsoleScreen[None]):
    """Read-only: nothing here trades."""

    SCOPE = "acr-detail"
    BINDINGS = bindings("acr-detail")

    def __init__(self, record: AcrRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        a = self.record
        yield Header()
        yield Static(f"ACR {a.id} · {escape(a.account_id)}", id="acr-detail-title", classes="title")
        with VerticalScroll(id="acr-detail-body"):
            yield Static(acr_summary(a), id="acr-detail-summary", classes="panel")
            yield Static(checklist_text(a), id="acr-detail-checklist", classes="panel")
            yield KeyTable(id="acr-detail-orders", cursor_type="row", zebra_stripes=True)
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.query_one("#acr-detail-checklist").border_title = "Checklist as fired"
        table = self.query_one("#acr-detail-orders", KeyTable)
        table.border_title = f"Orders and fills ({len(self.record.orders)})"
        for label in ("Side", "Symbol", "Qty", "Price", "Notional", "Status", "Filled", "Fill price"):
            table.add_column(Text(label, justify="right") if label in NUMERIC else label)
        for o in self.record.orders:
            table.add_row(o.side.upper(), o.symbol, number(f"{o.quantity:,}"), number(money(o.price)),
                          number(money(o.notional)), o.status, number(f"{o.filled_quantity:,}"),
                          number(money(o.fill_price)))
        table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()
