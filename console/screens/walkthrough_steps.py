"""What enter does on each walkthrough step: the editor (1), an ACR through the gate (2), the cash review (3).

A mixin of WalkthroughScreen, kept apart so the screen stays one screen's layout, loading and dispatch. Each
flow ends in one of the screen's step writes (`write_step`, `_record`): what is recorded is the store's
(store.walkthrough.record_editor_save / record_fired_acr), what is said is calc.walkthrough's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from calc import KINDS_WITH_AMOUNT
from calc.formatting import lev
from calc.run_views import RunView
from calc.views import AccountDetail, AcrRecord
from calc.walkthrough import (
    cash_review_confirmation,
    cash_review_question,
    checklist_blocked_reason,
)
from store.core import Store
from store.walkthrough import record_editor_save, record_fired_acr

if TYPE_CHECKING:
    from console.app import MarginConsoleApp


@dataclass(frozen=True)
class Notice:
    """What a step write tells the operator, and whether the cursor moves on to the run's current step."""

    text: str = ""
    severity: str = "information"
    select_next: bool = False


def fired_notice(acr: AcrRecord | None) -> Notice:
    """What the operator is told when the AcrScreen of step 2 closes."""
    if acr is None:
        return Notice("No ACR fired: step 2 stays open.", "warning")
    if acr.failed:
        return Notice(f"Step 2 blocked: ACR {acr.id} failed {acr.code}. {acr.fix} Press r to retry.", "error")
    return Notice(f"Step 2 completed: ACR {acr.id} {acr.status} with {len(acr.orders)} order(s).",
                  select_next=True)


class StepFlows:
    """Step 1 opens the leverage editor, step 2 the activation choice and the AcrScreen, step 3 the review."""

    # Owned by WalkthroughScreen; named here so each flow reads what it uses.
    account_id: str
    sleeve_id: str
    run_id: int | None
    detail: AccountDetail | None
    _acr_screen: Screen | None
    _editor_mark: int | None
    if TYPE_CHECKING:
        @property
        def app(self) -> MarginConsoleApp: ...

        def write_step(self, write: Callable[[Store, int], Notice]) -> Any: ...

        def _record(self, step: str, outcome: str, *, reason: str = "", confirmed: str = "",
                    acr_id: int | None = None, finish: bool = False, message: str = "") -> None: ...

        def notify(self, message: str, **kwargs: Any) -> None: ...

    # -- step 1: the leverage editor ------------------------------------------------------------------

    def _edit_leverage(self, view: RunView) -> None:
        if self.detail is None:
            return
        from console.screens.editor_modal import LeverageEditor

        sleeve = self.detail.sleeve(self.sleeve_id)
        self._editor_mark = view.audit_head
        self.app.push_screen(LeverageEditor(self.detail, sleeve, "Step 2 of the walkthrough activates it."),
                             self._editor_closed)

    def _editor_closed(self, _: object = None) -> None:
        mark, operator = self._editor_mark, self.app.operator
        self._editor_mark = None
        if mark is None or self.run_id is None:
            return

        def write(store: Store, run_id: int) -> Notice:
            if record_editor_save(store, run_id, mark, operator):
                return Notice("Step 1 completed: the target is saved (nothing traded yet). Step 2 activates it.",
                              select_next=True)
            return Notice("Nothing saved. Press c to confirm the saved target, or enter to edit it.", "warning")

        self.write_step(write)

    # -- step 2: activation through the AcrScreen gate ------------------------------------------------

    def _choose_activation(self, view: RunView) -> None:
        pending = f"saved {lev(view.saved)}, applied {lev(view.applied)}"

        def chosen(kind: str | None) -> None:
            if kind is None:
                return
            if kind in KINDS_WITH_AMOUNT:
                from console.screens.amount_modal import AmountModal

                def amount_chosen(amount: Decimal | None) -> None:
                    if amount is not None:
                        self._push_acr(kind, amount)

                self.app.push_screen(AmountModal.for_sleeve(kind, self.detail, self.sleeve_id), amount_chosen)
            else:
                self._push_acr(kind, Decimal(0))

        from console.screens.activation_modal import ActivationModal

        self.app.push_screen(ActivationModal(self.sleeve_id, pending), chosen)

    def _push_acr(self, kind: str, amount: Decimal) -> None:
        from console.screens.acr_screen import AcrScreen

        screen = AcrScreen(self.account_id, self.sleeve_id, kind, amount, walkthrough_run=self.run_id)
        self._acr_screen = screen
        self.app.push_screen(screen)

    def on_screen_resume(self) -> None:
        screen = self._acr_screen
        if screen is None or screen in self.app.screen_stack:
            return
        self._acr_screen = None
        key, operator = getattr(screen, "request_key", None), self.app.operator
        if key is None or self.run_id is None:
            return

        def write(store: Store, run_id: int) -> Notice:
            return fired_notice(record_fired_acr(store, run_id, key, operator))

        self.write_step(write)

    # -- step 3: the quick checklist ------------------------------------------------------------------

    def _review_checklist(self, view: RunView) -> None:
        evaluation = view.evaluations["checklist"]
        if evaluation.failed_items:
            reason = checklist_blocked_reason(evaluation)
            self._record("checklist", "blocked", reason=reason,
                         message=f"Quick checklist blocked: {reason}. Fix it, then r to retry.")
            return
        from console.screens.confirm_modal import ConfirmModal

        confirmed = cash_review_confirmation(self.app.operator, evaluation)

        def answered(yes: bool | None) -> None:
            if yes:
                self._record("checklist", "completed", finish=True, confirmed=confirmed,
                             message=f"Quick checklist completed: run {view.id} finished. "
                                     f"Export: margin-console walkthrough export {view.id}")

        self.app.push_screen(ConfirmModal(cash_review_question(view.sleeve_id, evaluation), confirm_label="Reviewed"),
                             answered)
