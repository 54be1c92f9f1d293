"""The account margin panel: LMV, debit, equity, requirement, call and cures, call distance, interest."""
from __future__ import annotations

from decimal import Decimal

from textual.widgets import Static

from calc import MarginFigures
from calc.formatting import call_distance_text, money, rate_text
from calc.margin import house_floor_note


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
        self.show(figures, annual_rate, house)

    def show(self, figures: MarginFigures | None, annual_rate: Decimal, house: Decimal | None = None) -> None:
        """Another account's (or a reloaded account's) figures, in place; None while they load."""
        self.figures = figures
        self.annual_rate = annual_rate
        self.house = house
        self.refresh(layout=True)

    def render(self) -> str:
        m = self.figures
        if m is None:
            return "[dim]Loading…[/dim]"
        distance = call_distance_text(m.call_distance, m.debit)
        lines = [
            f"LMV {money(m.lmv)} · Debit {money(m.debit)} · Equity {money(m.equity)}",
            f"Maintenance req {money(m.requirement)} · Call distance {distance}",
        ]
        floor = house_floor_note(self.house) if self.house is not None else ""
        if floor:
            lines.append(f"Maintenance uses {floor}")
        if m.call > 0:
            lines.append(f"[b]MARGIN CALL {money(m.call)}[/b]: deposit {money(m.cure_cash)}, "
                         f"or securities {money(m.cure_securities)}, or sell {money(m.cure_sell)}")
        else:
            lines.append("No margin call")
        lines.append(f"Interest {money(m.daily_interest)}/day (actual/360) at {rate_text(self.annual_rate, m.debit)}")
        return "\n".join(lines)
