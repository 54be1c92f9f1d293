"""Reads for the risk panel: a model sleeve's risk now and at a proposed leverage (calc.risk on the book)."""
from __future__ import annotations

from decimal import Decimal

from calc import Account, RiskReport, proposed_risk, risk_report
from calc.models import account_debit
from calc.views import AcrPreview
from store.acrs import preview_acr
from store.core import Store
from store.errors import NotFound
from store.mapping import load_account, load_models, load_prices
from store.rates import annual_rate
from store.sleeves import sleeve_account_id

SleeveRisk = tuple[RiskReport, RiskReport]


def _rate(store: Store, account: Account, debit: Decimal) -> Decimal:
    """The custodian's tiered margin rate for a debit of this size."""
    return annual_rate(store, account.custodian, debit)


def sleeve_risk(store: Store, sleeve_id: str, leverage: Decimal | None = None, track_manager: bool | None = None,
                kind: str = "rebalance", amount: Decimal = Decimal(0),
                preview: AcrPreview | None = None) -> SleeveRisk:
    """(current, proposed) for one model sleeve; writes nothing.

    Current: the account as held now, with the sleeve at its applied leverage. Proposed: the account a
    `kind` ACR (a rebalance unless told) would project at `leverage` (the saved leverage unless told), or
    at `preview`'s build when the caller already has one. A failed build is reported with its code and
    whatever could still be computed. Each side's interest is at the custodian's tier for its own debit.
    """
    if preview is None:
        preview = preview_acr(store, sleeve_id, kind, amount, leverage=leverage, track_manager=track_manager)
    elif preview.sleeve_id != sleeve_id:
        raise ValueError(f"the preview is of {preview.sleeve_id}, not {sleeve_id}")
    loaded = load_account(store.conn, sleeve_account_id(store, sleeve_id))
    if loaded is None:
        raise NotFound(f"no account holds sleeve {sleeve_id}")
    account = loaded[0]
    prices, models = load_prices(store.conn), load_models(store.conn)
    debit = account_debit(account)
    current = risk_report(account, sleeve_id, prices, models, account.sleeve(sleeve_id).applied,
                          _rate(store, account, debit))
    build = preview.build
    projected_debit = build.projected_margin.debit if build.projected_margin is not None else debit
    proposed = proposed_risk(build, prices, models, _rate(store, account, projected_debit))
    return current, proposed


def account_risk(store: Store, account_id: str) -> dict[str, SleeveRisk]:
    """(current, proposed at the saved leverage, rebalance) for every model sleeve of an account."""
    loaded = load_account(store.conn, account_id)
    if loaded is None:
        raise NotFound(f"no account {account_id}")
    return {s.id: sleeve_risk(store, s.id) for s in loaded[0].sleeves if s.kind == "model"}
