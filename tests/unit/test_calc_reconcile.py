"""calc/reconcile.py: the custodian's account-level report against the sum of the sleeves (issue 12, item 2)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from calc import Account, CalcSettings, Sleeve, diagnose
from calc.models import CustodianReport
from calc.reconcile import CASH, differences, reconcile_status, reconciled_on, sleeve_totals
from calc.troubleshoot import troubleshoot

TODAY = date(2026, 11, 21)
D = Decimal


def account(report: CustodianReport | None) -> Account:
    """600 AGG in the model sleeve, 10 SPY in the APM; cash 5,000 (APM) and -50,000 (model)."""
    return Account(id="A-1", type="margin", margin_enabled=True, custodian_report=report, sleeves=[
        Sleeve(id="A-1-APM", kind="apm", cash=D(5000), positions={"SPY": D(10)}),
        Sleeve(id="A-1-M1", kind="model", model="M", leverage=D("1.5"), cash=D(-50000),
               positions={"AGG": D(600), "SPY": D(5)})])


def report(positions: dict[str, int], cash: str | None = "-45000", as_of: date = TODAY) -> CustodianReport:
    return CustodianReport(as_of=as_of, positions={k: D(v) for k, v in positions.items()},
                           cash=None if cash is None else D(cash))


def test_sleeve_totals_add_every_sleeve():
    assert sleeve_totals(account(None)) == {"AGG": D(600), "SPY": D(15)}


def test_a_matching_report_has_no_difference():
    assert differences(account(report({"AGG": 600, "SPY": 15})), D(1)) == []


def test_never_reconciled_has_no_difference_but_says_so():
    acct = account(None)
    assert differences(acct, D(1)) == []
    assert reconciled_on(acct) is None
    assert reconcile_status(None, TODAY, 0) == "never reconciled with the custodian"


def test_extra_custodian_shares_are_a_difference_with_the_issue_text():
    found = differences(account(report({"AGG": 605, "SPY": 15})), D(1))
    assert [(f.symbol, f.custodian, f.sleeves) for f in found] == [("AGG", D(605), D(600))]
    assert found[0].text == "the custodian holds 605 AGG, the sleeves 600: 5 shares are in no sleeve"


def test_any_share_counts_and_a_symbol_missing_on_one_side_is_zero_there():
    found = differences(account(report({"AGG": 600, "SPY": 14, "QQQ": 1})), D(1))
    assert [(f.symbol, f.custodian, f.sleeves) for f in found] == [("QQQ", D(1), D(0)), ("SPY", D(14), D(15))]
    assert found[0].text == "the custodian holds 1 QQQ, the sleeves 0: 1 share is in no sleeve"
    assert found[1].text == "the custodian holds 14 SPY, the sleeves 15: the sleeves count 1 share the custodian does " \
                            "not hold"


def test_cash_within_the_tolerance_is_in_sync_and_beyond_it_is_not():
    assert differences(account(report({"AGG": 600, "SPY": 15}, cash="-45000.99")), D(1)) == []
    found = differences(account(report({"AGG": 600, "SPY": 15}, cash="-45001.01")), D(1))
    assert [(f.symbol, f.custodian, f.sleeves) for f in found] == [(CASH, D("-45001.01"), D(-45000))]
    assert found[0].text == "the custodian reports cash -45,001.01, the sleeves -45,000.00: a 1.01 difference"
    assert differences(account(report({"AGG": 600, "SPY": 15}, cash="-45000.50")), D(0)) != []


def test_a_report_without_a_cash_line_does_not_compare_cash():
    assert differences(account(report({"AGG": 600, "SPY": 15}, cash=None)), D(1)) == []


def test_status_line_tells_today_from_an_older_file():
    assert reconcile_status(TODAY, TODAY, 0) == "reconciled 2026-11-21: in sync with the custodian"
    assert reconcile_status(TODAY, TODAY, 2) == "reconciled 2026-11-21: 2 difference(s) with the custodian"
    assert reconcile_status(date(2026, 11, 20), TODAY, 0) == \
        "not reconciled today (last custodian file 2026-11-20)"


def test_diagnose_lists_each_difference_as_out_of_sync():
    acct = account(report({"AGG": 605, "SPY": 15}, cash="-44000"))
    found = [d for d in diagnose(acct, {}, {}, TODAY, CalcSettings()) if d.code == "OUT_OF_SYNC"]
    assert [d.detail.split(":")[0] for d in found] == ["the custodian holds 605 AGG, the sleeves 600",
                                                      "the custodian reports cash -44,000.00, the sleeves -45,000.00"]
    assert found[0].fix == "Book the difference to a sleeve or investigate the trade."


def test_the_cash_tolerance_is_a_setting():
    acct = account(report({"AGG": 600, "SPY": 15}, cash="-45005"))
    assert any(d.code == "OUT_OF_SYNC" for d in diagnose(acct, {}, {}, TODAY, CalcSettings()))
    assert not any(d.code == "OUT_OF_SYNC"
                   for d in diagnose(acct, {}, {}, TODAY, CalcSettings(reconcile_cash_tolerance=D(10))))


def test_nothing_happened_names_the_custodian_difference():
    acct = account(report({"AGG": 605, "SPY": 15}))  # saved = applied: the pending check does not answer first
    finding = troubleshoot(acct, "nothing-happened", {}, {}, TODAY)
    assert finding.present
    assert "custodian and the sleeves disagree" in finding.cause
    assert finding.evidence == ("the custodian holds 605 AGG, the sleeves 600: 5 shares are in no sleeve",)


def test_nothing_happened_on_a_clean_account_reports_the_reconciliation():
    acct = account(report({"AGG": 600, "SPY": 15}, as_of=date(2026, 11, 19)))
    finding = troubleshoot(acct, "nothing-happened", {}, {}, TODAY)
    assert not finding.present
    assert "custodian: not reconciled today (last custodian file 2026-11-19)" in finding.evidence
