"""The troubleshooter: pick a symptom, see the cause the data points to, apply the fix in a keystroke."""
from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from calc.formatting import lev
from calc.troubleshoot import SYMPTOMS, Finding
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, FindingLoaded, FixApplied
from console.screens.base import ConsoleScreen
from console.screens.confirm_modal import ConfirmModal
from store.core import Store
from store.sleeves import confirm_custodian_margin, set_leverage, set_track_manager
from store.troubleshoot import troubleshoot, versions
from widgets.key_nav import KeyOptionList


class TroubleshootScreen(ConsoleScreen[None]):
    """Each symptom is checked against the account's actual state, never answered with canned text."""

    SCOPE = "troubleshoot"
    BINDINGS = bindings("troubleshoot")

    def __init__(self, account_id: str, sleeve_id: str | None = None) -> None:
        super().__init__()
        self.account_id = account_id
        self.sleeve_id = sleeve_id
        self.symptom = next(iter(SYMPTOMS))
        self.finding: Finding | None = None
        self.seen: FindingLoaded | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Troubleshoot {self.account_id}: pick the symptom the advisor reports", classes="title")
        yield KeyOptionList(*[Option(title, id=key) for key, title in SYMPTOMS.items()], id="symptoms")
        yield Static("Checking…", id="finding", classes="panel")
        yield PriorityFooter()

    def on_mount(self) -> None:
        symptoms = self.query_one("#symptoms", OptionList)
        symptoms.highlighted = 0
        symptoms.focus()

    @on(OptionList.OptionHighlighted, "#symptoms")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.symptom = event.option.id
            self.check()

    @on(OptionList.OptionSelected, "#symptoms")
    def _selected(self) -> None:
        self.action_fix()

    def on_account_changed(self, message: AccountChanged) -> None:
        if message.account_id == self.account_id:
            self.check()

    def check(self) -> None:
        self.check_symptom(self.symptom)

    @work(thread=True, exclusive=True, group="troubleshoot", exit_on_error=False, description="troubleshoot")
    def check_symptom(self, symptom: str) -> None:
        with self.store_failures(), self.app.open_store() as store, store.snapshot():
            account_version, sleeve_versions = versions(store, self.account_id)
            self.deliver(FindingLoaded(troubleshoot(store, self.account_id, symptom, self.sleeve_id),
                                       account_version, sleeve_versions))

    @on(FindingLoaded)
    def _show(self, message: FindingLoaded) -> None:
        finding = message.finding
        if finding.symptom != self.symptom:
            return
        self.finding = finding
        self.seen = message  # the versions a fix carries: refused if the account moved since it was read
        head = "[b $warning]⚠ Found[/]" if finding.present else "[b $success]✔[/]"
        lines = [f"{head}: {escape(finding.cause)}"]
        lines += [f"  · {escape(e)}" for e in finding.evidence]
        lines += [f"  {escape(step)}" for step in finding.plan]
        if finding.present and finding.fix:
            lines.append(f"[b]Fix:[/b] {escape(finding.fix)}")
        if finding.action is not None:
            lines.append(f"[b]f[/b] or enter: {ACTION_LABELS[finding.action]}")
        box = self.query_one("#finding", Static)
        box.update("\n".join(lines))
        box.border_title = SYMPTOMS[finding.symptom]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_fix(self) -> None:
        f = self.finding
        if f is None or f.action is None or f.sleeve_id is None and f.action != "confirm-margin":
            self.notify("No fix to apply from the console for this finding.", severity="information")
            return
        operator = self.app.operator
        account_id, sleeve_id = self.account_id, f.sleeve_id
        account_version = self.seen.account_version if self.seen else None
        sleeve_version = (self.seen.sleeve_versions or {}).get(sleeve_id or "") if self.seen else None
        if f.action in ("fire-one-dollar", "rebalance"):
            from console.screens.acr_screen import AcrScreen

            kind = "one-dollar" if f.action == "fire-one-dollar" else "rebalance"
            self.app.push_screen(AcrScreen(account_id, sleeve_id, kind))  # type: ignore[arg-type]
        elif f.action == "track-manager-on":
            self.apply(lambda store: set_track_manager(store, sleeve_id, True, operator, sleeve_version),
                       f"Track manager ON on {sleeve_id} (saved, nothing traded).")
        elif f.action == "confirm-margin":
            self._confirm(f"Record that the custodian confirmed margin is ENABLED on {account_id}?\n"
                          "Only record what the custodian has confirmed.", "Record",
                          lambda store: confirm_custodian_margin(store, account_id, True, operator,
                                                                 "confirmed via troubleshooter", account_version),
                          f"Recorded the custodian's margin confirmation on {account_id}.")
        elif f.action == "move-exposure" and f.leverage is not None:
            leverage = f.leverage
            self._confirm(f"Save leverage {lev(leverage)} on {sleeve_id} (target only, nothing trades)?\n"
                          "Then follow the plan: sell the APM holdings, allocate, rebalance.", "Save",
                          lambda store: set_leverage(store, sleeve_id, leverage, operator, sleeve_version),
                          f"Saved {lev(leverage)} on {sleeve_id}: follow the plan's steps to move the exposure.")

    def _confirm(self, question: str, label: str, write: Callable[[Store], object], notice: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.apply(write, notice)

        self.app.push_screen(ConfirmModal(question, label), answered)

    @work(thread=True, group="write", exit_on_error=False, description="write")
    def apply(self, write: Callable[[Store], object], notice: str) -> None:
        """Write one fix; `notice` tells the operator what was saved."""
        with self.store_failures(), self.app.open_store() as store:
            write(store)
            self.written(self.account_id)
            self.deliver(FixApplied(notice))

    @on(FixApplied)
    def _done(self, message: FixApplied) -> None:
        self.notify(message.notice, timeout=6)


ACTION_LABELS = {
    "fire-one-dollar": "fire the pending $1 ACR (through the checklist)",
    "rebalance": "rebalance (through the checklist)",
    "move-exposure": "save the model sleeve's new leverage for the move",
    "confirm-margin": "record the custodian's margin confirmation",
    "track-manager-on": "turn track manager ON",
}
