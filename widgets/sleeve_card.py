"""One sleeve's card: kind, model, saved / applied / actual leverage, track manager, cash and exposure."""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from calc.formatting import cash, lev, money
from calc.views import SleeveView


class SleeveCard(Static, can_focus=True):
    """A focusable card; the focused card is the sleeve the detail screen's keys act on."""

    DEFAULT_CSS = """
    SleeveCard {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    SleeveCard:focus {
        border: round $accent;
        background: $boost;
        border-title-style: reverse bold;
    }
    SleeveCard.-pending {
        border: round $warning;
    }
    SleeveCard.-pending:focus {
        border: double $warning;
    }
    """

    def __init__(self, sleeve: SleeveView, text: Content | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sleeve = sleeve
        self.text = text if text is not None else self.text_of(sleeve)
        self.set_class(sleeve.pending, "-pending")
        self._title(selected=False)

    @staticmethod
    def text_of(sleeve: SleeveView) -> Content:
        """The card's text for `sleeve`. Pure: the detail builds it on the read's worker, off the UI thread. The
        model's name is the book's text (`Core [60/40]` keeps its brackets), not markup."""
        s = sleeve
        if s.kind == "model":
            model = f"{s.model} {s.model_name}".strip() + (" (tactical)" if s.tactical else "")
            track = "ON" if s.track_manager else f"OFF (reserve {s.cash_reserve:.0%})"
            return Content.assemble(
                f"Model {model}\n",
                f"Leverage saved {lev(s.saved)} · applied {lev(s.applied)} · actual {lev(s.actual)}",
                *(("  ", ("PENDING", "b")) if s.pending else ()),
                f"\nTrack manager {track} · Cash {cash(s.cash)} · Exposure {money(s.exposure)}")
        return Content(f"{'Advisor-managed portfolio' if s.kind == 'apm' else s.kind.title() + ' sleeve (read-only)'}\n"
                       f"Cash {cash(s.cash)} · Exposure {money(s.exposure)} · Equity {money(s.equity)}")

    def show(self, sleeve: SleeveView, text: Content | None = None) -> None:
        """`sleeve` on this card, updated in place (a remount costs a layout of the whole detail): the same sleeve
        reloaded, or another account's when the kept detail screen is refilled. A sleeve equal to the one shown
        (a reload after a write to another sleeve) leaves the card alone: nothing to lay out or draw again."""
        if sleeve == self.sleeve:
            return
        self.sleeve = sleeve
        self.text = text if text is not None else self.text_of(sleeve)
        self.set_class(sleeve.pending, "-pending")
        self._title(selected=self.has_focus)
        self.refresh(layout=True)

    def _title(self, selected: bool) -> None:
        """The selection is marked by shape (a pointer and a reversed title): pending already owns the colour."""
        title = f"{self.sleeve.id} · {self.sleeve.kind.upper()}"
        self.border_title = Content(f"▶ {title} · SELECTED" if selected else title)

    def on_focus(self) -> None:
        self._title(selected=True)

    def on_blur(self) -> None:
        self._title(selected=False)

    def render(self) -> Content:
        return self.text
