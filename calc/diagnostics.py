"""Diagnostics: why an account is not leveraging as intended, each with the source document's fix."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from calc.build import rebalance_orders
from calc.diagnostic import Diagnostic, cause_label
from calc.formatting import lev, money
from calc.margin import MarginFigures, account_margin
from calc.models import Account, CalcSettings, Model, Price, Sleeve
from calc.money import ONE
from calc.reconcile import differences
from calc.targets import actual_leverage, invested_ratio
from calc.vocabulary import DIAGNOSTIC_CODES

# A fee larger than this with nothing bought is not called a fee: the cause is "unknown".
FEE_CEILING = Decimal("2500")


def stale_symbols(account: Account, prices: dict[str, Price], today: date, max_age_days: int) -> list[str]:
    """Held symbols whose price is older than the allowed age."""
    return _stale(_held(account), prices, today, max_age_days)


def unpriced_holdings(account: Account, prices: dict[str, Price]) -> list[str]:
    """Held symbols (non-zero quantity, any sleeve) with no price: they count as 0 in NAV and margin."""
    return _unpriced(_held(account), prices)


def _held(account: Account) -> set[str]:
    return {sym for s in account.sleeves for sym, q in s.positions.items() if q}


def _stale(held: set[str], prices: dict[str, Price], today: date, max_age_days: int) -> list[str]:
    oldest = today - timedelta(days=max_age_days)
    return sorted(sym for sym in held if sym in prices and prices[sym].as_of < oldest)


def _unpriced(held: set[str], prices: dict[str, Price]) -> list[str]:
    return sorted(sym for sym in held if sym not in prices)


def negative_apm_cause(account: Account) -> str:
    """What the data says a negative APM is (a key of CAUSES["NEGATIVE_APM"]; "" when the APM is not negative).

    Residue: less than a dollar. Margin: a margin account whose APM holds securities bought with the debit, or
    whose APM debit is larger than any fee (it funds securities somewhere); a cash account or an IRA cannot
    carry margin, so there it is never called margin. Fees: fee-sized, and nothing in the APM bought on margin.
    """
    apm = account.apm
    if apm is None or apm.cash >= 0:
        return ""
    if apm.cash > Decimal("-1"):
        return "residue"
    holds = any(q for q in apm.positions.values())
    if account.type == "margin" and holds:
        return "margin"
    if -apm.cash <= FEE_CEILING:
        return "fees"
    return "margin" if account.type == "margin" else "unknown"


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
        cause = negative_apm_cause(account)
        found.append(Diagnostic("NEGATIVE_APM", f"APM cash {money(apm.cash)} ({cause_label('NEGATIVE_APM', cause)})",
                                apm.id, cause))
    model_sleeves = [s for s in account.sleeves if s.kind == "model"]
    for s in model_sleeves:
        if s.leverage != s.applied:
            found.append(Diagnostic("PENDING_LEVERAGE", f"saved {lev(s.leverage)} but applied {lev(s.applied)}", s.id))
    if not account.can_margin:
        for s in model_sleeves:
            if s.leverage > ONE or s.applied > ONE:
                found.append(Diagnostic("MARGIN_NOT_ENABLED", f"leverage {max(s.leverage, s.applied)}; "
                                        f"{cannot_apply(account, max(s.leverage, s.applied))}", s.id))
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
            # A rebalance that would build nothing is no fix: offering it would loop (DRIFT, rebalance, DRIFT).
            cause = "below-minimum" if rebalance_orders(s, models[s.model or ""], prices, settings) == [] else ""
            text = f"actual {drift[0]:.2f} vs target {drift[1]:.2f}"
            found.append(Diagnostic("DRIFT", f"{text} ({cause_label('DRIFT', cause)})" if cause else text, s.id,
                                    cause))
    held = _held(account)  # once for both checks: diagnose runs for every account of a book (the demo, a price file)
    stale = _stale(held, prices, today, settings.max_price_age_days)
    if stale:
        found.append(Diagnostic("STALE_PRICES", ", ".join(stale)))
    unpriced = _unpriced(held, prices)
    if unpriced:
        found.append(Diagnostic("MISSING_PRICE", f"no price for {', '.join(unpriced)} (counted as 0)"))
    for difference in differences(account, settings.reconcile_cash_tolerance):
        found.append(Diagnostic("OUT_OF_SYNC", difference.text))
    return found


def pending_banner(account: Account, keys: bool = True) -> str:
    """The detail's banner (and `show`'s warning) for a saved leverage no ACR has applied; "" when none is.

    On an account that cannot margin, an ACR above 1.0 can never build: say so and offer the fixes that exist
    instead of an activation that would fail. `keys` adds the console's keys.
    """
    pending = [s for s in account.sleeves if s.kind == "model" and s.leverage != s.applied]
    if not pending:
        return ""

    def key(k: str) -> str:
        return f" ({k})" if keys else ""

    blocked = next((s for s in pending if cannot_apply(account, s.leverage)), None)
    if blocked is None:
        return f"⚠ Leverage saved but not applied: rebalance{key('r')}, $1 ACR{key('a')}, or revert{key('u')}"
    head = f"⚠ {lev(blocked.leverage)} cannot apply: {cannot_apply(account, blocked.leverage)}. "
    if account.type == "margin":
        return head + f"Confirm with the custodian{key('f')} or revert{key('u')}"
    return head + f"Set it to 1.0{key('f')}"


def cannot_apply(account: Account, leverage: Decimal) -> str:
    """Why no ACR at `leverage` can build on this account ("" when one can, as far as margin goes)."""
    return "" if leverage <= ONE else account.no_margin_reason


def diagnostic_codes(diagnostics: list[Diagnostic]) -> list[str]:
    """Distinct codes in canonical order."""
    present = {d.code for d in diagnostics}
    return [c for c in DIAGNOSTIC_CODES if c in present]


