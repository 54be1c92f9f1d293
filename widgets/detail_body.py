"""The detail screen's body: a card per sleeve, then the margin panel, the risk panel and the diagnostics."""
from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from calc.views import AccountDetail
from widgets.diagnostics_list import DiagnosticsList
from widgets.margin_panel import MarginPanel
from widgets.risk_panel import RiskPanel
from widgets.sleeve_card import SleeveCard


class DetailBody(VerticalScroll):
    """Built with its panels (laid out with the screen, while the account loads) and refilled in place: a reload
    updates every widget where it stands, and only cards for sleeves it does not hold are mounted."""

    def compose(self) -> ComposeResult:
        yield MarginPanel(None, Decimal(0), id="margin")
        yield RiskPanel(id="risk")
        yield DiagnosticsList([], id="diagnostics")

    def on_mount(self) -> None:
        self.display = False  # nothing to read until an account arrives

    async def show(self, detail: AccountDetail) -> list[SleeveCard]:
        """The account's cards (the same widgets when its sleeves are the same: a reload keeps place and focus)."""
        cards = list(self.query(SleeveCard))
        if [c.sleeve.id for c in cards] == [s.id for s in detail.sleeves]:
            for card, sleeve in zip(cards, detail.sleeves):
                card.show(sleeve)
        else:
            await self.remove_children(SleeveCard)
            cards = [SleeveCard(s, id=f"sleeve-{s.id}") for s in detail.sleeves]
            await self.mount_all(cards, before="#margin")
        self.query_one(MarginPanel).show(detail.margin, detail.annual_rate, detail.account.house_maintenance)
        self.query_one(DiagnosticsList).show(detail.diagnostics, detail.reconciliation)
        self.display = True
        return cards
