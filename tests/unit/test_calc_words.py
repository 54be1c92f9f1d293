"""One vocabulary and one formatting module: every surface says the same thing the same way."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from calc import ACR_KINDS, DIAGNOSTIC_CODES
from calc.formatting import cash, lev, money, pct
from calc.vocabulary import (
    ACR_KIND_HELP, ACR_KIND_SHORT, ACR_KIND_TITLES, ACR_STATUSES, ACTIVATED_STATUSES, DIAGNOSTIC_BADGES,
    DIAGNOSTIC_TITLES, apm_refusal, kind_title, read_only_refusal,
)

D = Decimal
ROOT = Path(__file__).resolve().parents[2]


def test_money_has_separators_and_cents_and_a_dash_when_unknown():
    assert money(D("1234.5")) == "1,234.50"
    assert money(D("-50000")) == "-50,000.00"
    assert money(None) == "-"


def test_cash_shows_a_debit_as_a_debit_never_a_bare_minus():
    assert cash(D("-1234")) == "1,234.00 debit"
    assert cash(D("1234")) == "1,234.00"
    assert cash(D(0)) == "0.00"


def test_leverage_is_always_two_places_and_an_x():
    assert lev(D("1.5")) == "1.50x"
    assert lev(D(2)) == "2.00x"
    assert lev(D("1.2345")) == "1.23x"
    assert lev(None) == "-"


def test_pct_reads_a_fraction_as_a_percentage():
    assert pct(D("0.5556")) == "55.6%"
    assert pct(D("0.5556"), 2) == "55.56%"
    assert pct(None) == "-"


def test_every_acr_kind_has_one_title_one_help_and_one_short_name_in_build_order():
    assert tuple(ACR_KIND_TITLES) == ACR_KINDS
    assert tuple(ACR_KIND_HELP) == ACR_KINDS
    assert tuple(ACR_KIND_SHORT) == ACR_KINDS
    assert kind_title("deposit") == "Cash management deposit"
    assert kind_title("transition") == "transition"  # a kind from a newer book reads as its id


def test_activated_statuses_are_acr_statuses_and_exclude_failure():
    assert ACTIVATED_STATUSES <= set(ACR_STATUSES)
    assert "failed" not in ACTIVATED_STATUSES and "cancelled" not in ACTIVATED_STATUSES


def test_every_diagnostic_code_has_a_title_and_a_short_badge():
    assert set(DIAGNOSTIC_TITLES) == set(DIAGNOSTIC_CODES) == set(DIAGNOSTIC_BADGES)
    assert all(len(b) <= 6 for b in DIAGNOSTIC_BADGES.values())
    assert len(set(DIAGNOSTIC_BADGES.values())) == len(DIAGNOSTIC_BADGES)


def test_refusals_name_the_sleeve_and_the_rule():
    assert apm_refusal("A-1-APM") == "A-1-APM is the APM: leverage belongs on a model sleeve, never the APM"
    assert read_only_refusal("A-1-T", "transition") == "A-1-T is a transition sleeve, which this console shows read-only"


def _tracked(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_no_private_copy_of_a_format_outside_calc_formatting():
    # A second f"{x:.2f}x" or f"{x:,.2f}" is how the surfaces drifted apart; route them through calc.formatting.
    copies = re.compile(r"\{[^{}]*:(,\.2f|\.2f\}x)")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in _tracked("calc", "widgets", "console")
             if p.name != "formatting.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if copies.search(line)]
    assert found == []


def test_the_apm_refusal_text_has_one_home():
    found = [str(p.relative_to(ROOT)) for p in _tracked("calc", "widgets", "console")
             if "leverage belongs on a model sleeve, never the APM" in p.read_text(encoding="utf-8")]
    assert found == ["calc/vocabulary.py"]


def test_nothing_has_no_sign_and_call_distance_is_one_word_with_no_debit():
    """Issue 13 item 9: `-0.00` was printed for a move of nothing; a panel said `100.0%` where others say no debit."""
    from calc.formatting import call_distance_text

    assert money(D("-0")) == money(D("-0.004")) == "0.00"
    assert call_distance_text(D(1), D(0)) == "no debit"
    assert call_distance_text(D("0.5714"), D(45000)) == "57.1%"
    assert call_distance_text(None, None) == "-"


def test_an_audit_row_reads_in_the_one_format():
    """Issue 13 item 10: history showed `code=None` and `amount=0` for a $1 ACR."""
    from calc.audit_summary import audit_summary

    built = {"acr": 1, "kind": "one-dollar", "amount": "0", "leverage": "1.5", "code": None, "orders": 2,
             "acknowledged": ["risk-suitability"]}
    assert audit_summary(built) == "ACR 1 · $1 ACR · amount 1.00 · at 1.50x · 2 order(s)"
    failed = {"acr": 2, "kind": "deposit", "amount": "2500", "leverage": "1.5", "code": "STALE_PRICE", "orders": 0}
    assert audit_summary(failed) == "ACR 2 · deposit · amount 2,500.00 · at 1.50x · 0 order(s) · code STALE_PRICE"
    assert audit_summary({"old": "1.0", "empty": None}) == "old=1.0"
