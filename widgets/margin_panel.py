"""The account margin panel: LMV, debit, equity, requirement, call and cures, call distance, interest."""
from __future__ import annotations

from decimal import Decimal

from textual.content import Content
from textual.widgets import Static

from calc import MarginFigures
from calc.formatting import call_distance_text, money, rate_text
from calc.margin import house_floor_note

LOADING = Content.from_markup("[dim]Loading…[/dim]")


class MarginPanel(Static):
    """What the custodian enforces on the whole account."""

    DEFAULT_CSS = """
    MarginPanel {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, figures: MarginFigures | None, annual_rate: Decimal, house: Decimal | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Account margin"
        self.figures: MarginFigures | None = None
        self.text = LOADING
        self.show(figures, annual_rate, house)

    @staticmethod
    def text_of(figures: MarginFigures | None, annual_rate: Decimal, house: Decimal | None = None) -> Content:
        """The panel's text. Pure: the detail builds it on the read's worker, off the UI thread."""
        m = figures
        if m is None:
            return LOADING
        distance = call_distance_text(m.call_distance, m.debit)
        lines = [
            f"LMV {money(m.lmv)} · Debit {money(m.debit)} · Equity {money(m.equity)}",
            f"Maintenance req {money(m.requirement)} · Call distance {distance}",
        ]
        floor = house_floor_note(house) if house is not None else ""
        if floor:
            lines.append(f"Maintenance uses {floor}")
        if m.call > 0:
            lines.append(f"[b]MARGIN CALL {money(m.call)}[/b]: deposit {money(m.cure_cash)}, "
                         f"or securities {money(m.cure_securities)}, or sell {money(m.cure_sell)}")
        else:
            lines.append("No margin call")
        lines.append(f"Interest {money(m.daily_interest)}/day (actual/360) at {rate_text(annual_rate, m.debit)}")
        return Content.from_markup("\n".join(lines))

    def show(self, figures: MarginFigures | None, annual_rate: Decimal, house: Decimal | None = None,
             text: Content | None = None) -> None:
        """Another account's (or a reloaded account's) figures, in place; None while they load. `text` is
        `text_of` these figures when the caller built it already; text equal to the one shown changes nothing."""
        self.figures = figures
        self.annual_rate = annual_rate
        self.house = house
        text = text if text is not None else self.text_of(figures, annual_rate, house)
        if text != self.text:
            self.text = text
            self.refresh(layout=True)

    def render(self) -> Content:
        return self.text
