"""The custodian's tiered margin rates: the rate a debit of a given size pays."""
from __future__ import annotations

from decimal import Decimal

from calc import Account, CalcSettings
from calc.models import account_debit
from calc.money import cents_int
from store.core import Store

Tiers = dict[str, list[tuple[int, Decimal]]]  # custodian -> (minimum debit in cents, annual rate), highest first


def rate_tiers(store: Store, custodian: str | None = None) -> Tiers:
    """The rate table (one custodian's, or every custodian's: a batch reads it once for all its ACRs)."""
    where, params = ("WHERE custodian = ?", [custodian]) if custodian is not None else ("", [])
    tiers: Tiers = {}
    for name, minimum, rate in store.execute(
            f"SELECT custodian, min_debit_cents, annual_rate FROM rates {where} ORDER BY min_debit_cents DESC", params):
        tiers.setdefault(name, []).append((int(minimum), Decimal(rate)))
    return tiers


def tier_rate(tiers: Tiers, custodian: str, debit: Decimal) -> Decimal:
    """The rate of the highest tier this debit reaches (0 when the custodian has no table)."""
    debit_cents = cents_int(debit)
    return next((rate for minimum, rate in tiers.get(custodian, ()) if minimum <= debit_cents), Decimal(0))


def annual_rate(store: Store, custodian: str, debit: Decimal) -> Decimal:
    """The custodian's tiered margin rate for a debit of this size (0 when the book has no table)."""
    return tier_rate(rate_tiers(store, custodian), custodian, debit)


def account_settings(store: Store, account: Account) -> CalcSettings:
    """The calc settings with the rate the account's current debit pays."""
    return store.calc_settings(annual_rate(store, account.custodian, account_debit(account)))
