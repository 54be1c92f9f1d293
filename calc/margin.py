"""Account-level margin as the custodian enforces it (DOMAIN.md "Account-level margin")."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from calc.models import FINRA_MINIMUM, Account, Price, account_debit, percent_text
from calc.money import ONE, ZERO

REGT_INITIAL = Decimal("0.50")
NON_MARGINABLE = ONE


def house_floor_note(house: Decimal) -> str:
    """What the margin figures say about a house rate below the FINRA floor ("" when it is at or above it)."""
    if house >= FINRA_MINIMUM:
        return ""
    return f"house {percent_text(house)} % -> {percent_text(FINRA_MINIMUM)} % FINRA floor"


def security_maintenance(price: Price | None, house: Decimal) -> Decimal:
    """m_i = max(25 %, house, override); non-marginable 100 %; leveraged ETF min(100 %, 25 % x factor)."""
    if price is None or not price.marginable:
        return NON_MARGINABLE
    rate = max(FINRA_MINIMUM, house)
    if price.maintenance is not None:
        rate = max(rate, price.maintenance)
    if price.leverage_factor is not None:
        rate = max(rate, min(ONE, FINRA_MINIMUM * price.leverage_factor))
    return rate


def cures(call: Decimal, rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Cash to deposit, fully paid marginable securities to deposit, securities to sell, for call C at rate m."""
    if call <= 0:
        return ZERO, ZERO, ZERO
    securities = call / (ONE - rate) if rate < ONE else call
    sell = call / rate if rate > 0 else ZERO
    return call, securities, sell


def trigger_value(debit: Decimal, rate: Decimal) -> Decimal:
    """The LMV at which a call comes: D / (1 - m)."""
    if debit <= 0:
        return ZERO
    if rate >= ONE:
        return debit  # D / (1 - m) has no finite value at m = 100 %: report the debit itself
    return debit / (ONE - rate)


def call_distance(lmv: Decimal, debit: Decimal, rate: Decimal) -> Decimal:
    """How far LMV can fall before a call, as a fraction: 1 - trigger / LMV (1 with no debit)."""
    if debit <= 0:
        return ONE
    if lmv <= 0 or rate >= ONE:
        return ZERO  # at a 100 % requirement any debit is already a call: no room to fall
    # Already in call means no room left, never "negative room", so the figure only falls as risk rises.
    return max(ZERO, ONE - trigger_value(debit, rate) / lmv)


def sleeve_call_distance(leverage: Decimal, rate: Decimal) -> Decimal:
    """Call distance of an account whose only debit is one sleeve at multiplier L: 1 - (L-1)/(L(1-m))."""
    if leverage <= ONE:
        return ONE
    if rate >= ONE:
        return ZERO
    return max(ZERO, ONE - (leverage - ONE) / (leverage * (ONE - rate)))


def daily_interest(debit: Decimal, annual_rate: Decimal) -> Decimal:
    """Margin interest for one day, actual/360."""
    if debit <= 0:
        return ZERO
    return debit * annual_rate / 360


@dataclass(frozen=True)
class MarginFigures:
    """What the custodian sees on one account."""

    lmv: Decimal
    marginable_lmv: Decimal
    debit: Decimal
    equity: Decimal
    requirement: Decimal
    effective_rate: Decimal
    call: Decimal
    cure_cash: Decimal
    cure_securities: Decimal
    cure_sell: Decimal
    trigger_value: Decimal
    call_distance: Decimal
    regt_requirement: Decimal
    sma: Decimal
    buying_power: Decimal
    daily_interest: Decimal

    @property
    def regt_ok(self) -> bool:
        return self.equity >= self.regt_requirement

    @property
    def maintenance_ok(self) -> bool:
        return self.equity >= self.requirement


def margin_from_totals(
    lmv: Decimal,
    debit: Decimal,
    requirement: Decimal,
    marginable_lmv: Decimal | None = None,
    annual_rate: Decimal = ZERO,
    initial_margin: Decimal = REGT_INITIAL,
    can_margin: bool = True,
    cash_balance: Decimal | None = None,
) -> MarginFigures:
    """Every account figure from LMV, debit and the maintenance requirement."""
    marginable = lmv if marginable_lmv is None else marginable_lmv
    # Equity is LMV - debit; a net credit balance (cash_balance > 0) is equity too.
    equity = lmv - debit + (max(ZERO, cash_balance) if cash_balance is not None else ZERO)
    rate = requirement / lmv if lmv > 0 else ZERO
    call = max(ZERO, requirement - equity)
    cure_cash, cure_securities, cure_sell = cures(call, rate)
    regt = initial_margin * marginable + (lmv - marginable)
    sma = max(ZERO, equity - regt)
    if can_margin:
        buying_power = sma / initial_margin
    else:
        buying_power = max(ZERO, cash_balance if cash_balance is not None else -debit)
    return MarginFigures(
        lmv=lmv,
        marginable_lmv=marginable,
        debit=debit,
        equity=equity,
        requirement=requirement,
        effective_rate=rate,
        call=call,
        cure_cash=cure_cash,
        cure_securities=cure_securities,
        cure_sell=cure_sell,
        trigger_value=trigger_value(debit, rate),
        call_distance=call_distance(lmv, debit, rate),
        regt_requirement=regt,
        sma=sma,
        buying_power=buying_power,
        daily_interest=daily_interest(debit, annual_rate),
    )


def account_margin(
    account: Account,
    prices: dict[str, Price],
    annual_rate: Decimal = ZERO,
    initial_margin: Decimal = REGT_INITIAL,
) -> MarginFigures:
    """LMV over all sleeves, the account debit (calc.models.account_debit), requirement with per-security rates."""
    lmv = marginable = requirement = ZERO
    cash = ZERO
    for sleeve in account.sleeves:
        cash += sleeve.cash
        for symbol, qty in sleeve.positions.items():
            price = prices.get(symbol)
            if price is None or not qty:
                continue
            value = qty * price.price
            lmv += value
            if price.marginable:
                marginable += value
            requirement += security_maintenance(price, account.house_maintenance) * value
    return margin_from_totals(
        lmv,
        account_debit(account),
        requirement,
        marginable_lmv=marginable,
        annual_rate=annual_rate,
        initial_margin=initial_margin,
        can_margin=account.can_margin,
        cash_balance=cash,
    )
