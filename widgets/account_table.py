"""The account browser's table: renders one page of AccountRow; never holds the whole book."""
from __future__ import annotations

from rich.text import Text
from textual import events

from calc.formatting import lev, money
from calc.views import AccountRow
from calc.vocabulary import DIAGNOSTIC_BADGES
from widgets.key_nav import KeyTable

NAME_MIN, NAME_MAX = 18, 48
# The columns an 80-column terminal must show whole besides the name (id, saved, applied, diagnostics, NAV),
# with the table's cell padding: the name takes what is left, so a wide terminal shows whole names.
FIXED_WIDTH = 8 + 6 + 7 + 12 + 13 + 5 * 2 + 2 + 14


def _cell(text: str, right: bool = False) -> Text:
    """Plain text, never markup: a name like "Bad [/x] LLC" must show as typed (a str cell is parsed as markup,
    which drops or rejects brackets), and skipping the parse makes a page of rows cheaper to measure."""
    return Text(text, no_wrap=True, end="", justify="right" if right else "left")


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
        width = max(NAME_MIN, min(NAME_MAX, event.size.width - FIXED_WIDTH))
        if width != self._name_width:
            self._name_width = width
            row = self.cursor_row
            self.show_rows(self._rows)
            if self._rows:
                self.move_cursor(row=min(row, len(self._rows) - 1))

    def show_rows(self, rows: list[AccountRow]) -> None:
        self._rows = rows
        self.clear(columns=True)
        self._columns()
        for r in rows:
            applied = "-" if r.max_applied_leverage is None else lev(r.max_applied_leverage)
            self.add_row(
                _cell(r.id), _cell(_fit(r.name, self._name_width)), _cell(lev(r.max_saved_leverage), right=True),
                _cell(applied, right=True),
                _cell(" ".join(DIAGNOSTIC_BADGES[c] for c in r.codes)), _cell(money(r.nav), right=True),
                _cell(r.custodian[:12]), _cell(r.type), _cell("yes" if r.margin_enabled else "no"), key=r.id)

    @property
    def selected_account(self) -> str | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
