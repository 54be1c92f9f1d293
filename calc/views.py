"""Read models the store returns to the console, the widgets and the CLI (plain dataclasses of calc values).

They live in calc so that widgets render them without importing the store; store/mapping.py builds them.
Each view's home is the submodule listed below, and a name loads its home on first use (PEP 562, as calc's own
names do): building a frozen dataclass costs ~1.5 ms, and `accounts` or the browser's first page needs only
the page's three of the twelve. Walkthrough runs are in calc/run_views.py.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES: dict[str, tuple[str, ...]] = {
    "calc.page_views": ("AccountRow", "AccountPage", "BookFreshness"),
    "calc.detail_views": ("SleeveView", "AccountDetail"),
    "calc.acr_views": ("AcrPreview", "Reviewed", "OrderRecord", "AcrRecord"),
    "calc.report_views": ("AuditRecord", "DoctorFinding", "DoctorReport"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}
__all__ = [  # the same names as _HOMES
    "AccountDetail", "AccountPage", "AccountRow", "AcrPreview", "AcrRecord", "AuditRecord", "BookFreshness",
    "DoctorFinding", "DoctorReport", "OrderRecord", "Reviewed", "SleeveView",
]


def __getattr__(name: str) -> Any:
    """A view, imported from its submodule the first time it is asked for (then cached here)."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'calc.views' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from calc.acr_views import AcrPreview, AcrRecord, OrderRecord, Reviewed
    from calc.detail_views import AccountDetail, SleeveView
    from calc.page_views import AccountPage, AccountRow, BookFreshness
    from calc.report_views import AuditRecord, DoctorFinding, DoctorReport
