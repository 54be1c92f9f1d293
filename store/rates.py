"""The custodian's tiered margin rates: the rate a debit of a given size pays."""
from __future__ import annotations

from decimal import Decimal

from calc import Account, CalcSettings
from calc.models import account_debit
from calc.money import cents_int
from store.core import Store


def annual_rate(store: Store, custodian: str, debit: Decimal) -> Decimal:
    """The custodian's tiered margin rate for a debit of this size (0 when the book has no table)."""
    rate = store.scalar("SELECT annual_rate FROM rates WHERE custodian = ? AND min_debit_cents <= ? "
                        "ORDER BY min_debit_cents DESC LIMIT 1", [custodian, cents_int(debit)])
    return Decimal(rate) if rate is not None else Decimal(0)


def account_settings(store: Store, account: Account) -> CalcSettings:
    """The calc settings with the rate the account's current debit pays."""
    return store.calc_settings(annual_rate(store, account.custodian, account_debit(account)))
