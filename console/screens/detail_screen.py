"""One account: sleeve cards, the margin panel, diagnostics with their fixes, and the keys that perform them."""
from __future__ import annotations

from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.events import DescendantFocus
from textual.widgets import Header, Static

from calc.troubleshoot import SYMPTOM_OF_CODE
from calc.views import AccountDetail, SleeveView
from calc.vocabulary import apm_refusal, read_only_refusal
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, AccountLoaded, FindingLoaded, RiskLoaded, SleeveSaved
from console.screens.base import ConsoleScreen
from console.screens.fix_performer import FixPerformer
from console.screens.refilled_screen import RefilledPush
from console.screens.sleeve_saves import SleeveSaves
from store.queries.detail import account_detail
from store.risk import SleeveRisk, account_risk
from store.troubleshoot import troubleshoot, versions
from widgets.detail_body import DetailBody, DetailView
from widgets.risk_panel import RiskPanel
from widgets.sleeve_card import SleeveCard


class DetailScreen(RefilledPush, SleeveSaves, FixPerformer, ConsoleScreen[None]):
    """Why this account is or is not leveraging, and the fix in a keystroke."""

    SCOPE = "detail"
    BINDINGS = bindings("detail")

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.detail: AccountDetail | None = None
        self._focus_sleeve: str | None = None
        self._risks: dict[str, SleeveRisk] = {}

    def point_at(self, account_id: str) -> None:
        """Load another account into this screen, kept off the stack between opens, and push it once the account
        is on it: an open is an update and a screen switch, not a compose, and shows no loading frame."""
        self.workers.cancel_node(self)  # a result still on its way for the last account is not delivered
        self.account_id = account_id
        self.detail = None  # no key acts on the last account's figures (none reaches a screen off the stack)
        self._focus_sleeve = None
        self._risks = {}
        self.push_when_refilled()
        self.load()  # first: the read runs on its worker while the lines below run here
        self.query_one(DetailBody).clear()

    def push_now(self) -> None:
        """A read slower than the key hold: the screen is shown loading, titled with the account being opened and
        nothing of the last account's on it (its cards stay hidden until this account's arrive). Once the account
        has arrived (its extra cards still mounting), its title and banner are already up: they stay."""
        if self._push_pending and self.detail is None:
            self.query_one("#account-title", Static).update(f"{self.account_id} · loading…")
            self.query_one("#banner", Static).update("")
            self.query_one("#banner").set_class(False, "-visible")
            self.query_one(DetailBody).display = False
        super().push_now()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.account_id} · loading…", id="account-title", classes="title")
        yield Static("", id="banner")
        yield DetailBody(id="detail-body")
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False, description="detail")
    def load(self) -> None:
        with self.store_failures(), self.app.open_store() as store:
            detail = account_detail(store, self.account_id)
            self.deliver(AccountLoaded(detail, DetailView.of(detail)))  # the text too: the UI thread only swaps it in

    @on(AccountLoaded)
    async def _show(self, message: AccountLoaded) -> None:
        detail = message.detail
        if detail.account.id != self.account_id:
            return  # loaded for the account this screen showed before
        view = message.view
        focused = self.selected_sleeve
        keep = self._focus_sleeve or (focused.id if focused else None)
        reload = self.detail is not None
        self.detail = detail
        title = self.query_one("#account-title", Static)
        if title.content != view.title:  # unchanged on most reloads: nothing to lay out again
            title.update(view.title)
        banner = self.query_one("#banner", Static)
        if banner.content != view.banner:
            banner.update(view.banner)
            banner.set_class(bool(view.banner), "-visible")
        cards = await self.query_one(DetailBody).show(view)
        if detail.account.id != self.account_id:
            return  # re-pointed while the cards mounted: the next account's result refills it
        target = next((c for c in cards if c.sleeve.id == keep), None)
        if target is None:
            target = next((c for c in cards if c.sleeve.kind == "model" and c.sleeve.pending), None)
        if target is None:
            target = next((c for c in cards if c.sleeve.kind == "model"), cards[0] if cards else None)
        if target is not None:
            # An account opens at its top (the first model card is on screen there); a reload keeps the card in view.
            self.set_focus(target, scroll_visible=reload)  # now, so the first frame shows it
        self._focus_sleeve = None
        self.refilled()
        self.app.key_hold.release()  # the keys typed while it was read are this screen's (console/key_hold.py)
        self.call_after_refresh(self.load_risk)  # after the first frame: its worker would share the GIL with it

    @work(thread=True, exclusive=True, group="risk", exit_on_error=False, description="risk")
    def load_risk(self) -> None:
        """Every model sleeve's risk (now vs the saved leverage), read in a store worker."""
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(RiskLoaded(account_risk(store, self.account_id)))

    @on(RiskLoaded)
    def _show_risk(self, message: RiskLoaded) -> None:
        if self.detail is None or not set(message.risks) <= {s.id for s in self.detail.sleeves}:
            return  # another account's sleeves (sleeve ids are unique in the book): read before the screen moved on
        self._risks = message.risks
        self._update_risk()

    def _update_risk(self) -> None:
        """The risk panel follows the selected model sleeve (and stays on the last one while the APM is selected)."""
        panel = next(iter(self.query(RiskPanel)), None)
        if panel is None:
            return
        selected = self.selected_sleeve
        shown = panel.risk[0].sleeve_id if panel.risk else None
        sleeve_id = next((i for i in (selected.id if selected else None, shown) if i in self._risks),
                         next(iter(self._risks), None))
        panel.show(self._risks.get(sleeve_id) if sleeve_id else None, "No model sleeve: nothing to stress.")

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, SleeveCard) and self._risks:
            self._update_risk()

    def on_account_changed(self, message: AccountChanged) -> None:
        if message.account_id == self.account_id:
            self.load()

    @property
    def selected_sleeve(self) -> SleeveView | None:
        focused = self.focused
        if isinstance(focused, SleeveCard) and focused.display and self.detail is not None:  # not a spare card
            return focused.sleeve
        return None

    def _model_sleeve(self, verb: str) -> SleeveView | None:
        sleeve = self.selected_sleeve
        if self.detail is None:
            return None
        if sleeve is None:
            self.notify(f"Select a model sleeve (j/k) to {verb}.", severity="warning")
            return None
        if sleeve.kind == "apm":
            self.notify(f"{apm_refusal(sleeve.id)}. Select a model sleeve (j/k).", severity="error", timeout=6)
            return None
        if not sleeve.editable:
            self.notify(f"{read_only_refusal(sleeve.id, sleeve.kind)}.", severity="error")
            return None
        return sleeve

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_next(self) -> None:
        self.focus_next(SleeveCard)

    def action_focus_previous(self) -> None:
        self.focus_previous(SleeveCard)

    def action_edit(self) -> None:
        sleeve = self._model_sleeve("edit its leverage")
        if sleeve is None or self.detail is None:
            return
        from console.screens.editor_modal import LeverageEditor

        self._focus_sleeve = sleeve.id
        self.app.push_screen(LeverageEditor(self.detail, sleeve))

    def action_fix(self) -> None:
        """The first diagnostic with a fix on the selected sleeve (else on the account): its finding's action."""
        if self.detail is None:
            return
        selected = self.selected_sleeve
        mine = [d for d in self.detail.diagnostics if d.code in SYMPTOM_OF_CODE]
        ordered = [d for d in mine if selected is not None and d.sleeve_id == selected.id] + mine
        if not ordered:
            self.notify("No diagnostic with a fix the console performs on this account.", severity="information")
            return
        d = ordered[0]
        sleeve_id = d.sleeve_id if d.sleeve_id and d.sleeve_id != (self.detail.account.apm.id
                                                                     if self.detail.account.apm else None) else None
        self.load_fix(self.account_id, SYMPTOM_OF_CODE[d.code], sleeve_id)

    @work(thread=True, exclusive=True, group="fix", exit_on_error=False, description="fix")
    def load_fix(self, account_id: str, symptom: str, sleeve_id: str | None) -> None:
        with self.store_failures(), self.app.open_store() as store, store.snapshot():
            account_version, sleeve_versions = versions(store, account_id)
            self.deliver(FindingLoaded(troubleshoot(store, account_id, symptom, sleeve_id),
                                       account_version, sleeve_versions, account_id))

    @on(FindingLoaded)
    def _fix_loaded(self, message: FindingLoaded) -> None:
        if message.account_id != self.account_id or self not in self.app.screen_stack:
            return  # the operator left this account (or the screen) before its finding arrived: no fix on another
        self.perform_fix(message, self.account_id)

    @on(SleeveSaved)
    def _saved(self, message: SleeveSaved) -> None:
        self.notify(message.notice)

    def action_acr(self, kind: str, amount: str = "0") -> None:
        sleeve = self._model_sleeve("fire an ACR")
        if sleeve is None or self.detail is None:
            return
        from console.screens.acr_screen import AcrScreen

        self._focus_sleeve = sleeve.id
        self.app.push_screen(AcrScreen(self.account_id, sleeve.id, kind, Decimal(amount)))

    def action_acr_amount(self, kind: str) -> None:
        sleeve = self._model_sleeve(f"fire a {kind}")
        if sleeve is None:
            return
        from console.screens.amount_modal import AmountModal

        def chosen(amount: Decimal | None) -> None:
            if amount is not None:
                self.action_acr(kind, str(amount))

        self.app.push_screen(AmountModal.for_sleeve(kind, self.detail, sleeve.id), chosen)

    def action_walkthrough(self) -> None:
        sleeve = self._model_sleeve("walk through")
        if sleeve is None:
            return
        from console.screens.walkthrough_screen import WalkthroughScreen

        self._focus_sleeve = sleeve.id
        self.app.push_screen(WalkthroughScreen(self.account_id, sleeve.id))

    def action_troubleshoot(self) -> None:
        from console.screens.troubleshoot_screen import TroubleshootScreen

        sleeve = self.selected_sleeve
        self.app.push_screen(TroubleshootScreen(self.account_id, sleeve.id if sleeve and sleeve.editable else None))

    def action_history(self) -> None:
        from console.screens.history_screen import HistoryScreen

        self.app.push_screen(HistoryScreen(self.account_id))
