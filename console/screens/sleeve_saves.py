"""The detail's two sleeve writes that trade nothing: the track-manager toggle and putting the target back.

Mixed into the account detail (console/screens/detail_screen.py), which provides `account_id`, `_model_sleeve`,
`_focus_sleeve` and the store workers' `written`/`deliver`/`store_failures`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from calc.formatting import lev
from console.messages import SleeveSaved
from console.screens.base import StoreWorkers
from store.sleeves import revert_target, set_track_manager

if TYPE_CHECKING:
    from calc.views import SleeveView


class SleeveSaves(StoreWorkers):
    """`t` and `u` on the detail: each a write of the selected model sleeve, announced for its own account."""

    if TYPE_CHECKING:
        account_id: str
        _focus_sleeve: str | None

        def _model_sleeve(self, verb: str) -> SleeveView | None: ...

    def action_toggle_track(self) -> None:
        sleeve = self._model_sleeve("toggle track manager")
        if sleeve is None:
            return
        self._focus_sleeve = sleeve.id
        self.save_track_manager(self.account_id, sleeve, not sleeve.track_manager)

    # The account is passed in, not read in the worker: the kept screen may be re-pointed before the write ends.
    @work(thread=True, group="write", exit_on_error=False, description="write")
    def save_track_manager(self, account_id: str, sleeve: SleeveView, on: bool) -> None:
        with self.store_failures(), self.app.open_store() as store:
            version = set_track_manager(store, sleeve.id, on, self.app.operator, sleeve.version)
            self.written(account_id)
            self.deliver(SleeveSaved(sleeve.id, version,
                                     f"Track manager {'ON' if on else 'OFF'} on {sleeve.id} (saved, nothing traded)."))

    def action_revert(self) -> None:
        sleeve = self._model_sleeve("put its target back")
        if sleeve is None:
            return
        if not sleeve.pending:
            self.notify(f"{sleeve.id} has nothing pending to revert: saved = applied.", severity="warning")
            return
        self._focus_sleeve = sleeve.id
        self.save_revert(self.account_id, sleeve)

    @work(thread=True, group="write", exit_on_error=False, description="write")
    def save_revert(self, account_id: str, sleeve: SleeveView) -> None:
        with self.store_failures(), self.app.open_store() as store:
            version, applied = revert_target(store, sleeve.id, self.app.operator, sleeve.version)
            self.written(account_id)
            self.deliver(SleeveSaved(sleeve.id, version, f"Put {sleeve.id}'s target back to the applied "
                                                         f"{lev(applied)} (nothing traded)."))
