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
    or another account updates every widget where it stands, and only cards beyond those it holds are mounted."""

    def compose(self) -> ComposeResult:
        yield MarginPanel(None, Decimal(0), id="margin")
        yield RiskPanel(id="risk")
        yield DiagnosticsList([], id="diagnostics")

    def on_mount(self) -> None:
        self.display = False  # nothing to read until an account arrives

    def clear(self) -> None:
        """Ready for the next account (its screen is off the stack meanwhile): risk panel loading, view at the top."""
        self.query_one(RiskPanel).show(None, RiskPanel.LOADING)
        self.scroll_home(animate=False, immediate=True)

    async def show(self, detail: AccountDetail) -> list[SleeveCard]:
        """The account's cards: the cards on screen refilled in order (a reload keeps place and focus, and another
        account reuses them), one mounted per extra sleeve and the spare ones removed."""
        cards = list(self.query(SleeveCard))
        for card, sleeve in zip(cards, detail.sleeves):
            card.show(sleeve)
        if len(cards) > len(detail.sleeves):
            await self.remove_children(cards[len(detail.sleeves):])
            del cards[len(detail.sleeves):]
        elif len(cards) < len(detail.sleeves):
            extra = [SleeveCard(s) for s in detail.sleeves[len(cards):]]
            await self.mount_all(extra, before="#margin")
            cards += extra
        self.query_one(MarginPanel).show(detail.margin, detail.annual_rate, detail.account.house_maintenance)
        self.query_one(DiagnosticsList).show(detail.diagnostics, detail.reconciliation)
        self.display = True
        return cards
