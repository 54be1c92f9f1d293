"""App-level and worker-result messages.

A screen's thread worker posts a `WorkerResult` to the screen; the screen's `@on` handler shows it, then
the message bubbles to the App, which collects garbage once it is painted. A worker that fails posts
`StoreFailed` to the App, which turns it into the one notification an operator sees.

This module is every message's name: the App's and the browser's are defined here, the other screens' results in
console/result_messages.py, loaded on first use (PEP 562, as calc.views): each message dataclass costs ~0.4 ms to
build, and the first page needs 9 of the 24 (issue 17 item 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from calc.lazy_names import lazy_names

if TYPE_CHECKING:  # annotations only: the console's first page needs none of the models behind these
    from calc.views import AccountPage, AuditRecord, BookFreshness
    from console.result_messages import (
        AccountLoaded,
        AcrFired,
        AcrPreviewed,
        ApprovalDecided,
        ApprovalReviewed,
        ApprovalsLoaded,
        DoctorLoaded,
        ExportWritten,
        FillsApplied,
        FindingLoaded,
        FixApplied,
        HistoryLoaded,
        RiskLoaded,
        RunLoaded,
        SleeveSaved,
    )

__all__ = [  # every message: defined here, or in console.result_messages (loaded on first use)
    "AccountChanged", "AccountLoaded", "AccountWritten", "AcrFired", "AcrPreviewed", "ApprovalDecided",
    "ApprovalReviewed", "ApprovalsLoaded", "BookChanged", "DoctorLoaded", "ExportWritten", "FillsApplied",
    "FindingLoaded", "FixApplied", "FreshnessLoaded", "HistoryLoaded", "MatchesCounted", "PageLoaded",
    "RiskLoaded", "RunLoaded", "SleeveSaved", "StoreFailed", "WorkerResult", "WriteFailed",
]
__getattr__, __dir__ = lazy_names(globals(), {"console.result_messages": (
    "AccountLoaded", "RiskLoaded", "AcrPreviewed", "AcrFired", "FillsApplied", "SleeveSaved", "FixApplied",
    "DoctorLoaded", "HistoryLoaded", "FindingLoaded", "RunLoaded", "ExportWritten", "ApprovalsLoaded",
    "ApprovalReviewed", "ApprovalDecided")})


@dataclass
class AccountChanged(Message):
    """An account was written: screens showing it reload (an open editor or checklist marks itself stale instead).

    `changed_by` is set when another operator wrote it (seen by the live book), with the audit action.
    """

    account_id: str
    changed_by: str | None = None
    action: str = ""


@dataclass
class BookChanged(Message):
    """Another process committed to the book: the audit rows written since the live book last looked."""

    records: list[AuditRecord]


@dataclass
class AccountWritten(Message):
    """A worker wrote an account: the App tells every screen, even if the writing screen has closed since."""

    account_id: str


@dataclass
class StoreFailed(Message):
    """A worker's store call raised: the App notifies it (`screen`: the screen whose worker it was, if any)."""

    error: Exception
    screen: object = None


@dataclass
class WriteFailed(Message):
    """A screen's write raised (StoreFailed tells the operator why): nothing was written, the screen goes on."""

    error: Exception


class WorkerResult(Message):
    """What a store worker delivered; the App collects garbage after each one is shown."""


@dataclass
class PageLoaded(WorkerResult):
    """One page of the account browser, for the filter text it was asked with."""

    page: AccountPage
    text: str
    code: str | None = None


@dataclass
class MatchesCounted(WorkerResult):
    """Every match of a broad filter, counted after its first page was painted."""

    text: str
    code: str | None
    total: int


@dataclass
class FreshnessLoaded(WorkerResult):
    """How current the book's prices and custodian file are."""

    freshness: BookFreshness
