"""Perform a finding's fix (calc.troubleshoot.Finding.action): the one place `f` turns into a write or an ACR.

Mixed into the troubleshooter and the account detail, so the same finding's key does the same thing on both.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from textual import work

from calc.formatting import lev, money
from calc.troubleshoot import Finding
from console.messages import FindingLoaded, FixApplied
from console.screens.base import StoreWorkers
from console.screens.confirm_modal import ConfirmModal
from store.core import Store
from store.sleeves import confirm_custodian_margin, revert_target, set_leverage, set_track_manager

ACTION_LABELS = {
    "fire-one-dollar": "fire the pending $1 ACR (through the checklist)",
    "rebalance": "rebalance (through the checklist)",
    "fund-apm": "fund the APM: a liquidation from the model sleeve into the APM (through the checklist)",
    "move-exposure": "save the model sleeve's new leverage for the move",
    "confirm-margin": "record the custodian's margin confirmation",
    "reset-leverage": "set the target back to 1.00x (saved, nothing traded)",
    "revert-target": "put the saved leverage back to the applied one (nothing traded)",
    "track-manager-on": "turn track manager ON",
}


def action_label(finding: Finding) -> str:
    """What `f` does for this finding, with its amount when it has one."""
    label = ACTION_LABELS[finding.action or ""]
    if finding.action == "fund-apm" and finding.amount is not None:
        label = label.replace("a liquidation", f"a liquidation of {money(finding.amount)}")
    return label


class FixPerformer(StoreWorkers):
    """`perform_fix(loaded)`: the write or ACR a finding's action names, confirmed when it changes a target."""

    def perform_fix(self, loaded: FindingLoaded | None, account_id: str) -> None:
        f = loaded.finding if loaded else None
        if f is None or f.action is None or f.sleeve_id is None and f.action != "confirm-margin":
            self.notify("No fix the console can perform for this finding: see its Fix line.",  # type: ignore[attr-defined]
                        severity="information")
            return
        operator = self.app.operator
        sleeve_id: str = f.sleeve_id or ""
        sleeve_version = (loaded.sleeve_versions or {}).get(sleeve_id) if loaded else None
        if f.action in ("fire-one-dollar", "rebalance", "fund-apm"):
            from console.screens.acr_screen import AcrScreen

            kind = {"fire-one-dollar": "one-dollar", "rebalance": "rebalance", "fund-apm": "liquidation"}[f.action]
            self.app.push_screen(AcrScreen(account_id, sleeve_id, kind, f.amount or Decimal(0)))  # type: ignore[arg-type]
        elif f.action == "track-manager-on":
            self.apply_fix(account_id, lambda store: set_track_manager(store, sleeve_id, True, operator, sleeve_version),
                           f"Track manager ON on {sleeve_id} (saved, nothing traded).")
        elif f.action == "revert-target":
            self.apply_fix(account_id, lambda store: revert_target(store, sleeve_id, operator, sleeve_version),
                           f"Put {sleeve_id}'s target back to the applied leverage (nothing traded).")
        elif f.action == "confirm-margin":
            version = loaded.account_version if loaded else None
            self._confirm_fix(account_id, f"Record that the custodian confirmed margin is ENABLED on {account_id}?\n"
                              "Only record what the custodian has confirmed.", "Record",
                              lambda store: confirm_custodian_margin(store, account_id, True, operator,
                                                                     "confirmed via troubleshooter", version),
                              f"Recorded the custodian's margin confirmation on {account_id}.")
        elif f.action in ("reset-leverage", "move-exposure") and f.leverage is not None:
            leverage = f.leverage
            then = ("Then follow the plan: sell the APM holdings, allocate or liquidate, rebalance."
                    if f.action == "move-exposure" else "Nothing trades now; an ACR is needed only if the "
                    "sleeve was built above 1.00x.")
            self._confirm_fix(account_id, f"Save leverage {lev(leverage)} on {sleeve_id} (target only, nothing "
                              f"trades)?\n{then}", "Save",
                              lambda store: set_leverage(store, sleeve_id, leverage, operator, sleeve_version),
                              f"Saved {lev(leverage)} on {sleeve_id} (target only, nothing traded).")

    def _confirm_fix(self, account_id: str, question: str, label: str, write: Callable[[Store], object],
                     notice: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.apply_fix(account_id, write, notice)

        self.app.push_screen(ConfirmModal(question, label), answered)

    @work(thread=True, group="write", exit_on_error=False, description="write")
    def apply_fix(self, account_id: str, write: Callable[[Store], object], notice: str) -> None:
        """Write one fix; `notice` tells the operator what was saved."""
        with self.store_failures(), self.app.open_store() as store:
            write(store)
            self.written(account_id)
            self.deliver(FixApplied(notice))  # type: ignore[attr-defined]

    def on_fix_applied(self, message: FixApplied) -> None:
        self.notify(message.notice, timeout=6)  # type: ignore[attr-defined]
