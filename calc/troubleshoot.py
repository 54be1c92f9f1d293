"""The troubleshooter: the source document's pitfalls checked against an account's actual data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from calc.build import build_acr
from calc.checklist import evaluate_checklist
from calc.diagnostics import DIAGNOSTIC_FIXES, negative_apm_cause, sleeve_drift
from calc.formatting import lev, money
from calc.models import Account, CalcSettings, Model, Price, Sleeve
from calc.money import ONE, ZERO, json_value
from calc.reconcile import differences, reconcile_status, reconciled_on
from calc.targets import actual_leverage, market_value

Symptom = Literal["nothing-happened", "negative-apm", "not-leveraging", "cannot-acr"]
FixAction = Literal["fire-one-dollar", "rebalance", "move-exposure", "confirm-margin", "track-manager-on"]

SYMPTOMS: dict[str, str] = {
    "nothing-happened": "I changed leverage but nothing happened",
    "negative-apm": "Large negative APM",
    "not-leveraging": "Account not leveraging or trading unexpectedly",
    "cannot-acr": "Cannot generate an ACR",
}


@dataclass(frozen=True)
class LastAcr:
    """What the troubleshooter needs to know of a sleeve's latest ACR."""

    id: int
    sleeve_id: str
    kind: str
    status: str
    code: str | None
    reason: str


@dataclass(frozen=True)
class Finding:
    """The likely cause of a symptom on this account, the evidence, and the fix on offer."""

    symptom: str
    present: bool
    cause: str
    evidence: tuple[str, ...] = ()
    fix: str = ""
    action: FixAction | None = None
    sleeve_id: str | None = None
    leverage: Decimal | None = None
    plan: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The finding as `troubleshoot --json` prints it, with the symptom's title."""
        return json_value({
            "symptom": self.symptom, "title": SYMPTOMS[self.symptom], "present": self.present,
            "cause": self.cause, "evidence": list(self.evidence), "fix": self.fix, "action": self.action,
            "sleeve_id": self.sleeve_id, "leverage": self.leverage, "plan": list(self.plan)})



def _model_sleeves(account: Account, sleeve_id: str | None) -> list[Sleeve]:
    sleeves = [s for s in account.sleeves if s.kind == "model"]
    if sleeve_id is not None:
        sleeves = [s for s in sleeves if s.id == sleeve_id] or sleeves
    return sleeves


def troubleshoot(
    account: Account,
    symptom: str,
    prices: dict[str, Price],
    models: dict[str, Model],
    today: date,
    settings: CalcSettings = CalcSettings(),
    last_acrs: dict[str, LastAcr] | None = None,
    sleeve_id: str | None = None,
) -> Finding:
    """Check one symptom against the data; `present` is False when the data says the account is fine."""
    if symptom not in SYMPTOMS:
        raise ValueError(f"unknown symptom {symptom!r}: choose one of {', '.join(SYMPTOMS)}")
    last = last_acrs or {}
    sleeves = _model_sleeves(account, sleeve_id)
    checks = {
        "nothing-happened": _nothing_happened,
        "negative-apm": _negative_apm,
        "not-leveraging": _not_leveraging,
        "cannot-acr": _cannot_acr,
    }
    return checks[symptom](account, sleeves, prices, models, today, settings, last)


def _pending_finding(symptom: str, account: Account, sleeve: Sleeve, prices, models, today, settings,
                     last: dict[str, LastAcr]) -> Finding:
    evidence = [f"{sleeve.id}: saved {lev(sleeve.leverage)}, applied {lev(sleeve.applied)}"]
    previous = last.get(sleeve.id)
    if previous is not None:
        outcome = f"failed {previous.code}: {previous.reason}" if previous.status == "failed" else previous.status
        evidence.append(f"last ACR {previous.id} ({previous.kind}) {outcome}")
    build = build_acr(account, sleeve.id, "one-dollar", prices, models, today, settings)
    if build.ok:
        return Finding(symptom, True,
                       "The target was saved but no ACR has applied it: saving leverage alone does not trade.",
                       tuple(evidence + [f"a $1 ACR builds now: {len(build.orders)} order(s)"]),
                       "Fire the pending $1 ACR (through the checklist).", "fire-one-dollar", sleeve.id)
    return Finding(symptom, True,
                   f"The target was saved but no ACR has applied it, and one would fail now: {build.code}.",
                   tuple(evidence + [build.reason]), build.fix, None, sleeve.id)


def _nothing_happened(account, sleeves, prices, models, today, settings, last) -> Finding:
    symptom = "nothing-happened"
    pending = [s for s in sleeves if s.leverage != s.applied]
    if pending:
        return _pending_finding(symptom, account, pending[0], prices, models, today, settings, last)
    for s in sleeves:
        previous = last.get(s.id)
        if previous is not None and previous.status in ("built", "submitted"):
            return Finding(symptom, True,
                           f"ACR {previous.id} applied {lev(s.applied)} but its orders are not filled yet.",
                           (f"{s.id}: ACR {previous.id} is {previous.status}",),
                           "Wait for the fills (or import them with `margin-console fills`).", None, s.id)
    out_of_sync = differences(account, settings.reconcile_cash_tolerance)
    if out_of_sync:
        return Finding(symptom, True,
                       "The custodian and the sleeves disagree: a trade or cash movement is booked on one side only.",
                       tuple(d.text for d in out_of_sync), DIAGNOSTIC_FIXES["OUT_OF_SYNC"])
    for s in sleeves:
        drift = sleeve_drift(s, prices, models, settings.drift_tolerance)
        if drift is not None:
            actual, expected = drift
            return Finding(symptom, True,
                           f"Leverage {lev(s.applied)} was applied, but holdings drifted: actual {lev(actual)} "
                           f"against an invested target of {lev(expected)}.",
                           (f"{s.id}: saved = applied = {lev(s.applied)}",), "Rebalance.", "rebalance", s.id)
    summary = ", ".join(f"{s.id} saved = applied = {lev(s.applied)}, actual {lev(actual_leverage(s, prices))}"
                        for s in sleeves) or "no model sleeves"
    custodian = f"custodian: {reconcile_status(reconciled_on(account), today, 0)}"
    return Finding(symptom, False, "Not what the data shows: every saved leverage has been applied.",
                   (summary, custodian))


def _negative_apm(account, sleeves, prices, models, today, settings, last) -> Finding:
    symptom = "negative-apm"
    apm = account.apm
    if apm is None or apm.cash >= 0:
        cash = "no APM" if apm is None else f"APM cash {money(apm.cash)}"
        return Finding(symptom, False, f"Not what the data shows: {cash} is not negative.", (cash,))
    cause = negative_apm_cause(account)
    apm_lmv = market_value(apm.positions, prices)
    held = ", ".join(f"{sym} {qty:,}" for sym, qty in sorted(apm.positions.items()) if qty) or "nothing"
    evidence = [f"APM cash {money(apm.cash)}", f"APM holds {held} worth {money(apm_lmv)}"]
    for s in sleeves:
        evidence.append(f"{s.id} cash {money(s.cash)} at {lev(s.applied)}")
    if cause == "fractional-share residue":
        return Finding(symptom, True, "A fractional-share residue left the APM a few cents short: not margin.",
                       tuple(evidence), "Fund the APM with a small deposit; no leverage change needed.")
    if cause.startswith("likely account-level fees"):
        return Finding(symptom, True, "Account-level fees were booked to the APM: this is not margin.",
                       tuple(evidence), "Fund the APM with a deposit to cover the fees.")
    if not sleeves:
        return Finding(symptom, True, "Margin is carried at the account level and the account has no model sleeve.",
                       tuple(evidence), "Add a model sleeve and move the exposure into it.")
    # Margin taken at the account level: move the exposure into the model sleeve at an equal multiplier.
    target = sleeves[0]
    sleeve_lmv = market_value(target.positions, prices)
    sleeve_equity = sleeve_lmv + target.cash
    apm_equity = apm_lmv + apm.cash
    combined_equity = sleeve_equity + apm_equity
    if combined_equity <= 0:
        return Finding(symptom, True, "Margin is carried at the account level and the equity is not positive.",
                       tuple(evidence), "Cure the deficit before moving exposure.")
    wanted = (sleeve_lmv + apm_lmv) / combined_equity
    leverage = min(max(wanted, ONE), account.max_leverage).quantize(Decimal("0.01"))
    plan = (
        f"1. Sell the APM's holdings ({held}, {money(apm_lmv)}) so its cash returns to {money(apm_equity)}.",
        f"2. Allocate the APM's equity into {target.id} (allocation ACR of {money(max(apm_equity, ZERO))}).",
        f"3. Save leverage {lev(leverage)} on {target.id} and rebalance: the same "
        f"{money(sleeve_lmv + apm_lmv)} of exposure, its debit now inside the model sleeve.",
    )
    return Finding(symptom, True, "Margin was applied at the account level: the APM carries the debit.",
                   tuple(evidence), "Move the exposure into the model sleeve.", "move-exposure", target.id,
                   leverage, plan)


def _not_leveraging(account, sleeves, prices, models, today, settings, last) -> Finding:
    symptom = "not-leveraging"
    levered = [s for s in sleeves if s.leverage > ONE or s.applied > ONE]
    if levered and not account.can_margin:
        s = levered[0]
        if account.type == "margin":
            return Finding(symptom, True, "Margin is not enabled at the custodian for this margin account.",
                           (f"{s.id} saved {lev(s.leverage)}", f"{account.custodian}: margin_enabled = no"),
                           "Confirm margin status with the custodian, then record the confirmation.",
                           "confirm-margin", s.id)
        return Finding(symptom, True, f"This is a {account.type} account: it cannot carry a margin debit.",
                       (f"{s.id} saved {lev(s.leverage)}", f"account type {account.type}"),
                       "Confirm margin status with the custodian; set leverage 1.0 on a cash or IRA account.",
                       None, s.id)
    for s in sleeves:
        model = models.get(s.model or "")
        if model is not None and model.tactical and not s.track_manager:
            return Finding(symptom, True,
                           f"{model.id} is a tactical model but track manager is OFF: the sleeve ignores the "
                           "manager's cash moves, so it trades unlike the model.",
                           (f"{s.id}: track manager OFF, reserve {s.cash_reserve:.0%}",),
                           "Turn track manager ON.", "track-manager-on", s.id)
    pending = [s for s in sleeves if s.leverage != s.applied]
    if pending:
        return _pending_finding(symptom, account, pending[0], prices, models, today, settings, last)
    drift = _nothing_happened(account, sleeves, prices, models, today, settings, last)
    if drift.present:
        return Finding(symptom, True, drift.cause, drift.evidence, drift.fix, drift.action, drift.sleeve_id)
    return Finding(symptom, False, "Not what the data shows: margin is enabled and every sleeve is at its target.",
                   tuple(f"{s.id}: {lev(actual_leverage(s, prices))} actual at {lev(s.applied)}" for s in sleeves))


def _cannot_acr(account, sleeves, prices, models, today, settings, last) -> Finding:
    symptom = "cannot-acr"
    if not sleeves:
        return Finding(symptom, True, "The account has no model sleeve: ACRs rebuild model sleeves only.", (),
                       "Add a model sleeve.")
    for s in sleeves:
        build = build_acr(account, s.id, "one-dollar", prices, models, today, settings)
        checklist = evaluate_checklist(account, s.id, "one-dollar", build)
        failed = checklist.failed
        if failed:
            item = failed[0]
            action: FixAction | None = "confirm-margin" if (
                item.code == "MARGIN_NOT_ENABLED" and account.type == "margin") else None
            if item.code == "NEGATIVE_APM":
                action = None
            return Finding(symptom, True, f"The checklist blocks the ACR: {item.title} failed"
                           + (f" ({item.code})." if item.code else "."),
                           (f"{s.id}: {item.detail}",), item.fix, action, s.id)
    s = sleeves[0]
    build = build_acr(account, s.id, "one-dollar", prices, models, today, settings)
    return Finding(symptom, False, f"Not what the data shows: a $1 ACR on {s.id} builds now "
                   f"({len(build.orders)} order(s)) once the checklist is acknowledged.",
                   (f"{s.id}: saved {lev(s.leverage)}, applied {lev(s.applied)}",),
                   "Fire it through the checklist.", "fire-one-dollar", s.id)
