"""Diagnostics: why an account is not leveraging as intended, each with the source document's fix."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from calc.formatting import lev, money
from calc.margin import MarginFigures, account_margin
from calc.models import Account, CalcSettings, Model, Price, Sleeve
from calc.money import ONE
from calc.reconcile import differences
from calc.targets import actual_leverage, invested_ratio
from calc.vocabulary import DIAGNOSTIC_TITLES

DIAGNOSTIC_CODES: tuple[str, ...] = (
    "NEGATIVE_APM",
    "PENDING_LEVERAGE",
    "MARGIN_NOT_ENABLED",
    "MARGIN_CALL",
    "LOW_CALL_DISTANCE",
    "TACTICAL_TRACK_OFF",
    "DRIFT",
    "STALE_PRICES",
    "MISSING_PRICE",
    "OUT_OF_SYNC",
)

DIAGNOSTIC_FIXES: dict[str, str] = {
    "NEGATIVE_APM": "Move the exposure into the model sleeve.",
    "PENDING_LEVERAGE": "Rebalance, fire an ACR, or allocate $1.",
    "MARGIN_NOT_ENABLED": "Confirm margin status with the custodian.",
    "MARGIN_CALL": "Cure the call: deposit cash, deposit securities, or sell.",
    "LOW_CALL_DISTANCE": "Reduce leverage or add cash.",
    "TACTICAL_TRACK_OFF": "Turn track manager ON.",
    "DRIFT": "Rebalance.",
    "STALE_PRICES": "Refresh prices.",
    "MISSING_PRICE": "Load a price for it.",
    "OUT_OF_SYNC": "Book the difference to a sleeve or investigate the trade.",
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding on an account or one of its sleeves."""

    code: str
    detail: str
    sleeve_id: str | None = None

    @property
    def fix(self) -> str:
        return DIAGNOSTIC_FIXES[self.code]

    @property
    def title(self) -> str:
        return DIAGNOSTIC_TITLES[self.code]

    def to_json(self) -> dict[str, str | None]:
        """The diagnostic as `show --json` prints it, with its fix."""
        return {"code": self.code, "sleeve_id": self.sleeve_id, "detail": self.detail, "fix": self.fix}


def stale_symbols(account: Account, prices: dict[str, Price], today: date, max_age_days: int) -> list[str]:
    """Held symbols whose price is older than the allowed age."""
    oldest = today - timedelta(days=max_age_days)
    held = {sym for s in account.sleeves for sym, q in s.positions.items() if q}
    return sorted(sym for sym in held if sym in prices and prices[sym].as_of < oldest)


def unpriced_holdings(account: Account, prices: dict[str, Price]) -> list[str]:
    """Held symbols (non-zero quantity, any sleeve) with no price: they count as 0 in NAV and margin."""
    held = {sym for s in account.sleeves for sym, q in s.positions.items() if q}
    return sorted(held - set(prices))


def negative_apm_cause(account: Account) -> str:
    """Say what a negative APM most likely is: margin misapplied at the account level, or a small fee/residue."""
    apm = account.apm
    if apm is None or apm.cash >= 0:
        return ""
    if apm.cash > Decimal("-1"):
        return "fractional-share residue"
    if apm.cash > Decimal("-500") and not any(s.kind == "model" and s.cash < 0 for s in account.sleeves):
        return "likely account-level fees booked to the APM"
    return "margin debit carried at the account level"


def sleeve_drift(sleeve: Sleeve, prices: dict[str, Price], models: dict[str, Model],
                 tolerance: Decimal) -> tuple[Decimal, Decimal] | None:
    """(actual leverage, the applied target's invested ratio) when they differ by more than `tolerance`."""
    model = models.get(sleeve.model or "")
    actual = actual_leverage(sleeve, prices)
    if model is None or actual is None:
        return None
    expected = invested_ratio(sleeve.applied, model, sleeve.track_manager, sleeve.cash_reserve)
    return (actual, expected) if abs(actual - expected) > tolerance else None


def diagnose(
    account: Account,
    prices: dict[str, Price],
    models: dict[str, Model],
    today: date,
    settings: CalcSettings = CalcSettings(),
    figures: MarginFigures | None = None,
) -> list[Diagnostic]:
    """Every diagnostic on the account, in DIAGNOSTIC_CODES order."""
    found: list[Diagnostic] = []
    apm = account.apm
    if apm is not None and apm.cash < 0:
        found.append(Diagnostic("NEGATIVE_APM", f"APM cash {money(apm.cash)} ({negative_apm_cause(account)})", apm.id))
    model_sleeves = [s for s in account.sleeves if s.kind == "model"]
    for s in model_sleeves:
        if s.leverage != s.applied:
            found.append(Diagnostic("PENDING_LEVERAGE", f"saved {lev(s.leverage)} but applied {lev(s.applied)}", s.id))
    if not account.can_margin:
        for s in model_sleeves:
            if s.leverage > ONE or s.applied > ONE:
                why = "margin not enabled at custodian" if not account.margin_enabled else f"{account.type} account"
                found.append(Diagnostic("MARGIN_NOT_ENABLED", f"leverage {max(s.leverage, s.applied)}; {why}", s.id))
    fig = figures or account_margin(account, prices, settings.annual_rate, settings.initial_margin)
    if fig.call > 0:
        found.append(Diagnostic("MARGIN_CALL", f"call {money(fig.call)}: cash {money(fig.cure_cash)}, "
                                f"securities {money(fig.cure_securities)}, or sell {money(fig.cure_sell)}"))
    elif fig.debit > 0 and fig.call_distance < settings.call_distance_warning:
        found.append(Diagnostic("LOW_CALL_DISTANCE", f"call distance {fig.call_distance:.1%} "
                                f"< {settings.call_distance_warning:.0%}"))
    for s in model_sleeves:
        model = models.get(s.model or "")
        if model is not None and model.tactical and not s.track_manager:
            found.append(Diagnostic("TACTICAL_TRACK_OFF", f"model {model.id} is tactical", s.id))
    for s in model_sleeves:
        drift = sleeve_drift(s, prices, models, settings.drift_tolerance)
        if drift is not None:
            found.append(Diagnostic("DRIFT", f"actual {drift[0]:.2f} vs target {drift[1]:.2f}", s.id))
    stale = stale_symbols(account, prices, today, settings.max_price_age_days)
    if stale:
        found.append(Diagnostic("STALE_PRICES", ", ".join(stale)))
    unpriced = unpriced_holdings(account, prices)
    if unpriced:
        found.append(Diagnostic("MISSING_PRICE", f"no price for {', '.join(unpriced)} (counted as 0)"))
    for difference in differences(account, settings.reconcile_cash_tolerance):
        found.append(Diagnostic("OUT_OF_SYNC", difference.text))
    return found


def diagnostic_codes(diagnostics: list[Diagnostic]) -> list[str]:
    """Distinct codes in canonical order."""
    present = {d.code for d in diagnostics}
    return [c for c in DIAGNOSTIC_CODES if c in present]


