"""The one registry of user actions: it feeds every screen's bindings, the footer, the help screen and the palette."""
from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class ActionSpec:
    """One user-facing action: its binding id, keys, what it does, and where it applies."""

    id: str
    keys: str
    action: str
    description: str
    tooltip: str
    scope: str
    show: bool = True
    key_display: str | None = None
    priority: bool = False
    palette: bool = True
    rank: int = 5  # the footer keeps the lowest ranks when it is too narrow for every key (0: always shown)
    short: str | None = None  # the footer's label, where the description is too long for 80 columns

    @property
    def footer_label(self) -> str:
        return self.short or self.description

    @property
    def writes(self) -> bool:
        """Whether the action writes the book (hidden and refused in a read-only session)."""
        return self.id in WRITE_ACTIONS

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.footer_label, show=self.show, key_display=self.key_display,
                       priority=self.priority, tooltip=self.tooltip, id=self.id)


SCOPES = {
    "app": "Everywhere",
    "browser": "Account browser",
    "detail": "Account detail",
    "editor": "Leverage editor",
    "acr": "Fire an ACR",
    "walkthrough": "Walkthrough",
    "troubleshoot": "Troubleshooter",
    "doctor": "Doctor",
    "history": "History",
    "acr-detail": "One ACR (from history)",
    "confirm": "Confirmation dialog",
    "approvals": "Approvals",
}

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("quit", "q", "app.quit", "Quit", "Leave the console (not while typing in a field).", "app", rank=8),
    ActionSpec("force-quit", "ctrl+q", "app.quit", "Quit", "Leave the console from anywhere.", "app",
               show=False, priority=True),
    ActionSpec("help", "question_mark,f1", "app.help", "Help", "Every key on every screen (F1 too).", "app",
               key_display="?", rank=0),
    ActionSpec("doctor", "d", "app.doctor", "Doctor", "Every diagnostic across the book, grouped by code.", "app",
               rank=2),
    ActionSpec("filter", "slash", "filter", "Filter",
               "Filter accounts by id, name or custodian as you type; code:CALL (a code or its badge) keeps one "
               "diagnostic.", "browser", key_display="/", rank=1),
    ActionSpec("cycle-code", "c", "cycle_code", "Code",
               "Show only the accounts with the next diagnostic code; after the last, every account again.",
               "browser", rank=2),
    ActionSpec("cycle-sort", "o", "cycle_sort", "Sort",
               "Sort by the next column: account id, NAV (largest first), saved leverage (highest first), call "
               "distance (closest to a call first).",
               "browser", rank=2),
    ActionSpec("open-account", "enter", "open", "Open", "Open the highlighted account's detail.", "browser", rank=3),
    ActionSpec("next-page", "n", "page(1)", "Next page", "Show the next page of accounts.", "browser", rank=4),
    ActionSpec("previous-page", "p", "page(-1)", "Prev page", "Show the previous page of accounts.", "browser", rank=4),
    ActionSpec("approvals", "A", "app.approvals", "Approvals",
               "The ACRs awaiting a second person's approval (four eyes): preview, acknowledgements, risk.", "app",
               show=False),  # in help and the palette; the footer at 80 columns has no room left
    ActionSpec("clear-filter", "escape", "clear_filter", "Clear filter", "Clear the filter.", "browser", show=False),
    ActionSpec("back", "escape", "back", "Back", "Go back to the previous screen.", "detail", rank=5),
    ActionSpec("edit-leverage", "e", "edit", "Edit leverage",
               "Edit the selected model sleeve's leverage with a live preview (target only, no trades).", "detail",
               rank=1, short="Edit"),
    ActionSpec("toggle-track", "t", "toggle_track", "Track mgr",
               "Toggle the selected model sleeve's track-manager setting (saved, no trades).", "detail", rank=4,
               short="Track"),
    ActionSpec("rebalance", "r", "acr('rebalance')", "Rebalance",
               "Fire a rebalance ACR on the selected model sleeve, through the checklist.", "detail", rank=1),
    ActionSpec("one-dollar", "a", "acr('one-dollar')", "$1 ACR",
               "Allocate $1 from the APM to the selected model sleeve so an ACR rebuilds it.", "detail", rank=1),
    ActionSpec("deposit", "ctrl+d", "acr_amount('deposit')", "Deposit",
               "Fire a cash-management deposit ACR on the selected model sleeve.", "detail", rank=4),
    ActionSpec("withdrawal", "ctrl+w", "acr_amount('withdrawal')", "Withdrawal",
               "Fire a cash-management withdrawal ACR on the selected model sleeve.", "detail", show=False),
    ActionSpec("allocation", "ctrl+a", "acr_amount('allocation')", "Allocation",
               "Allocate cash from the APM to the selected model sleeve (manual allocation ACR).", "detail",
               show=False),
    ActionSpec("liquidation", "ctrl+l", "acr_amount('liquidation')", "Liquidation",
               "Liquidate cash from the selected model sleeve back to the APM (manual liquidation ACR).", "detail",
               show=False),
    ActionSpec("history", "h", "history", "History", "This account's audit trail and ACRs.", "detail", rank=3),
    ActionSpec("walkthrough", "w", "walkthrough", "Walkthrough",
               "Guided pre-margin walkthrough of the selected model sleeve (for a call with the advisor).", "detail",
               rank=2),
    ActionSpec("troubleshoot", "y", "troubleshoot", "Troubleshoot",
               "Pick a symptom; the console checks the account's data, names the cause and offers the fix.",
               "detail", rank=2),
    ActionSpec("next-sleeve", "j", "focus_next", "Next sleeve", "Select the next sleeve card.", "detail", show=False),
    ActionSpec("previous-sleeve", "k", "focus_previous", "Prev sleeve", "Select the previous sleeve card.", "detail",
               show=False),
    ActionSpec("editor-save", "enter", "save", "Save target", "Save the leverage target (no trades).", "editor",
               priority=True),
    ActionSpec("editor-toggle-track", "t", "toggle_track", "Track mgr", "Toggle track manager in the editor.",
               "editor", priority=True),
    ActionSpec("editor-cancel", "escape", "cancel", "Cancel", "Close the editor without saving.", "editor"),
    ActionSpec("ack-1", "1", "ack(1)", "Ack 1", "Acknowledge: sleeve cash reviewed.", "acr", show=False),
    ActionSpec("ack-2", "2", "ack(2)", "Ack 2", "Acknowledge: leverage is suitable.", "acr", show=False),
    ActionSpec("ack-3", "3", "ack(3)", "Ack 3", "Acknowledge: exposure will be monitored.", "acr", show=False),
    ActionSpec("ack-4", "4", "ack(4)", "Ack 4", "Acknowledge: the multiplier's impact is understood.", "acr",
               show=False),
    ActionSpec("ack-all", "x", "ack_all", "Ack all", "Acknowledge every open item (each is recorded).", "acr", rank=1),
    ActionSpec("fire", "f", "fire", "Fire", "Fire the ACR after a confirmation whose default is Cancel.", "acr",
               rank=1),
    ActionSpec("simulate-fills", "s", "simulate", "Sim fills", "Fill the built ACR's orders at their prices (demo).",
               "acr", rank=2),
    ActionSpec("acr-back", "escape", "back", "Back", "Leave without firing.", "acr", rank=3),
    ActionSpec("doctor-open", "enter", "open", "Open account", "Open the highlighted finding's account.", "doctor",
               rank=1),
    ActionSpec("doctor-back", "escape", "back", "Back", "Back to the previous screen.", "doctor", rank=2),
    ActionSpec("history-back", "escape", "back", "Back", "Back to the account.", "history", rank=2),
    ActionSpec("history-open-acr", "enter", "open", "Open ACR",
               "Open the highlighted ACR: kind, leverage, operator, checklist with each acknowledgement, orders and "
               "fills.", "history", rank=1),
    ActionSpec("acr-detail-back", "escape", "back", "Back", "Back to the history.", "acr-detail"),
    ActionSpec("walkthrough-do", "enter", "do_step", "Do step",
               "Perform the current step (edit leverage, fire the activating ACR, review the checklist).",
               "walkthrough", rank=1),
    ActionSpec("walkthrough-complete", "c", "complete_step", "Complete",
               "Mark the current step completed (refused while what the store says contradicts it).", "walkthrough",
               rank=1),
    ActionSpec("walkthrough-skip", "s", "skip_step", "Skip", "Skip the current step, with a reason.", "walkthrough",
               rank=2),
    ActionSpec("walkthrough-retry", "r", "retry_step", "Retry", "Re-check the current step against the store.",
               "walkthrough", rank=2),
    ActionSpec("walkthrough-export", "m", "export", "Export",
               "Write this run as ticket-ready Markdown next to the book file; the notice shows the path.",
               "walkthrough", rank=3),
    ActionSpec("walkthrough-back", "escape", "back", "Back", "Leave the walkthrough (the run stays stored).",
               "walkthrough", rank=3),
    ActionSpec("confirm-press", "enter", "press_focused", "Choose",
               "Press the focused button: Cancel unless you moved to the other one.", "confirm", priority=True, rank=1),
    ActionSpec("confirm-previous", "left", "focus_button(-1)", "Prev button", "Move to the previous button.",
               "confirm", key_display="←", rank=2, palette=False),
    ActionSpec("confirm-next", "right", "focus_button(1)", "Next button", "Move to the next button.", "confirm",
               key_display="→", rank=2, palette=False),
    ActionSpec("confirm-cancel", "escape", "cancel", "Cancel", "Close without doing anything (the default).",
               "confirm", rank=1),
    ActionSpec("troubleshoot-fix", "f", "fix", "Apply fix", "Perform the fix offered for the symptom.",
               "troubleshoot", rank=1),
    ActionSpec("troubleshoot-back", "escape", "back", "Back", "Back to the account.", "troubleshoot", rank=2),
    ActionSpec("approve", "v", "approve", "Approve",
               "Approve the highlighted ACR: rebuilt on current data, after a confirmation whose default is Cancel.",
               "approvals", rank=1),
    ActionSpec("reject", "x", "reject", "Reject", "Reject the highlighted ACR, with a reason.", "approvals", rank=1),
    ActionSpec("approvals-back", "escape", "back", "Back", "Back to the previous screen.", "approvals", rank=2),
)


# The actions that write the book, or open a screen whose purpose is writing (a walkthrough run is stored).
WRITE_ACTIONS = frozenset({
    "edit-leverage", "toggle-track", "rebalance", "one-dollar", "deposit", "withdrawal", "allocation", "liquidation",
    "walkthrough", "editor-save", "editor-toggle-track", "ack-1", "ack-2", "ack-3", "ack-4", "ack-all", "fire",
    "simulate-fills", "walkthrough-do", "walkthrough-complete", "walkthrough-skip", "walkthrough-retry",
    "troubleshoot-fix", "approve", "reject",
})


def footer_rank(binding_id: str | None) -> int:
    """Where a binding stands when the footer must drop keys (a binding outside the registry: the default)."""
    spec = next((a for a in ACTIONS if a.id == binding_id), None)
    return spec.rank if spec is not None else ActionSpec.rank


def bindings(scope: str) -> list[Binding]:
    """The bindings of one scope, straight from the registry."""
    return [a.binding() for a in ACTIONS if a.scope == scope]


def actions(scope: str) -> list[ActionSpec]:
    return [a for a in ACTIONS if a.scope == scope]


def display_key(spec: ActionSpec) -> str:
    return spec.key_display or spec.keys.replace("question_mark", "?").replace("slash", "/")
