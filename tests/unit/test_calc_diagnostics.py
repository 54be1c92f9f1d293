"""Diagnostics (DOMAIN.md "Diagnostics"): each code on an account that has it, none on a healthy one."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from calc import (
    DIAGNOSTIC_CODES,
    DIAGNOSTIC_FIXES,
    DIAGNOSTIC_TITLES,
    Account,
    CalcSettings,
    Diagnostic,
    Model,
    Price,
    Sleeve,
    diagnose,
    diagnostic_codes,
)
from calc.diagnostics import negative_apm_cause

D = Decimal
TODAY = date(2024, 6, 3)
PRICES = {
    "SPY": Price(symbol="SPY", price=D(500), as_of=TODAY),
    "AGG": Price(symbol="AGG", price=D(100), as_of=TODAY),
}
MODELS = {
    "m6040": Model(id="m6040", weights={"SPY": D("0.6"), "AGG": D("0.4")}),
    "tact": Model(id="tact", tactical=True, weights={"SPY": D("0.6"), "AGG": D("0.4")}),
    "spy": Model(id="spy", weights={"SPY": D(1)}),
}
BUILT_15 = {"SPY": D(180), "AGG": D(600)}  # 60/40 of 100,000 at 1.5
BUILT_10 = {"SPY": D(120), "AGG": D(400)}  # 60/40 of 100,000 at 1.0


def account(*, leverage=D("1.5"), applied=None, positions=None, cash=D(-50000), apm_cash=D(1000),
            type="margin", margin_enabled=True, house=D("0.30"), model="m6040", track=True) -> Account:
    return Account(id="acct", type=type, margin_enabled=margin_enabled, house_maintenance=house, sleeves=[
        Sleeve(id="apm", kind="apm", cash=apm_cash),
        Sleeve(id="s1", kind="model", model=model, cash=cash,
               positions=BUILT_15 if positions is None else positions,
               leverage=leverage, applied_leverage=applied, track_manager=track),
    ])


def codes(acct: Account, prices=PRICES, settings: CalcSettings = CalcSettings()) -> list[str]:
    return diagnostic_codes(diagnose(acct, prices, MODELS, TODAY, settings))


def test_healthy_account_has_no_diagnostics():
    # 60/40 built at 1.5 (LMV 150,000, sleeve cash -50,000, APM +1,000): debit 49,000, equity 101,000,
    # requirement 45,000; call distance 1 - (49,000 / 0.7) / 150,000 = 53.3 %; actual leverage 1.5 = applied.
    assert diagnose(account(), PRICES, MODELS, TODAY) == []


def test_healthy_unlevered_account_has_no_diagnostics():
    assert codes(account(leverage=D(1), positions=BUILT_10, cash=D(0))) == []


def test_negative_apm():
    # The debit sits on the APM (sleeve built at 1.0, APM -50,000): LMV 100,000, equity 50,000,
    # distance 1 - (50,000 / 0.7) / 100,000 = 28.6 % -> only NEGATIVE_APM.
    diags = diagnose(account(leverage=D(1), positions=BUILT_10, cash=D(0), apm_cash=D(-50000)), PRICES, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["NEGATIVE_APM"]
    assert diags[0].sleeve_id == "apm"
    assert "-50,000.00" in diags[0].detail
    assert "margin" in diags[0].detail
    assert "model sleeve" in diags[0].fix


@pytest.mark.parametrize(("type_", "apm_cash", "apm_positions", "cause"), [
    ("margin", D("-0.40"), {}, "residue"),
    ("margin", D(-200), {}, "fees"),
    ("margin", D(-200), {"SPY": D(10)}, "margin"),  # the APM bought SPY with the debit
    ("margin", D(-5000), {}, "margin"),  # larger than any fee: it funds the sleeve's securities
    ("ira", D(-5000), {"SPY": D(10)}, "unknown"),  # an IRA cannot carry margin: never called margin
    ("cash", D(-5000), {}, "unknown"),
    ("ira", D(-200), {"SPY": D(10)}, "fees"),
    ("margin", D(10), {}, ""),
])
def test_negative_apm_cause(type_, apm_cash, apm_positions, cause):
    acct = account(leverage=D(1), positions=BUILT_10, cash=D(0), apm_cash=apm_cash, type=type_,
                   margin_enabled=type_ != "cash")
    acct = replace(acct, sleeves=[replace(acct.sleeves[0], positions=apm_positions), acct.sleeves[1]])
    assert negative_apm_cause(acct) == cause
    diags = [d for d in diagnose(acct, PRICES, MODELS, TODAY) if d.code == "NEGATIVE_APM"]
    if cause:
        # The stored row (code, detail) gives back the same cause, so the doctor shows the same fix.
        assert Diagnostic.stored("NEGATIVE_APM", diags[0].detail).fix == diags[0].fix
        assert ("margin" in diags[0].detail) == (cause == "margin") or cause == "unknown"
        assert ("model sleeve" in diags[0].fix.split(":")[0]) == (cause == "margin")
    else:
        assert diags == []


def test_pending_leverage():
    # Saved 1.5, applied 1.0, sleeve built at 1.0: actual 1.0 = applied target, so no DRIFT.
    diags = diagnose(account(leverage=D("1.5"), applied=D(1), positions=BUILT_10, cash=D(0)), PRICES, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["PENDING_LEVERAGE"]
    assert diags[0].sleeve_id == "s1"
    assert "1.5" in diags[0].detail and "1" in diags[0].detail
    assert "$1" in diags[0].fix


@pytest.mark.parametrize(("type_", "enabled"), [("cash", False), ("ira", True), ("margin", False)])
def test_margin_not_enabled_saved(type_, enabled):
    acct = account(leverage=D("1.5"), applied=D(1), positions=BUILT_10, cash=D(0), type=type_, margin_enabled=enabled)
    assert codes(acct) == ["PENDING_LEVERAGE", "MARGIN_NOT_ENABLED"]


def test_margin_not_enabled_applied():
    # Saved back to 1.0 but the applied 1.5 is still in the book.
    acct = account(leverage=D(1), applied=D("1.5"), type="cash", margin_enabled=False)
    assert "MARGIN_NOT_ENABLED" in codes(acct)


def test_margin_not_enabled_absent_at_one():
    acct = account(leverage=D(1), positions=BUILT_10, cash=D(0), type="cash", margin_enabled=False)
    assert codes(acct) == []


def test_margin_call():
    # SPY-only sleeve built at 1.5 (300 sh x 500, cash -50,000), APM 0; SPY falls to 200:
    # LMV 60,000, equity 10,000, requirement 18,000 -> call 8,000; cures 8,000 / 11,428.57 / 26,666.67.
    acct = account(model="spy", positions={"SPY": D(300)}, apm_cash=D(0))
    fallen = {"SPY": Price(symbol="SPY", price=D(200), as_of=TODAY)}
    diags = diagnose(acct, fallen, MODELS, TODAY)
    assert "MARGIN_CALL" in diagnostic_codes(diags)
    call = next(d for d in diags if d.code == "MARGIN_CALL")
    assert "8,000.00" in call.detail
    assert "11,428.57" in call.detail
    assert "26,666.67" in call.detail
    assert "deposit" in call.fix.lower()
    # In a call, LOW_CALL_DISTANCE is not also reported.
    assert "LOW_CALL_DISTANCE" not in diagnostic_codes(diags)


def test_low_call_distance():
    # House 40 %, SPY-only at 2.0 (400 sh x 500, cash -100,000, APM 0): equity 100,000, requirement 80,000, no call;
    # distance 1 - (100,000 / 0.6) / 200,000 = 16.7 % < 20 %.
    acct = account(leverage=D(2), model="spy", positions={"SPY": D(400)}, cash=D(-100000), apm_cash=D(0),
                   house=D("0.40"))
    diags = diagnose(acct, PRICES, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["LOW_CALL_DISTANCE"]
    assert "16.7%" in diags[0].detail
    # Below a 15 % warning it is not reported; at 30 % house it is 28.6 % and not reported either.
    assert codes(acct, settings=CalcSettings(call_distance_warning=D("0.15"))) == []
    assert codes(account(leverage=D(2), model="spy", positions={"SPY": D(400)}, cash=D(-100000),
                         apm_cash=D(0))) == []


def test_tactical_track_off():
    acct = account(leverage=D(1), positions=BUILT_10, cash=D(0), model="tact", track=False)
    diags = diagnose(acct, PRICES, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["TACTICAL_TRACK_OFF"]
    assert "track manager ON" in diags[0].fix
    # Tactical with track ON, or non-tactical with track OFF: nothing.
    assert codes(account(leverage=D(1), positions=BUILT_10, cash=D(0), model="tact")) == []
    assert codes(account(leverage=D(1), positions=BUILT_10, cash=D(0), track=False)) == []


def test_drift():
    # Applied 1.5 but the holdings are the 1.0 build: actual 1.0 vs target 1.5.
    acct = account(leverage=D("1.5"), applied=D("1.5"), positions=BUILT_10, cash=D(0))
    diags = diagnose(acct, PRICES, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["DRIFT"]
    assert "1.00" in diags[0].detail and "1.50" in diags[0].detail
    assert diags[0].fix == "Rebalance."


def test_drift_within_tolerance():
    # SPY up to 520: LMV 153,600, equity 103,600 (plus APM), actual 1.4826 -> |1.4826 - 1.5| < 0.05.
    moved = dict(PRICES, SPY=Price(symbol="SPY", price=D(520), as_of=TODAY))
    assert "DRIFT" not in codes(account(), prices=moved)


def test_no_drift_for_a_cash_model_at_one():
    # 20 % cash model at 1.0 shows 0.80 actual; the target ratio is 1.0 x (1 - 0.2) = 0.80.
    models = dict(MODELS, c20=Model(id="c20", weights={"SPY": D("0.48"), "AGG": D("0.32")}, cash=D("0.2")))
    acct = account(leverage=D(1), model="c20", positions={"SPY": D(96), "AGG": D(320)}, cash=D(20000))
    assert diagnose(acct, PRICES, models, TODAY) == []


def test_stale_prices():
    stale = dict(PRICES, SPY=Price(symbol="SPY", price=D(500), as_of=TODAY - timedelta(days=10)))
    diags = diagnose(account(), stale, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["STALE_PRICES"]
    assert diags[0].detail == "SPY"
    assert "Refresh prices" in diags[0].fix


def test_stale_price_of_a_symbol_not_held_is_ignored():
    prices = dict(PRICES, OLD=Price(symbol="OLD", price=D(1), as_of=TODAY - timedelta(days=100)))
    assert codes(account(), prices=prices) == []


def test_every_code_has_a_fix_and_a_title():
    assert set(DIAGNOSTIC_FIXES) == set(DIAGNOSTIC_CODES)
    assert set(DIAGNOSTIC_TITLES) == set(DIAGNOSTIC_CODES)
    for code in DIAGNOSTIC_CODES:
        diag = Diagnostic(code, "")
        assert diag.fix.strip() and diag.title.strip()


@pytest.mark.parametrize(("code", "words"), [
    ("NEGATIVE_APM", "model sleeve"),
    ("PENDING_LEVERAGE", "$1"),
    ("MARGIN_NOT_ENABLED", "custodian"),
    ("MARGIN_CALL", "cash"),
    ("LOW_CALL_DISTANCE", "leverage"),
    ("TACTICAL_TRACK_OFF", "track manager ON"),
    ("DRIFT", "Rebalance"),
    ("STALE_PRICES", "Refresh prices"),
    ("MISSING_PRICE", "price"),
])
def test_fix_texts_name_the_domain_fix(code, words):
    assert words in DIAGNOSTIC_FIXES[code]


def test_diagnostics_come_in_canonical_order():
    # Negative APM + pending + cannot margin + tactical off + stale, all at once.
    acct = account(leverage=D("1.5"), applied=D(1), positions=BUILT_10, cash=D(0), apm_cash=D(-100),
                   type="cash", margin_enabled=False, model="tact", track=False)
    stale = dict(PRICES, AGG=Price(symbol="AGG", price=D(100), as_of=TODAY - timedelta(days=30)))
    found = [d.code for d in diagnose(acct, stale, MODELS, TODAY)]
    assert found == sorted(found, key=DIAGNOSTIC_CODES.index)
    assert diagnostic_codes(diagnose(acct, stale, MODELS, TODAY)) == [
        "NEGATIVE_APM", "PENDING_LEVERAGE", "MARGIN_NOT_ENABLED", "TACTICAL_TRACK_OFF", "STALE_PRICES"]


def test_missing_price_is_a_diagnostic():
    # XYZ is held but has no price: it counts as 0 in NAV and margin, so say so instead of staying silent.
    held = dict(BUILT_15, XYZ=D(10))
    diags = diagnose(account(positions=held), PRICES, MODELS, TODAY)
    assert diagnostic_codes(diags) == ["MISSING_PRICE"]
    assert "XYZ" in diags[0].detail
    assert "load a price" in diags[0].fix.lower()
    assert "understated" in diags[0].title


def test_missing_price_comes_after_stale_prices():
    assert DIAGNOSTIC_CODES.index("MISSING_PRICE") == DIAGNOSTIC_CODES.index("STALE_PRICES") + 1
    stale = dict(PRICES, SPY=Price(symbol="SPY", price=D(500), as_of=TODAY - timedelta(days=10)))
    held = dict(BUILT_15, XYZ=D(10))
    assert codes(account(positions=held), prices=stale) == ["STALE_PRICES", "MISSING_PRICE"]


def test_a_zero_quantity_without_a_price_is_not_missing():
    assert codes(account(positions=dict(BUILT_15, XYZ=D(0)))) == []


@pytest.mark.parametrize(("min_trade", "cause", "fix"), [
    (D(0), "", "Rebalance."),
    (D(20000), "below-minimum", "None the console can trade: lower the minimum trade, or wait for a larger move."),
])
def test_drift_offers_a_rebalance_only_when_one_would_build(min_trade, cause, fix):
    # Built at 1.0 then 10,000 deposited: actual 100,000 / 110,000 = 0.91 against 1.0 (DRIFT). A rebalance wants
    # +13 SPY (6,500) and +44 AGG (4,400): under a 20,000 minimum trade it builds nothing, so offering it would loop.
    acct = account(leverage=D(1), positions=BUILT_10, cash=D(10000))
    diags = diagnose(acct, PRICES, MODELS, TODAY, CalcSettings(min_trade=min_trade))
    assert [(d.code, d.cause, d.fix) for d in diags] == [("DRIFT", cause, fix)]
    assert Diagnostic.stored("DRIFT", diags[0].detail, "s1") == diags[0]
