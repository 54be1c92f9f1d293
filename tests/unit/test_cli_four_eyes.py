"""Four eyes and the lifecycle on the command line: the login is the identity, roles gate the commands, the queue
and every transition have a command, and a refusal is one line with nothing written."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import console.cli
from console.cli.start import console_settings
from store.errors import Refused
from store.settings import Settings
from tests.conftest import FIXED_NOW, fixed_clock
from tests.unit.conftest import ACK, STORY_BOOK, as_json, ok, one_error_line, snapshot


@pytest.fixture
def cli(db_path: Path):
    """Run the CLI as the OS login `login` (the one thing a user cannot set), optionally claiming `claim`."""

    def _run(*args: Any, login: str = "oscar", claim: str | None = None, clock: Any = fixed_clock) -> Result:
        environment = {"MARGIN_CONSOLE_DB": str(db_path), "MARGIN_CONSOLE_OPERATOR": claim}
        return CliRunner().invoke(console.cli.cli, [str(a) for a in args],
                                  obj={"clock": clock, "login": login}, env=environment)

    return _run


@pytest.fixture
def desk(cli, db_path) -> Path:
    """The story book with ada (admin), oscar (operator), petra (approver), vic (viewer) and a 1.25x rule."""
    ok(cli("import", STORY_BOOK, login="ada"))
    ok(cli("operators", "add", "ada", "--role", "admin", login="ada"))
    for name, role in (("oscar", "operator"), ("petra", "approver"), ("vic", "viewer")):
        ok(cli("operators", "add", name, "--role", role, login="ada"))
    ok(cli("policy", "set", "--four-eyes-leverage-above", "1.25", login="ada"))
    return db_path


@pytest.fixture
def waiting(cli, desk) -> dict[str, Any]:
    return as_json(cli("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))


def test_operators_and_policy_commands(cli, desk):
    listed = as_json(cli("operators", "list", "--json", login="vic"))
    assert [(o["name"], o["role"], o["active"]) for o in listed][:2] == [("ada", "admin", True), ("oscar", "operator", True)]
    shown = as_json(cli("policy", "show", "--json", login="vic"))
    assert shown["four_eyes_leverage_above"] == 1.25 and shown["four_eyes_withdrawals"] is False
    assert "leverage above     1.25x" in ok(cli("policy", "show"))
    line = one_error_line(cli("policy", "set", "--four-eyes-withdrawals", login="petra"), code=1)
    assert "setting the four-eyes policy needs the admin role; petra is a approver" in line
    assert "oscar (operator) is disabled" in ok(cli("operators", "disable", "oscar", login="ada"))
    line = one_error_line(cli("set-leverage", "A-1001-M1", "1.25"), code=1)
    assert "oscar is not an operator of this book" in line


def test_the_first_operator_must_be_an_admin(cli, db_path):
    ok(cli("import", STORY_BOOK))
    line = one_error_line(cli("operators", "add", "oscar", "--role", "operator"), code=1)
    assert "the first operator of a book must be an admin" in line


def test_a_claim_is_an_admins_only(cli, desk):
    before = snapshot(desk)
    line = one_error_line(cli("set-leverage", "A-1001-M1", "1.25", claim="petra"), code=1)
    assert "only an admin may act for another operator: oscar claimed to be petra" in line
    line = one_error_line(cli("--operator", "petra", "set-leverage", "A-1001-M1", "1.25"), code=1)
    assert "oscar claimed to be petra" in line
    assert snapshot(desk) == before
    ok(cli("set-leverage", "A-1001-M1", "1.25", login="ada", claim="oscar"))
    trail = as_json(cli("audit", "--limit", "1", "--json"))
    assert trail[0]["operator"] == "ada (admin for oscar)"


def test_a_viewer_is_refused_every_write(cli, desk):
    before = snapshot(desk)
    line = one_error_line(cli("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, login="vic"), code=1)
    assert "`acr` needs the operator role; vic is a viewer" in line
    assert snapshot(desk) == before


def test_the_queue_on_the_command_line(cli, desk, waiting):
    assert waiting["status"] == "awaiting_approval" and waiting["orders"] == []
    assert waiting["four_eyes"] == ["leverage 1.50x is above 1.25x"] and waiting["requesters"] == ["oscar"]
    text = ok(cli("acr", "A-1001-M1", "--kind", "one-dollar", *ACK))  # the retry: same ACR, says why it waits
    assert "awaiting_approval" in text and f"margin-console approve {waiting['id']}" in text
    listed = as_json(cli("approvals", "list", "--json", login="vic"))
    assert [a["id"] for a in listed] == [waiting["id"]]
    assert "leverage 1.50x is above 1.25x" in ok(cli("approvals"))
    before = snapshot(desk)
    line = one_error_line(cli("approve", waiting["id"]), code=1)
    assert "needs the approver role; oscar is a operator" in line
    assert snapshot(desk) == before
    done = as_json(cli("approve", waiting["id"], "--json", login="petra"))
    assert done["status"] == "built" and done["decided_by"] == "petra" and len(done["orders"]) == 2
    line = one_error_line(cli("approve", waiting["id"], login="ada"), code=1)
    assert f"ACR {waiting['id']} is built: only awaiting_approval ACRs can be approved (by petra)" in line


def test_the_requester_cannot_approve_their_own(cli, desk):
    own = as_json(cli("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json", login="petra"))
    line = one_error_line(cli("approve", own["id"], login="petra"), code=1)
    assert "the four-eyes rule needs a second person, so petra cannot approve it" in line


def test_a_changed_build_names_both_and_needs_confirm(cli, desk, waiting, tmp_path):
    prices = tmp_path / "p.csv"
    prices.write_text("symbol,price,as_of\nSPY,450,2026-11-21\n", encoding="utf-8")
    ok(cli("prices", prices))
    line = one_error_line(cli("approve", waiting["id"], login="petra"), code=1)
    assert "requested at 1.50x buy 600 AGG, buy 180 SPY; now at 1.50x" in line and "--confirm " in line
    digest = line.rsplit("--confirm ", 1)[1].strip()
    assert as_json(cli("approve", waiting["id"], "--confirm", digest, "--json", login="petra"))["status"] == "built"


def test_reject_needs_a_reason(cli, desk, waiting):
    result = cli("reject", waiting["id"], login="petra")
    assert result.exit_code == 2 and "--reason" in result.stderr
    done = as_json(cli("reject", waiting["id"], "--reason", "too much", "--json", login="petra"))
    assert done["status"] == "rejected" and done["decision_reason"] == "too much"


def test_submit_expire_cancel_and_resubmit(cli, desk):
    ok(cli("policy", "set", login="ada"))  # no rule: ACRs go through alone
    first = as_json(cli("acr", "A-1001-M1", "--kind", "one-dollar", *ACK, "--json"))
    line = one_error_line(cli("orders", "--submit"), code=2)
    assert "--submit marks one ACR's orders: give --acr ID" in line
    exported = ok(cli("orders", "--acr", first["id"], "--csv", "--submit"))
    assert exported.startswith("id,acr_id,") and exported.count("\n") == 3
    assert as_json(cli("orders", "--acr", first["id"], "--json"))[0]["status"] == "new"
    line = one_error_line(cli("orders", "--acr", first["id"], "--csv", "--submit"), code=1)
    assert f"ACR {first['id']} is submitted: only built ACRs can be submitted" in line
    line = one_error_line(cli("cancel", first["id"]), code=1)
    assert "is submitted: only awaiting_approval or built ACRs can be cancelled" in line
    line = one_error_line(cli("expire", "--before", "2026-11-22T00:00Z"), code=1)
    assert "is in the future" in line
    assert "0 ACR(s) expired" in ok(cli("expire", "--before", "2026-11-21T14:00Z"))
    line = one_error_line(cli("resubmit", first["id"], *ACK), code=1)
    assert "is submitted: only failed or expired or cancelled ACRs can be resubmitted" in line
    line = one_error_line(cli("expire", "--before", "2026-11-21T14:00Z", login="cron"), code=1)
    assert "cron is not an operator of this book: `expire` needs the operator role" in line
    ok(cli("operators", "add", "cron", "--role", "operator", login="ada"))  # the login cron runs as
    after_close = lambda: FIXED_NOW + timedelta(hours=7)
    expired = as_json(cli("expire", "--before", "2026-11-21T21:00Z", "--json", login="cron", clock=after_close))
    assert [(a["id"], a["status"]) for a in expired] == [(first["id"], "expired")]
    assert as_json(cli("show", "A-1001", "--json"))["sleeves"][1]["applied_leverage"] == 1.0  # given back
    again = as_json(cli("resubmit", first["id"], *ACK, "--json"))
    assert again["status"] == "built" and again["resubmit_of"] == first["id"]
    assert f"resubmitting ACR {first['id']} (already resubmitted)" in ok(cli("resubmit", first["id"], *ACK))
    assert "cancelled" in ok(cli("cancel", again["id"], "--reason", "client called"))
    assert as_json(cli("show", "A-1001", "--json"))["sleeves"][1]["applied_leverage"] == 1.0


def test_read_only_refuses_the_new_write_commands_before_opening(cli, desk):
    for args in (("approve", "1"), ("reject", "1", "--reason", "x"), ("expire", "--before", "2026-11-21"),
                 ("operators", "add", "zed", "--role", "viewer"), ("policy", "set"),
                 ("orders", "--acr", "1", "--submit")):
        line = one_error_line(cli("--read-only", *args, login="ada"), code=1)
        assert "this session is read-only" in line, args


def test_the_console_opens_read_only_for_a_viewer_or_a_stranger(desk):
    base = Settings.load(None, db=desk)
    for login in ("vic", "mallory"):
        viewer = console_settings(base, login, fixed_clock)
        assert viewer.read_only and "this login's role in the book" in viewer.where("read_only")
    assert not console_settings(base, "oscar", fixed_clock).read_only
    acting = console_settings(Settings.load(None, db=desk, operator="oscar"), "ada", fixed_clock)
    assert acting.operator == "ada (admin for oscar)" and not acting.read_only
    with pytest.raises(Refused, match="only an admin may act for another operator"):
        console_settings(Settings.load(None, db=desk, operator="ada"), "oscar", fixed_clock)
