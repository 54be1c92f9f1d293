"""`acr` (console/cli/acrs.py): the readable ACR, the checklist gate, idempotency, refusals."""
from __future__ import annotations

import json

import pytest

from tests.unit.conftest import (
    ACK,
    as_json,
    assert_refused_writes_nothing,
    count,
    ok,
    one_error_line,
    snapshot,
)


def test_acr_readable_and_orders_listing(run, story, db_path):
    text = ok(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK))
    assert "ACR 1 one-dollar on A-1001-M1 at 1.50x: built" in text and "60,000.00" in text
    text = ok(run("orders"))
    assert "A-1001-M1" in text and "SPY" in text and "AGG" in text and "new" in text
    assert len(as_json(run("orders", "--account", "A-1001", "--json"))) == 2
    assert as_json(run("orders", "--account", "A-1002", "--json")) == []


# -- the checklist gate -----------------------------------------------------------------------------


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
    assert "failed MARGIN_NOT_ENABLED" in line and "Fix: Confirm margin with the custodian" in line
    acr = json.loads(result.stdout)
    assert (acr["status"], acr["code"], acr["orders"]) == ("failed", "MARGIN_NOT_ENABLED", [])
    margin_item = next(i for i in acr["checklist"] if i["id"] == "margin-enabled")
    assert (margin_item["status"], margin_item["evaluated"]) == ("failed", True)
    after = snapshot(story)
    assert after["sleeves"] == before["sleeves"] and after["orders"] == []
    assert count(story, "acrs") == 1
    assert as_json(run("audit", "--account", "A-1002", "--json"))[0]["action"] == "acr-failed"
    assert "MARGIN_NOT_ENABLED" in ok(run("accounts", "--filter", "cash only"))


# -- idempotency through the CLI --------------------------------------------------------------------


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


# -- refusals write nothing -------------------------------------------------------------------------


@pytest.mark.parametrize("args, words, code", [
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
])
def test_refused_acrs_write_nothing(run, story, args, words, code):
    assert_refused_writes_nothing(run, story, args, words, code)


def test_request_key_reused_for_another_intent_exits_2_and_writes_nothing(run, story):
    """Issue 11: K1 on a deposit after a one-dollar ACR printed the first ACR and made no deposit."""
    ok(run("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--request-key", "K1"))
    assert_refused_writes_nothing(
        run, story, ["acr", "A-1002-M1", "--kind", "deposit", "--amount", "500", *ACK, "--request-key", "K1"],
        "request key K1 was used for the one-dollar ACR 1 on A-1001-M1; use a new key", 2)
