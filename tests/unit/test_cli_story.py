"""The source document's story through the CLI: import, save leverage, a $1 ACR, fills, the audit trail."""
from __future__ import annotations

import pytest

from tests.unit.conftest import ACK, STORY_BOOK, as_json, count, ok


def test_story_end_to_end(run, db_path, tmp_path):
    assert as_json(run("import", STORY_BOOK, "--json")) == {
        "prices": 4, "models": 2, "rates": 2, "accounts": 3, "sleeves": 6}

    # "I changed leverage but nothing happened": save it (twice), nothing trades.
    first = as_json(run("set-leverage", "A-1001-M1", "1.25", "--json"))
    assert first == {"sleeve_id": "A-1001-M1", "leverage": 1.25, "version": 2, "traded": False}
    text = ok(run("set-leverage", "A-1001-M1", "1.5"))
    assert "Saved leverage 1.50x on A-1001-M1" in text and "nothing traded" in text and "$1 ACR" in text
    assert count(db_path, "orders") == 0

    shown = as_json(run("show", "A-1001", "--json"))
    m1 = next(s for s in shown["sleeves"] if s["id"] == "A-1001-M1")
    assert (m1["saved_leverage"], m1["applied_leverage"], m1["cash"], m1["version"]) == (1.5, 1.0, 100000.0, 3)
    assert {"code": "PENDING_LEVERAGE", "sleeve_id": "A-1001-M1", "detail": "saved 1.50x but applied 1.00x",
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
