"""One walkthrough step as the store sees it now: the source's words, what the store says, what to confirm."""
from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from calc.walkthrough import STEP_SOURCE, STEP_TITLES, step_number
from calc.run_views import RunView
from widgets.checklist_panel import ICONS


class StepPanel(Static):
    """Renders one step of a RunView; its border says the step's state."""

    DEFAULT_CSS = """
    StepPanel {
        border: round $primary-darken-2;
        padding: 0 1;
        height: auto;
    }
    StepPanel.-completed {
        border: round $success;
    }
    StepPanel.-blocked {
        border: round $error;
    }
    """

    def show(self, view: RunView, step: str) -> None:
        state = view.state(step)
        evaluation = view.evaluations[step]
        self.border_title = f"Step {step_number(step)} · {STEP_TITLES[step]} · {state}"
        self.set_class(state == "completed", "-completed")
        self.set_class(state == "blocked", "-blocked")
        lines = [f"[dim i]{escape(STEP_SOURCE[step])}[/]", f"[b]The store says[/b] ({escape(view.loaded_at[:16])}):"]
        if step == "checklist":
            for item in evaluation.items:
                kind = "evaluated" if item.evaluated else "you confirm"
                detail = f": {escape(item.detail)}" if item.detail else ""
                lines.append(f" {ICONS[item.status]} {escape(item.title)} [dim]({kind})[/]{detail}")
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
        elif evaluation.needs_review:
            lines.append("[dim]Every evaluated item passes: enter (or c) to review the sleeve cash and finish.[/dim]")
        elif not evaluation.can_complete:
            lines.append(f"[$warning]c is refused now:[/] {escape(evaluation.refusal)}")
        self.update("\n".join(lines))
