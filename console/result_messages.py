"""The worker results of the screens after the browser (detail, ACR, doctor, history, troubleshooter,
walkthrough, approvals), loaded when the first of those screens is: console/messages.py names each of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.messages import WorkerResult

if TYPE_CHECKING:  # annotations only
    from calc.run_views import RunView
    from calc.troubleshoot import Finding
    from calc.views import AccountDetail, AcrPreview, AcrRecord, AuditRecord, DoctorReport
    from store.risk import SleeveRisk
    from widgets.detail_body import DetailView


@dataclass
class AccountLoaded(WorkerResult):
    """One account's detail, with what the detail screen draws for it (built on the worker that read it)."""

    detail: AccountDetail
    view: DetailView


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
