"""The pre-trade checklist (DOMAIN.md "Pre-trade checklist"): evaluated vs acknowledged items and the gate."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from calc import ACK_IDS, Account, Model, Price, Sleeve, build_acr, evaluate_checklist
from calc.vocabulary import ACR_KIND_TITLES

D = Decimal
TODAY = date(2024, 6, 3)
PRICES = {
    "SPY": Price(symbol="SPY", price=D(500), as_of=TODAY),
    "AGG": Price(symbol="AGG", price=D(100), as_of=TODAY),
}
MODELS = {"m6040": Model(id="m6040", weights={"SPY": D("0.6"), "AGG": D("0.4")})}
ALL_ACKS = frozenset(ACK_IDS)
EVALUATED = {"margin-enabled", "model-sleeve", "activation", "margin-checks"}


def account(*, leverage=D("1.5"), type="margin", margin_enabled=True, apm_cash=D(0)) -> Account:
    return Account(id="acct", custodian="Schwab", type=type, margin_enabled=margin_enabled, sleeves=[
        Sleeve(id="apm", kind="apm", cash=apm_cash),
        Sleeve(id="s1", kind="model", model="m6040", cash=D(100000), leverage=leverage),
    ])


def checklist(acct: Account, kind: str = "rebalance", acks=ALL_ACKS, build=True, sleeve_id: str = "s1"):
    result = build_acr(acct, "s1", kind if kind != "bogus" else "rebalance", PRICES, MODELS, TODAY) if build else None
    return evaluate_checklist(acct, sleeve_id, kind, result, acks), result


def item(cl, item_id):
    return next(i for i in cl.items if i.id == item_id)


def test_all_acks_and_a_good_build_can_fire():
    cl, _ = checklist(account())
    assert cl.can_fire
    assert cl.failed == [] and cl.awaiting == []
    assert cl.blocking_code is None
    assert all(i.status == "passed" for i in cl.items if i.evaluated)
    assert all(i.status == "acknowledged" for i in cl.items if not i.evaluated)


def test_items_are_evaluated_or_acknowledged():
    cl, _ = checklist(account())
    assert {i.id for i in cl.items if i.evaluated} == EVALUATED
    assert [i.id for i in cl.items if not i.evaluated] == list(ACK_IDS)
    # The source document's risk awareness is three acknowledgments, plus the sleeve-cash review.
    assert sum(1 for a in ACK_IDS if a.startswith("risk-")) == 3
    assert "sleeve-cash-reviewed" in ACK_IDS
    assert all(i.title for i in cl.items)


def test_missing_acks_block_without_a_code():
    cl, _ = checklist(account(), acks=frozenset())
    assert not cl.can_fire
    assert {i.id for i in cl.awaiting} == set(ACK_IDS)
    assert cl.failed == []
    assert cl.blocking_code is None


@pytest.mark.parametrize("missing", ACK_IDS)
def test_each_missing_ack_blocks(missing):
    cl, _ = checklist(account(), acks=ALL_ACKS - {missing})
    assert not cl.can_fire
    assert [i.id for i in cl.awaiting] == [missing]
    assert item(cl, missing).blocking


def test_sleeve_cash_item_shows_projected_cash():
    cl, _ = checklist(account())
    assert "50,000.00 debit after this ACR" in item(cl, "sleeve-cash-reviewed").detail  # a debit reads as one


def test_margin_checks_item_shows_call_distance():
    # 1.5 at 30 %: 1 - (50,000 / 0.7) / 150,000 = 52.4 %.
    cl, _ = checklist(account())
    assert "52.4%" in item(cl, "margin-checks").detail


def test_cash_account_with_leverage_fails_margin_enabled():
    cl, build = checklist(account(type="cash", margin_enabled=False))
    assert build.code == "MARGIN_NOT_ENABLED"
    margin = item(cl, "margin-enabled")
    assert margin.evaluated
    assert margin.status == "failed"
    assert margin.code == "MARGIN_NOT_ENABLED"
    assert margin.fix
    assert cl.blocking_code == "MARGIN_NOT_ENABLED"
    assert not cl.can_fire


def test_acknowledging_an_evaluated_item_does_not_override_it():
    acct = account(type="ira", margin_enabled=True)
    cl, _ = checklist(acct, acks=ALL_ACKS | EVALUATED)
    assert item(cl, "margin-enabled").status == "failed"
    assert not cl.can_fire


def test_cash_account_at_one_passes_margin_enabled():
    cl, build = checklist(account(leverage=D(1), type="cash", margin_enabled=False))
    assert build.ok
    assert item(cl, "margin-enabled").status == "passed"
    assert cl.can_fire


def test_negative_apm_fails_the_model_sleeve_item():
    cl, _ = checklist(account(apm_cash=D(-5000)))
    sleeve_item = item(cl, "model-sleeve")
    assert sleeve_item.status == "failed"
    assert sleeve_item.code == "NEGATIVE_APM"
    assert not cl.can_fire
    assert cl.blocking_code == "NEGATIVE_APM"


def test_apm_sleeve_fails_the_model_sleeve_item():
    acct = account()
    cl = evaluate_checklist(acct, "apm", "rebalance", None, ALL_ACKS)
    assert item(cl, "model-sleeve").status == "failed"
    assert not cl.can_fire


def test_failed_build_fails_the_margin_checks_item():
    acct = replace(account(leverage=D("1.8")), max_leverage=D("1.5"))
    cl, build = checklist(acct)
    assert build.code == "LEVERAGE_OUT_OF_RANGE"
    checks = item(cl, "margin-checks")
    assert checks.status == "failed"
    assert checks.code == "LEVERAGE_OUT_OF_RANGE"
    assert checks.fix == build.fix
    assert cl.blocking_code == "LEVERAGE_OUT_OF_RANGE"
    assert not cl.can_fire


def test_no_build_blocks():
    cl, _ = checklist(account(), build=False)
    assert item(cl, "margin-checks").status == "failed"
    assert not cl.can_fire


def test_unknown_activation_fails():
    cl, _ = checklist(account(), kind="bogus")
    assert item(cl, "activation").status == "failed"
    assert not cl.can_fire


@pytest.mark.parametrize("kind", ["rebalance", "one-dollar", "deposit", "allocation"])
def test_activation_passes_for_acr_kinds(kind):
    acct = account(apm_cash=D(10))
    result = build_acr(acct, "s1", kind, PRICES, MODELS, TODAY, amount=D(5))
    cl = evaluate_checklist(acct, "s1", kind, result, ALL_ACKS)
    assert item(cl, "activation").status == "passed"
    assert item(cl, "activation").detail == f"{ACR_KIND_TITLES[kind]} chosen"  # the kind by its one title
    assert cl.can_fire


def test_a_held_symbol_without_a_price_fails_the_margin_checks_item():
    # The APM holds XYZ with no price: the projected account's Reg T and maintenance figures would be understated.
    acct = Account(id="acct", custodian="Schwab", type="margin", margin_enabled=True, sleeves=[
        Sleeve(id="apm", kind="apm", cash=D(0), positions={"XYZ": D(10)}),
        Sleeve(id="s1", kind="model", model="m6040", cash=D(100000), leverage=D("1.5")),
    ])
    cl, _ = checklist(acct)
    checks = item(cl, "margin-checks")
    assert checks.status == "failed" and checks.code == "MISSING_PRICE"
    assert "XYZ" in checks.detail
    assert not cl.can_fire and cl.blocking_code == "MISSING_PRICE"
