"""The demo's accounts after the showcase: healthy, or one problem state in its steady share (store/demo.py)."""
from __future__ import annotations

import random
from bisect import bisect
from typing import Any

from store.demo_data import (
    COMPANY_NAMES,
    CUSTODIANS,
    DRIFT,
    ENTITY_NAMES,
    FIRST_NAMES,
    HEALTHY_LEVERAGE,
    HEALTHY_LEVERAGE_CUM,
    HIGH_MAINTENANCE_MODELS,
    HOUSE_MAINTENANCE,
    IRA_NAMES,
    LAST_NAMES,
    LOW_CALL_DISTANCE,
    MARGIN_CALL,
    MARGIN_NOT_ENABLED,
    MAX_SLEEVE_EQUITY,
    MIN_SLEEVE_EQUITY,
    NEGATIVE_APM,
    OUT_OF_SYNC,
    PENDING_LEVERAGE,
    PERSONAL_NAMES,
    PLAN_NAMES,
    REPORT_MISSING_SHARE,
    REPORT_OFF_SHARE,
    STALE_PRICES,
    STALE_SYMBOLS,
    STATE_SHARES,
    TACTICAL_MODELS,
    TACTICAL_TRACK_OFF,
    DemoContext,
    account_spec,
    sleeve_spec,
)


def _name(rng: random.Random, kind: str) -> str:
    f = rng.randrange(len(FIRST_NAMES))
    first, first2 = FIRST_NAMES[f], FIRST_NAMES[(f + 1 + rng.randrange(len(FIRST_NAMES) - 1)) % len(FIRST_NAMES)]
    last, last2 = rng.choice(LAST_NAMES), rng.choice(LAST_NAMES)
    if kind == "ira":
        pattern = rng.choice(IRA_NAMES)
    elif kind == "plan":
        pattern = rng.choice(PLAN_NAMES)
    elif kind == "entity":
        pattern = rng.choice(ENTITY_NAMES)
    else:
        pattern = rng.choice(PERSONAL_NAMES)
    return pattern.format(f=first, f2=first2, l=last, l2=last2, c=rng.choice(COMPANY_NAMES))


def _equity(rng: random.Random) -> float:
    """A sleeve's equity: log-normal around $180,000, kept within $25,000 .. $2,000,000."""
    value = rng.lognormvariate(12.1, 0.85)
    return round(min(MAX_SLEEVE_EQUITY, max(MIN_SLEEVE_EQUITY, value)), 2)


def _pick(rng: random.Random, items: tuple[Any, ...], cum: tuple[int, ...]) -> Any:
    return items[bisect(cum, rng.random() * cum[-1])]


def _healthy_sleeve(ctx: DemoContext, rng: random.Random, can_margin: bool, max_leverage: float,
                    model: str | None = None) -> dict[str, Any]:
    """A sleeve with no problem: saved == applied, track manager ON for tactical models, built to target."""
    model = model or _pick(rng, ctx.model_ids, ctx.model_cum)
    leverage = 1.0
    if can_margin:
        leverage = min(_pick(rng, HEALTHY_LEVERAGE, HEALTHY_LEVERAGE_CUM), max_leverage)
        if model in HIGH_MAINTENANCE_MODELS:
            leverage = min(leverage, 1.5)
    track, reserve = True, 0.0
    if not ctx.models[model][2] and rng.random() < 0.2:
        track, reserve = False, rng.choice((0.0, 0.02, 0.05, 0.10))
    return sleeve_spec(model, _equity(rng), leverage, track=track, reserve=reserve, free=True)


def random_spec(ctx: DemoContext, rng: random.Random) -> dict[str, Any]:
    """One account after the showcase: healthy, or one problem state in its steady share."""
    u = rng.random() * 1000
    k = bisect(ctx.state_cum, u)
    state = STATE_SHARES[k][0] if k < len(STATE_SHARES) else None
    custodian = _pick(rng, CUSTODIANS, ctx.custodian_cum)
    house = rng.choice(HOUSE_MAINTENANCE)
    max_leverage = 1.5 if rng.random() < 0.15 else 2.0
    apm_cash = round(rng.uniform(250, 20_000), 2) if rng.random() < 0.9 else 0.0
    apm_positions: dict[str, int] = {}
    if rng.random() < 0.2:
        legacy = rng.choice(("AAPL", "MSFT", "JNJ", "KO", "SWVXX", "SWVXX"))
        apm_positions[legacy] = rng.randint(5_000, 60_000) if legacy == "SWVXX" else rng.randint(20, 400)

    # Account type: mostly margin-enabled margin accounts; cash, IRA and margin-disabled ones too.
    t = rng.random()
    if state in (PENDING_LEVERAGE, MARGIN_CALL, LOW_CALL_DISTANCE, TACTICAL_TRACK_OFF) or (
            state == DRIFT and t < 0.75):
        acct_type, enabled = "margin", True
    elif state == MARGIN_NOT_ENABLED:
        acct_type, enabled = ("cash", False) if t < 0.4 else ("ira", False) if t < 0.75 else ("margin", False)
    elif t < 0.64:
        acct_type, enabled = "margin", True
    elif t < 0.70:
        acct_type, enabled = "margin", False
    elif t < 0.87:
        acct_type, enabled = "ira", False
    else:
        acct_type, enabled = "cash", False
    can_margin = acct_type == "margin" and enabled
    if acct_type == "ira":
        name = _name(rng, "ira")
    elif acct_type == "cash" and rng.random() < 0.3:
        name = _name(rng, "plan")
    else:
        name = _name(rng, "entity" if rng.random() < 0.15 else "personal")

    n = 1 + bisect((55, 85), rng.random() * 100)
    sleeves = [_healthy_sleeve(ctx, rng, can_margin, max_leverage) for _ in range(n)]
    intent: tuple[str, ...] = (state,) if state else ()
    adjust = None
    target: dict[str, Any] | None = None  # the problem sleeve, placed first

    if state == NEGATIVE_APM:
        v = rng.random()
        if v < 0.4:  # fees booked to the APM: the model sleeves carry no debit
            apm_cash = -round(rng.uniform(25, 450), 2)
            for s in sleeves:
                s["saved"] = s["applied"] = 1.0
        elif v < 0.8:  # margin at the account level: the APM bought an ETF on margin
            symbol = rng.choice(("SPY", "QQQ", "IWM"))
            borrowed = rng.uniform(0.15, 0.5) * sleeves[0]["equity"]
            apm_positions = {symbol: max(1, int(borrowed * rng.uniform(0.9, 1.3) / ctx.prices[symbol]))}
            apm_cash = -round(borrowed, 2)
        else:  # fractional-share residue
            apm_cash = -round(rng.uniform(0.01, 0.99), 2)
    elif state == PENDING_LEVERAGE:
        saved, applied = rng.choice(((1.5, 1.0), (1.5, 1.0), (1.25, 1.0), (2.0, 1.5), (1.0, 1.5), (1.0, 1.25)))
        if saved > max_leverage:
            saved, applied = 1.5, 1.0
        target = sleeve_spec(_pick(rng, ctx.model_ids, ctx.model_cum), _equity(rng), saved, applied)
    elif state == MARGIN_NOT_ENABLED:
        model = _pick(rng, ctx.model_ids, ctx.model_cum)
        if acct_type == "margin" and rng.random() < 0.5:  # margin revoked after a levered build
            lev = rng.choice((1.25, 1.5))
            target = sleeve_spec(model, _equity(rng), lev)
        else:  # saved leverage the custodian will never carry
            target = sleeve_spec(model, _equity(rng), min(rng.choice((1.25, 1.5, 1.5, 2.0)), max_leverage), 1.0)
            intent = (MARGIN_NOT_ENABLED, PENDING_LEVERAGE)
    elif state == MARGIN_CALL:
        max_leverage = 2.0
        model = rng.choice(("TECHLEAD", "GROWTH8020", "CONCGROW", "LEVGROWTH", "CORE6040"))
        target = sleeve_spec(model, _equity(rng), 2.0)
        sleeves = []
        apm_positions, apm_cash = {}, round(rng.uniform(0, 2_000), 2)
        adjust = ("call", rng.uniform(0.55, 0.92))
    elif state == LOW_CALL_DISTANCE:
        max_leverage, house = 2.0, 0.35
        target = sleeve_spec(rng.choice(("LEVGROWTH", "LEVGROWTH", "CONCGROW")), _equity(rng), 2.0)
        sleeves = []  # alone, so its debit is the account's and the call distance is the sleeve's own
        apm_positions, apm_cash = {}, round(rng.uniform(0, 2_000), 2)
        adjust = ("distance", rng.uniform(0.06, 0.16))
    elif state == TACTICAL_TRACK_OFF:
        lev = min(rng.choice((1.0, 1.25, 1.5)), max_leverage)
        target = sleeve_spec(rng.choice(TACTICAL_MODELS), _equity(rng), lev, track=False,
                         reserve=rng.choice((0.0, 0.0, 0.05, 0.10)))
    elif state == DRIFT:
        model = _pick(rng, ctx.model_ids, ctx.model_cum)
        tactical = ctx.models[model][2]
        lev = min(rng.choice((1.5, 1.5, 1.75, 2.0)), max_leverage) if can_margin else 1.0
        if model in HIGH_MAINTENANCE_MODELS:
            lev = min(lev, 1.5)
        v = rng.random()
        if not can_margin or tactical or v < 0.45:
            amount = rng.uniform(0.2, 0.6)
            equity = min(_equity(rng), MAX_SLEEVE_EQUITY / (1 + amount))
            target = sleeve_spec(model, round(equity, 2), lev, mode="deposit", amount=amount)
        elif v < 0.65:
            target = sleeve_spec(model, _equity(rng), 1.0, mode="withdrawal", amount=rng.uniform(0.12, 0.3))
        else:  # the market moved since the build: a fall (bought dearer) or a rally (bought cheaper)
            move = rng.uniform(0.12, 0.2) if rng.random() < 0.6 else -rng.uniform(0.18, 0.3)
            target = sleeve_spec(model, _equity(rng), lev, mode="moved", move=move)
    elif state == STALE_PRICES:
        apm_positions = dict(apm_positions)
        apm_positions[rng.choice(STALE_SYMBOLS)] = rng.randint(2, 60) * 100

    if target is not None:
        sleeves = [target, *sleeves] if state in (MARGIN_CALL, LOW_CALL_DISTANCE) else [target, *sleeves[: n - 1]]
    # Drawn last, so adding the custodian's file changed no earlier draw (nor any other account state).
    r = rng.random()
    report = "off" if r < REPORT_OFF_SHARE else "none" if r < REPORT_OFF_SHARE + REPORT_MISSING_SHARE else "match"
    if report == "off":
        intent = (*intent, OUT_OF_SYNC)
    return account_spec(intent, name, custodian, sleeves, type=acct_type, margin_enabled=enabled, house=house,
                    max_leverage=max_leverage, apm_cash=apm_cash, apm_positions=apm_positions, adjust=adjust,
                    report=report)
