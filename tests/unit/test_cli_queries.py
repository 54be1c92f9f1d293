"""`accounts`, `show`, `orders`, `doctor` and `audit` (console/cli/queries.py), --json and readable."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tests.unit.conftest import (
    as_json,
    assert_refused_writes_nothing,
    book_with,
    ok,
    one_error_line,
)


@pytest.mark.parametrize("text, ids", [
    ("", ["A-1001", "A-1002", "A-1003"]), ("jane", ["A-1001"]), ("sch", ["A-1001"]),
    ("A-10", ["A-1001", "A-1002", "A-1003"]), ("cash only", ["A-1002"]), ("nobody", []),
])
def test_accounts_filter_json(run, story, text, ids):
    page = as_json(run("accounts", "--filter", text, "--json"))
    assert [a["id"] for a in page["accounts"]] == ids
    assert (page["total"], page["book_size"], page["offset"]) == (len(ids), 3, 0)


def test_accounts_json_row_and_paging(run, story):
    page = as_json(run("accounts", "--limit", "1", "--offset", "1", "--json"))
    assert (page["total"], page["book_size"], page["offset"]) == (3, 3, 1)
    [row] = page["accounts"]
    assert row == {"id": "A-1002", "name": "Cash Only LLC", "custodian": "Fidelity", "type": "cash",
                   "margin_enabled": False, "nav": 51000.0, "max_saved_leverage": 1.5,
                   "max_applied_leverage": 1.0, "codes": ["PENDING_LEVERAGE", "MARGIN_NOT_ENABLED", "DRIFT"]}
    assert as_json(run("accounts", "--filter", "ira", "--json"))["accounts"][0]["codes"] == [
        "NEGATIVE_APM", "TACTICAL_TRACK_OFF", "DRIFT", "STALE_PRICES"]


def test_accounts_readable(run, story):
    text = ok(run("accounts"))
    assert "3 shown of 3 matching (3 in the book)" in text
    assert "Jane Doe Trust" in text and "105,000.00" in text and "PENDING_LEVERAGE DRIFT" in text
    text = ok(run("accounts", "--filter", "jane"))
    assert "1 shown of 1 matching (3 in the book)" in text and "A-1002" not in text
    text = ok(run("accounts", "--filter", "A-10", "--limit", "2"))
    assert "2 shown of 3 matching (3 in the book)" in text and "A-1003" not in text
    assert "(none)" in ok(run("accounts", "--filter", "nobody"))


def test_show_json_margin_and_diagnostics(run, story):
    shown = as_json(run("show", "A-1003", "--json"))
    assert (shown["id"], shown["type"], shown["margin_enabled"], shown["nav"]) == ("A-1003", "ira", False, 34500.0)
    assert [s["id"] for s in shown["sleeves"]] == ["A-1003-APM", "A-1003-M1"]
    m1 = shown["sleeves"][1]
    assert (m1["track_manager"], m1["exposure"], m1["positions"]) == (False, 17000.0, {"QQQ": 40.0,
                                                                                        "OLDCO": 100.0})
    assert set(shown["margin"]) >= {"lmv", "debit", "equity", "maintenance_requirement", "margin_call",
                                    "call_distance", "daily_interest", "annual_rate"}
    assert [d["code"] for d in shown["diagnostics"]] == ["NEGATIVE_APM", "TACTICAL_TRACK_OFF", "DRIFT",
                                                         "STALE_PRICES"]


def test_show_readable(run, story):
    text = ok(run("show", "A-1002"))
    assert "A-1002  Cash Only LLC  (Fidelity, cash, margin NOT enabled)" in text
    assert "MARGIN_NOT_ENABLED [A-1002-M1]" in text and "Fix: Confirm margin status" in text
    assert "Call distance" in text and "no debit" in text


def test_orders_csv_export(run, built):
    text = ok(run("orders", "--csv", "--acr", built["id"]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["id", "acr_id", "account_id", "sleeve_id", "symbol", "side", "quantity", "price",
                             "notional", "status", "filled_quantity", "fill_price", "reason"]
    assert sorted((r["symbol"], r["side"], float(r["quantity"]), float(r["price"]), r["status"], r["fill_price"])
                  for r in rows) == [("AGG", "buy", 600.0, 100.0, "new", ""), ("SPY", "buy", 180.0, 500.0, "new", "")]
    assert {r["acr_id"] for r in rows} == {str(built["id"])}


def test_orders_for_an_unknown_acr(run, story):
    assert "no ACR 42" in one_error_line(run("orders", "--acr", "42"))


def test_doctor_json_and_readable(run, story):
    report = as_json(run("doctor", "--json"))
    assert report["book_size"] == 3
    assert list(report["codes"]) == ["NEGATIVE_APM", "PENDING_LEVERAGE", "MARGIN_NOT_ENABLED",
                                     "TACTICAL_TRACK_OFF", "DRIFT", "STALE_PRICES"]
    assert report["codes"]["PENDING_LEVERAGE"]["accounts"] == 2
    assert report["codes"]["DRIFT"]["accounts"] == 3
    assert report["codes"]["STALE_PRICES"]["findings"] == [
        {"account_id": "A-1003", "sleeve_id": None, "detail": "OLDCO"}]
    assert report["codes"]["NEGATIVE_APM"]["fix"] == "Move the exposure into the model sleeve."
    text = ok(run("doctor"))
    assert "PENDING_LEVERAGE (Leverage saved but not applied): 2 account(s)" in text
    assert "STALE_PRICES (Stale prices): 1 account(s). Fix: Refresh prices." in text
    assert "  A-1003" in text
    counts_only = ok(run("doctor", "--limit", "0"))
    assert "A-1003-APM" not in counts_only and "NEGATIVE_APM" in counts_only


def test_doctor_on_an_empty_book(run):
    assert "No diagnostics across 0 accounts." in ok(run("doctor"))


def test_audit_json_and_readable(run, built):
    trail = as_json(run("audit", "--json"))
    assert [r["action"] for r in trail] == ["acr-built", "import story_book.json"]
    assert trail[0]["account_id"] == "A-1001" and trail[0]["sleeve_id"] == "A-1001-M1"
    assert trail[0]["at"] == "2026-11-21T15:00:00+00:00"
    assert as_json(run("audit", "--account", "A-1002", "--json")) == []
    assert len(as_json(run("audit", "--limit", "1", "--json"))) == 1
    text = ok(run("audit", "--account", "A-1001"))
    assert "acr-built" in text and "alice" in text and "import" not in text
    assert "no account NOPE" in one_error_line(run("audit", "--account", "NOPE"))


@pytest.mark.parametrize("args, words, code", [
    (["show", "NOPE"], "no account NOPE", 1),
    (["accounts", "--limit", "0"], "--limit", 2),
])
def test_refused_queries_write_nothing(run, story, args, words, code):
    assert_refused_writes_nothing(run, story, args, words, code)


def test_show_readable_names_the_finra_floor_over_a_low_house_rate(run, db_path, tmp_path):
    acc = {"id": "LOW-1", "type": "margin", "margin_enabled": True, "house_maintenance": 0.2,
           "maintenance_exemption": "custodian letter", "sleeves": [{"id": "LOW-1-APM", "kind": "apm", "cash": 10.0}]}
    book = tmp_path / "low.json"
    book.write_text(json.dumps(book_with(acc)))
    ok(run("import", str(book)))
    assert "house 20 % -> 25 % FINRA floor" in ok(run("show", "LOW-1"))
