"""The calculator behind `margin-console whatif`: what happens to a sleeve at a given multiplier."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from calc.margin import margin_from_totals
from calc.models import leverage_problem
from calc.money import ONE, ZERO, json_value

DEFAULT_MAINTENANCE = Decimal("0.30")
FRACTIONS = frozenset({"call_distance"})  # figures that are fractions, not dollars


@dataclass(frozen=True)
class WhatIf:
    """Every figure the calculator reports (fractions as fractions)."""

    exposure: Decimal
    invested: Decimal
    sleeve_cash: Decimal
    debit: Decimal
    equity: Decimal
    maintenance_requirement: Decimal
    margin_call: Decimal
    cure_cash: Decimal
    cure_securities: Decimal
    cure_sell: Decimal
    trigger_value: Decimal
    call_distance: Decimal
    daily_interest: Decimal
    regt_requirement: Decimal
    sma: Decimal
    buying_power: Decimal

    def as_dict(self) -> dict[str, Decimal]:
        return asdict(self)

    def to_json(self) -> dict[str, Any]:
        """The figures as `whatif --json` prints them: dollars to the cent, fractions to 4 places."""
        return json_value({name: value.quantize(Decimal("0.0001") if name in FRACTIONS else Decimal("0.01"))
                           for name, value in self.as_dict().items()})


def _check_fraction(name: str, value: Decimal, upper_inclusive: bool = True) -> None:
    if not value.is_finite() or value < 0 or (value > ONE if upper_inclusive else value >= ONE):
        bound = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise ValueError(f"{name} must be a fraction in {bound}, got {value}")


def whatif_totals(lmv: Decimal, debit: Decimal, maintenance: Decimal = DEFAULT_MAINTENANCE,
                  rate: Decimal = ZERO, credit: Decimal = ZERO) -> WhatIf:
    """Figures for an account given its long market value, debit and credit balance, at a uniform maintenance rate.

    Equity is LMV - debit + credit (DOMAIN.md), through the same margin_from_totals as `show`.
    """
    if not lmv.is_finite() or lmv < 0:
        raise ValueError(f"LMV must be zero or more, got {lmv}")
    if not debit.is_finite() or debit < 0:
        raise ValueError(f"debit must be zero or more, got {debit}")
    _check_fraction("maintenance", maintenance)
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"rate must be zero or more, got {rate}")
    if not credit.is_finite() or credit < 0 or (credit and debit):
        raise ValueError(f"credit must be zero or more, and zero with a debit, got {credit}")
    fig = margin_from_totals(lmv, debit, maintenance * lmv, annual_rate=rate, cash_balance=credit - debit)
    return WhatIf(
        exposure=lmv, invested=lmv, sleeve_cash=credit - debit, debit=debit, equity=fig.equity,
        maintenance_requirement=fig.requirement, margin_call=fig.call, cure_cash=fig.cure_cash,
        cure_securities=fig.cure_securities, cure_sell=fig.cure_sell, trigger_value=fig.trigger_value,
        call_distance=fig.call_distance, daily_interest=fig.daily_interest,
        regt_requirement=fig.regt_requirement, sma=fig.sma, buying_power=fig.buying_power,
    )


def whatif_leverage(equity: Decimal, leverage: Decimal, maintenance: Decimal = DEFAULT_MAINTENANCE,
                    rate: Decimal = ZERO, model_cash: Decimal = ZERO, track_manager: bool = True,
                    reserve: Decimal = ZERO, max_leverage: Decimal = Decimal("2.0")) -> WhatIf:
    """Figures for one sleeve of equity E levered at L, alone in its account, before whole-share rounding."""
    if not equity.is_finite() or equity <= 0:
        raise ValueError(f"equity must be more than zero, got {equity}")
    problem = leverage_problem(leverage, max_leverage)
    if problem:
        raise ValueError(problem)
    _check_fraction("model cash", model_cash)
    _check_fraction("reserve", reserve, upper_inclusive=False)
    exposure = equity * leverage
    if track_manager:
        invested = exposure * (ONE - model_cash)
    else:
        invested = exposure * (ONE - reserve) if model_cash < ONE else ZERO
    sleeve_cash = equity - invested
    result = whatif_totals(invested, max(ZERO, -sleeve_cash), maintenance, rate, max(ZERO, sleeve_cash))
    return WhatIf(**{**result.as_dict(), "exposure": exposure, "sleeve_cash": sleeve_cash})
