"""The risk panel: market-move scenarios now and at the proposed leverage, call distance and margin interest."""
from __future__ import annotations

from decimal import Decimal

from rich.markup import escape
from textual.widgets import Static

from calc import RiskReport
from calc.formatting import call_distance_text, lev, money, pct, rate_text
from calc.vocabulary import ACR_KIND_SHORT

BLOCKS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 10


def bar(value: Decimal | None, top: Decimal, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of value / top in eighths of a cell, padded to `width`."""
    if value is None or value <= 0 or top <= 0:
        return " " * width
    eighths = int(min(Decimal(1), value / top) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (BLOCKS[part] if part and full < width else "")
    return text.ljust(width)


def signed(value: Decimal | None) -> str:
    """A P&L in cents with its sign (`+1,234.50`, `-10,000.00`, `0.00`)."""
    if value is None:
        return "-"
    return f"+{money(value)}" if value > 0 else money(value)


class RiskPanel(Static):
    """Current vs proposed, stacked: one row per market move, a bar of the account equity after it."""

    DEFAULT_CSS = """
    RiskPanel {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    RiskPanel.-call {
        border: round $warning;
    }
    RiskPanel.-blocked {
        border: round $error;
    }
    """

    LOADING = "Loading the risk scenarios…"

    def __init__(self, risk: tuple[RiskReport, RiskReport] | None = None, title: str = "Risk",
                 empty: str = LOADING, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = title
        self.empty = empty
        self.risk: tuple[RiskReport, RiskReport] | None = None
        self.show(risk)

    def show(self, risk: tuple[RiskReport, RiskReport] | None, empty: str | None = None) -> None:
        """Show (current, proposed), or the `empty` message when there is nothing to show."""
        self.risk = risk
        if empty is not None:
            self.empty = empty
        sleeve = f" · {risk[0].sleeve_id}" if risk else ""
        self.border_title = f"{self.title}{sleeve}"
        self.set_class(risk is not None and any(r.any_call for r in risk), "-call")
        self.set_class(risk is not None and risk[1].code is not None, "-blocked")
        self.refresh(layout=True)

    def render(self) -> str:
        if self.risk is None:
            return f"[dim]{escape(self.empty)}[/dim]"
        current, proposed = self.risk
        top = max((s.equity_after for r in self.risk for s in r.scenarios if s.equity_after is not None),
                  default=Decimal(0))
        lines = self._block(current, top)
        lines += self._block(proposed, top)
        return "\n".join(lines)

    def _block(self, r: RiskReport, top: Decimal) -> list[str]:
        if r.current:
            name = f"Now {lev(r.leverage)} applied"
        else:
            name = f"Proposed {lev(r.leverage)} {ACR_KIND_SHORT.get(r.basis, r.basis)}"
        distance = "-" if r.call_distance is None else call_distance_text(r.call_distance, r.debit)
        no_rate = bool(r.debit) and not r.annual_rate  # a debit, but the book holds no rate for the custodian
        break_even = pct(r.break_even_return, 2) if r.break_even_return is not None and not no_rate else "-"
        lines = [f"[b]{name}[/b] · call distance {distance} · break-even {break_even}"]
        if r.code is not None:
            lines.append(f"[$error b]{r.code}[/]: {escape(r.reason)}")
            if not r.projected:
                lines.append("[dim]Nothing projected: sleeve P&L only.[/dim]")
        # One basis per column, its scope named: the sleeve's P&L on the holdings this block describes (held now,
        # or what the build projects), its unlevered twin when the block proposes leverage, then the account.
        unlevered = not r.current and r.leverage != 1
        twin_top, twin_label = (f" {'Sleeve P&L':>13}", f" {'at 1.00x':>13}") if unlevered else ("", "")
        lines.append(f"[dim]{'':>5}{twin_top} {'Sleeve P&L':>13} {'Account':>14}[/dim]")
        lines.append(f"[dim]{'Move':>5}{twin_label} {'at ' + lev(r.leverage):>13} {'equity after':>14} "
                     f"{'':<{BAR_WIDTH}} Call[/dim]")
        for s in r.scenarios:
            if s.call is None:
                call, colour = "-", "$text-muted"
            elif s.call:
                call, colour = f"[$error b]CALL {money(s.call_amount)}[/]", "$error"
            else:
                call, colour = "[dim]no[/dim]", "$success"
            pnl = s.sleeve_pnl_held if s.sleeve_pnl_held is not None else s.sleeve_pnl_at_l
            twin = f" {signed(s.sleeve_pnl_1x):>13}" if unlevered else ""
            lines.append(f"{s.move:>+5.0%}{twin} {signed(pnl):>13} {money(s.equity_after):>14} "
                         f"[{colour}]{bar(s.equity_after, top)}[/] {call}")
        if r.interest_day is None:
            lines.append("Interest: unknown until the account can be projected")
        elif not r.debit:
            rate = f" ({rate_text(r.annual_rate, r.debit)})" if r.annual_rate else ""
            lines.append(f"No debit, no margin interest{rate}")
        elif no_rate:
            lines.append("Interest: the book holds no margin rate for this custodian")
        else:
            lines.append(f"Interest {money(r.interest_day)}/day · {money(r.interest_month)}/month · "
                         f"{money(r.interest_year)}/year at {rate_text(r.annual_rate, r.debit)}")
        return lines
