"""The pre-trade checklist: the source document's quick checklist made a gate (DOMAIN.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from calc.build import ACR_KINDS, BuildResult
from calc.formatting import money
from calc.models import Account
from calc.money import ONE

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


# (id, title) of every acknowledgeable item, in order.
ACKNOWLEDGEMENTS: tuple[tuple[str, str], ...] = (
    ("sleeve-cash-reviewed", "Sleeve cash reviewed"),
    ("risk-suitability", "Risk: leverage is suitable for this client"),
    ("risk-monitoring", "Risk: exposure will be monitored"),
    ("risk-multiplier", "Risk: the multiplier's impact on gains and losses is understood"),
)
ACK_IDS: tuple[str, ...] = tuple(i for i, _ in ACKNOWLEDGEMENTS)


def acknowledgement_problem(acknowledged: frozenset[str] | set[str]) -> str | None:
    """Why a set of acknowledgements cannot be recorded (an id no item has), or None when every id is known."""
    unknown = set(acknowledged) - set(ACK_IDS)
    if unknown:
        return f"unknown acknowledgement(s): {', '.join(sorted(unknown))}; known: {', '.join(ACK_IDS)}"
    return None


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
    items: list[ChecklistItem] = []

    uses_margin = sleeve.leverage > ONE or (build is not None and (build.projected_sleeve_cash or 0) < 0)
    if account.can_margin:
        items.append(ChecklistItem("margin-enabled", "Custodian account enabled for margin", True, "passed",
                                   f"{account.custodian or 'custodian'}: margin enabled, {account.type} account"))
    elif not uses_margin:
        items.append(ChecklistItem("margin-enabled", "Custodian account enabled for margin", True, "passed",
                                   "not needed: this ACR uses no margin"))
    else:
        why = "margin is not enabled at the custodian" if not account.margin_enabled else f"this is a {account.type} account"
        items.append(ChecklistItem("margin-enabled", "Custodian account enabled for margin", True, "failed",
                                   f"leverage {sleeve.leverage} needs margin, but {why}",
                                   "Confirm margin status with the custodian.", "MARGIN_NOT_ENABLED"))

    apm = account.apm
    if sleeve.kind != "model":
        items.append(ChecklistItem("model-sleeve", "Leverage applied to the model sleeve", True, "failed",
                                   f"{sleeve.id} is a {sleeve.kind} sleeve", "Apply leverage to a model sleeve."))
    elif apm is not None and apm.cash < 0:
        items.append(ChecklistItem("model-sleeve", "Leverage applied to the model sleeve, none on the APM", True,
                                   "failed", f"APM cash is {money(apm.cash)}",
                                   "Move the exposure into the model sleeve.", "NEGATIVE_APM"))
    else:
        items.append(ChecklistItem("model-sleeve", "Leverage applied to the model sleeve, none on the APM", True,
                                   "passed", f"{sleeve.id} at {sleeve.leverage}x; APM not negative"))

    if kind in ACR_KINDS:
        items.append(ChecklistItem("activation", "Activation action chosen", True, "passed", kind))
    else:
        items.append(ChecklistItem("activation", "Activation action chosen", True, "failed",
                                   f"unknown action {kind!r}", "Choose rebalance, cash management or allocation."))

    cash_text = ""
    if build is not None and build.projected_sleeve_cash is not None:
        cash_text = f"projected sleeve cash {money(build.projected_sleeve_cash)}"
    for ack_id, title in ACKNOWLEDGEMENTS:
        status: Status = "acknowledged" if ack_id in acknowledged else "awaiting"
        detail = cash_text if ack_id == "sleeve-cash-reviewed" else ""
        items.append(ChecklistItem(ack_id, title, False, status, detail))

    if build is None:
        items.append(ChecklistItem("margin-checks", "Projected Reg T initial and maintenance checks pass", True,
                                   "failed", "no build", "Build the ACR first."))
    elif build.ok and build.projected_margin is not None:
        fig = build.projected_margin
        items.append(ChecklistItem("margin-checks", "Projected Reg T initial and maintenance checks pass", True,
                                   "passed", f"call distance {fig.call_distance:.1%}"))
    else:
        items.append(ChecklistItem("margin-checks", "Projected Reg T initial and maintenance checks pass", True,
                                   "failed", f"{build.code}: {build.reason}", build.fix, build.code))
    return Checklist(tuple(items))
