"""The troubleshooter: each symptom on an account that has it and on one that does not."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from calc.checklist import ACK_IDS
from console.cli import cli
from store.acrs import fire_acr
from store.book import generate_demo, import_book
from store.core import Store
from store.errors import InvalidInput, NotFound, Refused
from store.fills import simulate_fills
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.sleeves import confirm_custodian_margin
from store.troubleshoot import troubleshoot, troubleshoot_all
from tests.conftest import fixed_clock
from tests.unit.conftest import story_data

ALL = set(ACK_IDS)


@pytest.fixture
def demo(tmp_path):
    store = Store(tmp_path / "book.db", clock=fixed_clock)
    generate_demo(store, 30, 7, "seed")
    yield store
    store.close()


@pytest.fixture
def story(tmp_path):
    store = Store(tmp_path / "story.db", clock=fixed_clock)
    import_book(store, story_data(), "seed")
    yield store
    store.close()


def test_nothing_happened_names_the_missing_acr_and_offers_the_one_dollar_acr(story):
    found = troubleshoot(story, "A-1001", "nothing-happened")
    assert found.present and found.action == "fire-one-dollar" and found.sleeve_id == "A-1001-M1"
    assert "saved 1.50x, applied 1.00x" in found.evidence[0]
    assert "2 order(s)" in found.evidence[-1]


def test_nothing_happened_is_not_the_case_once_the_acr_is_built_and_filled(story):
    acr = fire_acr(story, "A-1001-M1", "one-dollar", "alice", acknowledged=ALL)
    built = troubleshoot(story, "A-1001", "nothing-happened")
    assert built.present and f"ACR {acr.id}" in built.cause and "not filled" in built.cause
    simulate_fills(story, acr.id, "alice")
    done = troubleshoot(story, "A-1001", "nothing-happened")
    assert not done.present and done.action is None
    assert "saved = applied = 1.50x" in done.evidence[0]


def test_nothing_happened_reports_the_failure_that_would_block_the_acr(story):
    found = troubleshoot(story, "A-1002", "nothing-happened")
    # A cash account at 1.5: the $1 ACR fails MARGIN_NOT_ENABLED; `f` sets the target back to 1.0.
    assert found.present and "MARGIN_NOT_ENABLED" in found.cause and found.action == "reset-leverage"
    assert found.fix == "Confirm margin with the custodian, or set the target back to 1.0."


def test_nothing_happened_reports_blockers_in_the_checklists_order(tmp_path):
    # An IRA at 1.5x whose APM holds $0: the $1 ACR would also fail APM_INSUFFICIENT, but the checklist checks
    # margin first, so MARGIN_NOT_ENABLED is the cause (issue 13 item 3).
    data = story_data()
    ira = data["accounts"][1]
    ira["type"], ira["margin_enabled"] = "ira", True
    ira["sleeves"][0]["cash"] = 0.0
    with Store(tmp_path / "ira.db", clock=fixed_clock) as store:
        import_book(store, data, "seed")
        found = troubleshoot(store, "A-1002", "nothing-happened")
    assert "(MARGIN_NOT_ENABLED)" in found.cause and "APM_INSUFFICIENT" not in found.cause
    assert found.action == "reset-leverage"


def test_cannot_acr_tries_every_activation(tmp_path):
    # A healthy account whose APM holds $0: the $1 ACR cannot build, but a rebalance and a deposit do.
    data = story_data()
    data["accounts"][0]["sleeves"][0]["cash"] = 0.0
    with Store(tmp_path / "zero.db", clock=fixed_clock) as store:
        import_book(store, data, "seed")
        found = troubleshoot(store, "A-1001", "cannot-acr")
    assert not found.present and found.action == "rebalance"
    assert "rebalance, cash management deposit" in found.cause
    assert any("$1 allocation blocked" in line and "APM_INSUFFICIENT" in line for line in found.evidence)


def test_negative_apm_margin_at_account_level_builds_the_move_into_the_model_sleeve(demo):
    found = troubleshoot(demo, "A-000005", "negative-apm")
    assert found.present and found.action == "move-exposure" and found.sleeve_id == "A-000005-M1"
    detail = account_detail(demo, "A-000005")
    apm, sleeve = detail.sleeve("A-000005-APM"), detail.sleeve("A-000005-M1")
    # Same exposure on the combined equity: (sleeve LMV + APM LMV) / (sleeve equity + APM equity).
    expected = ((sleeve.exposure + apm.exposure) / (sleeve.equity + apm.equity)).quantize(Decimal("0.01"))
    assert found.leverage == expected and Decimal(1) < expected <= Decimal(2)
    assert len(found.plan) == 3 and "QQQ" in found.plan[1] and "(f)" in found.plan[0]
    assert found.fix == detail.diagnostics[0].fix and "sell the APM's holdings" in found.fix


def test_negative_apm_from_fees_is_not_called_margin(demo):
    found = troubleshoot(demo, "A-000006", "negative-apm")
    # The cure is a liquidation of the fees (187.50) from the model sleeve into the APM, which `f` fires.
    assert found.present and "fees" in found.cause and found.action == "fund-apm"
    assert found.amount == Decimal("187.50") and found.sleeve_id == "A-000006-M1"
    assert found.fix.startswith("Fund the APM")


def test_negative_apm_is_not_the_case_with_a_positive_apm(demo):
    found = troubleshoot(demo, "A-000001", "negative-apm")
    assert not found.present and "5,000.00" in found.cause


def test_not_leveraging_margin_disabled_offers_to_record_the_custodian_confirmation(demo):
    found = troubleshoot(demo, "A-000004", "not-leveraging")
    assert found.present and found.action == "confirm-margin"
    confirm_custodian_margin(demo, "A-000004", True, "alice", "call ref 1")
    after = troubleshoot(demo, "A-000004", "not-leveraging")
    assert not after.present
    assert audit_trail(demo, "A-000004")[0].action == "custodian-margin"


def test_not_leveraging_cash_account_is_not_offered_a_custodian_confirmation(demo):
    found = troubleshoot(demo, "A-000003", "not-leveraging")
    assert found.present and "cash account" in found.cause and found.action == "reset-leverage"
    assert found.leverage == Decimal(1)
    with pytest.raises(Refused):
        confirm_custodian_margin(demo, "A-000003", True, "alice")


def test_not_leveraging_tactical_track_off_offers_track_manager_on(demo):
    found = troubleshoot(demo, "A-000009", "not-leveraging")
    assert found.present and found.action == "track-manager-on"


def test_cannot_generate_an_acr_names_the_blocking_checklist_item(demo):
    found = troubleshoot(demo, "A-000005", "cannot-acr")
    assert found.present and "NEGATIVE_APM" in found.cause
    healthy = troubleshoot(demo, "A-000001", "cannot-acr")
    assert not healthy.present and healthy.action == "fire-one-dollar"


def test_unknown_symptom_and_account_are_refused(demo):
    with pytest.raises(InvalidInput):
        troubleshoot(demo, "A-000001", "nope")
    with pytest.raises(NotFound):
        troubleshoot(demo, "A-999999", "negative-apm")
    assert len(troubleshoot_all(demo, "A-000001")) == 4


def test_cli_troubleshoot_and_confirm_margin(tmp_path):
    from click.testing import CliRunner

    db = tmp_path / "cli.db"
    with Store(db, clock=fixed_clock) as store:
        generate_demo(store, 30, 7, "seed")
    runner = CliRunner()
    env = {"MARGIN_CONSOLE_DB": str(db), "MARGIN_CONSOLE_OPERATOR": "alice"}
    result = runner.invoke(cli, ["troubleshoot", "A-000004", "--json"], env=env, obj={"clock": fixed_clock})
    assert result.exit_code == 0, result.output
    findings = {f["symptom"]: f for f in json.loads(result.stdout)["findings"]}
    assert set(findings) == {"nothing-happened", "negative-apm", "not-leveraging", "cannot-acr"}
    assert findings["not-leveraging"]["action"] == "confirm-margin"
    text = runner.invoke(cli, ["troubleshoot", "A-000004", "--symptom", "not-leveraging"], env=env,
                         obj={"clock": fixed_clock})
    assert "[!] Account not leveraging" in text.stdout and "Fix:" in text.stdout
    ok = runner.invoke(cli, ["confirm-margin", "A-000004", "enabled", "--reference", "T-1"], env=env,
                       obj={"clock": fixed_clock})
    assert ok.exit_code == 0 and "Recorded" in ok.stdout
    bad = runner.invoke(cli, ["confirm-margin", "A-000003", "enabled"], env=env, obj={"clock": fixed_clock})
    assert bad.exit_code == 1 and "cash account" in bad.stderr and "Traceback" not in bad.output
    unknown = runner.invoke(cli, ["troubleshoot", "A-000004", "--symptom", "nope"], env=env)
    assert unknown.exit_code == 2 and len(unknown.stderr.strip().splitlines()) == 1


def test_the_liquidation_that_funds_a_negative_apm_fires_while_the_apm_is_negative(demo):
    # A-000006: 187.50 of fees on the APM. The checklist lets this one ACR through because it leaves the APM at 0.
    found = troubleshoot(demo, "A-000006", "negative-apm")
    record = fire_acr(demo, found.sleeve_id, "liquidation", "alice", found.amount, acknowledged=ALL)
    assert record.status == "built" and record.code is None
    simulate_fills(demo, record.id, "alice")
    apm = account_detail(demo, "A-000006").sleeve("A-000006-APM")
    assert apm.cash == Decimal(0)
    assert not troubleshoot(demo, "A-000006", "negative-apm").present


def test_margin_carried_on_an_apm_that_holds_nothing_is_moved_by_a_liquidation_never_an_empty_plan(tmp_path):
    # A margin account whose sleeve bought 100,000 of securities with 50,000 of equity, the 50,000 debit booked
    # to the APM, which holds nothing: the old plan said "sell nothing (0.00), allocate 0.00".
    data = story_data()
    account = data["accounts"][0]
    account["sleeves"][0]["cash"] = -50000.0
    account["sleeves"][1].update(cash=0.0, leverage=1.0, applied_leverage=1.0, positions={"SPY": 120, "AGG": 400})
    with Store(tmp_path / "move.db", clock=fixed_clock) as store:
        import_book(store, data, "seed")
        found = troubleshoot(store, "A-1001", "negative-apm")
    assert found.action == "move-exposure" and "margin" in found.cause.lower()
    assert len(found.plan) == 2 and "Liquidate 50,000.00 from A-1001-M1 into the APM" in found.plan[1]
    assert not any("nothing" in step or "(0.00" in step for step in found.plan)
    assert found.leverage is not None and found.leverage > 1
