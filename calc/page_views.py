"""The browser's page and the book's freshness: the views `accounts`, the console's first page and the doctor's
header read (calc/views.py indexes every view; these import no model and no rule)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from calc.money import json_value


@dataclass(frozen=True)
class AccountRow:
    """One line of the account browser."""

    id: str
    name: str
    custodian: str
    type: str
    margin_enabled: bool
    nav: Decimal
    max_saved_leverage: Decimal
    codes: tuple[str, ...]
    max_applied_leverage: Decimal | None = None  # None: no model sleeve

    def to_json(self) -> dict[str, Any]:
        """The row as `accounts --json` prints it."""
        return json_value({**self.__dict__, "codes": list(self.codes)})


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    total: int
    book_size: int
    offset: int
    limit: int
    exact: bool = True  # False: `total` is a floor (the console counts a broad filter's matches after painting)

    def to_json(self) -> dict[str, Any]:
        """The page as `accounts --json` prints it."""
        return {"total": self.total, "book_size": self.book_size, "offset": self.offset,
                "accounts": [r.to_json() for r in self.rows]}


@dataclass(frozen=True)
class BookFreshness:
    """How current the data on screen is: the prices' dates and today's custodian file (doctor, browser)."""

    today: date
    prices_as_of: date | None  # the newest price date (None: no prices)
    oldest_price: date | None
    reconciled_today: int
    book_size: int
    # Why the stored summaries (diagnostics, NAV, leverage columns) cannot be trusted, when they were computed by
    # other rules and this open could not recompute them (store/summary_rules.py note); None: they are current.
    stale_summaries: str | None = None

    @property
    def prices_line(self) -> str:
        """`prices as of 2026-11-29`: short enough to follow the operator and book in the header at 80 columns
        (after the stale summaries' warning, which comes first: what the screen lists may be wrong)."""
        prices = "no prices loaded" if self.prices_as_of is None else f"prices as of {self.prices_as_of.isoformat()}"
        return prices if self.stale_summaries is None else f"{self.stale_summaries} · {prices}"

    @property
    def custodian_line(self) -> str:
        return f"{self.reconciled_today:,} of {self.book_size:,} reconciled today"

    @property
    def line(self) -> str:
        """The whole line (the CLI's doctor), with the oldest price date when prices differ in age."""
        oldest = (f" (oldest {self.oldest_price.isoformat()})"
                  if self.oldest_price is not None and self.oldest_price != self.prices_as_of else "")
        return f"{self.prices_line}{oldest} · {self.custodian_line}"

    def to_json(self) -> dict[str, Any]:
        return json_value({"today": self.today, "prices_as_of": self.prices_as_of, "oldest_price": self.oldest_price,
                           "reconciled_today": self.reconciled_today,
                           "not_reconciled_today": self.book_size - self.reconciled_today,
                           "stale_summaries": self.stale_summaries})
