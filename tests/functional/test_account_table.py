"""The account table draws its cells itself (no Rich console per cell): it must draw what DataTable would."""
from __future__ import annotations

from decimal import Decimal

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from calc.views import AccountRow
from widgets.account_table import AccountTable


def _row(i: int, name: str) -> AccountRow:
    return AccountRow(id=f"A-{i:06d}", name=name, custodian="Fidelity Trust Company", type="margin",
                      margin_enabled=i % 2 == 0, nav=Decimal(1234567 * i) / 100, max_saved_leverage=Decimal("1.5"),
                      codes=("PENDING_LEVERAGE",) if i % 3 == 0 else (), max_applied_leverage=None if i % 4 else
                      Decimal("1.25"))


LONG = "A very long account name that is cropped to the column with an ellipsis"
NAMES = ["Smith [Trust]", "Bad [/x] LLC", "Ünïcødé Hölding", "漢字の名前 Capital", LONG, ""]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AccountTable(id="accounts")


def _drawn(table: AccountTable, fast: bool) -> list[list[tuple[str, object]]]:
    """Every visible body cell, as (text, style) per segment, drawn by the table or by DataTable itself."""
    table._cell_render_cache.clear()
    render = table._render_cell if fast else lambda *a, **k: DataTable._render_cell(table, *a, **k)
    cells = []
    for row in range(table.row_count):
        style = table._get_row_style(row, table.rich_style)
        for column, col in enumerate(table.ordered_columns):
            for cursor in (False, True):
                lines = render(row, column, style, col.get_render_width(table), cursor=cursor)
                # Compare cell by cell (one segment or several, the same characters in the same styles).
                cells.append([(ch, seg.style) for line in lines for seg in line for ch in seg.text])
    return cells


async def test_cells_drawn_as_datatable_draws_them():
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(AccountTable)
        table.show_rows([_row(i, name) for i, name in enumerate(NAMES, start=1)])
        await pilot.pause()
        assert table.row_count == len(NAMES)
        fast, stock = _drawn(table, fast=True), _drawn(table, fast=False)
        assert len(fast) == len(stock) == len(NAMES) * 9 * 2
        assert fast == stock
        assert "".join(ch for ch, _ in fast[2]).strip() == "Smith [Trust]"  # brackets shown as typed


async def test_column_widths_as_datatable_measures_them():
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(AccountTable)
        table.show_rows([_row(i, name) for i, name in enumerate(NAMES, start=1)])
        await pilot.pause()
        ours = [c.content_width for c in table.ordered_columns]
        for column in table.ordered_columns:
            column.content_width = column.label.cell_len  # as add_column starts it
        table._update_dimensions(list(table.rows))  # DataTable's own measuring, through Rich
        assert [c.content_width for c in table.ordered_columns] == ours
