"""The guided walkthrough of the source document's "How to use it": step 1, step 2, then the quick checklist.

Each step shows what the store says now and what the operator must confirm; it can be performed (enter),
completed (c, only when the store allows it), skipped with a reason (s) or retried (r). Nothing fires
here: step 2 pushes the same AcrScreen (checklist gate + confirmation) the account detail uses. What a
step's state, outcome and words are is calc.walkthrough's; this screen renders it and dispatches. Store work
runs in thread workers that post a RunLoaded message.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static

from calc.run_views import RunView
from calc.views import AccountDetail
from calc.walkthrough import STEP_TITLES, STEPS, open_step_before, step_number
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, ExportWritten, RunLoaded
from console.safe_write import write_output
from console.screens.base import ConsoleScreen
from console.screens.walkthrough_steps import Notice, StepFlows
from console.walkthrough_export import export_markdown
from store.core import Store
from store.queries.detail import account_detail
from store.queries.walkthrough import load_run
from store.walkthrough import record_step, resume_or_start
from widgets.step_list import StepList
from widgets.step_panel import StepPanel

StepWrite = Callable[[Store, int], Notice]


class WalkthroughScreen(StepFlows, ConsoleScreen[None]):
    """One stored run on one model sleeve."""

    SCOPE = "walkthrough"
    BINDINGS = bindings("walkthrough")

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

    # -- layout and loading ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Walkthrough · {self.account_id} · {self.sleeve_id} · starting…", id="wt-title",
                     classes="title")
        yield StepList(id="wt-steps")
        with VerticalScroll(id="wt-body"):
            yield StepPanel("Loading the run…", id="wt-step")
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.query_one("#wt-steps").border_title = "How to use it"
        self.query_one(StepList).focus()
        self._start()

    def _loaded(self, store: Store, run_id: int, notice: Notice) -> RunLoaded:
        view = load_run(store, run_id)
        return RunLoaded(view, account_detail(store, view.account_id), notice.text, notice.severity,
                         notice.select_next)

    @work(thread=True, exclusive=True, group="walkthrough-load", exit_on_error=False)
    def _start(self) -> None:
        """Resume the operator's open run on the sleeve, or start one."""
        with self.store_failures(), self.app.open_store() as store:
            run_id, resumed = resume_or_start(store, self.sleeve_id, self.app.operator)
            notice = f"Resumed your open walkthrough run {run_id} on {self.sleeve_id}." if resumed else ""
            self.deliver(self._loaded(store, run_id, Notice(notice, select_next=True)))

    def load(self, select_next: bool = False) -> None:
        """Re-evaluate the run from the store."""
        if self.run_id is not None:
            self._load(self.run_id, select_next)

    @work(thread=True, exclusive=True, group="walkthrough-load", exit_on_error=False)
    def _load(self, run_id: int, select_next: bool) -> None:
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(self._loaded(store, run_id, Notice(select_next=select_next)))

    @work(thread=True, group="walkthrough-write", exit_on_error=False)
    def write_step(self, write: StepWrite) -> None:
        """Run one step write, then show the run as it now is with what the write says."""
        run_id = self.run_id
        assert run_id is not None
        with self.store_failures(), self.app.open_store() as store:
            notice = write(store, run_id)
            self.deliver(self._loaded(store, run_id, notice))

    @on(RunLoaded)
    def _run_loaded(self, message: RunLoaded) -> None:
        self.run_id = message.view.id
        if message.notice:
            self.notify(message.notice, severity=message.severity,  # type: ignore[arg-type]
                        timeout=10 if message.severity == "error" else 6)
        self._show(message.view, message.detail, message.select_next)

    def _show(self, view: RunView, detail: AccountDetail, select_next: bool = False) -> None:
        current = self.view
        if current is not None and current.id == view.id and view.audit_head < current.audit_head:
            return  # a load that started before a later write: never show an older run over a newer one
        self.view, self.detail = view, detail
        a = view.account
        self.query_one("#wt-title", Static).update(
            f"Walkthrough run {view.id} · {escape(a.id)} {escape(a.name)} · {escape(view.sleeve_id)} "
            f"({escape(view.model)}) · {escape(view.status)}")
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

    def _record(self, step: str, outcome: str, *, reason: str = "", confirmed: str = "",
                acr_id: int | None = None, finish: bool = False, message: str = "") -> None:
        operator = self.app.operator

        def write(store: Store, run_id: int) -> Notice:
            record_step(store, run_id, step, outcome, operator, reason=reason, confirmed=confirmed,
                        acr_id=acr_id, finish=finish)
            return Notice(message, select_next=outcome in ("completed", "skipped"))

        self.write_step(write)

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

    def action_export(self) -> None:
        if self.run_id is None:
            return
        self.export_run(self.run_id)

    @work(thread=True, group="walkthrough-export", exit_on_error=False)
    def export_run(self, run_id: int) -> None:
        """The run as Markdown next to the book (what `walkthrough export --out` writes); a re-export replaces it.
        A book on a server has no folder here: the file goes to the working directory, named `book-...`."""
        with self.store_failures(), self.app.open_store() as store:
            beside = store.path if isinstance(store.path, Path) else Path.cwd() / "book"
            out = beside.parent / f"{beside.stem}-walkthrough-{run_id}.md"
            write_output(out, export_markdown(load_run(store, run_id)), store.path, force=True)
            self.deliver(ExportWritten(str(out)))

    @on(ExportWritten)
    def _exported(self, message: ExportWritten) -> None:
        self.notify(f"Walkthrough run {self.run_id} written to {message.path}", title="Exported", timeout=10)

    def on_account_changed(self, message: AccountChanged) -> None:
        if message.account_id == self.account_id and self._acr_screen is None and self._editor_mark is None:
            self.load()
