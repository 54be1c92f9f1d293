"""The troubleshooter: the source document's pitfalls checked against an account's actual data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_UP, Decimal
from typing import Any, Literal

from calc.build import build_acr, rebalance_orders
from calc.checklist import Checklist, evaluate_checklist
from calc.diagnostic import cause_fix, cause_label
from calc.diagnostics import negative_apm_cause, sleeve_drift
from calc.formatting import lev, money
from calc.models import Account, CalcSettings, Model, Price, Sleeve
from calc.money import ONE, ZERO, json_value
from calc.reconcile import differences, reconcile_status, reconciled_on
from calc.targets import actual_leverage, market_value
from calc.vocabulary import DIAGNOSTIC_FIXES, kind_title

Symptom = Literal["nothing-happened", "negative-apm", "not-leveraging", "cannot-acr"]
# What `f` performs for a finding (and, through the finding, for the detail's diagnostic): one per fix.
FixAction = Literal["fire-one-dollar", "rebalance", "fund-apm", "move-exposure", "confirm-margin", "reset-leverage",
                    "revert-target", "track-manager-on"]
# The activations the troubleshooter tries, in the source document's order (a deposit of any amount: $1 here).
TRIED_ACTIVATIONS: tuple[tuple[str, Decimal], ...] = (("rebalance", ZERO), ("one-dollar", ZERO), ("deposit", ONE))
# The action that performs the fix of a checklist item's failure code.
CODE_ACTIONS: dict[str, FixAction] = {"NO_TRADES": "revert-target"}
CENT = Decimal("0.01")

# The symptom whose finding carries a diagnostic's fix: `f` in the detail performs that finding's action.
SYMPTOM_OF_CODE: dict[str, str] = {
    "NEGATIVE_APM": "negative-apm",
    "MARGIN_NOT_ENABLED": "not-leveraging",
    "TACTICAL_TRACK_OFF": "not-leveraging",
    "PENDING_LEVERAGE": "nothing-happened",
    "DRIFT": "nothing-happened",
}

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
    amount: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        """The finding as `troubleshoot --json` prints it, with the symptom's title."""
        return json_value({
            "symptom": self.symptom, "title": SYMPTOMS[self.symptom], "present": self.present,
            "cause": self.cause, "evidence": list(self.evidence), "fix": self.fix, "action": self.action,
            "sleeve_id": self.sleeve_id, "leverage": self.leverage, "plan": list(self.plan),
            "amount": self.amount})



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


def _activations(account: Account, sleeve: Sleeve, prices, models, today, settings) -> list[tuple[str, Checklist, int]]:
    """Each activation tried on the sleeve: (kind, its evaluated checklist, orders built)."""
    tried = []
    for kind, amount in TRIED_ACTIVATIONS:
        build = build_acr(account, sleeve.id, kind, prices, models, today, settings, amount)
        tried.append((kind, evaluate_checklist(account, sleeve.id, kind, build), len(build.orders)))
    return tried


def _tried_lines(sleeve: Sleeve, tried: list[tuple[str, Checklist, int]]) -> list[str]:
    lines = []
    for kind, checklist, orders in tried:
        failed = checklist.failed
        outcome = f"builds {orders} order(s)" if not failed else \
            f"blocked: {failed[0].title}" + (f" ({failed[0].code})" if failed[0].code else "")
        lines.append(f"{sleeve.id}: {kind_title(kind)} {outcome}")
    return lines


def _blocked(symptom: str, account: Account, sleeve: Sleeve, checklist: Checklist, evidence: list[str], prices,
             models, today, settings, last) -> Finding:
    """The first failed item in the checklist's order, its fix, and the action that performs it."""
    item = checklist.failed[0]
    if item.code == "NEGATIVE_APM":
        cure = _negative_apm(account, [sleeve], prices, models, today, settings, last)
        return Finding(symptom, True, f"The checklist blocks the ACR: {item.title} failed (NEGATIVE_APM): "
                       f"{cure.cause}", tuple(evidence), cure.fix, cure.action, cure.sleeve_id, cure.leverage,
                       cure.plan, cure.amount)
    action = margin_action(account) if item.code == "MARGIN_NOT_ENABLED" else CODE_ACTIONS.get(item.code or "")
    return Finding(symptom, True, f"The checklist blocks the ACR: {item.title} failed"
                   + (f" ({item.code})." if item.code else "."), tuple(evidence + [f"{sleeve.id}: {item.detail}"]),
                   item.fix, action, sleeve.id, ONE if action == "reset-leverage" else None)


def margin_action(account: Account) -> FixAction:
    """What `f` does about MARGIN_NOT_ENABLED: a margin account's custodian may confirm margin (recorded); a cash
    account or an IRA never can, so its target goes back to 1.0."""
    return "confirm-margin" if account.type == "margin" else "reset-leverage"


def _pending_finding(symptom: str, account: Account, sleeve: Sleeve, prices, models, today, settings,
                     last: dict[str, LastAcr]) -> Finding:
    evidence = [f"{sleeve.id}: saved {lev(sleeve.leverage)}, applied {lev(sleeve.applied)}"]
    previous = last.get(sleeve.id)
    if previous is not None:
        outcome = f"failed {previous.code}: {previous.reason}" if previous.status == "failed" else previous.status
        evidence.append(f"last ACR {previous.id} ({previous.kind}) {outcome}")
    tried = _activations(account, sleeve, prices, models, today, settings)
    evidence += _tried_lines(sleeve, tried)
    ready = {kind for kind, checklist, _ in tried if not checklist.failed}
    kind = next((k for k in ACTIONS_OF_KIND if k in ready), None)
    if kind is not None:
        return Finding(symptom, True,
                       "The target was saved but no ACR has applied it: saving leverage alone does not trade.",
                       tuple(evidence), FIX_OF_KIND[kind], ACTIONS_OF_KIND[kind], sleeve.id)
    return _blocked(symptom, account, sleeve, tried[0][1], evidence, prices, models, today, settings, last)


# The activations `f` can fire from a finding, preferred first (the source document's support-desk $1 ACR).
ACTIONS_OF_KIND: dict[str, FixAction] = {"one-dollar": "fire-one-dollar", "rebalance": "rebalance"}
FIX_OF_KIND = {"one-dollar": "Fire the pending $1 ACR (through the checklist).",
               "rebalance": "Rebalance (through the checklist)."}


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
            # The same cause and fix as the DRIFT diagnostic: no rebalance is offered that would build nothing.
            idle = rebalance_orders(s, models[s.model or ""], prices, settings) == []
            return Finding(symptom, True,
                           f"Leverage {lev(s.applied)} was applied, but holdings drifted: actual {lev(actual)} "
                           f"against an invested target of {lev(expected)}"
                           + (f" ({cause_label('DRIFT', 'below-minimum')})." if idle else "."),
                           (f"{s.id}: saved = applied = {lev(s.applied)}",),
                           cause_fix("DRIFT", "below-minimum" if idle else ""), None if idle else "rebalance", s.id)
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
    fix = cause_fix("NEGATIVE_APM", cause)
    apm_lmv = market_value(apm.positions, prices)
    held = ", ".join(f"{sym} {qty:,}" for sym, qty in sorted(apm.positions.items()) if qty) or "nothing"
    evidence = [f"APM cash {money(apm.cash)}", f"APM holds {held} worth {money(apm_lmv)}",
                f"account type {account.type}" + ("" if account.can_margin else ": it cannot carry margin")]
    for s in sleeves:
        evidence.append(f"{s.id} cash {money(s.cash)} at {lev(s.applied)}")
    if cause == "margin":
        return _move_exposure(account, sleeves, prices, models, today, settings, evidence, fix)
    causes = {"residue": "A fractional-share residue left the APM a few cents short: not margin.",
              "fees": "Account-level fees were booked to the APM: not margin.",
              "unknown": f"The data does not show what booked it; a {account.type} account cannot carry margin."}
    # The cure: a liquidation from a model sleeve into the APM that leaves it at 0 (the checklist allows it).
    amount = (-apm.cash).quantize(CENT, rounding=ROUND_UP)
    for s in sleeves:
        build = build_acr(account, s.id, "liquidation", prices, models, today, settings, amount)
        if not evaluate_checklist(account, s.id, "liquidation", build).failed:
            return Finding(symptom, True, causes[cause], tuple(evidence + [
                f"a liquidation of {money(amount)} from {s.id} into the APM builds: {len(build.orders)} order(s)"]),
                fix, "fund-apm", s.id, amount=amount)
        evidence.append(f"a liquidation of {money(amount)} from {s.id} would fail: {build.code or 'checklist'}")
    return Finding(symptom, True, causes[cause], tuple(evidence), fix)


def _move_exposure(account, sleeves, prices, models, today, settings, evidence, fix) -> Finding:
    """Margin carried at the account level: the plan that moves it into a model sleeve, never an empty one."""
    symptom = "negative-apm"
    apm = account.apm
    if not sleeves:
        return Finding(symptom, True, "Margin is carried at the account level and the account has no model sleeve.",
                       tuple(evidence), "Add a model sleeve and move the exposure into it.")
    target = sleeves[0]
    apm_lmv = market_value(apm.positions, prices)
    sleeve_lmv = market_value(target.positions, prices)
    apm_equity = apm_lmv + apm.cash
    combined_equity = sleeve_lmv + target.cash + apm_equity
    if combined_equity <= 0:
        return Finding(symptom, True, "Margin is carried at the account level and the equity is not positive.",
                       tuple(evidence), "Cure the deficit before moving exposure.")
    leverage = min(max((sleeve_lmv + apm_lmv) / combined_equity, ONE), account.max_leverage).quantize(CENT)
    exposure = money(sleeve_lmv + apm_lmv)
    if apm_lmv > 0:
        held = ", ".join(f"{sym} {qty:,}" for sym, qty in sorted(apm.positions.items()) if qty)
        sell = (f"2. Sell the APM's holdings ({held}, {money(apm_lmv)}) at the custodian: APM cash becomes "
                f"{money(apm_equity)}.")
        into = "from the APM into " + target.id if apm_equity >= 0 else f"from {target.id} into the APM"
        allocate = (f"3. {'Allocate' if apm_equity >= 0 else 'Liquidate'} {money(abs(apm_equity))} {into}: "
                    f"the ACR rebuilds it at {lev(leverage)}.")
        move: tuple[str, ...] = (sell, allocate)
    else:
        liquidate = (f"2. Liquidate {money(-apm.cash)} from {target.id} into the APM (ctrl+l): the debit moves "
                     f"into the model sleeve and the ACR rebuilds it at {lev(leverage)}.")
        move = (liquidate,)
    save = (f"1. Save leverage {lev(leverage)} on {target.id} (f): the same {exposure} of exposure on the "
            "combined equity.")
    plan = (save, *move)
    return Finding(symptom, True, "Margin was applied at the account level: the APM carries the debit.",
                   tuple(evidence), fix, "move-exposure", target.id, leverage, plan)


def _not_leveraging(account, sleeves, prices, models, today, settings, last) -> Finding:
    symptom = "not-leveraging"
    levered = [s for s in sleeves if s.leverage > ONE or s.applied > ONE]
    if levered and not account.can_margin:
        s = levered[0]
        levels = (f"{s.id} saved {lev(s.leverage)}, applied {lev(s.applied)}",)
        if account.type == "margin":
            return Finding(symptom, True, "Margin is not enabled at the custodian for this margin account: "
                           "no ACR above 1.0 will build.", levels + (f"{account.custodian}: margin_enabled = no",),
                           cause_fix("MARGIN_NOT_ENABLED"), "confirm-margin", s.id)
        return Finding(symptom, True, f"This is a {account.type} account: it cannot carry a margin debit, so no "
                       "ACR above 1.0 will build.", levels + (f"account type {account.type}",),
                       cause_fix("MARGIN_NOT_ENABLED"), "reset-leverage", s.id, ONE)
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
    evidence: list[str] = []
    first_blocked = None
    for s in sleeves:
        tried = _activations(account, s, prices, models, today, settings)
        evidence += _tried_lines(s, tried)
        ready = [kind for kind, checklist, _ in tried if not checklist.failed]
        if ready:
            names = ", ".join(kind_title(k).lower() for k in ready)
            action = next((ACTIONS_OF_KIND[k] for k in ACTIONS_OF_KIND if k in ready), None)
            return Finding(symptom, False, f"Not what the data shows: on {s.id} these build now once the checklist "
                           f"is acknowledged: {names}.", tuple(evidence), "Fire it through the checklist.", action,
                           s.id)
        first_blocked = first_blocked or (s, tried[0][1])
    s, checklist = first_blocked
    return _blocked(symptom, account, s, checklist, evidence, prices, models, today, settings, last)
