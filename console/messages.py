"""App-level and worker-result messages.

A screen's thread worker posts a `WorkerResult` to the screen; the screen's `@on` handler shows it, then
the message bubbles to the App, which collects garbage once it is painted. A worker that fails posts
`StoreFailed` to the App, which turns it into the one notification an operator sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the console's first page needs none of the models behind these
    from calc.troubleshoot import Finding
    from calc.views import (
        AccountDetail,
        AccountPage,
        AcrPreview,
        AcrRecord,
        AuditRecord,
        BookFreshness,
        DoctorReport,
    )
    from calc.run_views import RunView
    from store.risk import SleeveRisk


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


@dataclass
class AccountLoaded(WorkerResult):
    """One account's detail."""

    detail: AccountDetail


@dataclass
class RiskLoaded(WorkerResult):
    """Every model sleeve's risk (now vs saved leverage), by sleeve id."""

    risks: dict[str, SleeveRisk]


@dataclass
class AcrPreviewed(WorkerResult):
    """An ACR's trade preview and the risk at its leverage."""

    preview: AcrPreview
    risk: SleeveRisk


@dataclass
class AcrFired(WorkerResult):
    """An ACR was recorded (built, or failed with its code)."""

    record: AcrRecord


@dataclass
class FillsApplied(WorkerResult):
    """An ACR's open orders were filled."""

    record: AcrRecord


@dataclass
class SleeveSaved(WorkerResult):
    """A sleeve's target or toggle was saved (nothing traded); `notice` tells the operator what."""

    sleeve_id: str
    version: int
    notice: str


@dataclass
class FixApplied(WorkerResult):
    """A troubleshooter fix was written; `notice` tells the operator what."""

    notice: str


@dataclass
class DoctorLoaded(WorkerResult):
    """Every diagnostic across the book."""

    report: DoctorReport


@dataclass
class HistoryLoaded(WorkerResult):
    """An account's ACRs and audit trail, newest first."""

    acrs: list[AcrRecord]
    audit: list[AuditRecord]


@dataclass
class FindingLoaded(WorkerResult):
    """What the troubleshooter found for one symptom, with the versions it was read at (a fix carries them)."""

    finding: Finding
    account_version: int = 0
    sleeve_versions: dict[str, int] | None = None
    account_id: str = ""  # the account it was read for (a screen kept between accounts drops another's)


@dataclass
class RunLoaded(WorkerResult):
    """A walkthrough run as the store says it now, with the account, after a load or a step written.

    `notice` is what to tell the operator about the write (empty after a plain load); `select_next` moves the
    cursor to the run's current step.
    """

    view: RunView
    detail: AccountDetail
    notice: str = ""
    severity: str = "information"
    select_next: bool = False


@dataclass
class ExportWritten(WorkerResult):
    """A file was written for the operator (the walkthrough's Markdown): where it is."""

    path: str


@dataclass
class ApprovalsLoaded(WorkerResult):
    """The ACRs awaiting approval, oldest first."""

    queue: list[AcrRecord]


@dataclass
class ApprovalReviewed(WorkerResult):
    """One awaiting ACR as its approver sees it: the build on current data, whether it changed from the previewed
    one beyond rounding, and the risk at its leverage."""

    record: AcrRecord
    preview: AcrPreview
    changed: bool
    risk: SleeveRisk


@dataclass
class ApprovalDecided(WorkerResult):
    """An awaiting ACR was approved (built, or failed on current data) or rejected."""

    record: AcrRecord
