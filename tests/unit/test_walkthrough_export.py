"""The walkthrough run's Markdown export (console/walkthrough_export.py) and the `walkthrough` CLI group."""
from __future__ import annotations

import json
from pathlib import Path

from console.walkthrough_export import export_markdown
from store.core import Store
from store.fills import simulate_fills
from store.queries.walkthrough import load_run
from store.walkthrough import record_step, start_run
from tests.unit.conftest import STORY_BOOK, count
from tests.unit.test_store_walkthrough import CASH_SLEEVE, SLEEVE, fire, full_story

# -- export ---------------------------------------------------------------------------------------------


def test_export_of_the_story_names_everything_a_ticket_needs(story_store: Store):
    run = full_story(story_store)
    text = export_markdown(load_run(story_store, run))
    assert text.startswith(f"# Margin walkthrough run {run}: A-1001 Jane Doe Trust\n")
    for expected in (
        "| Account | A-1001 · Jane Doe Trust |",
        "| Custodian | Schwab · margin account · margin enabled |",
        "| Sleeve | A-1001-M1 · model CORE6040 (Core 60/40) |",
        "| Leverage now | saved 1.50x · applied 1.50x |",
        "| Operator | alice |",
        "| Started | 2026-11-21T15:00:00+00:00 |",
        "| Finished | 2026-11-21T15:00:00+00:00 |",
        "| Status | completed |",
        "## Step 1: Update leverage (completed)",
        "> Go to Target, select the model sleeve, edit the Leverage tab, save the target.",
        "- What was confirmed: Target 1.50x saved in the editor",
        "## Step 2: Activate the change (completed)",
        "- ACR: 1 (one-dollar, built)",
        "## Step 3: Quick checklist (completed)",
        "### ACR 1: $1 allocation, built",
        "| 1 | buy | AGG | 600 | 100.00 | 60,000.00 | new | 0 |",
        "| 2 | buy | SPY | 180 | 500.00 | 90,000.00 | new | 0 |",
        "- [x] Custodian account enabled for margin: Schwab: margin enabled, margin account",
        "- [x] Sleeve cash reviewed: sleeve cash 100,001.00, 49,999.00 debit once the 2 open order(s) fill "
        "(margin debit inside the model sleeve)",
        "| 3 | 2026-11-21T15:00:00+00:00 | 3 Quick checklist | completed | alice | - | - |",
    ):
        assert expected in text, expected


def test_export_shows_the_acrs_current_status_after_fills(story_store: Store):
    run = full_story(story_store)
    simulate_fills(story_store, 1, "alice")
    text = export_markdown(load_run(story_store, run))
    assert "### ACR 1: $1 allocation, complete" in text
    assert "| 1 | buy | AGG | 600 | 100.00 | 60,000.00 | filled | 600 |" in text
    assert "| Sleeve cash now | 49,999.00 debit |" in text


def test_export_of_a_blocked_run_carries_the_code_the_fix_and_the_current_checklist(story_store: Store):
    run = start_run(story_store, CASH_SLEEVE, "alice")
    record_step(story_store, run, "leverage", "completed", "alice", confirmed="Target 1.50x confirmed as saved")
    acr = fire(story_store, CASH_SLEEVE)
    record_step(story_store, run, "activate", "blocked", "alice", reason=f"{acr.code}: {acr.reason}", acr_id=acr.id)
    text = export_markdown(load_run(story_store, run))
    assert "| Custodian | Fidelity · cash account · margin NOT enabled |" in text
    assert "| Finished | not finished |" in text and "| Status | open |" in text
    assert "Warning: A-1002 cannot margin (a cash account cannot carry margin)" in text
    assert "## Step 2: Activate the change (blocked)" in text
    assert "- Reason: MARGIN_NOT_ENABLED: " in text
    assert "### ACR 1: $1 allocation, failed" in text
    assert "- Failure: **MARGIN_NOT_ENABLED**" in text
    assert "- Fix: Confirm margin with the custodian, or set the target back to 1.0." in text
    assert "- Orders: none" in text
    assert "## Step 3: Quick checklist (open)" in text
    assert "_Not completed in the run: as the store says at export (2026-11-21T15:00:00+00:00)._" in text
    assert "- [ ] Custodian account enabled for margin (FAILED MARGIN_NOT_ENABLED): leverage 1.50x needs margin, " \
           "but a cash account cannot carry margin. Fix: Confirm margin with the custodian, or set the target back to 1.0." in text


def test_export_escapes_table_cells_and_keeps_earlier_records(story_store: Store):
    run = start_run(story_store, SLEEVE, "alice")
    record_step(story_store, run, "leverage", "skipped", "alice", reason="a | b")
    record_step(story_store, run, "leverage", "retried", "alice")
    record_step(story_store, run, "leverage", "completed", "alice", confirmed="ok")
    text = export_markdown(load_run(story_store, run))
    assert "| a \\| b |" in text
    assert "- Earlier records: skipped at 2026-11-21T15:00:00+00:00 by alice (a | b); retried at " in text


# -- CLI ------------------------------------------------------------------------------------------------


def test_cli_export_prints_the_markdown_and_writes_a_file(run, story_store: Store, tmp_path: Path):
    run_id = full_story(story_store)
    done = run("walkthrough", "export", run_id)
    assert done.exit_code == 0 and done.stderr == ""
    assert done.stdout == export_markdown(load_run(story_store, run_id))
    out = tmp_path / "ticket.md"
    done = run("walkthrough", "export", run_id, "--out", out)
    assert done.exit_code == 0 and done.stdout == f"Walkthrough run {run_id} -> {out}\n"
    assert out.read_text(encoding="utf-8").startswith("# Margin walkthrough run 1: A-1001 Jane Doe Trust")


def test_cli_export_of_an_unknown_run_is_one_error_line(run, story_store: Store):
    done = run("walkthrough", "export", "42")
    assert done.exit_code == 1
    assert done.stderr.strip().splitlines() == ["margin-console: error: no walkthrough run 42"]


def test_cli_list_table_and_json(run, story_store: Store):
    first = full_story(story_store)
    second = start_run(story_store, CASH_SLEEVE, "bob")
    table = run("walkthrough", "list")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["run", "account", "sleeve", "operator", "started", "finished", "status", "steps"]
    assert lines[2].split()[:3] == [str(second), "A-1002", "A-1002-M1"] and lines[2].endswith("1:open 2:open 3:open")
    assert lines[3].endswith("completed  1:done 2:done 3:done")
    data = json.loads(run("walkthrough", "list", "--account", "A-1001", "--json").stdout)
    assert [(d["id"], d["status"], d["states"]["checklist"]) for d in data] == [(first, "completed", "completed")]
    assert count(story_store.path, "walkthrough_runs") == 2


def test_cli_list_of_an_empty_book(run, db_path: Path):
    assert run("import", STORY_BOOK).exit_code == 0
    done = run("walkthrough", "list")
    assert done.exit_code == 0 and done.stdout == "(none)\n"
