"""Reconciliation: the custodian's account-level positions and cash against the sum of the account's sleeves.

The custodian holds the account as a whole; the platform splits it into sleeves. Any share difference is out of
sync (a trade booked to no sleeve, or a trade the custodian never saw); cash may differ by rounding up to a
tolerance (CalcSettings.reconcile_cash_tolerance, $1 by default).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from calc.formatting import money, shares
from calc.models import Account
from calc.money import ZERO

CASH = "CASH"  # the symbol a custodian file uses for the account's cash line


@dataclass(frozen=True)
class Difference:
    """One symbol (or the cash) where the custodian and the sleeves disagree."""

    symbol: str
    custodian: Decimal
    sleeves: Decimal

    @property
    def text(self) -> str:
        """The finding as the detail, the doctor and the troubleshooter say it (the fix is the code's)."""
        gap = self.custodian - self.sleeves
        if self.symbol == CASH:
            return (f"the custodian reports cash {money(self.custodian)}, the sleeves {money(self.sleeves)}: "
                    f"a {money(abs(gap))} difference")
        count = f"{shares(abs(gap))} {'share' if abs(gap) == 1 else 'shares'}"
        where = (f"{count} {'is' if abs(gap) == 1 else 'are'} in no sleeve" if gap > 0
                 else f"the sleeves count {count} the custodian does not hold")
        return f"the custodian holds {shares(self.custodian)} {self.symbol}, the sleeves {shares(self.sleeves)}: {where}"


def sleeve_totals(account: Account) -> dict[str, Decimal]:
    """Shares of each symbol summed over every sleeve (zero quantities left out)."""
    totals: dict[str, Decimal] = {}
    for sleeve in account.sleeves:
        for symbol, quantity in sleeve.positions.items():
            if quantity:
                totals[symbol] = totals.get(symbol, ZERO) + quantity
    return totals


def differences(account: Account, cash_tolerance: Decimal) -> list[Difference]:
    """Every difference between the custodian's last report and the sleeves: symbols in order, then cash.

    A symbol one side does not list counts as zero there; an account never reconciled has no differences
    (`reconciled_on` tells the two apart).
    """
    report = account.custodian_report
    if report is None:
        return []
    held = sleeve_totals(account)
    found = [Difference(symbol, report.positions.get(symbol, ZERO), held.get(symbol, ZERO))
             for symbol in sorted(set(held) | set(report.positions))
             if report.positions.get(symbol, ZERO) != held.get(symbol, ZERO)]
    if report.cash is not None:
        booked = sum((s.cash for s in account.sleeves), ZERO)
        if abs(report.cash - booked) > cash_tolerance:
            found.append(Difference(CASH, report.cash, booked))
    return found


def reconciled_on(account: Account) -> date | None:
    """The date of the custodian's last report on this account (None: never reconciled)."""
    return None if account.custodian_report is None else account.custodian_report.as_of


def reconcile_status(last: date | None, today: date, out_of_sync: int) -> str:
    """One line on the account's reconciliation, the same in the detail, the CLI and the troubleshooter."""
    if last is None:
        return "never reconciled with the custodian"
    if last < today:
        return f"not reconciled today (last custodian file {last.isoformat()})"
    if out_of_sync:
        return f"reconciled {last.isoformat()}: {out_of_sync} difference(s) with the custodian"
    return f"reconciled {last.isoformat()}: in sync with the custodian"
