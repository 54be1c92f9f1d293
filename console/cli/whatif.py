"""`margin-console whatif`: the calculator, so support can answer "what happens at 1.5x?" without an account."""
from __future__ import annotations

from decimal import Decimal

import click

from calc.formatting import money, pct
from calc.whatif import DEFAULT_MAINTENANCE, FRACTIONS, WhatIf, whatif_leverage, whatif_totals
from console.cli.output import emit_json, json_option
from console.cli.support import DECIMAL

_LABELS = {
    "exposure": "Exposure",
    "invested": "Invested (long market value)",
    "sleeve_cash": "Sleeve cash (negative = debit)",
    "debit": "Margin debit",
    "equity": "Equity",
    "maintenance_requirement": "Maintenance requirement",
    "margin_call": "Margin call",
    "cure_cash": "Cure: deposit cash",
    "cure_securities": "Cure: deposit marginable securities",
    "cure_sell": "Cure: sell securities",
    "trigger_value": "Call when LMV falls to",
    "call_distance": "Call distance (LMV can fall)",
    "daily_interest": "Margin interest per day",
    "regt_requirement": "Reg T initial requirement",
    "sma": "Excess equity (SMA)",
    "buying_power": "Buying power",
}


def render_whatif(result: WhatIf) -> str:
    """A readable two-column table of the calculator's figures."""
    lines = []
    for name, value in result.as_dict().items():
        text = pct(value, 2) if name in FRACTIONS else money(value)
        lines.append(f"{_LABELS[name]:<38}{text:>18}")
    return "\n".join(lines)


@click.command("whatif")
@click.option("--equity", type=DECIMAL, help="Sleeve equity E (dollars).")
@click.option("--leverage", type=DECIMAL, help="Leverage multiplier L, 1.0 to 2.0.")
@click.option("--lmv", type=DECIMAL, help="Account long market value (instead of --equity/--leverage).")
@click.option("--debit", type=DECIMAL, help="Account margin debit (with --lmv).")
@click.option("--maintenance", type=DECIMAL, default=DEFAULT_MAINTENANCE, show_default=True,
              help="Maintenance rate as a fraction.")
@click.option("--rate", type=DECIMAL, default=Decimal(0), show_default=True, help="Annual margin rate, e.g. 0.08.")
@click.option("--model-cash", type=DECIMAL, default=Decimal(0), show_default=True, help="Model's cash weight.")
@click.option("--track-manager", type=click.Choice(["on", "off"]), default="on", show_default=True,
              help="ON follows the model's cash weight; OFF the advisor's reserve.")
@click.option("--reserve", type=DECIMAL, default=Decimal(0), show_default=True,
              help="Advisor cash reserve (track manager OFF).")
@json_option
def whatif(equity, leverage, lmv, debit, maintenance, rate, model_cash, track_manager, reserve, as_json) -> None:
    """What happens at a multiplier: exposure, debit, requirement, call, cures, call distance, interest.

    Either --equity E --leverage L, or --lmv V --debit D.
    """
    by_leverage = equity is not None or leverage is not None
    by_totals = lmv is not None or debit is not None
    if by_leverage == by_totals:
        raise click.UsageError("give either --equity and --leverage, or --lmv and --debit")
    if by_leverage:
        if equity is None or leverage is None:
            raise click.UsageError("--equity and --leverage go together")
        result = whatif_leverage(equity, leverage, maintenance, rate, model_cash, track_manager == "on", reserve)
    else:
        if lmv is None or debit is None:
            raise click.UsageError("--lmv and --debit go together")
        result = whatif_totals(lmv, debit, maintenance, rate)
    if as_json:
        emit_json(result.to_json())
    else:
        click.echo(render_whatif(result))


COMMANDS = [whatif]
