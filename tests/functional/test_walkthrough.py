"""The guided walkthrough, driven with Pilot: the source document's story, a skip, a block, and the guards."""
from __future__ import annotations

from decimal import Decimal

from textual.command import CommandList, CommandPalette

from console.screens.acr_screen import AcrScreen
from console.screens.amount_modal import AmountModal
from console.screens.activation_modal import ActivationModal
from console.screens.confirm_modal import ConfirmModal
from console.screens.detail_screen import DetailScreen
from console.screens.editor_modal import LeverageEditor
from console.screens.reason_modal import ReasonModal
from console.screens.walkthrough_screen import WalkthroughScreen
from console.walkthrough_export import export_markdown
from store.core import Store
from store.queries.walkthrough import list_runs, load_run
from tests.conftest import fixed_clock, settle
from store.queries.audit import audit_trail
from store.queries.orders import list_acrs


async def open_walkthrough(app, pilot, account: str) -> WalkthroughScreen:
    await settle(pilot)
    app.open_account(account)
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, WalkthroughScreen)
    assert screen.view is not None
    return screen


async def choose_activation(app, pilot, kind: str) -> None:
    """From step 2: enter opens the activation chooser; pick `kind`."""
    await pilot.press("enter")
    await settle(pilot)
    modal = app.screen
    assert isinstance(modal, ActivationModal)
    options = modal.query_one("#activation-kinds")
    options.highlighted = [options.get_option_at_index(i).id for i in range(options.option_count)].index(kind)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_source_documents_story_as_a_walkthrough(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        wt = await open_walkthrough(app, pilot, "A-1001")
        run_id = wt.run_id
        assert wt.step == "leverage"
        body = str(wt.query_one("#wt-step").render())
        assert "saved 1.50x · applied 1.00x" in body and "You confirm" in body

        # Step 1: choose the model sleeve (the run's), edit leverage, save the target.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeverageEditor)
        app.screen.query_one("#leverage").value = "1.5"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is wt
        assert wt.view.state("leverage") == "completed"
        assert wt.view.last("leverage").confirmed == "Target 1.50x on A-1001-M1 saved in the leverage editor"
        assert wt.step == "activate"  # the highlight moves on to the next step

        # Step 2: a $1 allocation through the same checklist gate and confirmation as the console.
        await choose_activation(app, pilot, "one-dollar")
        acr = app.screen
        assert isinstance(acr, AcrScreen) and (acr.kind, acr.amount) == ("one-dollar", Decimal(0))
        await pilot.press("f")  # open acknowledgements: refused, no dialog, nothing written
        await settle(pilot)
        assert app.screen is acr and acr.result is None
        await pilot.press("x", "f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal) and app.screen.focused.id == "cancel"
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert acr.result is not None and acr.result.status == "built"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wt
        assert wt.view.state("activate") == "completed"
        assert wt.view.last("activate").acr_id == acr.result.id
        assert wt.step == "checklist"

        # Step 3: the quick checklist; the sleeve cash review defaults to Cancel.
        body = str(wt.query_one("#wt-step").render())
        assert "Custodian account enabled for margin" in body
        assert "49,999.00 debit once the 2 open order(s) fill" in body
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal) and app.screen.focused.id == "cancel"
        await pilot.press("enter")  # Cancel: nothing recorded
        await settle(pilot)
        assert app.screen is wt and wt.view.state("checklist") == "open"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.screen is wt
        assert wt.view.status == "completed" and wt.view.finished
        await pilot.press("c")  # a finished run takes no more records
        await settle(pilot)
        assert any("is completed" in n for n in notes.messages)

    with Store(settings.db, settings, fixed_clock) as store:
        view = load_run(store, run_id)
        assert [(r.step, r.outcome, r.operator) for r in view.records] == [
            ("leverage", "completed", "alice"), ("activate", "completed", "alice"), ("checklist", "completed", "alice")]
        assert len(list_acrs(store, "A-1001")) == 1
        assert [r.action for r in audit_trail(store, "A-1001")][:7] == [
            "walkthrough-finish", "walkthrough-step", "walkthrough-step", "acr-built", "walkthrough-step",
            "set-leverage", "walkthrough-start"]
        text = export_markdown(view)
    assert "| Status | completed |" in text
    assert "- What was confirmed: ACR 1 (one-dollar) fired through the checklist gate and confirmed: built, " \
           "2 order(s)" in text
    assert "- What was confirmed: Sleeve cash reviewed by alice: sleeve cash 100,001.00, 49,999.00 debit once " \
           "the 2 open order(s) fill (margin debit inside the model sleeve)" in text
    assert "| 2 | buy | SPY | 180 | 500.00 | 90,000.00 | new | 0 |" in text
    assert "- [x] Rebalance, CMA, manual allocation/liquidation: ACR 1 ($1 allocation) built; applied 1.50x " \
           "equals saved" in text


async def test_a_skipped_step_needs_a_reason(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        wt = await open_walkthrough(app, pilot, "A-1001")
        await pilot.press("s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ReasonModal)
        await pilot.press("enter")  # empty: refused in the dialog
        await settle(pilot)
        assert app.screen is modal
        assert "A reason is required" in str(modal.query_one("#reason-error").render())
        await pilot.press(*"target saved by the advisor yesterday")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is wt
        assert wt.view.state("leverage") == "skipped" and wt.step == "activate"
        # escape from the reason dialog records nothing
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert wt.view.state("activate") == "open"
        run_id = wt.run_id
    with Store(settings.db, settings, fixed_clock) as store:
        view = load_run(store, run_id)
        assert [(r.step, r.outcome, r.reason) for r in view.records] == [
            ("leverage", "skipped", "target saved by the advisor yesterday")]
        assert "- Reason: target saved by the advisor yesterday" in export_markdown(view)


async def test_the_cash_account_is_blocked_at_step_2_and_can_retry(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        wt = await open_walkthrough(app, pilot, "A-1002")
        body = str(wt.query_one("#wt-step").render())
        assert "cannot margin" in body
        await pilot.press("c")  # the saved 1.5 is a valid target: step 1 completes as saved
        await settle(pilot)
        assert wt.view.state("leverage") == "completed"
        assert wt.view.last("leverage").confirmed == "Target 1.50x on A-1002-M1 confirmed as saved"

        await choose_activation(app, pilot, "one-dollar")
        acr = app.screen
        assert isinstance(acr, AcrScreen) and acr.checklist.blocking_code == "MARGIN_NOT_ENABLED"
        await pilot.press("x", "f")  # blocked: no confirmation, recorded as failed
        await settle(pilot)
        assert acr.result is not None and acr.result.code == "MARGIN_NOT_ENABLED"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wt
        assert wt.view.state("activate") == "blocked"
        last = wt.view.last("activate")
        assert last.reason.startswith("MARGIN_NOT_ENABLED: ") and last.acr_id == acr.result.id
        assert any("Step 2 blocked: ACR 1 failed MARGIN_NOT_ENABLED" in n for n in notes.messages)
        assert wt.step == "activate"

        await pilot.press("enter")  # a blocked step is reopened with r, not redone blindly
        await settle(pilot)
        assert app.screen is wt and any("press r to retry" in n for n in notes.messages)
        await pilot.press("r")
        await settle(pilot)
        assert wt.view.state("activate") == "open"
        await pilot.press("down")
        await settle(pilot)
        await pilot.press("c")  # step 2 is open again: step 3 waits for it
        await settle(pilot)
        assert any("Step 2 (Activate the change) comes first" in n for n in notes.messages)
        await pilot.press("up", "s")
        await settle(pilot)
        await pilot.press(*"custodian ticket opened", "enter")
        await settle(pilot)
        assert wt.view.state("activate") == "skipped" and wt.step == "checklist"

        # Step 3: what the store says refuses c; enter records the block with its codes.
        notes.clear()
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is wt and wt.view.state("checklist") == "open"
        assert any(n.startswith("Not completed: Custodian account enabled for margin: leverage 1.50x needs margin")
                   for n in notes.messages)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is wt and wt.view.state("checklist") == "blocked" and not wt.view.finished
        assert wt.view.last("checklist").reason == (
            "Custodian account enabled for margin (MARGIN_NOT_ENABLED); "
            "Rebalance, CMA, manual allocation/liquidation (MARGIN_NOT_ENABLED)")
        run_id = wt.run_id
    with Store(settings.db, settings, fixed_clock) as store:
        view = load_run(store, run_id)
        assert [r.outcome for r in view.records] == ["completed", "blocked", "retried", "skipped", "blocked"]
        assert list_acrs(store, "A-1002")[0].orders == []
        text = export_markdown(view)
    assert "### ACR 1: $1 allocation, failed" in text
    assert "- Failure: **MARGIN_NOT_ENABLED**" in text
    assert "- Earlier records: blocked at 2026-11-21T15:00:00+00:00 by alice (MARGIN_NOT_ENABLED: " in text
    assert "## Step 2: Activate the change (skipped)" in text and "- Reason: custodian ticket opened" in text
    assert "## Step 3: Quick checklist (blocked)" in text
    assert "_As recorded at 2026-11-21T15:00:00+00:00 (blocked, alice)._" in text
    assert "- [ ] Custodian account enabled for margin (FAILED MARGIN_NOT_ENABLED): leverage 1.50x needs margin, " \
           "but a cash account cannot carry margin. Fix: Confirm margin with the custodian, or set the target back to 1.0." in text


async def test_complete_is_refused_while_the_store_contradicts_it(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        wt = await open_walkthrough(app, pilot, "A-1001")
        await pilot.press("down")  # step 2 before step 1: refused, nothing opens
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is wt and any("Step 1 (Update leverage) comes first" in n for n in notes.messages)
        await pilot.press("up", "c")
        await settle(pilot)
        assert wt.view.state("leverage") == "completed" and wt.step == "activate"
        await pilot.press("c")  # saved 1.50x is not applied: c is refused
        await settle(pilot)
        assert wt.view.state("activate") == "open"
        assert any(n.startswith("Not completed: saved 1.50x is not applied") for n in notes.messages)
        await pilot.press("up", "enter")  # a completed step: retry first
        await settle(pilot)
        assert app.screen is wt and any("Step 1 is completed: press r to retry it" in n for n in notes.messages)
        run_id = wt.run_id
    with Store(settings.db, settings, fixed_clock) as store:
        assert [r.outcome for r in load_run(store, run_id).records] == ["completed"]
        assert list_acrs(store, "A-1001") == []


async def test_leaving_the_acr_screen_without_firing_keeps_step_2_open(story_db, make_app, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        wt = await open_walkthrough(app, pilot, "A-1001")
        await pilot.press("c")
        await settle(pilot)
        await choose_activation(app, pilot, "rebalance")
        assert isinstance(app.screen, AcrScreen) and app.screen.kind == "rebalance"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wt and wt.view.state("activate") == "open"
        assert any("No ACR fired: step 2 stays open." in n for n in notes.messages)
        # A cash kind asks the amount first, then the same gate.
        await choose_activation(app, pilot, "deposit")
        assert isinstance(app.screen, AmountModal)
        await pilot.press(*"2500", "enter")
        await settle(pilot)
        acr = app.screen
        assert isinstance(acr, AcrScreen) and (acr.kind, acr.amount) == ("deposit", Decimal("2500"))
        await pilot.press("escape")
        await settle(pilot)
        # The editor cancelled after a retry saves nothing and records nothing.
        await pilot.press("up", "r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeverageEditor)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wt and wt.view.state("leverage") == "open"
        assert [r.outcome for r in wt.view.records] == ["completed", "retried"]


async def test_escape_leaves_and_w_resumes_the_open_run(story_db, make_app, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        wt = await open_walkthrough(app, pilot, "A-1001")
        first = wt.run_id
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("w")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, WalkthroughScreen) and again.run_id == first
        assert again.view.state("leverage") == "completed" and again.step == "activate"
        assert any(f"Resumed your open walkthrough run {first}" in n for n in notes.messages)


async def test_the_palette_opens_the_walkthrough_from_an_account(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"walkthrough")
        for _ in range(40):
            await settle(pilot)
            commands = palette.query_one(CommandList)
            prompts = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
            if any(p.startswith("Walkthrough (w)") for p in prompts):
                break
        index = next(i for i, p in enumerate(prompts) if p.startswith("Walkthrough (w)"))
        commands.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkthroughScreen) and app.screen.sleeve_id == "A-1001-M1"
    with Store(settings.db, settings, fixed_clock) as store:
        assert [(r.account_id, r.status) for r in list_runs(store)] == [("A-1001", "open")]
