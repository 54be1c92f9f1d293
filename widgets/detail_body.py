"""The detail screen's body: a card per sleeve, then the margin panel, the risk panel and the diagnostics."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content

from calc.diagnostics import pending_banner
from calc.formatting import money
from calc.views import AccountDetail
from widgets.diagnostics_list import DiagnosticsList
from widgets.margin_panel import MarginPanel
from widgets.risk_panel import RiskPanel
from widgets.sleeve_card import SleeveCard


@dataclass(frozen=True)
class DetailView:
    """Everything the detail draws for one account, as text: built once, on the read's worker (`of`), so the UI
    thread only swaps it in (issue 17 item 4). Names are the book's text, never markup. A widget redraws only a
    text that changed; Textual's Content compares the plain text alone, which is enough because every style here
    follows from the text (a reload that changed only a style would not be drawn)."""

    detail: AccountDetail
    title: Content
    banner: Content
    cards: tuple[Content, ...]
    margin: Content
    diagnostics: Content

    @classmethod
    def of(cls, detail: AccountDetail) -> DetailView:
        a = detail.account
        margin = "margin enabled" if a.margin_enabled else "margin NOT enabled"
        return cls(
            detail=detail,
            title=Content(f"{a.id} · {a.name} · {a.custodian} · {a.type} · {margin} · NAV {money(detail.nav)}"),
            banner=Content(pending_banner(a)),
            cards=tuple(SleeveCard.text_of(s) for s in detail.sleeves),
            margin=MarginPanel.text_of(detail.margin, detail.annual_rate, a.house_maintenance),
            diagnostics=DiagnosticsList.text_of(detail.diagnostics, detail.reconciliation))


class DetailBody(VerticalScroll):
    """Built with its panels (laid out with the screen, while the account loads) and refilled in place: a reload
    or another account updates every widget where it stands, and only cards beyond those it ever held are mounted."""

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

    @property
    def cards(self) -> list[SleeveCard]:
        """The cards shown, one per sleeve of the account, in order (spare ones are kept hidden after them)."""
        return [card for card in self.query(SleeveCard) if card.display]

    async def show(self, view: DetailView) -> list[SleeveCard]:
        """The account's cards: the cards held refilled in order (a reload keeps place and focus, and another
        account reuses them) and the spare ones hidden, kept for an account with more sleeves: mounting or
        removing a card costs an open 3-5 ms and a few turns of the event loop (the slowest opens were those).
        A card is mounted only for more sleeves than the body ever held. Only a widget whose text changed is
        laid out and drawn again."""
        detail = view.detail
        cards = list(self.query(SleeveCard))
        for card, sleeve, text in zip(cards, detail.sleeves, view.cards):
            card.show(sleeve, text)
            if not card.display:  # setting it, even unchanged, lays the card out again
                card.display = True
        for spare in cards[len(detail.sleeves):]:
            if spare.display:
                spare.display = False  # neither drawn nor focusable: no key reaches its last sleeve
        del cards[len(detail.sleeves):]
        if len(cards) < len(detail.sleeves):
            extra = [SleeveCard(s, text) for s, text in zip(detail.sleeves[len(cards):], view.cards[len(cards):])]
            await self.mount_all(extra, before="#margin")
            cards += extra
        self.query_one(MarginPanel).show(detail.margin, detail.annual_rate, detail.account.house_maintenance,
                                         view.margin)
        self.query_one(DiagnosticsList).show(detail.diagnostics, detail.reconciliation, view.diagnostics)
        self.display = True
        return cards
