"""The account browser's table: renders one page of AccountRow; never holds the whole book."""
from __future__ import annotations

from rich.text import Text

from calc.formatting import lev, money
from calc.views import AccountRow
from calc.vocabulary import DIAGNOSTIC_BADGES
from widgets.key_nav import KeyTable


def _cell(text: str) -> Text:
    """Plain text, never markup: a name like "Bad [/x] LLC" must show as typed (a str cell is parsed as markup,
    which drops or rejects brackets), and skipping the parse makes a page of rows cheaper to measure."""
    return Text(text, no_wrap=True, end="")


class AccountTable(KeyTable):
    """One page of accounts; the row key is the account id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        # Why-not-leveraging columns come first so an 80-column terminal never cuts them off.
        self.add_column("Account", key="id")
        self.add_column("Name", key="name")
        self.add_column("Lev", key="lev")
        self.add_column("Diagnostics", key="codes")
        self.add_column("NAV", key="nav")
        self.add_column("Custodian", key="custodian")
        self.add_column("Type", key="type")
        self.add_column("Margin", key="margin")

    def show_rows(self, rows: list[AccountRow]) -> None:
        self.clear()
        for r in rows:
            self.add_row(*(_cell(c) for c in (
                r.id, r.name[:18], lev(r.max_saved_leverage), " ".join(DIAGNOSTIC_BADGES[c] for c in r.codes),
                money(r.nav), r.custodian[:12], r.type, "yes" if r.margin_enabled else "no")), key=r.id)

    @property
    def selected_account(self) -> str | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value
