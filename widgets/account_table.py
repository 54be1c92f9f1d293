"""The account browser's table: renders one page of AccountRow; never holds the whole book."""
from __future__ import annotations

from rich.text import Text
from textual import events

from calc.formatting import lev, money
from calc.views import AccountRow
from calc.vocabulary import DIAGNOSTIC_BADGES
from widgets.plain_table import PlainCell, PlainTable

NAME_MIN, NAME_MAX = 18, 40
CUSTODIAN_WIDTH = 12


def _cell(text: str, right: bool = False) -> PlainCell:
    return PlainCell(text, right)


def _badges(row: AccountRow) -> str:
    return " ".join(DIAGNOSTIC_BADGES[c] for c in row.codes)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class AccountTable(PlainTable):
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
        self._add_rows([(r.id, self._cells(r)) for r in rows])
        self._measured()

    def _cells(self, r: AccountRow) -> list[PlainCell]:
        applied = "-" if r.max_applied_leverage is None else lev(r.max_applied_leverage)
        return [_cell(r.id), _cell(_fit(r.name, self._name_width)), _cell(lev(r.max_saved_leverage), right=True),
                _cell(applied, right=True), _cell(_badges(r)), _cell(money(r.nav), right=True),
                _cell(r.custodian[:CUSTODIAN_WIDTH]), _cell(r.type), _cell("yes" if r.margin_enabled else "no")]

    @property
    def selected_account(self) -> str | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
