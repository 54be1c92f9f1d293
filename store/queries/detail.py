"""One account in full: sleeves with their three leverage numbers, margin figures and live diagnostics."""
from __future__ import annotations

from decimal import Decimal

from calc import (
    account_margin,
    actual_leverage,
    diagnose,
    invested_ratio,
    market_value,
    sleeve_equity,
)
from calc.reconcile import reconcile_status, reconciled_on
from calc.views import AccountDetail, SleeveView
from store.core import Store
from store.errors import NotFound
from store.mapping import load_account, load_models, load_prices
from store.rates import account_settings


def account_detail(store: Store, account_id: str) -> AccountDetail:
    """One account with its sleeves' three leverage numbers, margin figures and live diagnostics."""
    loaded = load_account(store.conn, account_id)
    if loaded is None:
        raise NotFound(f"no account {account_id}")
    account, versions, version = loaded
    prices = load_prices(store.conn)
    models = load_models(store.conn)
    settings = account_settings(store, account)
    figures = account_margin(account, prices, settings.annual_rate, settings.initial_margin)
    views = []
    for s in account.sleeves:
        model = models.get(s.model or "")
        views.append(SleeveView(
            id=s.id, kind=s.kind, model=s.model, model_name=model.name if model else "",
            tactical=bool(model and model.tactical), saved=s.leverage, applied=s.applied,
            actual=actual_leverage(s, prices),
            target_invested=invested_ratio(s.applied, model, s.track_manager, s.cash_reserve) if model else None,
            track_manager=s.track_manager, cash_reserve=s.cash_reserve, cash=s.cash,
            exposure=market_value(s.positions, prices), equity=sleeve_equity(s, prices), version=versions[s.id],
            positions=dict(s.positions),
        ))
    diagnostics = diagnose(account, prices, models, store.today(), settings, figures)
    out_of_sync = sum(1 for d in diagnostics if d.code == "OUT_OF_SYNC")
    return AccountDetail(
        account=account, version=version, sleeves=views, margin=figures, annual_rate=settings.annual_rate,
        diagnostics=diagnostics, nav=sum((v.equity for v in views), Decimal(0)),
        reconciliation=reconcile_status(reconciled_on(account), store.today(), out_of_sync),
    )
