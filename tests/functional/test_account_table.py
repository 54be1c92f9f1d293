"""The account table draws its cells itself (no Rich console per cell): it must draw what DataTable would."""
from __future__ import annotations

from decimal import Decimal

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

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


def _chars(strip) -> list[tuple[str, object]]:
    return [(ch, seg.style) for seg in strip for ch in seg.text]


def _stock_line(table: AccountTable, y: int, x1: int, x2: int, base) -> list[tuple[str, object]]:
    """A line as DataTable draws it: its own _render_line, _render_line_in_row and _render_cell (Rich per cell)."""
    table._clear_caches()
    table._render_line_in_row = lambda *a, **k: DataTable._render_line_in_row(table, *a, **k)
    table._render_cell = lambda *a, **k: DataTable._render_cell(table, *a, **k)
    try:
        return _chars(DataTable._render_line(table, y, x1, x2, base))
    finally:
        del table._render_line_in_row, table._render_cell
        table._clear_caches()


async def _lines_match(table: AccountTable, pilot) -> int:
    """Every line of the table in view, ours against DataTable's, at the scroll positions given; the count compared."""
    compared, fast = 0, []
    base = table.rich_style
    body_line = table._body_line
    table._body_line = lambda *a: fast.append(a) or body_line(*a)  # counts the lines drawn without DataTable
    width = table.size.width
    for scroll_x in sorted({0, 3, max(0, table.virtual_size.width - width)}):
        table.scroll_to(x=scroll_x, animate=False)
        await pilot.pause()
        x1 = int(table.scroll_offset.x)
        for y in range(table.size.height):
            ours = _chars(table._render_line(y, x1, x1 + width, base))
            assert ours == _stock_line(table, y, x1, x1 + width, base), (y, x1)
            compared += 1
    del table._body_line
    assert fast, "no line took the table's own drawing"
    return compared


async def test_lines_drawn_as_datatable_draws_them():
    """Issue 17: a body line is built from texts and styles kept per page and row position (the redraw of a page was
    most of a keystroke); every line in view, with the cursor, hover, and scrolled across, must be DataTable's."""
    for size in [(100, 12), (60, 12)]:  # at 60 columns the table is wider than the widget: lines are cut
        app = TableApp()
        async with app.run_test(size=size) as pilot:
            table = app.query_one(AccountTable)
            table.show_rows([_row(i, name) for i, name in enumerate(NAMES * 3, start=1)])
            await pilot.pause()
            table.move_cursor(row=2)
            table._set_hover_cursor(True)
            table.hover_coordinate = table.cursor_coordinate.down()
            await pilot.pause()
            assert await _lines_match(table, pilot) >= 3 * table.size.height - 3
            table.show_cursor = False
            await pilot.pause()
            assert await _lines_match(table, pilot)


async def test_a_page_added_at_once_is_the_table_add_row_builds():
    """The page's rows are added in one step (add_row's per-row work was half of showing 100 rows): the same keys in
    the same order, the same cells, the cursor highlighted as add_row highlights it."""
    rows = [_row(i, name) for i, name in enumerate(NAMES, start=1)]
    highlighted: list[object] = []

    class Watched(TableApp):
        def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
            highlighted.append(event.row_key.value)

    app = Watched()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(AccountTable)
        table.show_rows(rows)
        await pilot.pause()
        assert highlighted == [rows[0].id]
        stock = DataTable()
        for column in table.ordered_columns:
            stock.add_column(column.label, key=column.key.value)
        for r in rows:
            stock.add_row(*table._cells(r), key=r.id)
        assert [k.value for k in table.rows] == [k.value for k in stock.rows] == [r.id for r in rows]
        assert [[str(c) for c in table.get_row_at(i)] for i in range(len(rows))] == \
               [[str(c) for c in stock.get_row_at(i)] for i in range(len(rows))]
        assert table.row_count == stock.row_count and table.cursor_coordinate == stock.cursor_coordinate
        table.move_cursor(row=3)
        await pilot.pause()
        assert table.selected_account == rows[3].id
        with pytest.raises(DuplicateKey):
            table._add_rows([(rows[0].id, table._cells(rows[0]))])
        seen = len(highlighted)
        more = _row(99, "Added Later")
        table._add_rows([(more.id, table._cells(more))])  # to a table with rows: no new highlight, as add_row
        await pilot.pause()
        assert len(highlighted) == seen and table.get_row_at(len(rows))[0].plain == more.id
