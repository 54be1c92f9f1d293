"""The pre-trade checklist: the source document's quick checklist made a gate (DOMAIN.md).

One catalogue of items, each with one id, one title and one rule. The gate before an ACR fires
(`evaluate_checklist`) composes all of them; the walkthrough's quick checklist composes the source
document's four (`QUICK_IDS`), with the run's ACRs as the activation's context.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from calc.build import ACR_KINDS, BuildResult
from calc.diagnostic import cause_fix, cause_label
from calc.diagnostics import negative_apm_cause
from calc.formatting import call_distance_text, cash, lev, money
from calc.models import Account, Sleeve
from calc.money import ONE, ZERO
from calc.vocabulary import ACTIVATED_STATUSES, FAILURE_FIXES, kind_title

Status = Literal["passed", "failed", "awaiting", "acknowledged"]


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the checklist; evaluated items come from the data, acknowledged ones from the operator."""

    id: str
    title: str
    evaluated: bool
    status: Status
    detail: str = ""
    fix: str = ""
    code: str | None = None

    @property
    def blocking(self) -> bool:
        return self.status in ("failed", "awaiting")


# Every item, in the order DOMAIN.md lists them: id -> title. Titles are the source document's words.
TITLES: dict[str, str] = {
    "margin-enabled": "Custodian account enabled for margin",
    "model-sleeve": "Leverage applied to the model sleeve, none on the APM",
    "activation": "Rebalance, CMA, manual allocation/liquidation",
    "sleeve-cash-reviewed": "Sleeve cash reviewed",
    "risk-suitability": "Risk: leverage is suitable for this client",
    "risk-monitoring": "Risk: exposure will be monitored",
    "risk-multiplier": "Risk: the multiplier's impact on gains and losses is understood",
    "margin-checks": "Projected Reg T initial and maintenance checks pass",
}
# (id, title) of every acknowledgeable item, in order; the operator numbers them 1-4.
ACKNOWLEDGEMENTS: tuple[tuple[str, str], ...] = tuple(
    (i, TITLES[i]) for i in ("sleeve-cash-reviewed", "risk-suitability", "risk-monitoring", "risk-multiplier"))
ACK_IDS: tuple[str, ...] = tuple(i for i, _ in ACKNOWLEDGEMENTS)
# The source document's quick checklist: the walkthrough's step 3.
QUICK_IDS: tuple[str, ...] = ("margin-enabled", "model-sleeve", "activation", "sleeve-cash-reviewed")


@dataclass(frozen=True)
class RunAcr:
    """An ACR already fired on the sleeve (the walkthrough's run), as the activation item needs it."""

    id: int
    kind: str
    status: str
    leverage: Decimal
    code: str | None = None
    reason: str = ""
    amount: Decimal = ZERO

    @property
    def activated(self) -> bool:
        return self.status in ACTIVATED_STATUSES

    @property
    def label(self) -> str:
        amount = f" of {money(self.amount)}" if self.amount else ""
        return f"ACR {self.id} ({kind_title(self.kind)}{amount})"


def acknowledgement_problem(acknowledged: frozenset[str] | set[str]) -> str | None:
    """Why a set of acknowledgements cannot be recorded (an id no item has), or None when every id is known."""
    unknown = set(acknowledged) - set(ACK_IDS)
    if unknown:
        return f"unknown acknowledgement(s): {', '.join(sorted(unknown))}; known: {', '.join(ACK_IDS)}"
    return None


def _item(item_id: str, status: Status, detail: str = "", fix: str = "", code: str | None = None) -> ChecklistItem:
    return ChecklistItem(item_id, TITLES[item_id], item_id not in ACK_IDS, status, detail, fix, code)


def margin_enabled_item(account: Account, sleeve: Sleeve, uses_margin: bool) -> ChecklistItem:
    """Item 1: the custodian carries margin, or the sleeve needs none (L = 1.0 and no debit)."""
    if account.can_margin:
        return _item("margin-enabled", "passed",
                     f"{account.custodian or 'custodian'}: margin enabled, {account.type} account")
    if not uses_margin:
        return _item("margin-enabled", "passed", "not needed: no leverage and no debit on this sleeve")
    return _item("margin-enabled", "failed", f"leverage {lev(sleeve.leverage)} needs margin, but "
                                             f"{account.no_margin_reason}",
                 cause_fix("MARGIN_NOT_ENABLED"), "MARGIN_NOT_ENABLED")


def model_sleeve_item(account: Account, sleeve: Sleeve, apm_cash_after: Decimal | None = None) -> ChecklistItem:
    """Item 2: a model sleeve, and no negative APM unless this ACR is the cure that leaves it >= 0."""
    apm = account.apm
    if sleeve.kind != "model":
        return _item("model-sleeve", "failed", f"{sleeve.id} is a {sleeve.kind} sleeve",
                     "Apply leverage to a model sleeve.")
    leverages = f"{sleeve.id} saved {lev(sleeve.leverage)}, applied {lev(sleeve.applied)}"
    if apm is not None and apm.cash < 0:
        if apm_cash_after is not None and apm_cash_after >= 0:
            return _item("model-sleeve", "passed", f"{leverages}; APM cash {money(apm.cash)} now, "
                                                   f"{money(apm_cash_after)} after this ACR (the cure)")
        cause = negative_apm_cause(account)
        return _item("model-sleeve", "failed", f"APM cash is {money(apm.cash)} "
                                               f"({cause_label('NEGATIVE_APM', cause)})",
                     cause_fix("NEGATIVE_APM", cause), "NEGATIVE_APM")
    apm_text = f"; APM cash {money(apm.cash)}, not negative" if apm is not None else ""
    return _item("model-sleeve", "passed", f"{leverages}{apm_text}")


def activation_item(sleeve: Sleeve, kind: str | None = None, run_acrs: Sequence[RunAcr] = ()) -> ChecklistItem:
    """Item 3: what activates the saved leverage: the ACR about to fire (`kind`), or one already fired."""
    if kind is not None:
        if kind in ACR_KINDS:
            return _item("activation", "passed", f"{kind_title(kind)} chosen")
        return _item("activation", "failed", f"unknown action {kind!r}",
                     "Choose rebalance, cash management or allocation.")
    latest = run_acrs[-1] if run_acrs else None
    if sleeve.leverage == sleeve.applied:
        done = next((a for a in reversed(run_acrs) if a.activated), None)
        how = f"{done.label} {done.status}" if done else "no ACR needed in this run"
        return _item("activation", "passed", f"{how}; applied {lev(sleeve.applied)} equals saved")
    if latest is not None and latest.status == "failed":
        return _item("activation", "failed", f"{latest.label} failed {latest.code}; saved {lev(sleeve.leverage)} "
                                             f"not applied ({lev(sleeve.applied)})",
                     FAILURE_FIXES.get(latest.code or "", "Fix the cause and fire again."), latest.code)
    return _item("activation", "failed", f"saved {lev(sleeve.leverage)} not applied ({lev(sleeve.applied)})",
                 "Run a rebalance, trigger an ACR, or allocate $1 (step 2).", "PENDING_LEVERAGE")


def sleeve_cash_item(acknowledged: bool, now: Decimal, after: Decimal | None = None, because: str = "") -> ChecklistItem:
    """Item 4 (acknowledged): the sleeve cash now and after `because`, where a margin debit must show."""
    text = f"sleeve cash {cash(now)}"
    if after is not None and because:
        text += f", {cash(after)} {because}"
    where = "margin debit inside the model sleeve" if (now if after is None else after) < 0 else \
        "no debit in the sleeve"
    return _item("sleeve-cash-reviewed", "acknowledged" if acknowledged else "awaiting", f"{text} ({where})")


def margin_checks_item(build: BuildResult | None) -> ChecklistItem:
    """Item 6: the projected account passes Reg T initial and maintenance."""
    if build is None:
        return _item("margin-checks", "failed", "no build", "Build the ACR first.")
    if build.ok and build.projected_margin is not None:
        m = build.projected_margin
        return _item("margin-checks", "passed", f"call distance {call_distance_text(m.call_distance, m.debit)}")
    return _item("margin-checks", "failed", f"{build.code}: {build.reason}", build.fix, build.code)


@dataclass(frozen=True)
class Checklist:
    """The evaluated checklist for one ACR."""

    items: tuple[ChecklistItem, ...]

    @property
    def failed(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def awaiting(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.status == "awaiting"]

    @property
    def can_fire(self) -> bool:
        return not any(i.blocking for i in self.items)

    @property
    def blocking_code(self) -> str | None:
        """The failure code a blocked ACR is stored with."""
        for item in self.failed:
            if item.code:
                return item.code
        return None


def evaluate_checklist(
    account: Account,
    sleeve_id: str,
    kind: str,
    build: BuildResult | None,
    acknowledged: frozenset[str] | set[str] = frozenset(),
) -> Checklist:
    """Evaluate every item for an ACR of `kind` on `sleeve_id`, given its build and the operator's acks."""
    sleeve = account.sleeve(sleeve_id)
    projected_cash = build.projected_sleeve_cash if build is not None else None
    uses_margin = sleeve.leverage > ONE or (projected_cash or ZERO) < 0
    projected_apm = build.projected.apm if build is not None and build.projected is not None else None
    items = [
        margin_enabled_item(account, sleeve, uses_margin),
        model_sleeve_item(account, sleeve, projected_apm.cash if projected_apm is not None else None),
        activation_item(sleeve, kind),
        sleeve_cash_item("sleeve-cash-reviewed" in acknowledged, sleeve.cash, projected_cash, "after this ACR"),
        *(_item(i, "acknowledged" if i in acknowledged else "awaiting") for i in ACK_IDS[1:]),
        margin_checks_item(build),
    ]
    return Checklist(tuple(items))


def quick_checklist(account: Account, sleeve_id: str, run_acrs: Sequence[RunAcr] = (), acknowledged: bool = False,
                    open_orders: int = 0, open_order_cash: Decimal = ZERO) -> tuple[ChecklistItem, ...]:
    """The source document's quick checklist (QUICK_IDS) for a walkthrough run, after its ACRs fired.

    `open_orders` / `open_order_cash`: the sleeve's unfilled orders and the cash they move when they fill
    (buys negative), so the reviewed cash shows the margin debit the built ACR will create.
    """
    sleeve = account.sleeve(sleeve_id)
    uses_margin = sleeve.leverage > ONE or sleeve.applied > ONE or sleeve.cash < 0
    after = sleeve.cash + open_order_cash if open_orders else None
    return (
        margin_enabled_item(account, sleeve, uses_margin),
        model_sleeve_item(account, sleeve),
        activation_item(sleeve, run_acrs=run_acrs),
        sleeve_cash_item(acknowledged, sleeve.cash, after, f"once the {open_orders} open order(s) fill"),
    )
