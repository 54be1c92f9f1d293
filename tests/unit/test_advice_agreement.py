"""Issue 13: for the same data, every surface gives the same cause and the same fix.

`show --json` (what the detail renders), `doctor --json`, `troubleshoot --json` (what `f` in the detail and the
troubleshooter perform) and the walkthrough's checklist text must agree, case by case.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from calc.troubleshoot import SYMPTOM_OF_CODE
from console.cli import cli
from console.walkthrough_export import export_markdown
from store.book import generate_demo, import_book
from store.core import Store
from store.queries.walkthrough import load_run
from store.walkthrough import start_run
from tests.conftest import fixed_clock
from tests.unit.conftest import story_data

FUND = "Fund the APM: a deposit into the APM, or a liquidation from a model sleeve into the APM."
MOVE = ("Move the exposure into the model sleeve: sell the APM's holdings, allocate the proceeds, save the "
        "multiplier on the model sleeve and rebalance.")
NO_MARGIN = "Confirm margin with the custodian, or set the target back to 1.0."

# (book, account, code, model sleeve, the fix, the action `f` performs, a word the cause must (not) carry)
CASES = [
    ("demo", "A-000005", "NEGATIVE_APM", "A-000005-M1", MOVE, "move-exposure", "margin"),
    ("demo", "A-000006", "NEGATIVE_APM", "A-000006-M1", FUND, "fund-apm", "fees"),
    ("demo", "A-000018", "NEGATIVE_APM", "A-000018-M1", FUND, "fund-apm", "residue"),
    ("demo", "A-000003", "MARGIN_NOT_ENABLED", "A-000003-M1", NO_MARGIN, "reset-leverage", "cash account"),
    ("demo", "A-000004", "MARGIN_NOT_ENABLED", "A-000004-M1", NO_MARGIN, "confirm-margin", "not enabled"),
    # An IRA's 2,500 APM debit: never "margin at the account level" (its model sleeve holds a stale price, so
    # no liquidation can build: the fix is named, with no key to perform it).
    ("story", "A-1003", "NEGATIVE_APM", "A-1003-M1", FUND, None, "fees"),
]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = tmp_path_factory.mktemp("agreement")
    with Store(root / "demo.db", clock=fixed_clock) as store:
        generate_demo(store, 30, 7, "seed")
    with Store(root / "story.db", clock=fixed_clock) as store:
        import_book(store, story_data(), "seed")
    return {"demo": root / "demo.db", "story": root / "story.db"}


def cli_json(db, *args):
    result = CliRunner().invoke(cli, [*args, "--json"], obj={"clock": fixed_clock},
                                env={"MARGIN_CONSOLE_DB": str(db), "MARGIN_CONSOLE_OPERATOR": "alice"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("book", "account_id", "code", "sleeve_id", "fix", "action", "word"), CASES,
                         ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_every_surface_gives_the_same_cause_and_fix(books, book, account_id, code, sleeve_id, fix, action, word):
    db = books[book]
    shown = [d for d in cli_json(db, "show", account_id)["diagnostics"] if d["code"] == code]
    doctor = [f for f in cli_json(db, "doctor")["codes"][code]["findings"] if f["account_id"] == account_id]
    finding = cli_json(db, "troubleshoot", account_id, "--symptom", SYMPTOM_OF_CODE[code])["findings"][0]
    assert len(shown) == len(doctor) == 1
    # The detail's cause (its detail text) is the doctor's, and the fix is one text everywhere.
    assert shown[0]["detail"] == doctor[0]["detail"]
    assert shown[0]["fix"] == doctor[0]["fix"] == finding["fix"] == fix
    assert finding["present"] and finding["action"] == action
    if word == "margin":
        assert "margin" in shown[0]["detail"] and "margin" in finding["cause"].lower()
    else:
        assert word in shown[0]["detail"] or word in finding["cause"]
        assert "carried at the account level" not in shown[0]["detail"] + finding["cause"]
    if action == "fund-apm":
        apm = next(s for s in cli_json(db, "show", account_id)["sleeves"] if s["kind"] == "apm")
        assert Decimal(str(finding["amount"])) == -Decimal(str(apm["cash"]))
        assert finding["sleeve_id"] == sleeve_id
    if action == "move-exposure":
        assert finding["plan"] and not any("0.00)" in step or "nothing" in step for step in finding["plan"])
    # The walkthrough's quick checklist names the same fix on the failed item.
    with Store(db, clock=fixed_clock) as store:
        text = export_markdown(load_run(store, start_run(store, sleeve_id, "alice")))
    assert f"Fix: {fix}" in text
