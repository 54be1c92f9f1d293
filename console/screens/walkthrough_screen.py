"""The guided walkthrough of the source document's "How to use it": step 1, step 2, then the quick checklist.

Each step shows what the store says now and what the operator must confirm; it can be performed (enter),
completed (c, only when the store allows it), skipped with a reason (s) or retried (r). Nothing fires
here: step 2 pushes the same AcrScreen (checklist gate + confirmation) the account detail uses.
"""
from __future__ import annotations

from decimal import Decimal

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from calc import KINDS_WITH_AMOUNT
from calc.formatting import lev
from calc.vocabulary import ACR_KIND_HELP, ACR_KIND_TITLES, ACTIVATED_STATUSES
from calc.walkthrough import STEP_SOURCE, STEP_TITLES, STEPS
from console.actions import bindings
from console.messages import AccountChanged
from store.views import AccountDetail, AcrRecord
from store.walkthrough import RunView

STATE_ICONS = {"open": "[dim]○[/]", "completed": "[green]✔[/]", "skipped": "[yellow]↷[/]", "blocked": "[red]✘[/]"}
ITEM_ICONS = {"passed": "[green]✔[/]", "failed": "[red]✘[/]", "awaiting": "[yellow]☐[/]", "acknowledged": "[green]☑[/]"}


class ActivationModal(ModalScreen[str | None]):
    """Choose what activates the saved leverage; enter picks, escape cancels."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, sleeve_id: str, status: str) -> None:
        super().__init__()
        self.sleeve_id = sleeve_id
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="activation"):
            yield Label(f"[b]Activate the change on {escape(self.sleeve_id)}[/b] · {escape(self.status)}")
            yield OptionList(*[Option(f"{title} [dim]({ACR_KIND_HELP[k]})[/dim]", id=k)
                               for k, title in ACR_KIND_TITLES.items()], id="activation-kinds")
            yield Label("[dim]Enter: continue to the pre-trade checklist · escape: cancel[/dim]")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#activation-kinds")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StepList(OptionList, inherit_bindings=False):
    """The three steps; only the cursor keys move it, so enter reaches the screen's "Do step" (and the footer)."""

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]


class WalkthroughScreen(Screen[None]):
    """One stored run on one model sleeve; every database call runs in an App.run_store worker."""

    SCOPE = "walkthrough"
    BINDINGS = bindings("walkthrough")

    DEFAULT_CSS = """
    WalkthroughScreen #wt-steps {
        height: auto;
        max-height: 5;
        border: round $primary-darken-2;
        padding: 0 0;
    }
    WalkthroughScreen #wt-steps:focus {
        border: round $primary;
    }
    WalkthroughScreen #wt-body {
        height: 1fr;
    }
    WalkthroughScreen #wt-step {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    WalkthroughScreen #wt-step.-completed {
        border: round $success;
    }
    WalkthroughScreen #wt-step.-blocked {
        border: round $error;
    }
    """

    def __init__(self, account_id: str, sleeve_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.sleeve_id = sleeve_id
        self.run_id: int | None = None
        self.view: RunView | None = None
        self.detail: AccountDetail | None = None
        self._acr_screen: Screen | None = None
        self._editor_mark: int | None = None
        self._selected: str | None = None

    # -- layout ---------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Walkthrough · {self.account_id} · {self.sleeve_id} · starting…", id="wt-title",
                     classes="title")
        yield StepList(*[Option(self._step_prompt(step, "open"), id=step) for step in STEPS], id="wt-steps")
        with VerticalScroll(id="wt-body"):
            yield Static("Loading the run…", id="wt-step")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wt-steps").border_title = "How to use it"
        self.query_one(StepList).focus()
        sleeve_id, operator = self.sleeve_id, self.app.operator  # type: ignore[attr-defined]

        def job(store):  # type: ignore[no-untyped-def]
            from store.walkthrough import resume_or_start

            run_id, resumed = resume_or_start(store, sleeve_id, operator)
            return run_id, resumed, *self._load_job(store, run_id)

        def done(result: tuple) -> None:
            run_id, resumed, view, detail = result
            self.run_id = run_id
            if resumed:
                self.notify(f"Resumed your open walkthrough run {run_id} on {sleeve_id}.")
            self._show(view, detail, select_next=True)

        self.app.run_store(job, done, group=f"walkthrough-{sleeve_id}")  # type: ignore[attr-defined]

    @staticmethod
    def _load_job(store, run_id: int) -> tuple[RunView, AccountDetail]:  # type: ignore[no-untyped-def]
        from store.walkthrough import load_run

        view = load_run(store, run_id)
        return view, store.account_detail(view.account_id)

    def load(self, select_next: bool = False) -> None:
        """Re-evaluate the run from the store."""
        run_id = self.run_id
        if run_id is None:
            return

        def done(result: tuple) -> None:
            self._show(*result, select_next=select_next)

        self.app.run_store(lambda store: self._load_job(store, run_id), done,  # type: ignore[attr-defined]
                           group=f"walkthrough-{self.sleeve_id}")

    @staticmethod
    def _step_prompt(step: str, state: str) -> str:
        number = STEPS.index(step) + 1
        label = f"Step {number} · {STEP_TITLES[step]}" if step != "checklist" else STEP_TITLES[step]
        return f"{STATE_ICONS[state]} {label:<30} {state}"

    def _show(self, view: RunView, detail: AccountDetail, select_next: bool = False) -> None:
        current = self.view
        if current is not None and current.id == view.id and view.audit_head < current.audit_head:
            return  # a load that started before a later write: never show an older run over a newer one
        self.view, self.detail = view, detail
        a = view.account
        status = view.status
        self.query_one("#wt-title", Static).update(
            f"Walkthrough run {view.id} · {escape(a.id)} {escape(a.name)} · {escape(view.sleeve_id)} "
            f"({escape(view.model)}) · {escape(status)}")
        steps = self.query_one(StepList)
        keep = self._selected if not select_next else None
        for step in STEPS:
            steps.replace_option_prompt(step, self._step_prompt(step, view.state(step)))
        target = keep or (view.current_step if not view.finished else STEPS[-1])
        self._selected = target  # now, not when OptionHighlighted arrives: a later _show keeps it
        steps.highlighted = STEPS.index(target)
        self._render_step()

    @property
    def step(self) -> str:
        index = self.query_one(StepList).highlighted
        return STEPS[index if index is not None else 0]

    @on(OptionList.OptionHighlighted, "#wt-steps")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._selected = event.option.id
        self._render_step()

    def _render_step(self) -> None:
        view = self.view
        if view is None:
            return
        step = self.step
        number = STEPS.index(step) + 1
        state = view.state(step)
        evaluation = view.evaluations[step]
        box = self.query_one("#wt-step", Static)
        box.border_title = f"Step {number} · {STEP_TITLES[step]} · {state}"
        box.set_class(state == "completed", "-completed")
        box.set_class(state == "blocked", "-blocked")
        lines = [f"[dim i]{escape(STEP_SOURCE[step])}[/]", f"[b]The store says[/b] ({escape(view.loaded_at[:16])}):"]
        if step == "checklist":
            for item in evaluation.items:
                kind = "evaluated" if item.evaluated else "you confirm"
                detail = f": {escape(item.detail)}" if item.detail else ""
                lines.append(f" {ITEM_ICONS[item.status]} {escape(item.title)} [dim]({kind})[/]{detail}")
                if item.status == "failed" and item.fix:
                    lines.append(f"    [b]Fix:[/b] {escape(item.fix)}")
        else:
            lines += [f" {escape(line)}" for line in evaluation.says]
        lines.append(f"[b]You confirm:[/b] {escape(evaluation.confirm)}")
        last = view.last(step)
        if last is not None:
            extra = f" · {escape(last.reason)}" if last.reason else ""
            acr = f" · ACR {last.acr_id}" if last.acr_id is not None else ""
            lines.append(f"[b]Recorded:[/b] {last.outcome} by {escape(last.operator)} at {escape(last.at[:16])}"
                         f"{extra}{acr}")
        if view.finished:
            lines.append(f"[b]Run {view.status} at {escape(str(view.finished_at)[:16])}.[/b] Export it for a "
                         f"ticket: margin-console walkthrough export {view.id}")
        elif state in ("completed", "skipped", "blocked"):
            lines.append("[dim]Press r to retry this step.[/dim]")
        elif step == "checklist" and not any(i.status == "failed" for i in evaluation.items):
            lines.append("[dim]Every evaluated item passes: enter (or c) to review the sleeve cash and finish.[/dim]")
        elif not evaluation.can_complete:
            lines.append(f"[yellow]c is refused now:[/] {escape(evaluation.refusal)}")
        box.update("\n".join(lines))

    # -- guards ---------------------------------------------------------------------------------------

    def _ready(self) -> RunView | None:
        view = self.view
        if view is None or self.run_id is None:
            return None
        if view.finished:
            self.notify(f"Run {view.id} is {view.status}: escape, then w for a new run. "
                        f"Export: margin-console walkthrough export {view.id}", severity="warning", timeout=6)
            return None
        return view

    def _in_order(self, view: RunView, step: str, verb: str) -> bool:
        for earlier in STEPS[:STEPS.index(step)]:
            if view.state(earlier) == "open":
                n = STEPS.index(earlier) + 1
                self.notify(f"Step {n} ({STEP_TITLES[earlier]}) comes first: do it, complete it (c) or "
                            f"skip it (s) before you {verb} this one.", severity="warning", timeout=6)
                return False
        return True

    def _open(self, view: RunView, step: str) -> bool:
        state = view.state(step)
        if state != "open":
            self.notify(f"Step {STEPS.index(step) + 1} is {state}: press r to retry it.", severity="warning")
            return False
        return True

    # -- writes ---------------------------------------------------------------------------------------

    def _record(self, step: str, outcome: str, *, reason: str = "", confirmed: str = "",
                acr_id: int | None = None, finish: bool = False, message: str = "") -> None:
        run_id, operator = self.run_id, self.app.operator  # type: ignore[attr-defined]
        assert run_id is not None

        def job(store):  # type: ignore[no-untyped-def]
            from store.walkthrough import record_step

            record_step(store, run_id, step, outcome, operator, reason=reason, confirmed=confirmed,
                        acr_id=acr_id, finish=finish)
            return self._load_job(store, run_id)

        def done(result: tuple) -> None:
            if message:
                self.notify(message, timeout=6)
            self._show(*result, select_next=outcome in ("completed", "skipped"))

        self.app.run_store(job, done, group="write", exclusive=False)  # type: ignore[attr-defined]

    # -- actions --------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_do_step(self) -> None:
        view = self._ready()
        if view is None:
            return
        step = self.step
        if not self._in_order(view, step, "do") or not self._open(view, step):
            return
        if step == "leverage":
            self._edit_leverage(view)
        elif step == "activate":
            self._choose_activation(view)
        else:
            self._review_checklist(view)

    def action_complete_step(self) -> None:
        view = self._ready()
        if view is None:
            return
        step = self.step
        if not self._in_order(view, step, "complete") or not self._open(view, step):
            return
        evaluation = view.evaluations[step]
        if step == "checklist" and not any(i.status == "failed" for i in evaluation.items):
            self._review_checklist(view)  # the sleeve cash acknowledgement completes it
            return
        if not evaluation.can_complete:
            self.notify(f"Not completed: {evaluation.refusal}", severity="error", timeout=8)
            return
        if step == "leverage":
            how = "saved in this run" if "(in this run)" in evaluation.text else "confirmed as saved"
            confirmed = f"Target {lev(view.saved)} on {view.sleeve_id} {how}"
            self._record(step, "completed", confirmed=confirmed, message=f"Step 1 completed: {confirmed}.")
        else:
            done = next((a for a in reversed(view.acrs) if a.status in ACTIVATED_STATUSES), None)
            confirmed = (f"Applied {lev(view.applied)} equals saved" +
                         (f", activated by ACR {done.id} ({done.kind}, {done.status})" if done else
                          ": activated before this run"))
            self._record(step, "completed", confirmed=confirmed, acr_id=done.id if done else None,
                         message=f"Step 2 completed: {confirmed}.")

    def action_skip_step(self) -> None:
        view = self._ready()
        if view is None:
            return
        step = self.step
        if not self._in_order(view, step, "skip") or not self._open(view, step):
            return
        from console.screens.reason_modal import ReasonModal

        number = STEPS.index(step) + 1

        def chosen(reason: str | None) -> None:
            if reason:
                finish = step == "checklist"
                self._record(step, "skipped", reason=reason, finish=finish,
                             message=f"Step {number} skipped: {reason}" + (" · run finished." if finish else "."))

        self.app.push_screen(ReasonModal(f"Skip step {number} ({STEP_TITLES[step]}): why?"), chosen)

    def action_retry_step(self) -> None:
        view = self._ready()
        if view is None:
            return
        step = self.step
        number = STEPS.index(step) + 1
        if view.state(step) == "open":
            self.notify(f"Step {number} re-checked against the store.")
            self.load()
            return
        self._record(step, "retried", message=f"Step {number} reopened: re-checked against the store.")

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
            from store.walkthrough import leverage_saved_since, load_run, record_step

            if not leverage_saved_since(store, sleeve_id, mark):
                return False, self._load_job(store, run_id)
            saved = load_run(store, run_id).saved
            record_step(store, run_id, "leverage", "completed", operator,
                        confirmed=f"Target {lev(saved)} on {sleeve_id} saved in the leverage editor")
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
            from store.walkthrough import acr_by_request_key, record_step

            acr = acr_by_request_key(store, key)
            if acr is not None:
                if acr.failed:
                    record_step(store, run_id, "activate", "blocked", operator,
                                reason=f"{acr.code}: {acr.reason}", acr_id=acr.id,
                                confirmed=f"ACR {acr.id} ({acr.kind}) fired through the checklist gate: failed")
                else:
                    record_step(store, run_id, "activate", "completed", operator, acr_id=acr.id,
                                confirmed=f"ACR {acr.id} ({acr.kind}) fired through the checklist gate and "
                                          f"confirmed: {acr.status}, {len(acr.orders)} order(s)")
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
        failed = [i for i in evaluation.items if i.status == "failed"]
        if failed:
            reason = "; ".join(f"{i.title}" + (f" ({i.code})" if i.code else "") for i in failed)
            self._record("checklist", "blocked", reason=reason,
                         message=f"Quick checklist blocked: {reason}. Fix it, then r to retry.")
            return
        from console.screens.confirm_modal import ConfirmModal

        cash_item = evaluation.items[-1]
        question = (f"Sleeve cash review on {view.sleeve_id}: {cash_item.detail}.\n"
                    f"Margin must show as negative sleeve cash, never as a negative APM. "
                    f"Mark the sleeve cash as reviewed and finish the run?")
        operator = self.app.operator  # type: ignore[attr-defined]

        def answered(yes: bool | None) -> None:
            if yes:
                self._record("checklist", "completed", finish=True,
                             confirmed=f"Sleeve cash reviewed by {operator}: {cash_item.detail}",
                             message=f"Quick checklist completed: run {view.id} finished. "
                                     f"Export: margin-console walkthrough export {view.id}")

        self.app.push_screen(ConfirmModal(question, confirm_label="Reviewed"), answered)

    def on_account_changed(self, message: AccountChanged) -> None:
        if message.account_id == self.account_id and self._acr_screen is None and self._editor_mark is None:
            self.load()
