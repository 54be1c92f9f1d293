"""The console's words: ACR kinds and statuses, diagnostic labels and the refusals operators read.

One home, so the CLI, the screens, the widgets and the Markdown export name a thing the same way
(DOMAIN.md is the source of every word here). Pure data and string functions: no I/O, no Textual.
"""
from __future__ import annotations

# ACR kinds in the order the source document names the activations (calc.build.ACR_KINDS follows it).
ACR_KIND_TITLES: dict[str, str] = {
    "rebalance": "Rebalance",
    "one-dollar": "$1 allocation",
    "deposit": "Cash management deposit",
    "withdrawal": "Cash management withdrawal",
    "allocation": "Manual allocation",
    "liquidation": "Manual liquidation",
}
# What each activation does, shown next to its title where the operator chooses one.
ACR_KIND_HELP: dict[str, str] = {
    "rebalance": "trades must build",
    "one-dollar": "allocate $1 from the APM so an ACR is generated",
    "deposit": "cash management, amount next",
    "withdrawal": "cash management, amount next",
    "allocation": "from the APM, amount next",
    "liquidation": "back to the APM, amount next",
}
# Short names where a line has little room (the risk panel's "Proposed 1.50x $1 ACR").
ACR_KIND_SHORT: dict[str, str] = {
    "rebalance": "rebalance",
    "one-dollar": "$1 ACR",
    "deposit": "deposit",
    "withdrawal": "withdrawal",
    "allocation": "allocation",
    "liquidation": "liquidation",
}

# The ACR lifecycle (DOMAIN.md): failed, or built -> submitted -> complete / complete_with_errors / expired / cancelled;
# above the book's four-eyes policy an ACR waits as awaiting_approval until a second person approves or rejects it.
ACR_STATUSES: tuple[str, ...] = (
    "failed", "awaiting_approval", "built", "submitted", "complete", "complete_with_errors", "expired", "cancelled",
    "rejected",
)
# An ACR in one of these states used the saved leverage: its build succeeded and it was not withdrawn.
ACTIVATED_STATUSES: frozenset[str] = frozenset({"built", "submitted", "complete", "complete_with_errors"})

# Roles, least to most trusted: each may do what the ones before it may (calc/approvals.py ranks them).
ROLES: tuple[str, ...] = ("viewer", "operator", "approver", "admin")
ROLE_HELP: dict[str, str] = {
    "viewer": "read the book",
    "operator": "edit targets, request ACRs",
    "approver": "approve or reject others' ACRs",
    "admin": "manage operators and the four-eyes policy",
}

# Diagnostic codes in the order every list shows them (calc.diagnostics finds them).
DIAGNOSTIC_CODES: tuple[str, ...] = (
    "NEGATIVE_APM",
    "PENDING_LEVERAGE",
    "MARGIN_NOT_ENABLED",
    "MARGIN_CALL",
    "LOW_CALL_DISTANCE",
    "TACTICAL_TRACK_OFF",
    "DRIFT",
    "STALE_PRICES",
    "MISSING_PRICE",
    "OUT_OF_SYNC",
)

# Diagnostic codes: a title for lists and help, a badge of at most six characters for the account table.
DIAGNOSTIC_TITLES: dict[str, str] = {
    "NEGATIVE_APM": "Negative APM balance",
    "PENDING_LEVERAGE": "Leverage saved but not applied",
    "MARGIN_NOT_ENABLED": "Leverage on an account that cannot margin",
    "MARGIN_CALL": "Margin call",
    "LOW_CALL_DISTANCE": "Close to a margin call",
    "TACTICAL_TRACK_OFF": "Tactical model with track manager OFF",
    "DRIFT": "Actual leverage drifted from target",
    "STALE_PRICES": "Stale prices",
    "MISSING_PRICE": "Holding without a price: NAV and margin figures are understated",
    "OUT_OF_SYNC": "Custodian and sleeves disagree",
}
DIAGNOSTIC_BADGES: dict[str, str] = {
    "NEGATIVE_APM": "APM-",
    "PENDING_LEVERAGE": "PEND",
    "MARGIN_NOT_ENABLED": "NOMRG",
    "MARGIN_CALL": "CALL",
    "LOW_CALL_DISTANCE": "LOWCD",
    "TACTICAL_TRACK_OFF": "TRKOFF",
    "DRIFT": "DRIFT",
    "STALE_PRICES": "STALE",
    "MISSING_PRICE": "NOPX",
    "OUT_OF_SYNC": "SYNC",
}

# What an ACR's build failed on, and what fixes it (calc/build.py's failure codes).
FAILURE_REASONS: dict[str, str] = {
    "MARGIN_NOT_ENABLED": "the sleeve would carry a margin debit but the account cannot margin",
    "LEVERAGE_OUT_OF_RANGE": "the leverage is below 1.0 or above the account's maximum",
    "MISSING_PRICE": "a symbol the build needs has no price",
    "STALE_PRICE": "a symbol the build needs has a price older than the allowed age",
    "REGT_INITIAL": "projected equity is below the Reg T initial requirement",
    "MAINTENANCE": "projected equity is below the maintenance requirement",
    "NAV_NOT_POSITIVE": "the sleeve's equity is zero or negative",
    "APM_INSUFFICIENT": "the APM does not hold enough cash for this allocation",
    "NO_TRADES": "the change is smaller than the minimum trade: no order would build",
}

FAILURE_FIXES: dict[str, str] = {
    "MARGIN_NOT_ENABLED": "Confirm margin with the custodian, or set the target back to 1.0.",
    "LEVERAGE_OUT_OF_RANGE": "Save a leverage between 1.0 and the account's maximum.",
    "MISSING_PRICE": "Load a price for the symbol, then fire again.",
    "STALE_PRICE": "Refresh prices, then fire again.",
    "REGT_INITIAL": "Lower the leverage or add cash before firing.",
    "MAINTENANCE": "Lower the leverage or add cash before firing.",
    "NAV_NOT_POSITIVE": "Fund the sleeve before applying leverage.",
    "APM_INSUFFICIENT": "Add cash to the APM or allocate a smaller amount.",
    "NO_TRADES": "Save a larger leverage change, or lower the minimum trade; the saved leverage stays pending "
                 "(u puts it back).",
}

# A code's fix when the data names no cause; the doctor's heading for the code.
DIAGNOSTIC_FIXES: dict[str, str] = {
    "NEGATIVE_APM": "Fund the APM (fees, residue), or move margin carried there into the model sleeve.",
    "PENDING_LEVERAGE": "Rebalance, fire an ACR, or allocate $1.",
    "MARGIN_NOT_ENABLED": FAILURE_FIXES["MARGIN_NOT_ENABLED"],
    "MARGIN_CALL": "Cure the call: deposit cash, deposit securities, or sell.",
    "LOW_CALL_DISTANCE": "Reduce leverage or add cash.",
    "TACTICAL_TRACK_OFF": "Turn track manager ON.",
    "DRIFT": "Rebalance.",
    "STALE_PRICES": "Refresh prices.",
    "MISSING_PRICE": "Load a price for it.",
    "OUT_OF_SYNC": "Book the difference to a sleeve or investigate the trade.",
}


FUND_APM_FIX = "Fund the APM: a deposit into the APM, or a liquidation from a model sleeve into the APM."
MOVE_EXPOSURE_FIX = ("Move the exposure into the model sleeve: sell the APM's holdings, allocate the proceeds, "
                     "save the multiplier on the model sleeve and rebalance.")
# The causes the data can name, per code: cause -> (the label the detail ends with, the fix for that cause).
# One home: the detail, the doctor, the troubleshooter and the walkthrough read the cause's fix from here.
CAUSES: dict[str, dict[str, tuple[str, str]]] = {
    "NEGATIVE_APM": {
        "residue": ("fractional-share residue", FUND_APM_FIX),
        "fees": ("account-level fees booked to the APM", FUND_APM_FIX),
        "margin": ("margin debit carried at the account level", MOVE_EXPOSURE_FIX),
        "unknown": ("cause unknown: too large for fees, and this account cannot margin", FUND_APM_FIX),
    },
    "DRIFT": {
        "below-minimum": ("a rebalance builds no order: every difference is below the minimum trade",
                          "None the console can trade: lower the minimum trade, or wait for a larger move."),
    },
}


def kind_title(kind: str) -> str:
    """An ACR kind's title; an unknown kind (a newer book) reads as its id rather than failing."""
    return ACR_KIND_TITLES.get(kind, kind)


def blocked_attempt(code: str | None) -> str:
    """What `f` does on a blocked checklist: it records the attempt, it does not trade."""
    why = f" ({code})" if code else ""
    return f"f only records this attempt as a failed ACR{why}; nothing trades."


def apm_refusal(sleeve_id: str) -> str:
    """Why leverage, a target or a walkthrough is refused on the APM (DOMAIN.md: never on the APM)."""
    return f"{sleeve_id} is the APM: leverage belongs on a model sleeve, never the APM"


def read_only_refusal(sleeve_id: str, kind: str) -> str:
    """Why a write is refused on a sleeve kind this console imports but does not manage."""
    return f"{sleeve_id} is a {kind} sleeve, which this console shows read-only"
