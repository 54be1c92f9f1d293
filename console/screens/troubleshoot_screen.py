"""The troubleshooter: pick a symptom, see the cause the data points to, apply the fix in a keystroke."""
from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from calc.troubleshoot import SYMPTOMS, Finding
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, FindingLoaded
from console.screens.base import ConsoleScreen
from console.screens.fix_performer import FixPerformer, action_label
from store.troubleshoot import troubleshoot, versions
from widgets.key_nav import KeyOptionList


class TroubleshootScreen(FixPerformer, ConsoleScreen[None]):
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
            lines.append(f"[b]f[/b] or enter: {action_label(finding)}")
        box = self.query_one("#finding", Static)
        box.update("\n".join(lines))
        box.border_title = SYMPTOMS[finding.symptom]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_fix(self) -> None:
        self.perform_fix(self.seen if self.finding is not None else None, self.account_id)
