"""One checklist catalogue: the pre-trade gate and the walkthrough's quick checklist share ids, titles and rules."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from calc import Account, Model, Price, Sleeve, build_acr, evaluate_checklist
from calc.checklist import ACK_IDS, QUICK_IDS, TITLES, RunAcr, model_sleeve_item, quick_checklist

D = Decimal
TODAY = date(2024, 6, 3)
PRICES = {"SPY": Price(symbol="SPY", price=D(500), as_of=TODAY), "AGG": Price(symbol="AGG", price=D(100), as_of=TODAY)}
MODELS = {"m6040": Model(id="m6040", weights={"SPY": D("0.6"), "AGG": D("0.4")})}


def account(*, leverage=D("1.5"), applied=None, type="margin", margin_enabled=True, apm_cash=D(1000)) -> Account:
    return Account(id="acct", custodian="Schwab", type=type, margin_enabled=margin_enabled, sleeves=[
        Sleeve(id="apm", kind="apm", cash=apm_cash),
        Sleeve(id="s1", kind="model", model="m6040", cash=D(100000), leverage=leverage,
               applied_leverage=applied if applied is not None else leverage),
    ])


def gate(acct: Account, kind: str = "rebalance", amount: Decimal = D(0)):
    return evaluate_checklist(acct, "s1", kind, build_acr(acct, "s1", kind, PRICES, MODELS, TODAY, amount=amount),
                              frozenset(ACK_IDS))


def by_id(items) -> dict:
    return {i.id: i for i in items}


def test_the_quick_checklist_is_the_source_documents_four_items_of_the_catalogue():
    quick = quick_checklist(account(), "s1")
    assert tuple(i.id for i in quick) == QUICK_IDS
    assert set(QUICK_IDS) <= set(TITLES)
    assert [i.id for i in gate(account()).items] == list(TITLES)  # the gate composes every item, in order


@pytest.mark.parametrize("acct", [
    account(),
    account(type="cash", margin_enabled=False),
    account(margin_enabled=False),
    account(apm_cash=D(-5000)),
])
def test_shared_items_have_the_same_title_kind_and_verdict_in_both(acct):
    gate_items, quick_items = by_id(gate(acct).items), by_id(quick_checklist(acct, "s1"))
    for item_id in ("margin-enabled", "model-sleeve"):
        assert gate_items[item_id].title == quick_items[item_id].title == TITLES[item_id]
        assert gate_items[item_id].evaluated == quick_items[item_id].evaluated
        assert gate_items[item_id].status == quick_items[item_id].status, item_id
        assert gate_items[item_id].code == quick_items[item_id].code
        assert gate_items[item_id].detail == quick_items[item_id].detail
    assert not quick_items["sleeve-cash-reviewed"].evaluated and not gate_items["sleeve-cash-reviewed"].evaluated


def test_activation_is_the_acr_about_to_fire_in_the_gate_and_a_fired_one_in_the_walkthrough():
    pending = account(leverage=D("1.5"), applied=D(1))
    assert by_id(gate(pending, "one-dollar").items)["activation"].status == "passed"
    quick = by_id(quick_checklist(pending, "s1"))["activation"]
    assert (quick.status, quick.code) == ("failed", "PENDING_LEVERAGE")
    failed = RunAcr(7, "rebalance", "failed", D("1.5"), "MAINTENANCE", "too much")
    quick = by_id(quick_checklist(pending, "s1", [failed]))["activation"]
    assert (quick.status, quick.code) == ("failed", "MAINTENANCE")
    built = RunAcr(8, "one-dollar", "built", D("1.5"))
    quick = by_id(quick_checklist(account(), "s1", [failed, built]))["activation"]
    assert quick.status == "passed" and quick.detail.startswith("ACR 8 ($1 allocation) built")


def test_a_negative_apm_blocks_unless_this_acr_is_the_cure():
    # DOMAIN.md item 2: no NEGATIVE_APM "unless this ACR is the cure that leaves the APM >= 0".
    acct = account(apm_cash=D(-5000))
    assert by_id(gate(acct).items)["model-sleeve"].code == "NEGATIVE_APM"
    cure = by_id(gate(acct, "liquidation", D(6000)).items)["model-sleeve"]
    assert cure.status == "passed" and "1,000.00 after this ACR (the cure)" in cure.detail
    short = by_id(gate(acct, "liquidation", D(4000)).items)["model-sleeve"]
    assert short.code == "NEGATIVE_APM"
    sleeve = acct.sleeve("s1")
    assert model_sleeve_item(acct, sleeve, apm_cash_after=D(0)).status == "passed"


def test_the_sleeve_cash_item_reads_a_debit_as_a_debit_in_both():
    gate_cash = by_id(gate(account()).items)["sleeve-cash-reviewed"]
    assert gate_cash.detail.startswith("sleeve cash 100,000.00, ") and " debit after this ACR" in gate_cash.detail
    quick_cash = by_id(quick_checklist(account(), "s1", open_orders=2, open_order_cash=D(-150000)))
    assert quick_cash["sleeve-cash-reviewed"].detail == (
        "sleeve cash 100,000.00, 50,000.00 debit once the 2 open order(s) fill (margin debit inside the model sleeve)")
