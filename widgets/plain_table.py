"""A DataTable of one-line plain-text cells that draws its page itself: the account browser's table, redrawn on
every filter keystroke, where DataTable's drawing through Rich (every cell, every line) was most of the keystroke."""
from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._segment_tools import line_crop
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets.data_table import DuplicateKey, Row, RowKey

from widgets.key_nav import KeyTable

LINE_STYLES_KEPT = 2048  # a page's lines in each cursor and hover state, a few times over


class PlainCell(Text):
    """One line of plain text whose width is known up front.

    Never markup: a name like "Bad [/x] LLC" must show as typed (a str cell is parsed as markup, which drops or
    rejects brackets). Its width is measured once, not through Rich per column on every page (a page of 100 rows
    is 900 cells a keystroke).
    """

    __slots__ = ("cells",)

    def __init__(self, text: str, right: bool = False) -> None:
        # Text.__init__'s fields set here, to the values it sets (a page builds 900 cells a keystroke: its keyword
        # call was a third of showing one).
        text = strip_control_codes(text)
        self._text, self._length, self._spans = [text], len(text), []
        self.style, self.justify, self.overflow, self.no_wrap, self.end, self.tab_size = \
            "", "right" if right else "left", None, True, "", None
        self.cells = cell_len(text)

    def __rich_measure__(self, console: object, options: object) -> Measurement:
        return Measurement(self.cells, self.cells)

    def line(self, width: int) -> str:
        """The cell's one line fitted to `width` columns as Rich would lay it out (justified, cropped)."""
        if self.cells >= width:
            return set_cell_size(self.plain, width)
        room = " " * (width - self.cells)
        return room + self.plain if self.justify == "right" else self.plain + room


class PlainTable(KeyTable):
    """A DataTable whose rows of PlainCells are added a page at once and drawn from texts kept per page and styles
    kept per row position; every other row, the header and any other set-up are drawn by DataTable itself. Tests
    (tests/functional/test_account_table.py) compare every cell and line with DataTable's own drawing."""

    def __init__(self, **kwargs) -> None:
        # Styles of body lines, kept across pages (every state they depend on is in their keys) until the CSS
        # changes: (base style, row position, cursor, hover, ...) -> the line's cell styles.
        self._cell_styles: dict[tuple[object, ...], list[Style]] = {}
        self._header_lines: dict[tuple[object, ...], tuple[list[list[Segment]], list[list[Segment]]]] = {}
        self._texts: dict[RowKey, list[str] | None] = {}  # a page's rows as drawn, for the layout below
        self._texts_layout: tuple[object, ...] = ()
        self._widths: list[int] = []
        self._texts_width = 0  # the body lines' width: the columns', and the filler to the table's edge
        self._redraw_style: Style | None = None
        super().__init__(**kwargs)

    def _add_rows(self, rows: list[tuple[str, list[PlainCell]]]) -> None:
        """DataTable.add_row for a whole page of one-line rows after `clear`: the same rows, keys and cursor, with the
        per-row work done once (add_row sorts the columns twice, re-validates the cursor and checks idle per row:
        half of showing a page of 100)."""
        columns = [column.key for column in self.ordered_columns]
        first_rows = not self.rows  # add_row highlights the cursor when a table's first row arrives
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = dict(zip(columns, cells))
            self.rows[row_key] = Row(row_key, 1, None, False)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if rows and first_rows and columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def _measured(self) -> None:
        """Column widths from the cells' known widths, so the table does not measure 900 cells through Rich."""
        for column in self.columns.values():
            cells = (row[column.key] for row in self._data.values())
            column.content_width = max([column.content_width, *(c.cells for c in cells if isinstance(c, PlainCell))])
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
        if not isinstance(cell, PlainCell) or self.rows[row_key].height != 1:
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
        self._header_lines.clear()
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
        if row_key is self._header_row_key:
            return self._header_line(line_no, base_style, cursor_location, hover_location)
        texts = self._line_texts(row_key, self.size.width)
        if texts is None:
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        return [], self._body_line(row_key, line_no, base_style, cursor_location, hover_location, texts)

    def _header_line(self, line_no: int, base_style: Style, cursor_location: Coordinate,
                     hover_location: Coordinate) -> tuple[list[list[Segment]], list[list[Segment]]]:
        """The header as DataTable draws it, kept while its labels, widths and state are the same: DataTable keys
        it on the table's update count, which every page moves (2 ms a keystroke through Rich)."""
        columns = tuple((c.key, c.label.plain, c.label.style, c.label.justify, c.get_render_width(self))
                        for c in self.ordered_columns)
        key = (columns, line_no, base_style, cursor_location, hover_location, self.cursor_type, self.show_cursor,
               self._show_hover_cursor, self._pseudo_class_state, self.size.width, self.fixed_columns,
               self._labelled_row_exists and self.show_row_labels, self._row_label_column_width)
        found = self._header_lines.get(key)
        if found is None:
            if len(self._header_lines) > LINE_STYLES_KEPT:
                self._header_lines.clear()
            found = self._header_lines[key] = super()._render_line_in_row(
                self._header_row_key, line_no, base_style, cursor_location, hover_location)
        return found

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
            if not isinstance(cell, PlainCell):
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
