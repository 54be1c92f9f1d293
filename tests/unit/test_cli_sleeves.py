"""`set-leverage` and `track-manager` (console/cli/sleeves.py): saved targets, conflicts, refusals."""
from __future__ import annotations

import pytest

from tests.unit.conftest import as_json, assert_refused_writes_nothing, ok, one_error_line, snapshot


def test_set_leverage_and_track_manager(run, story):
    assert as_json(run("track-manager", "A-1003-M1", "on", "--json")) == {
        "sleeve_id": "A-1003-M1", "track_manager": True, "version": 2}
    assert "Track manager OFF on A-1003-M1" in ok(run("track-manager", "A-1003-M1", "off"))
    assert as_json(run("set-leverage", "A-1003-M1", "1", "--expect-version", "3", "--json"))["version"] == 4
    trail = as_json(run("audit", "--account", "A-1003", "--json"))
    assert [r["action"] for r in trail] == ["set-leverage", "track-manager", "track-manager"]
    assert trail[2]["detail"] == {"from": False, "to": True}


def test_conflict_names_the_other_operator(run, story):
    ok(run("set-leverage", "A-1001-M1", "1.25", "--expect-version", "1"))
    before = snapshot(story)
    line = one_error_line(run("set-leverage", "A-1001-M1", "2", "--expect-version", "1", operator="bob"))
    assert "changed by alice" in line and "A-1001-M1" in line
    assert snapshot(story) == before


@pytest.mark.parametrize("args, words, code", [
    (["set-leverage", "A-1001-APM", "1.5"], "is the APM", 1),
    (["set-leverage", "A-1001-M1", "0.5"], "between 1.00 and 2.00", 1),
    (["set-leverage", "A-1001-M1", "3"], "between 1.00 and 2.00", 1),
    (["set-leverage", "A-1001-M1", "abc"], "not a number", 2),
    (["set-leverage", "A-1001-M1", "nan"], "not a finite number", 2),
    (["set-leverage", "A-1001-M1", "inf"], "not a finite number", 2),
    (["set-leverage", "NOPE", "1.5"], "no sleeve NOPE", 1),
    (["set-leverage", "A-1001-M1", "1.5", "--expect-version", "7"], "version 7 -> 1", 1),
    (["track-manager", "A-1001-APM", "on"], "is the APM", 1),
    (["track-manager", "A-1001-M1", "maybe"], "'maybe' is not one of", 2),
    (["track-manager", "NOPE", "on"], "no sleeve NOPE", 1),
    (["revert-target", "A-1003-M1"], "nothing pending to revert: saved = applied = 1.00x", 1),
    (["revert-target", "A-1001-APM"], "is the APM", 1),
    (["revert-target", "A-1001-M1", "--expect-version", "7"], "version 7 -> 1", 1),
])
def test_refused_sleeve_edits_write_nothing(run, story, args, words, code):
    assert_refused_writes_nothing(run, story, args, words, code)


def test_revert_target_puts_the_pending_leverage_back(run, story):
    # A-1001-M1: saved 1.50x, applied 1.00x (pending). revert-target is the undo before an ACR: audited,
    # versioned like set-leverage, and the PENDING_LEVERAGE diagnostic is gone.
    assert as_json(run("revert-target", "A-1001-M1", "--expect-version", "1", "--json")) == {
        "sleeve_id": "A-1001-M1", "leverage": 1.0, "version": 2, "traded": False}
    shown = as_json(run("show", "A-1001", "--json"))
    m1 = next(s for s in shown["sleeves"] if s["id"] == "A-1001-M1")
    assert (m1["saved_leverage"], m1["applied_leverage"]) == (1.0, 1.0)
    assert "PENDING_LEVERAGE" not in {d["code"] for d in shown["diagnostics"]}
    trail = as_json(run("audit", "--account", "A-1001", "--json"))
    assert trail[0]["action"] == "revert-target" and trail[0]["operator"] == "alice"
    assert trail[0]["detail"] == {"from": "1.5", "to": "1.0", "applied": "1.0"}
    again = one_error_line(run("revert-target", "A-1001-M1"))
    assert "nothing pending to revert" in again
