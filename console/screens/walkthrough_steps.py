"""What enter does on each walkthrough step: the editor (1), an ACR through the gate (2), the cash review (3).

A mixin of WalkthroughScreen, kept apart so the screen stays one screen's layout, loading and dispatch.
It uses the screen's run_id, sleeve_id, account_id, detail, _record, _show and _load_job; every store call
runs in an App.run_store worker, as the screen's own do.
"""
from __future__ import annotations

from decimal import Decimal

from textual.screen import Screen

from calc import KINDS_WITH_AMOUNT
from calc.checklist import RunAcr
from calc.formatting import lev
from calc.walkthrough import (
    cash_review_confirmation, cash_review_question, checklist_blocked_reason, editor_saved_confirmation,
    fired_acr_outcome,
)
from calc.views import AccountDetail, AcrRecord
from calc.views import RunView


class StepFlows:
    """Step 1 opens the leverage editor, step 2 the activation choice and the AcrScreen, step 3 the review."""

    # Owned by WalkthroughScreen; named here so each flow reads what it uses.
    account_id: str
    sleeve_id: str
    run_id: int | None
    detail: AccountDetail | None
    _acr_screen: Screen | None
    _editor_mark: int | None

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
        mark, run_id, sleeve_id = self._editor_mark, self.run_id, self.sleeve_id
        operator = self.app.operator  # type: ignore[attr-defined]
        self._editor_mark = None
        if mark is None or run_id is None:
            return

        def job(store):  # type: ignore[no-untyped-def]
            from store.queries.walkthrough import leverage_saved_since, load_run
            from store.walkthrough import record_step

            if not leverage_saved_since(store, sleeve_id, mark):
                return False, self._load_job(store, run_id)
            saved = load_run(store, run_id).saved
            record_step(store, run_id, "leverage", "completed", operator,
                        confirmed=editor_saved_confirmation(saved, sleeve_id))
            return True, self._load_job(store, run_id)

        def done(result: tuple) -> None:
            saved, loaded = result
            if saved:
                self.notify("Step 1 completed: the target is saved (nothing traded yet). Step 2 activates it.",
                            timeout=6)
            else:
                self.notify("Nothing saved. Press c to confirm the saved target, or enter to edit it.",
                            severity="warning")
            self._show(*loaded, select_next=saved)

        self.app.run_store(job, done, group="write", exclusive=False)  # type: ignore[attr-defined]

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

                self.app.push_screen(AmountModal(kind, self.sleeve_id), amount_chosen)
            else:
                self._push_acr(kind, Decimal(0))

        from console.screens.activation_modal import ActivationModal

        self.app.push_screen(ActivationModal(self.sleeve_id, pending), chosen)

    def _push_acr(self, kind: str, amount: Decimal) -> None:
        from console.screens.acr_screen import AcrScreen

        screen = AcrScreen(self.account_id, self.sleeve_id, kind, amount)
        self._acr_screen = screen
        self.app.push_screen(screen)

    def on_screen_resume(self) -> None:
        screen = self._acr_screen
        if screen is None or screen in self.app.screen_stack:
            return
        self._acr_screen = None
        key = getattr(screen, "request_key", None)
        run_id, operator = self.run_id, self.app.operator  # type: ignore[attr-defined]
        if key is None or run_id is None:
            return

        def job(store):  # type: ignore[no-untyped-def]
            from store.acrs import acr_by_request_key
            from store.walkthrough import record_step

            acr = acr_by_request_key(store, key)
            fired = None if acr is None else RunAcr(acr.id, acr.kind, acr.status, acr.leverage, acr.code,
                                                    acr.reason, acr.amount)
            outcome = None if fired is None else fired_acr_outcome(fired, len(acr.orders))  # type: ignore[union-attr]
            if outcome is not None:
                record_step(store, run_id, outcome.step, outcome.outcome, operator, reason=outcome.reason,
                            acr_id=outcome.acr_id, confirmed=outcome.confirmed)
            return acr, self._load_job(store, run_id)

        def done(result: tuple) -> None:
            acr, loaded = result
            self._announce(acr)
            self._show(*loaded, select_next=acr is not None and not acr.failed)

        self.app.run_store(job, done, group="write", exclusive=False)  # type: ignore[attr-defined]

    def _announce(self, acr: AcrRecord | None) -> None:
        if acr is None:
            self.notify("No ACR fired: step 2 stays open.", severity="warning")
        elif acr.failed:
            self.notify(f"Step 2 blocked: ACR {acr.id} failed {acr.code}. {acr.fix} Press r to retry.",
                        severity="error", timeout=10)
        else:
            self.notify(f"Step 2 completed: ACR {acr.id} {acr.status} with {len(acr.orders)} order(s).", timeout=6)

    # -- step 3: the quick checklist ------------------------------------------------------------------

    def _review_checklist(self, view: RunView) -> None:
        evaluation = view.evaluations["checklist"]
        if evaluation.failed_items:
            reason = checklist_blocked_reason(evaluation)
            self._record("checklist", "blocked", reason=reason,
                         message=f"Quick checklist blocked: {reason}. Fix it, then r to retry.")
            return
        from console.screens.confirm_modal import ConfirmModal

        confirmed = cash_review_confirmation(self.app.operator, evaluation)  # type: ignore[attr-defined]

        def answered(yes: bool | None) -> None:
            if yes:
                self._record("checklist", "completed", finish=True, confirmed=confirmed,
                             message=f"Quick checklist completed: run {view.id} finished. "
                                     f"Export: margin-console walkthrough export {view.id}")

        self.app.push_screen(ConfirmModal(cash_review_question(view.sleeve_id, evaluation), confirm_label="Reviewed"),
                             answered)

