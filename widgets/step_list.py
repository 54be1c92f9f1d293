"""The walkthrough's steps, one line each with its state; the screen owns which step is selected."""
from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from calc.walkthrough import STEPS, step_label

STATE_ICONS = {"open": "[dim]○[/]", "completed": "[$success]✔[/]", "skipped": "[$warning]↷[/]", "blocked": "[$error]✘[/]"}


def step_prompt(step: str, state: str) -> str:
    return f"{STATE_ICONS[state]} {step_label(step):<30} {state}"


class StepList(OptionList, inherit_bindings=False):
    """Only the cursor keys move it, so enter reaches the screen's "Do step" (and the footer shows it)."""

    DEFAULT_CSS = """
    StepList {
        height: auto;
        max-height: 5;
        border: round $primary-darken-2;
        padding: 0 0;
    }
    StepList:focus {
        border: round $primary;
    }
    """

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(*[Option(step_prompt(step, "open"), id=step) for step in STEPS], **kwargs)

    def show_states(self, states: Mapping[str, str]) -> None:
        """Redraw each step's icon and state."""
        for step in STEPS:
            self.replace_option_prompt(step, step_prompt(step, states.get(step, "open")))

    @property
    def step(self) -> str:
        """The highlighted step (the first before anything is highlighted)."""
        return STEPS[self.highlighted if self.highlighted is not None else 0]
