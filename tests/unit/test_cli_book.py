"""The headless CLI end to end through CliRunner, on real SQLite files, with a fixed clock."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.conftest import STORY_BOOK, count, snapshot, story_data

ACK = ("--ack", "all")


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def as_json(result) -> Any:
    return json.loads(ok(result))


def one_error_line(result, code: int | None = None) -> str:
    """A refused command: non-zero exit, exactly one line on stderr, no traceback."""
    assert result.exit_code != 0, result.stdout
    if code is not None:
        assert result.exit_code == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("margin-console: ") and "Traceback" not in result.output
    return lines[0]


def problems(result) -> list[str]:
    """The problem lines an InvalidInput prints under its one-line summary."""
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    lines = result.stderr.rstrip("\n").splitlines()
    assert lines[0].startswith("margin-console: error: ") and "Traceback" not in result.output
    assert all(line.startswith("  ") for line in lines[1:]), lines
    return [line.strip() for line in lines[1:]]


@pytest.fixture
def story(run, db_path) -> Path:
    ok(run("import", STORY_BOOK))
    return db_path


@pytest.fixture
def built(run, story) -> dict[str, Any]:
    """The story's one-dollar ACR (JSON)."""
    return as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))


# -- the source document's story ------------------------------------------------------------------------


def test_story_end_to_end(run, db_path, tmp_path):
    assert as_json(run("import", STORY_BOOK, "--json")) == {
        "prices": 4, "models": 2, "rates": 2, "accounts": 3, "sleeves": 6}

    # "I changed leverage but nothing happened": save it (twice), nothing trades.
    first = as_json(run("set-leverage", "A-1001-M1", "1.25", "--json"))
    assert first == {"sleeve_id": "A-1001-M1", "leverage": 1.25, "version": 2, "traded": False}
    text = ok(run("set-leverage", "A-1001-M1", "1.5"))
    assert "Saved leverage 1.5 on A-1001-M1" in text and "nothing traded" in text and "$1 ACR" in text
    assert count(db_path, "orders") == 0

    shown = as_json(run("show", "A-1001", "--json"))
    m1 = next(s for s in shown["sleeves"] if s["id"] == "A-1001-M1")
    assert (m1["saved_leverage"], m1["applied_leverage"], m1["cash"], m1["version"]) == (1.5, 1.0, 100000.0, 3)
    assert {"code": "PENDING_LEVERAGE", "sleeve_id": "A-1001-M1", "detail": "saved 1.5 but applied 1.0",
            "fix": "Rebalance, fire an ACR, or allocate $1."} in shown["diagnostics"]
    readable = ok(run("show", "A-1001"))
    assert "! Leverage saved but not applied" in readable and "PENDING_LEVERAGE [A-1001-M1]" in readable
    listed = as_json(run("accounts", "--filter", "jane", "--json"))
    assert listed["accounts"][0]["codes"] == ["PENDING_LEVERAGE", "DRIFT"]

    # Fire a one-dollar ACR.
    acr = as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))
    assert (acr["status"], acr["code"], acr["leverage"], acr["operator"], acr["replayed"]) == (
        "built", None, 1.5, "alice", False)
    assert sorted((o["side"], o["symbol"], o["quantity"]) for o in acr["orders"]) == [
        ("buy", "AGG", 600.0), ("buy", "SPY", 180.0)]
    orders = as_json(run("orders", "--acr", acr["id"], "--json"))
    assert sorted((o["symbol"], o["notional"], o["status"]) for o in orders) == [
        ("AGG", 60000.0, "new"), ("SPY", 90000.0, "new")]

    filled = as_json(run("fills", "--simulate", acr["id"], "--json"))
    assert [a["status"] for a in filled] == ["complete"]

    shown = as_json(run("show", "A-1001", "--json"))
    m1 = next(s for s in shown["sleeves"] if s["id"] == "A-1001-M1")
    apm = next(s for s in shown["sleeves"] if s["id"] == "A-1001-APM")
    assert m1["cash"] == -49999.0 and apm["cash"] == 4999.0
    assert (m1["saved_leverage"], m1["applied_leverage"]) == (1.5, 1.5)
    assert m1["actual_leverage"] == pytest.approx(1.5, abs=1e-4)
    assert m1["exposure"] == 150000.0 and m1["positions"] == {"SPY": 180.0, "AGG": 600.0}
    assert shown["margin"]["lmv"] == 150000.0 and shown["margin"]["debit"] == 45000.0
    assert shown["margin"]["margin_call"] == 0.0
    codes = [d["code"] for d in shown["diagnostics"]]
    assert "PENDING_LEVERAGE" not in codes and "DRIFT" not in codes
    readable = ok(run("show", "A-1001"))
    assert "-49,999.00" in readable and "1.50x" in readable and "Leverage saved but not applied" not in readable
    listed = as_json(run("accounts", "--filter", "jane", "--json"))["accounts"][0]
    assert "PENDING_LEVERAGE" not in listed["codes"] and "DRIFT" not in listed["codes"]

    trail = as_json(run("audit", "--account", "A-1001", "--json"))
    assert [r["action"] for r in trail] == ["fills", "acr-built", "set-leverage", "set-leverage"]
    assert {r["operator"] for r in trail} == {"alice"}
    assert trail[3]["detail"] == {"from": "1.5", "to": "1.25", "applied": "1.0"}
    assert trail[1]["detail"]["acr"] == acr["id"] and trail[1]["detail"]["orders"] == 2


# -- each command, --json and readable -----------------------------------------------------------------


def test_import_readable(run, db_path):
    text = ok(run("import", STORY_BOOK))
    assert text.strip() == "Imported 4 prices, 2 models, 2 rates, 3 accounts, 6 sleeves"
    assert count(db_path, "accounts") == 3


def test_operator_option_overrides_the_environment(run, db_path):
    ok(run("--operator", "carol", "import", STORY_BOOK))
    assert as_json(run("audit", "--json"))[0]["operator"] == "carol"


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
                   "codes": ["PENDING_LEVERAGE", "MARGIN_NOT_ENABLED", "DRIFT"]}
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


def test_set_leverage_and_track_manager(run, story):
    assert as_json(run("track-manager", "A-1003-M1", "on", "--json")) == {
        "sleeve_id": "A-1003-M1", "track_manager": True, "version": 2}
    assert "Track manager OFF on A-1003-M1" in ok(run("track-manager", "A-1003-M1", "off"))
    assert as_json(run("set-leverage", "A-1003-M1", "1", "--expect-version", "3", "--json"))["version"] == 4
    trail = as_json(run("audit", "--account", "A-1003", "--json"))
    assert [r["action"] for r in trail] == ["set-leverage", "track-manager", "track-manager"]
    assert trail[2]["detail"] == {"from": False, "to": True}


def test_acr_readable_and_orders_listing(run, story, db_path):
    text = ok(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK))
    assert "ACR 1 one-dollar on A-1001-M1 at 1.5x: built" in text and "60,000.00" in text
    text = ok(run("orders"))
    assert "A-1001-M1" in text and "SPY" in text and "AGG" in text and "new" in text
    assert len(as_json(run("orders", "--account", "A-1001", "--json"))) == 2
    assert as_json(run("orders", "--account", "A-1002", "--json")) == []


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


def test_fills_simulate_readable(run, built):
    assert ok(run("fills", "--simulate", built["id"])).strip() == f"ACR {built['id']}: complete (2 of 2 orders filled)"
    assert "no open orders" in one_error_line(run("fills", "--simulate", built["id"]))


def test_fills_csv_file(run, built, tmp_path):
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price,reason\n"
                    f"{ids['AGG']},filled,600,100,\n{ids['SPY']},rejected,0,,no buying power\n")
    [acr] = as_json(run("fills", path, "--json"))
    assert acr["status"] == "complete_with_errors"
    assert {o["symbol"]: (o["status"], o["reason"]) for o in acr["orders"]} == {
        "AGG": ("filled", ""), "SPY": ("rejected", "no buying power")}
    m1 = next(s for s in as_json(run("show", "A-1001", "--json"))["sleeves"] if s["id"] == "A-1001-M1")
    assert m1["positions"] == {"AGG": 600.0} and m1["cash"] == 40001.0


def test_fills_csv_readable(run, built, tmp_path):
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text(f"order_id,status,filled_quantity,fill_price\n{ids['SPY']},partially_filled,10,500\n")
    assert ok(run("fills", path)).strip() == f"ACR {built['id']}: submitted (0 of 2 orders filled)"


@pytest.mark.parametrize("args", [[], ["--simulate", "1", "FILE"]])
def test_fills_needs_exactly_one_source(run, built, tmp_path, args):
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price\n")
    args = [str(path) if a == "FILE" else a for a in args]
    before = snapshot(tmp_path / "book.db")
    assert "either a fill CSV file or --simulate" in one_error_line(run("fills", *args), code=2)
    assert snapshot(tmp_path / "book.db") == before


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


# -- the checklist gate --------------------------------------------------------------------------------


@pytest.mark.parametrize("ack", [[], ["--ack", "sleeve-cash-reviewed,risk-suitability"]])
def test_acr_without_every_acknowledgement_refuses_and_writes_nothing(run, story, ack):
    before = snapshot(story)
    counts = {t: count(story, t) for t in ("acrs", "orders", "audit")}
    line = one_error_line(run("acr", "A-1001-M1", "--kind", "one-dollar", *ack))
    assert "open items" in line and "risk-monitoring" in line and "risk-multiplier" in line
    if not ack:
        assert "sleeve-cash-reviewed" in line
    else:
        assert "sleeve-cash-reviewed" not in line
    assert {t: count(story, t) for t in counts} == counts
    assert snapshot(story) == before


def test_failed_evaluated_item_blocks_even_with_every_acknowledgement(run, story):
    before = snapshot(story)
    result = run("acr", "A-1002-M1", "--kind", "one-dollar", *ACK, "--json")
    line = one_error_line(result, code=3)
    assert "failed MARGIN_NOT_ENABLED" in line and "Fix: Confirm margin status" in line
    acr = json.loads(result.stdout)
    assert (acr["status"], acr["code"], acr["orders"]) == ("failed", "MARGIN_NOT_ENABLED", [])
    margin_item = next(i for i in acr["checklist"] if i["id"] == "margin-enabled")
    assert (margin_item["status"], margin_item["evaluated"]) == ("failed", True)
    after = snapshot(story)
    assert after["sleeves"] == before["sleeves"] and after["orders"] == []
    assert count(story, "acrs") == 1
    assert as_json(run("audit", "--account", "A-1002", "--json"))[0]["action"] == "acr-failed"
    assert "MARGIN_NOT_ENABLED" in ok(run("accounts", "--filter", "cash only"))


# -- idempotency through the CLI -----------------------------------------------------------------------


def test_request_key_replays(run, story):
    first = as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--request-key", "k1", "--json"))
    text = ok(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--request-key", "k1"))
    assert f"ACR {first['id']} " in text and "(already fired with this request key)" in text
    again = as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--request-key", "k1", "--json"))
    assert again["replayed"] is True and again["id"] == first["id"]
    assert count(story, "acrs") == 1 and count(story, "orders") == 2


def test_retried_identical_command_returns_the_same_acr(run, story):
    """No key given: the default key must make a retried command (e.g. after a timeout) a replay."""
    first = as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))
    again = as_json(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))
    assert again["id"] == first["id"] and again["replayed"] is True
    assert count(story, "acrs") == 1 and count(story, "orders") == 2


def test_conflict_names_the_other_operator(run, story):
    ok(run("set-leverage", "A-1001-M1", "1.25", "--expect-version", "1"))
    before = snapshot(story)
    line = one_error_line(run("set-leverage", "A-1001-M1", "2", "--expect-version", "1", operator="bob"))
    assert "changed by alice" in line and "A-1001-M1" in line
    assert snapshot(story) == before


# -- bad inputs leave the database unchanged -----------------------------------------------------------


def fresh_book() -> dict[str, Any]:
    """The story book with new account and sleeve ids, importable next to the story."""
    data = story_data()
    for acc in data["accounts"]:
        acc["id"] = "N" + acc["id"]
        for sleeve in acc["sleeves"]:
            sleeve["id"] = "N" + sleeve["id"]
    return data


def _unknown_model(d):
    d["accounts"][0]["sleeves"][1]["model"] = "NOPE"


def _weights(d):
    d["models"][0]["weights"]["SPY"] = 0.5


def _leverage(d):
    d["accounts"][1]["sleeves"][1]["leverage"] = 3


def _negative_shares(d):
    d["accounts"][2]["sleeves"][1]["positions"]["QQQ"] = -40


def _duplicate_account(d):
    d["accounts"][1]["id"] = d["accounts"][0]["id"]


def _duplicate_sleeve_across_accounts(d):
    d["accounts"][1]["sleeves"][0]["id"] = d["accounts"][0]["sleeves"][0]["id"]


def _duplicate_sleeve_in_account(d):
    d["accounts"][0]["sleeves"][1]["id"] = d["accounts"][0]["sleeves"][0]["id"]


def _margin_maybe(d):
    d["accounts"][0]["margin_enabled"] = "maybe"


def _cash_abc(d):
    d["accounts"][0]["sleeves"][0]["cash"] = "abc"


def _leverage_above_house_cap(d):
    d["accounts"][0]["max_leverage"] = 1.25


def _leverage_on_apm(d):
    d["accounts"][0]["sleeves"][0]["leverage"] = 1.5


def _bad_type(d):
    d["accounts"][2]["type"] = "futures"


def _bad_price(d):
    d["prices"][1]["price"] = -3


def _unknown_section(d):
    d["positions"] = []


BAD_BOOKS = {
    "unknown model": (_unknown_model, "$.accounts[0].sleeves[1].model", "unknown model NOPE"),
    "weights": (_weights, "$.models[0]", "must sum to 1"),
    "leverage 3": (_leverage, "$.accounts[1].sleeves[1]", "leverage"),
    "negative shares": (_negative_shares, "$.accounts[2].sleeves[1].positions", "QQQ"),
    "duplicate account": (_duplicate_account, "$.accounts[1].id", "duplicate account id NA-1001"),
    "duplicate sleeve": (_duplicate_sleeve_across_accounts, "$.accounts[1].sleeves[0].id", "duplicate sleeve id"),
    "duplicate sleeve in account": (_duplicate_sleeve_in_account, "$.accounts[0]", "unique"),
    "margin_enabled maybe": (_margin_maybe, "$.accounts[0].margin_enabled", "boolean"),
    "cash abc": (_cash_abc, "$.accounts[0].sleeves[0].cash", "decimal"),
    "above house cap": (_leverage_above_house_cap, "$.accounts[0]", "max_leverage"),
    "leverage on the APM": (_leverage_on_apm, "$.accounts[0].sleeves[0]", "model sleeves only"),
    "account type": (_bad_type, "$.accounts[2].type", ""),
    "negative price": (_bad_price, "$.prices[1].price", ""),
    "unknown section": (_unknown_section, "$.positions", "unknown section"),
}


@pytest.mark.parametrize("case", list(BAD_BOOKS))
def test_bad_book_lists_the_row_and_writes_nothing(run, story, tmp_path, case):
    mutate, path, words = BAD_BOOKS[case]
    data = fresh_book()
    mutate(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "nothing was written" in result.stderr.splitlines()[0]
    # a row's path, or a field below it (a fix may locate the problem more precisely)
    assert any(p.startswith(path) and p[len(path)] in ":.[" and words in p for p in listed), listed
    assert snapshot(story) == before


def test_bad_leverage_is_reported_at_its_field(run, story, tmp_path):
    """The path of a bad value names the field, e.g. $.accounts[1].sleeves[1].leverage."""
    data = fresh_book()
    _leverage(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    listed = problems(run("import", book))
    assert any(p.startswith("$.accounts[1].sleeves[1].leverage:") for p in listed), listed


def test_every_bad_row_is_listed(run, story, tmp_path):
    data = fresh_book()
    for mutate in (_weights, _margin_maybe, _cash_abc, _leverage, _negative_shares, _bad_price):
        mutate(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "the book has 6 problem(s)" in result.stderr.splitlines()[0]
    expected = ["$.prices[1].price", "$.models[0]", "$.accounts[0].margin_enabled",
                "$.accounts[0].sleeves[0].cash", "$.accounts[1].sleeves[1]", "$.accounts[2].sleeves[1].positions"]
    assert len(listed) == len(expected)
    assert all(p.startswith(path) for p, path in zip(listed, expected)), listed
    assert snapshot(story) == before


def test_bad_book_into_an_empty_store_writes_nothing(run, db_path, tmp_path):
    data = story_data()
    _unknown_model(data)
    book = tmp_path / "bad.json"
    book.write_text(json.dumps(data))
    problems(run("import", book))
    ok(run("accounts"))  # opens (and creates) the store
    assert {t: count(db_path, t) for t in ("accounts", "sleeves", "prices", "models", "audit")} == {
        "accounts": 0, "sleeves": 0, "prices": 0, "models": 0, "audit": 0}


@pytest.mark.parametrize("text, where", [
    ('{"prices": [}', "$: line 1 column 13"),
    ("", "$: line 1 column 1"),
    ('{"accounts": []', "$: line 1 column 16"),
])
def test_malformed_json(run, story, tmp_path, text, where):
    book = tmp_path / "bad.json"
    book.write_text(text)
    before = snapshot(story)
    result = run("import", book)
    listed = problems(result)
    assert "is not valid JSON" in result.stderr.splitlines()[0]
    assert listed and listed[0].startswith(where), listed
    assert snapshot(story) == before


@pytest.mark.parametrize("content", ['[1, 2]', '{"accounts": {}}'])
def test_wrong_top_level_shapes(run, story, tmp_path, content):
    book = tmp_path / "bad.json"
    book.write_text(content)
    before = snapshot(story)
    assert problems(run("import", book))[0].startswith("$")
    assert snapshot(story) == before


def test_missing_book_file(run, story, tmp_path):
    before = snapshot(story)
    assert "cannot read" in one_error_line(run("import", tmp_path / "nope.json"))
    assert snapshot(story) == before


@pytest.mark.parametrize("args, words, code", [
    (["set-leverage", "A-1001-APM", "1.5"], "is the APM", 1),
    (["set-leverage", "A-1001-M1", "0.5"], "between 1.0 and 2.0", 1),
    (["set-leverage", "A-1001-M1", "3"], "between 1.0 and 2.0", 1),
    (["set-leverage", "A-1001-M1", "abc"], "not a number", 2),
    (["set-leverage", "A-1001-M1", "nan"], "not a finite number", 2),
    (["set-leverage", "A-1001-M1", "inf"], "not a finite number", 2),
    (["set-leverage", "NOPE", "1.5"], "no sleeve NOPE", 1),
    (["set-leverage", "A-1001-M1", "1.5", "--expect-version", "7"], "version 7 -> 1", 1),
    (["track-manager", "A-1001-APM", "on"], "is the APM", 1),
    (["track-manager", "A-1001-M1", "maybe"], "'maybe' is not one of", 2),
    (["track-manager", "NOPE", "on"], "no sleeve NOPE", 1),
    (["acr", "A-1001-M1", "--kind", "yolo", "--ack", "all"], "'yolo' is not one of", 2),
    (["acr", "A-1001-M1", "--kind", "deposit", "--ack", "all"], "needs --amount", 1),
    (["acr", "A-1001-M1", "--kind", "rebalance", "--amount", "100", "--ack", "all"], "takes no amount", 1),
    (["acr", "A-1001-M1", "--kind", "withdrawal", "--amount", "-5", "--ack", "all"], "zero or more", 1),
    (["acr", "A-1001-M1", "--kind", "deposit", "--amount", "1.001", "--ack", "all"], "2 decimal places", 1),
    (["acr", "A-1001-M1", "--kind", "deposit", "--amount", "lots", "--ack", "all"], "not a number", 2),
    (["acr", "A-1001-M1", "--kind", "rebalance", "--ack", "all,yolo"], "unknown acknowledgement", 1),
    (["acr", "A-1001-APM", "--kind", "rebalance", "--ack", "all"], "never the APM", 1),
    (["acr", "NOPE", "--kind", "rebalance", "--ack", "all"], "no sleeve NOPE", 1),
    (["acr", "A-1001-M1", "--ack", "all"], "Missing option '--kind'", 2),
    (["show", "NOPE"], "no account NOPE", 1),
    (["fills", "--simulate", "99"], "no ACR 99", 1),
    (["accounts", "--limit", "0"], "--limit", 2),
])
def test_refused_commands_write_nothing(run, story, args, words, code):
    before = snapshot(story)
    line = one_error_line(run(*args), code=code)
    assert words in line
    assert snapshot(story) == before


@pytest.mark.parametrize("bad_row, problem", [
    ("999,filled,1,1", "line 3: no order 999"),
    ("{SPY},filled,181,500", "line 3: filled_quantity must be 0 to 180"),
])
def test_fill_file_with_one_bad_row_applies_nothing(run, built, tmp_path, bad_row, problem):
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price\n"
                    f"{ids['AGG']},filled,600,100\n{bad_row.format(SPY=ids['SPY'])}\n")
    db = tmp_path / "book.db"
    before = snapshot(db)
    result = run("fills", path)
    assert "nothing was applied" in result.stderr.splitlines()[0]
    assert problems(result) == [problem]
    assert snapshot(db) == before


def test_fill_file_that_is_not_text(run, built, tmp_path):
    path = tmp_path / "fills.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    db = tmp_path / "book.db"
    before = snapshot(db)
    assert "cannot read" in one_error_line(run("fills", path))
    assert snapshot(db) == before


def test_a_directory_as_db_is_one_clear_error(run, tmp_path):
    result = run("--db", tmp_path, "accounts")  # a directory, not a file
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert result.stderr.startswith("margin-console: ")



def test_demo_command(run, db_path):
    made = as_json(run("demo", "--accounts", "30", "--seed", "7", "--json"))
    assert made["accounts"] == 30 and made["db"] == str(db_path)
    assert count(db_path, "accounts") == 30 and count(db_path, "audit") == 1
    assert as_json(run("accounts", "--limit", "5", "--json"))["total"] == 30
    assert ok(run("doctor")).strip()
    before = snapshot(db_path)
    assert "already holds 30 accounts" in one_error_line(run("demo", "--accounts", "5"))
    assert snapshot(db_path) == before
