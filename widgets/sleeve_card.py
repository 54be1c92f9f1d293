"""One sleeve's card: kind, model, saved / applied / actual leverage, track manager, cash and exposure."""
from __future__ import annotations

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

    def __init__(self, sleeve: SleeveView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sleeve = sleeve
        self.set_class(sleeve.pending, "-pending")
        self._title(selected=False)

    def show(self, sleeve: SleeveView) -> None:
        """`sleeve` on this card, updated in place (a remount costs a layout of the whole detail): the same sleeve
        reloaded, or another account's when the kept detail screen is refilled."""
        self.sleeve = sleeve
        self.set_class(sleeve.pending, "-pending")
        self._title(selected=self.has_focus)
        self.refresh(layout=True)

    def _title(self, selected: bool) -> None:
        """The selection is marked by shape (a pointer and a reversed title): pending already owns the colour."""
        title = f"{self.sleeve.id} · {self.sleeve.kind.upper()}"
        self.border_title = f"▶ {title} · SELECTED" if selected else title

    def on_focus(self) -> None:
        self._title(selected=True)

    def on_blur(self) -> None:
        self._title(selected=False)

    def render(self) -> str:
        s = self.sleeve
        if s.kind == "model":
            model = f"{s.model} {s.model_name}".strip() + (" (tactical)" if s.tactical else "")
            track = "ON" if s.track_manager else f"OFF (reserve {s.cash_reserve:.0%})"
            pending = "  [b]PENDING[/b]" if s.pending else ""
            return (f"Model {model}\n"
                    f"Leverage saved {lev(s.saved)} · applied {lev(s.applied)} · actual {lev(s.actual)}{pending}\n"
                    f"Track manager {track} · Cash {cash(s.cash)} · Exposure {money(s.exposure)}")
        return (f"{'Advisor-managed portfolio' if s.kind == 'apm' else s.kind.title() + ' sleeve (read-only)'}\n"
                f"Cash {cash(s.cash)} · Exposure {money(s.exposure)} · Equity {money(s.equity)}")
