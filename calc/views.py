"""Read models the store returns to the console, the widgets and the CLI (plain dataclasses of calc values).

They live in calc so that widgets render them without importing the store; store/mapping.py builds them.
Each view's home is the submodule listed below, and a name loads its home on first use (PEP 562, as calc's own
names do): building a frozen dataclass costs ~1.5 ms, and `accounts` or the browser's first page needs only
the page's three of the twelve. Walkthrough runs are in calc/run_views.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from calc.lazy_names import lazy_names

_HOMES: dict[str, tuple[str, ...]] = {
    "calc.page_views": ("AccountRow", "AccountPage", "BookFreshness"),
    "calc.detail_views": ("SleeveView", "AccountDetail"),
    "calc.acr_views": ("AcrPreview", "Reviewed", "OrderRecord", "AcrRecord"),
    "calc.report_views": ("AuditRecord", "DoctorFinding", "DoctorReport"),
}
__all__ = [  # the same names as _HOMES
    "AccountDetail", "AccountPage", "AccountRow", "AcrPreview", "AcrRecord", "AuditRecord", "BookFreshness",
    "DoctorFinding", "DoctorReport", "OrderRecord", "Reviewed", "SleeveView",
]
__getattr__, __dir__ = lazy_names(globals(), _HOMES)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from calc.acr_views import AcrPreview, AcrRecord, OrderRecord, Reviewed
    from calc.detail_views import AccountDetail, SleeveView
    from calc.page_views import AccountPage, AccountRow, BookFreshness
    from calc.report_views import AuditRecord, DoctorFinding, DoctorReport
