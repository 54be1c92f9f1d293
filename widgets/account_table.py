"""The account browser's table: renders one page of AccountRow; never holds the whole book."""
from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events

from calc.formatting import lev, money
from calc.views import AccountRow
from calc.vocabulary import DIAGNOSTIC_BADGES
from widgets.key_nav import KeyTable

NAME_MIN, NAME_MAX = 18, 40
CUSTODIAN_WIDTH = 12


class _Cell(Text):
    """One line of plain text whose width is known up front.

    Never markup: a name like "Bad [/x] LLC" must show as typed (a str cell is parsed as markup, which drops or
    rejects brackets). Its width is measured once, not through Rich per column on every page (a page of 100 rows
    is 900 cells a keystroke).
    """

    def __init__(self, text: str, right: bool = False) -> None:
        super().__init__(text, no_wrap=True, end="", justify="right" if right else "left")
        self.cells = cell_len(text)

    def __rich_measure__(self, console: object, options: object) -> Measurement:
        return Measurement(self.cells, self.cells)

    def line(self, width: int) -> str:
        """The cell's one line fitted to `width` columns as Rich would lay it out (justified, cropped)."""
        if self.cells >= width:
            return set_cell_size(self.plain, width)
        room = " " * (width - self.cells)
        return room + self.plain if self.justify == "right" else self.plain + room


def _cell(text: str, right: bool = False) -> _Cell:
    return _Cell(text, right)


def _badges(row: AccountRow) -> str:
    return " ".join(DIAGNOSTIC_BADGES[c] for c in row.codes)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class AccountTable(KeyTable):
    """One page of accounts; the row key is the account id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._rows: list[AccountRow] = []
        self._name_width = NAME_MIN

    def _columns(self) -> None:
        # Why-not-leveraging columns come first so an 80-column terminal never cuts them off.
        self.add_column("Account", key="id")
        self.add_column("Name", key="name", width=self._name_width)
        self.add_column("Saved", key="lev")
        self.add_column("Applied", key="applied")
        self.add_column("Diagnostics", key="codes")
        self.add_column(Text("NAV", justify="right"), key="nav")
        self.add_column("Custodian", key="custodian")
        self.add_column("Type", key="type")
        self.add_column("Margin", key="margin")

    def on_mount(self) -> None:
        self._columns()

    def on_resize(self, event: events.Resize) -> None:
        if self._fit_name(event.size.width) != self._name_width:
            row = self.cursor_row
            self.show_rows(self._rows)
            if self._rows:
                self.move_cursor(row=min(row, len(self._rows) - 1))

    def _fit_name(self, width: int) -> int:
        """The name gets what the other why-not-leveraging columns and the custodian leave (cell padding 2 each)."""
        others = [8, 5, 7, len("Diagnostics"), len("NAV"), CUSTODIAN_WIDTH]
        for r in self._rows:
            others[0] = max(others[0], len(r.id))
            others[3] = max(others[3], len(_badges(r)))
            others[4] = max(others[4], len(money(r.nav)))
        room = width - sum(others) - 2 * (len(others) + 1) - 2  # and the scrollbar
        longest = max((len(r.name) for r in self._rows), default=len("Name"))
        return max(len("Name"), min(longest, NAME_MAX, max(NAME_MIN, room)))

    def show_rows(self, rows: list[AccountRow]) -> None:
        self._rows = rows
        self._name_width = self._fit_name(self.size.width or self.app.size.width)
        self.clear(columns=True)
        self._columns()
        for r in rows:
            applied = "-" if r.max_applied_leverage is None else lev(r.max_applied_leverage)
            self.add_row(
                _cell(r.id), _cell(_fit(r.name, self._name_width)), _cell(lev(r.max_saved_leverage), right=True),
                _cell(applied, right=True),
                _cell(_badges(r)), _cell(money(r.nav), right=True), _cell(r.custodian[:CUSTODIAN_WIDTH]), _cell(r.type), _cell("yes" if r.margin_enabled else "no"), key=r.id)
        self._measured()

    def _measured(self) -> None:
        """Column widths from the cells' known widths, so the table does not measure 900 cells through Rich."""
        for column in self.columns.values():
            cells = (row[column.key] for row in self._data.values())
            column.content_width = max([column.content_width, *(c.cells for c in cells if isinstance(c, _Cell))])
        self._new_rows.clear()  # measured: the table still recomputes its size, with nothing left to measure

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int, cursor: bool = False,
                     hover: bool = False) -> list[list[Segment]]:
        """A body cell as one segment: the same text and styles DataTable's Rich pipeline (padding, justify, crop,
        style layers) makes, without rendering it through a Console; that pipeline was most of a keystroke."""
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 and column_index >= 0 else None
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or row_index < self.fixed_rows or column_index < self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cell = self._data[row_key].get(column_key)
        if not isinstance(cell, _Cell) or self.rows[row_key].height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor, self._update_count,
               self._pseudo_class_state)
        lines = self._cell_render_cache.get(key)
        if lines is None:
            component, post = self._get_styles_to_render_cell(
                False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
                self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
            style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component + post
            pad = " " * self.cell_padding
            inner = max(0, width - 2 * self.cell_padding)
            lines = [[Segment(set_cell_size(pad + cell.line(inner) + pad, width), style)]]
            self._cell_render_cache[key] = lines
        return lines

    @property
    def selected_account(self) -> str | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
