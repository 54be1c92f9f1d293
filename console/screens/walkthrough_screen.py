"""The guided walkthrough of the source document's "How to use it": step 1, step 2, then the quick checklist.

Each step shows what the store says now and what the operator must confirm; it can be performed (enter),
completed (c, only when the store allows it), skipped with a reason (s) or retried (r). Nothing fires
here: step 2 pushes the same AcrScreen (checklist gate + confirmation) the account detail uses. What a
step's state, outcome and words are is calc.walkthrough's; this screen renders it and dispatches.
"""
from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from calc.walkthrough import STEP_TITLES, STEPS, open_step_before, step_number
from console.actions import bindings
from console.messages import AccountChanged
from console.screens.walkthrough_steps import StepFlows
from calc.views import AccountDetail
from calc.views import RunView
from widgets.step_list import StepList
from widgets.step_panel import StepPanel
from store.queries.detail import account_detail


class WalkthroughScreen(StepFlows, Screen[None]):
    """One stored run on one model sleeve; every database call runs in an App.run_store worker."""

    SCOPE = "walkthrough"
    BINDINGS = bindings("walkthrough")

    DEFAULT_CSS = """
    WalkthroughScreen #wt-body {
        height: 1fr;
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
        yield StepList(id="wt-steps")
        with VerticalScroll(id="wt-body"):
            yield StepPanel("Loading the run…", id="wt-step")
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
        from store.queries.walkthrough import load_run

        view = load_run(store, run_id)
        return view, account_detail(store, view.account_id)

    def load(self, select_next: bool = False) -> None:
        """Re-evaluate the run from the store."""
        run_id = self.run_id
        if run_id is None:
            return

        def done(result: tuple) -> None:
            self._show(*result, select_next=select_next)

        self.app.run_store(lambda store: self._load_job(store, run_id), done,  # type: ignore[attr-defined]
                           group=f"walkthrough-{self.sleeve_id}")

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
        steps.show_states({step: view.state(step) for step in STEPS})
        target = keep or (view.current_step if not view.finished else STEPS[-1])
        self._selected = target  # now, not when OptionHighlighted arrives: a later _show keeps it
        steps.highlighted = STEPS.index(target)
        self._render_step()

    @property
    def step(self) -> str:
        return self.query_one(StepList).step

    @on(OptionList.OptionHighlighted, "#wt-steps")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._selected = event.option.id
        self._render_step()

    def _render_step(self) -> None:
        if self.view is not None:
            self.query_one(StepPanel).show(self.view, self.step)

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

    def _actionable(self, verb: str) -> tuple[RunView, str] | None:
        """The run and the selected step, when the step may be done now: open, and every earlier step settled."""
        view, step = self._ready(), self.step
        if view is None:
            return None
        earlier = open_step_before({s: view.state(s) for s in STEPS}, step)
        if earlier is not None:
            self.notify(f"Step {step_number(earlier)} ({STEP_TITLES[earlier]}) comes first: do it, complete it (c) "
                        f"or skip it (s) before you {verb} this one.", severity="warning", timeout=6)
            return None
        if view.state(step) != "open":
            self.notify(f"Step {step_number(step)} is {view.state(step)}: press r to retry it.", severity="warning")
            return None
        return view, step

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
        ready = self._actionable("do")
        if ready is None:
            return
        view, step = ready
        if step == "leverage":
            self._edit_leverage(view)
        elif step == "activate":
            self._choose_activation(view)
        else:
            self._review_checklist(view)

    def action_complete_step(self) -> None:
        ready = self._actionable("complete")
        if ready is None:
            return
        view, step = ready
        evaluation = view.evaluations[step]
        if evaluation.needs_review:
            self._review_checklist(view)  # the sleeve cash acknowledgement completes it
            return
        if not evaluation.can_complete:
            self.notify(f"Not completed: {evaluation.refusal}", severity="error", timeout=8)
            return
        self._record(step, "completed", confirmed=evaluation.completion, acr_id=evaluation.acr_id,
                     message=f"Step {step_number(step)} completed: {evaluation.completion}.")

    def action_skip_step(self) -> None:
        ready = self._actionable("skip")
        if ready is None:
            return
        _, step = ready
        from console.screens.reason_modal import ReasonModal

        number = step_number(step)

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
        number = step_number(step)
        if view.state(step) == "open":
            self.notify(f"Step {number} re-checked against the store.")
            self.load()
            return
        self._record(step, "retried", message=f"Step {number} reopened: re-checked against the store.")

    def on_account_changed(self, message: AccountChanged) -> None:
        if message.account_id == self.account_id and self._acr_screen is None and self._editor_mark is None:
            self.load()
