"""The walkthrough's rules live in calc: step order, what a fired ACR records, and the words recorded."""
from __future__ import annotations

from decimal import Decimal

import pytest

from calc import Account, Sleeve
from calc.walkthrough import (
    RunAcr, cash_review_confirmation, cash_review_question, checklist_blocked_reason, editor_saved_confirmation,
    evaluate_step, fired_acr_outcome, open_step_before, step_label,
)

D = Decimal


def account(*, leverage=D("1.5"), applied=D("1.5"), margin_enabled=True) -> Account:
    return Account(id="acct", custodian="Schwab", margin_enabled=margin_enabled, sleeves=[
        Sleeve(id="apm", kind="apm", cash=D(1000)),
        Sleeve(id="s1", kind="model", model="m", cash=D(-20000), leverage=leverage, applied_leverage=applied),
    ])


def test_steps_go_in_the_source_documents_order():
    assert open_step_before({}, "leverage") is None
    assert open_step_before({"leverage": "open"}, "checklist") == "leverage"
    assert open_step_before({"leverage": "skipped", "activate": "open"}, "checklist") == "activate"
    assert open_step_before({"leverage": "completed", "activate": "blocked"}, "checklist") is None
    assert step_label("leverage") == "Step 1 · Update leverage" and step_label("checklist") == "Quick checklist"


def test_a_built_acr_completes_step_2_and_a_failed_one_blocks_it_with_its_code():
    built = fired_acr_outcome(RunAcr(4, "one-dollar", "built", D("1.5")), orders=2)
    assert built is not None
    assert (built.step, built.outcome, built.acr_id, built.reason) == ("activate", "completed", 4, "")
    assert built.confirmed == "ACR 4 (one-dollar) fired through the checklist gate and confirmed: built, 2 order(s)"
    failed = fired_acr_outcome(RunAcr(5, "rebalance", "failed", D("1.5"), "MAINTENANCE", "equity short"), orders=0)
    assert failed is not None
    assert (failed.outcome, failed.reason, failed.acr_id) == ("blocked", "MAINTENANCE: equity short", 5)
    assert fired_acr_outcome(RunAcr(6, "rebalance", "cancelled", D("1.5")), orders=0) is None


@pytest.mark.parametrize("in_run, how", [(True, "saved in this run"), (False, "confirmed as saved")])
def test_step_1_says_structurally_whether_the_target_was_saved_in_the_run(in_run, how):
    evaluation = evaluate_step("leverage", account(), "s1", last_saved="by bob at 09:00 (1.0 -> 1.5)",
                               saved_in_run=in_run)
    assert evaluation.can_complete and evaluation.saved_in_run is in_run
    assert evaluation.completion == f"Target 1.50x on s1 {how}"
    assert not evaluate_step("leverage", account(), "s1", saved_in_run=True).saved_in_run  # nothing saved at all
    assert editor_saved_confirmation(D("1.25"), "s1") == "Target 1.25x on s1 saved in the leverage editor"


def test_step_2_completion_cites_the_acr_that_activated_it():
    acrs = [RunAcr(1, "rebalance", "failed", D("1.5"), "MAINTENANCE"), RunAcr(2, "one-dollar", "built", D("1.5"))]
    evaluation = evaluate_step("activate", account(), "s1", run_acrs=acrs)
    assert evaluation.can_complete and evaluation.acr_id == 2
    assert evaluation.completion == "Applied 1.50x equals saved, activated by ACR 2 (one-dollar, built)"
    before = evaluate_step("activate", account(), "s1")
    assert before.acr_id is None and before.completion == "Applied 1.50x equals saved: activated before this run"
    pending = evaluate_step("activate", account(applied=D(1)), "s1")
    assert not pending.can_complete and pending.completion == ""


def test_step_3_blocks_on_failed_items_and_otherwise_asks_for_the_cash_review():
    blocked = evaluate_step("checklist", account(margin_enabled=False), "s1")
    assert not blocked.needs_review
    assert checklist_blocked_reason(blocked) == "Custodian account enabled for margin (MARGIN_NOT_ENABLED)"
    ready = evaluate_step("checklist", account(), "s1")
    assert ready.needs_review and not ready.can_complete
    assert cash_review_question("s1", ready).startswith(
        "Sleeve cash review on s1: sleeve cash 20,000.00 debit (margin debit inside the model sleeve).\n")
    assert cash_review_confirmation("alice", ready) == (
        "Sleeve cash reviewed by alice: sleeve cash 20,000.00 debit (margin debit inside the model sleeve)")
    assert evaluate_step("checklist", account(), "s1", acknowledged=True).can_complete
