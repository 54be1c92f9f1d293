"""The source document's "How to use it" as three evaluated steps, and the rules of a walkthrough run (pure, no I/O).

Step 1 (leverage): choose the model sleeve, edit the leverage, save the target.
Step 2 (activate): leverage changes do NOT apply automatically: a rebalance, a cash management deposit or
withdrawal, a manual allocation or liquidation, or a $1 allocation must build an ACR.
Step 3 (checklist): the quick checklist (calc.checklist.QUICK_IDS): custodian enabled for margin, leverage
applied to the model sleeve, the activation done, sleeve cash reviewed (the one item the operator acknowledges).

The screen and the CLI render these evaluations and record the outcomes this module words; neither decides
what a step's state or text is.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from calc.checklist import ChecklistItem, RunAcr, quick_checklist
from calc.formatting import lev
from calc.models import Account, leverage_cap, leverage_problem
from calc.money import ONE, ZERO
from calc.vocabulary import FAILURE_FIXES

STEPS: tuple[str, ...] = ("leverage", "activate", "checklist")
STEP_TITLES: dict[str, str] = {
    "leverage": "Update leverage",
    "activate": "Activate the change",
    "checklist": "Quick checklist",
}
STEP_SOURCE: dict[str, str] = {
    "leverage": "Go to Target, select the model sleeve, edit the Leverage tab, save the target.",
    "activate": "Leverage changes do NOT apply automatically: run a rebalance or submit an ACR "
                "(cash management deposit/withdrawal, manual allocation/liquidation, or allocate $1).",
    "checklist": "Before using margin: custodian enabled for margin, leverage applied to the model sleeve, "
                 "rebalance/CMA/manual allocation done, sleeve cash reviewed.",
}
# A step's state is its last settling outcome; "retried" reopens it.
STEP_STATES: tuple[str, ...] = ("open", "completed", "skipped", "blocked")

MARKS: dict[str, str] = {"passed": "[x]", "acknowledged": "[x]", "failed": "[ ]", "awaiting": "[ ]"}


def step_number(step: str) -> int:
    return STEPS.index(step) + 1


def step_label(step: str) -> str:
    """`Step 1 · Update leverage`; the checklist is named on its own, as the source document does."""
    return STEP_TITLES[step] if step == "checklist" else f"Step {step_number(step)} · {STEP_TITLES[step]}"


def open_step_before(states: Mapping[str, str], step: str) -> str | None:
    """The first earlier step still open: steps are done (or skipped) in the source document's order."""
    return next((s for s in STEPS[:STEPS.index(step)] if states.get(s, "open") == "open"), None)


def task_line(item: ChecklistItem) -> str:
    """One Markdown task-list line, e.g. `[x] Custodian account enabled for margin: ...`."""
    text = f"{MARKS[item.status]} {item.title}"
    if item.status == "failed":
        text += " (FAILED"
        text += f" {item.code})" if item.code else ")"
    elif item.status == "awaiting":
        text += " (awaiting the operator)"
    if item.detail:
        text += f": {item.detail}"
    if item.status == "failed" and item.fix:
        text += f". Fix: {item.fix}"
    return text


@dataclass(frozen=True)
class StepEvaluation:
    """What the store says now about one step, what the operator must confirm, and whether `c` may complete it.

    `completion` is what completing the step with `c` records as confirmed (and `acr_id` the ACR it cites);
    `saved_in_run` says the target was saved during this run, so the record never has to parse `says`.
    """

    step: str
    says: tuple[str, ...]
    confirm: str
    can_complete: bool
    refusal: str = ""
    items: tuple[ChecklistItem, ...] = ()
    completion: str = ""
    acr_id: int | None = None
    saved_in_run: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.says)

    @property
    def failed_items(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def needs_review(self) -> bool:
        """The checklist's evaluated items all pass: only the operator's sleeve cash review is left."""
        return self.step == "checklist" and not self.failed_items

    @property
    def cash_item(self) -> ChecklistItem | None:
        return next((i for i in self.items if i.id == "sleeve-cash-reviewed"), None)


@dataclass(frozen=True)
class StepOutcome:
    """A step outcome to record: completed or blocked, with its reason, confirmation and ACR."""

    step: str
    outcome: str
    confirmed: str
    reason: str = ""
    acr_id: int | None = None


def max_leverage(account: Account) -> Decimal:
    return leverage_cap(account.max_leverage)


def evaluate_leverage_step(account: Account, sleeve_id: str, model_name: str = "", last_saved: str = "",
                           saved_in_run: bool = False) -> StepEvaluation:
    """Step 1: the saved target on the model sleeve; `c` confirms it when it is a valid model-sleeve target."""
    sleeve = account.sleeve(sleeve_id)
    top = max_leverage(account)
    if sleeve.kind != "model":
        says = (f"{sleeve.id} is a {sleeve.kind} sleeve: leverage belongs on a model sleeve",)
        return StepEvaluation("leverage", says,
                              "Select a model sleeve.", False,
                              f"{sleeve.id} is not a model sleeve: leverage is never applied to the APM")
    model = f"model {sleeve.model}" + (f" ({model_name})" if model_name else "")
    track = "ON (follows the model manager's cash)" if sleeve.track_manager else \
        f"OFF (advisor controls cash, reserve {sleeve.cash_reserve:.0%})"
    says = [f"{sleeve.id} · {model} · saved {lev(sleeve.leverage)} · applied {lev(sleeve.applied)} · "
            f"account max {lev(top)}",
            f"Track manager {track}"]
    if last_saved:
        says.append(f"Target last saved {last_saved}" + (" (in this run)" if saved_in_run else " (before this run)"))
    if sleeve.leverage > ONE and not account.can_margin:
        says.append(f"Warning: {account.id} cannot margin ({account.no_margin_reason}); step 2 will be blocked "
                    "above 1.00x")
    if leverage_problem(sleeve.leverage, account.max_leverage):
        return StepEvaluation("leverage", tuple(says), "Save a leverage within range (enter opens the editor).",
                              False, f"saved leverage {lev(sleeve.leverage)} is outside 1.00x-{lev(top)}")
    in_run = bool(last_saved) and saved_in_run
    how = "saved in this run" if in_run else "confirmed as saved"
    return StepEvaluation("leverage", tuple(says),
                          f"The saved target {lev(sleeve.leverage)} is what the advisor asked for "
                          f"(enter edits and saves it; c confirms the saved target).", True,
                          completion=f"Target {lev(sleeve.leverage)} on {sleeve.id} {how}", saved_in_run=in_run)


def _latest(run_acrs: Sequence[RunAcr]) -> RunAcr | None:
    return run_acrs[-1] if run_acrs else None


def _latest_activated(run_acrs: Sequence[RunAcr]) -> RunAcr | None:
    return next((a for a in reversed(run_acrs) if a.activated), None)


def evaluate_activation_step(account: Account, sleeve_id: str, run_acrs: Sequence[RunAcr] = ()) -> StepEvaluation:
    """Step 2: the saved leverage is in effect (applied == saved), by an ACR of this run or an earlier one."""
    sleeve = account.sleeve(sleeve_id)
    says = [f"Saved {lev(sleeve.leverage)} · applied {lev(sleeve.applied)}"
            + (" · PENDING: nothing has traded" if sleeve.leverage != sleeve.applied else " · in effect")]
    for acr in run_acrs:
        outcome = f"failed {acr.code}" if acr.status == "failed" else acr.status
        says.append(f"{acr.label} at {lev(acr.leverage)}: {outcome}")
    if not run_acrs:
        says.append("No ACR fired in this run")
    confirm = "Choose the activation and fire it through the checklist gate (enter)."
    if sleeve.leverage == sleeve.applied:
        done = _latest_activated(run_acrs)
        how = f"by {done.label}" if done else "before this run"
        completion = f"Applied {lev(sleeve.applied)} equals saved" + (
            f", activated by ACR {done.id} ({done.kind}, {done.status})" if done else ": activated before this run")
        return StepEvaluation("activate", tuple(says), f"Saved leverage applied {how}.", True,
                              completion=completion, acr_id=done.id if done else None)
    latest = _latest(run_acrs)
    if latest is not None and latest.status == "failed":
        refusal = f"{latest.label} failed {latest.code}: {FAILURE_FIXES.get(latest.code or '', latest.reason)}"
    else:
        refusal = (f"saved {lev(sleeve.leverage)} is not applied ({lev(sleeve.applied)}): "
                   "fire a rebalance or an ACR first (enter)")
    return StepEvaluation("activate", tuple(says), confirm, False, refusal)


def evaluate_checklist_step(account: Account, sleeve_id: str, run_acrs: Sequence[RunAcr] = (),
                            acknowledged: bool = False, open_orders: int = 0,
                            open_order_cash: Decimal = ZERO) -> StepEvaluation:
    """Step 3: the quick checklist; it completes when every evaluated item passes and sleeve cash is reviewed."""
    items = quick_checklist(account, sleeve_id, run_acrs, acknowledged, open_orders, open_order_cash)
    failed = [i for i in items if i.status == "failed"]
    cash_item = items[-1]  # the quick checklist ends with the sleeve cash review
    confirm = f"Review the sleeve cash: {cash_item.detail} (enter)."
    if failed:
        refusal = "; ".join(f"{i.title}: {i.detail}" for i in failed)
        return StepEvaluation("checklist", tuple(task_line(i) for i in items), confirm, False, refusal, items)
    if not acknowledged:
        return StepEvaluation("checklist", tuple(task_line(i) for i in items), confirm, False,
                              "the sleeve cash has not been reviewed yet (enter)", items)
    return StepEvaluation("checklist", tuple(task_line(i) for i in items), confirm, True, "", items)


def evaluate_step(step: str, account: Account, sleeve_id: str, *, model_name: str = "", last_saved: str = "",
                  saved_in_run: bool = False, run_acrs: Sequence[RunAcr] = (), acknowledged: bool = False,
                  open_orders: int = 0, open_order_cash: Decimal = ZERO) -> StepEvaluation:
    """Any step by name."""
    if step == "leverage":
        return evaluate_leverage_step(account, sleeve_id, model_name, last_saved, saved_in_run)
    if step == "activate":
        return evaluate_activation_step(account, sleeve_id, run_acrs)
    if step == "checklist":
        return evaluate_checklist_step(account, sleeve_id, run_acrs, acknowledged, open_orders, open_order_cash)
    raise ValueError(f"unknown walkthrough step {step!r}: choose one of {', '.join(STEPS)}")


def fired_acr_outcome(acr: RunAcr, orders: int) -> StepOutcome | None:
    """What an ACR fired from step 2 records: completed if it built, blocked with its code if it failed.

    None for any other status (an ACR cancelled or expired before the screen saw it): step 2 stays open.
    """
    if acr.status == "failed":
        return StepOutcome("activate", "blocked", f"ACR {acr.id} ({acr.kind}) fired through the checklist gate: failed",
                           f"{acr.code}: {acr.reason}", acr.id)
    if acr.activated:
        return StepOutcome("activate", "completed",
                           f"ACR {acr.id} ({acr.kind}) fired through the checklist gate and confirmed: "
                           f"{acr.status}, {orders} order(s)", acr_id=acr.id)
    return None


def editor_saved_confirmation(saved: Decimal, sleeve_id: str) -> str:
    """What step 1 records when the operator saved the target in the leverage editor during the run."""
    return f"Target {lev(saved)} on {sleeve_id} saved in the leverage editor"


def checklist_blocked_reason(evaluation: StepEvaluation) -> str:
    """Why the quick checklist is recorded as blocked: each failed item's title and code."""
    return "; ".join(i.title + (f" ({i.code})" if i.code else "") for i in evaluation.failed_items)


def cash_review_question(sleeve_id: str, evaluation: StepEvaluation) -> str:
    """The confirmation the operator answers to acknowledge the sleeve cash (the checklist's one acknowledgement)."""
    detail = evaluation.cash_item.detail if evaluation.cash_item is not None else ""
    return (f"Sleeve cash review on {sleeve_id}: {detail}.\n"
            f"Margin must show as negative sleeve cash, never as a negative APM. "
            f"Mark the sleeve cash as reviewed and finish the run?")


def cash_review_confirmation(operator: str, evaluation: StepEvaluation) -> str:
    """What completing the quick checklist records: who reviewed which sleeve cash."""
    detail = evaluation.cash_item.detail if evaluation.cash_item is not None else ""
    return f"Sleeve cash reviewed by {operator}: {detail}"


# -- run state: what settles a step ---------------------------------------------------------------------

OUTCOMES: tuple[str, ...] = ("completed", "skipped", "blocked", "retried")
# Outcomes that settle a step; 'retried' reopens it.
SETTLED = frozenset({"completed", "skipped", "blocked"})
RUN_STATUSES = ("open", "completed", "incomplete")


class _Recorded(Protocol):
    step: str
    outcome: str


def step_state(records: Sequence[_Recorded], step: str) -> str:
    """open, completed, skipped or blocked: the step's last outcome ('retried' reopens it)."""
    last = next((r for r in reversed(records) if r.step == step), None)
    return last.outcome if last is not None and last.outcome in SETTLED else "open"
