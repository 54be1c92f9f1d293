"""The account browser's table: renders one page of AccountRow; never holds the whole book."""
from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual._segment_tools import line_crop
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets.data_table import DuplicateKey, Row, RowKey

from calc.formatting import lev, money
from calc.views import AccountRow
from calc.vocabulary import DIAGNOSTIC_BADGES
from widgets.key_nav import KeyTable

NAME_MIN, NAME_MAX = 18, 40
CUSTODIAN_WIDTH = 12
LINE_STYLES_KEPT = 2048  # a page's lines in each cursor and hover state, a few times over


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
        # Styles of body lines, kept across pages (every state they depend on is in their keys) until the CSS
        # changes: (base style, row position, cursor, hover, ...) -> the line's cell styles.
        self._cell_styles: dict[tuple[object, ...], list[Style]] = {}
        self._texts: dict[RowKey, list[str] | None] = {}  # a page's rows as drawn, for the layout below
        self._texts_layout: tuple[object, ...] = ()
        self._widths: list[int] = []
        self._texts_width = 0  # the body lines' width: the columns', and the filler to the table's edge
        self._redraw_style: Style | None = None
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
        self._add_rows([(r.id, self._cells(r)) for r in rows])
        self._measured()

    def _cells(self, r: AccountRow) -> list[_Cell]:
        applied = "-" if r.max_applied_leverage is None else lev(r.max_applied_leverage)
        return [_cell(r.id), _cell(_fit(r.name, self._name_width)), _cell(lev(r.max_saved_leverage), right=True),
                _cell(applied, right=True), _cell(_badges(r)), _cell(money(r.nav), right=True),
                _cell(r.custodian[:CUSTODIAN_WIDTH]), _cell(r.type), _cell("yes" if r.margin_enabled else "no")]

    def _add_rows(self, rows: list[tuple[str, list[_Cell]]]) -> None:
        """DataTable.add_row for a whole page of one-line rows after `clear`: the same rows, keys and cursor, with the
        per-row work done once (add_row sorts the columns twice, re-validates the cursor and checks idle per row:
        half of showing a page of 100)."""
        columns = [column.key for column in self.ordered_columns]
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = dict(zip(columns, cells))
            self.rows[row_key] = Row(row_key, 1, None, False)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if rows and columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # as add_row does for a table's first row
        self._update_count += 1
        self.check_idle()

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

    def notify_style_update(self) -> None:
        self._cell_styles.clear()  # a theme or CSS change: DataTable drops its own caches here too
        self._redraw_style = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._redraw_style = None  # the table's own style is read once per redraw (render_line), not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """DataTable's render_line (no fixed rows here), with the table's style read once per redraw."""
        if self.fixed_rows:
            return super().render_line(y)
        if self._redraw_style is None:
            self._redraw_style = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        if y >= (self.header_height if self.show_header else 0):
            y += scroll_y
        return self._render_line(y, scroll_x, scroll_x + self.size.width, self._redraw_style)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """A body line as one Strip of its cells, cut to the columns in view: what DataTable's crop, pad and merge
        make of a line at least as wide as the table (nothing to pad; cells all differ in meta: nothing merges)."""
        width = self.size.width
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        texts = self._line_texts(row_key, width)
        total = self._texts_width
        if texts is None or x2 - x1 != width or x2 > total:
            return super()._render_line(y, x1, x2, base_style)
        cursor, hover = self.cursor_coordinate, self.hover_coordinate
        cache_key = (y, x1, x2, width, cursor, hover, base_style, self.cursor_type, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        strip = self._line_cache.get(cache_key)
        if strip is None:
            cells = self._body_line(row_key, line_no, base_style, cursor, hover, texts)
            segments = [segment for cell in cells for segment in cell]
            if x1 or x2 != total:
                segments = line_crop(segments, x1, x2, total)
            strip = self._line_cache[cache_key] = Strip(segments, width)
        return strip

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style, cursor_location: Coordinate,
                            hover_location: Coordinate) -> tuple[list[list[Segment]], list[list[Segment]]]:
        texts = self._line_texts(row_key, self.size.width)
        if texts is None:
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        return [], self._body_line(row_key, line_no, base_style, cursor_location, hover_location, texts)

    def _body_line(self, row_key: RowKey, line_no: int, base_style: Style, cursor_location: Coordinate,
                   hover_location: Coordinate, texts: list[str]) -> list[list[Segment]]:
        """A body line's cells as DataTable's `_render_line_in_row` builds them (one segment per cell, then the filler
        to the table's edge), from texts kept per page and styles kept per row position (asked of the CSS for every
        line and cell there: most of a redraw)."""
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location, "row", show_cursor, show_hover,
                     self._update_count, self._pseudo_class_state)
        found = self._row_render_cache.get(cache_key)
        if found is not None:
            return found[1]
        row_index = self._row_locations.get(row_key)
        styles = self._line_styles(row_index, cursor_location.row == row_index, hover_location.row == row_index,
                                   base_style, len(texts))
        line = [[Segment(text, style)] for text, style in zip(texts, styles)]
        self._row_render_cache[cache_key] = ([], line)
        return line

    def _line_texts(self, row_key: RowKey, width: int) -> list[str] | None:
        """A body row's cells as drawn (padded, fitted to their columns), then the filler to the table's edge; None
        for a row DataTable must draw itself. Kept until the page, a column's width or the table's width changes."""
        if row_key is self._header_row_key:
            return None
        layout = (self._update_count, width, self.cell_padding, self.fixed_columns, self.fixed_rows,
                  self.cursor_type, self._labelled_row_exists and self.show_row_labels)
        if layout != self._texts_layout:
            self._texts_layout, self._texts = layout, {}
            widths = [c.get_render_width(self) for c in self.ordered_columns]
            self._widths = widths
            self._texts_width = sum(widths) + max(0, width - sum(widths) - self._row_label_column_width)
        texts = self._texts.get(row_key)
        if texts is None and row_key not in self._texts:
            texts = self._texts[row_key] = self._cell_texts(row_key, width)
        return texts

    def _cell_texts(self, row_key: RowKey, width: int) -> list[str] | None:
        fixed_columns, fixed_rows, cursor_type, labelled = self._texts_layout[3:]
        row = self.rows.get(row_key)
        if row is None or row.height != 1 or fixed_columns or fixed_rows or cursor_type != "row" or labelled:
            return None
        cells = self._data[row_key]
        padding = self.cell_padding
        pad = " " * padding
        texts = []
        for column, column_width in zip(self.ordered_columns, self._widths):
            cell = cells.get(column.key)
            if not isinstance(cell, _Cell):
                return None
            texts.append(set_cell_size(pad + cell.line(max(0, column_width - 2 * padding)) + pad, column_width))
        texts.append(" " * max(0, width - sum(self._widths) - self._row_label_column_width))
        return texts

    def _line_styles(self, row_index: int, cursor: bool, hover: bool, base_style: Style, cells: int) -> list[Style]:
        """A body line's styles: each cell's as `_render_cell` composes it (row style, meta, cursor and hover, the CSS
        priorities), then the filler's as `_render_line_in_row` does (out of bounds, no priorities)."""
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        key = (base_style, row_index, cursor, hover, cells, show_cursor, show_hover, self.zebra_stripes,
               self.cursor_foreground_priority, self.cursor_background_priority, self._pseudo_class_state)
        styles = self._cell_styles.get(key)
        if styles is not None:
            return styles
        if len(self._cell_styles) > LINE_STYLES_KEPT:
            self._cell_styles.clear()
        row_style = self._get_row_style(row_index, base_style)
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, show_cursor, show_hover,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        styles = [row_style + Style.from_meta({"row": row_index, "column": column}) + component + post
                  for column in range(cells - 1)]
        extend, _ = self._get_styles_to_render_cell(False, False, False, hover, cursor, show_cursor, show_hover,
                                                    False, False)
        styles.append(row_style + extend + Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True}))
        self._cell_styles[key] = styles
        return styles

    @property
    def selected_account(self) -> str | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
