"""The risk panel in the detail screen, the leverage editor and the ACR checklist, on A-1001 of the story book.

A-1001: APM cash 5,000; model sleeve A-1001-M1 (CORE6040: SPY 60 % / AGG 40 %) with 100,000 cash and nothing
held, saved 1.5x, applied 1.0x; SPY 500, AGG 100; house maintenance 30 %; Schwab 9 % below a 100,000 debit.
"""
from __future__ import annotations

import threading
from decimal import Decimal

from textual.widgets import Input

import console.screens.detail_screen as detail_module
from console.screens.acr_screen import AcrScreen
from console.screens.detail_screen import DetailScreen
from console.screens.editor_modal import LeverageEditor
from tests.conftest import settle, wait_for
from widgets.checklist_panel import ChecklistPanel
from widgets.risk_panel import RiskPanel

D = Decimal


async def open_detail(pilot, account_id: str = "A-1001") -> DetailScreen:
    await settle(pilot)
    pilot.app.open_account(account_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    await wait_for(pilot, lambda: screen.query_one(RiskPanel).risk is not None)
    return screen


def text(panel: RiskPanel) -> str:
    return str(panel.render())


def scenario(report, move: str):
    return next(s for s in report.scenarios if s.move == D(move))


def assert_now_all_cash(current) -> None:
    """Now: the sleeve holds cash only, so no move changes the account's equity of 105,000 (no debit)."""
    assert current.basis == "current" and current.leverage == D("1.0")
    assert [s.equity_after for s in current.scenarios] == [D(105000)] * 4
    assert not current.any_call and current.debit == 0
    assert (current.interest_day, current.interest_year) == (0, 0)
    # P&L at 1.0x and at the applied 1.0x: move x 100,000 x 1.0.
    assert scenario(current, "-0.10").sleeve_pnl_1x == scenario(current, "-0.10").sleeve_pnl_at_l == D(-10000)


def assert_proposed_at_1_5(proposed) -> None:
    """At 1.5x: SPY 180 + AGG 600 = 150,000 LMV; sleeve cash -50,000 less the APM's 5,000 = debit 45,000."""
    assert proposed.leverage == D("1.5") and proposed.code is None
    assert proposed.debit == D(45000)
    # -30 %: LMV 105,000, equity 105,000 - 45,000 = 60,000, requirement 31,500: no call.
    s = scenario(proposed, "-0.30")
    assert (s.equity_after, s.requirement_after, s.call) == (D(60000), D(31500), False)
    assert (s.sleeve_pnl_1x, s.sleeve_pnl_at_l) == (D(-30000), D(-45000))
    # 1 - (45,000 / 0.7) / 150,000 = 57.14 %.
    assert proposed.call_distance.quantize(D("0.0001")) == D("0.5714")
    # 45,000 x 0.09 / 360 = 11.25 a day, 337.50 a month (30 days), 4,106.25 a year (365 days).
    assert (proposed.interest_day, proposed.interest_month, proposed.interest_year) == \
        (D("11.25"), D("337.5"), D("4106.25"))
    assert proposed.break_even_return == D("0.027375")  # 4,106.25 / 150,000


async def test_detail_shows_now_and_the_saved_leverage(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot)
        panel = screen.query_one(RiskPanel)
        current, proposed = panel.risk
        assert current.sleeve_id == proposed.sleeve_id == "A-1001-M1"
        assert panel.border_title == "Risk · A-1001-M1"
        assert_now_all_cash(current)
        assert proposed.basis == "rebalance"
        assert_proposed_at_1_5(proposed)
        shown = text(panel)
        assert "Now 1.00x applied[/b] · call distance no debit" in shown
        assert "Proposed 1.50x rebalance[/b] · call distance 57.1% · break-even 2.74%" in shown
        # Now: the all-cash sleeve holds nothing, so its P&L is 0.00 beside an unchanged account equity.
        assert " -10%          0.00     105,000.00 " in shown
        # Proposed: unlevered and levered sleeve P&L (scope: sleeve), then the account's equity (scope: account).
        assert " -30%    -30,000.00    -45,000.00      60,000.00 " in shown
        assert " +10%    +10,000.00    +15,000.00     120,000.00 " in shown
        assert "Interest 11.25/day · 337.50/month · 4,106.25/year at custodian rate 9.00% for a 45,000.00 debit" \
            in shown
        assert "No debit, no margin interest (custodian base rate 9.00%)" in shown
        assert "P&L 1.00x  P&L 1.00x" not in shown and shown.count("at 1.00x") == 2
        # The panel sits below the margin panel.
        ids = [w.id for w in screen.query_one("#detail-body").children]
        assert ids.index("risk") == ids.index("margin") + 1


async def test_detail_risk_is_read_in_a_store_worker(story_db, make_app, monkeypatch):
    threads: list[str] = []
    real = detail_module.account_risk

    def spy(store, account_id):
        threads.append(threading.current_thread().name)
        return real(store, account_id)

    monkeypatch.setattr(detail_module, "account_risk", spy)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot)
    assert threads and threading.main_thread().name not in threads


async def test_detail_keeps_the_model_sleeve_while_the_apm_is_selected(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert screen.selected_sleeve.kind == "apm"
        assert screen.query_one(RiskPanel).risk[1].sleeve_id == "A-1001-M1"


async def test_detail_risk_follows_a_saved_leverage(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = pilot.app.screen
        editor.query_one("#leverage", Input).value = "2.0"
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen
                       and screen.query_one(RiskPanel).risk is not None
                       and screen.query_one(RiskPanel).risk[1].leverage == D("2.0"))


async def test_editor_shows_the_typed_leverage(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, LeverageEditor)
        panel = editor.query_one(RiskPanel)
        await wait_for(pilot, lambda: panel.risk is not None)
        assert_now_all_cash(panel.risk[0])
        assert_proposed_at_1_5(panel.risk[1])

        editor.query_one("#leverage", Input).value = "2.0"
        await wait_for(pilot, lambda: panel.risk is not None and panel.risk[1].leverage == D("2.0"))
        proposed = panel.risk[1]
        # At 2.0x: SPY 240 + AGG 800 = 200,000; sleeve cash -100,000 plus the APM's 5,000 = debit 95,000
        # (below the 100,000 tier: 9 %). -30 %: LMV 140,000, equity 45,000, requirement 42,000: no call.
        assert proposed.debit == D(95000)
        s = scenario(proposed, "-0.30")
        assert (s.equity_after, s.requirement_after, s.call_amount) == (D(45000), D(42000), D(0))
        assert (s.sleeve_pnl_1x, s.sleeve_pnl_at_l) == (D(-30000), D(-60000))
        # 1 - (95,000 / 0.7) / 200,000 = 32.14 %; 95,000 x 0.09 / 360 = 23.75/day, 712.50/month,
        # 8,668.75/year; break-even 8,668.75 / 200,000 = 4.33 %.
        assert proposed.call_distance.quantize(D("0.0001")) == D("0.3214")
        assert (proposed.interest_day, proposed.interest_month, proposed.interest_year) == \
            (D("23.75"), D("712.5"), D("8668.75"))
        shown = text(panel)
        assert "Proposed 2.00x rebalance[/b] · call distance 32.1% · break-even 4.33%" in shown
        assert "Interest 23.75/day · 712.50/month · 8,668.75/year at custodian rate 9.00% for a 95,000.00 debit" \
            in shown

        editor.query_one("#leverage", Input).value = "3"
        await wait_for(pilot, lambda: panel.risk is None)
        assert "No risk scenarios until the leverage is valid." in text(panel)


async def test_editor_track_toggle_reaches_the_proposed_side(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = pilot.app.screen
        panel = editor.query_one(RiskPanel)
        await wait_for(pilot, lambda: panel.risk is not None)
        await pilot.press("t")
        await wait_for(pilot, lambda: editor.track_manager is False)
        await settle(pilot)
        # CORE6040 holds no cash, so OFF (reserve 0) builds the same sleeve: the figures do not move.
        assert_proposed_at_1_5(panel.risk[1])


async def test_acr_checklist_shows_the_risk_step(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot)
        await pilot.press("a")
        await settle(pilot)
        acr = pilot.app.screen
        assert isinstance(acr, AcrScreen)
        panel = acr.query_one(RiskPanel)
        await wait_for(pilot, lambda: panel.risk is not None)
        current, proposed = panel.risk
        assert_now_all_cash(current)
        # The $1 ACR's own projection: sleeve equity 100,001; SPY floor(90,000.90 / 500) = 180, AGG
        # floor(60,000.60 / 100) = 600; sleeve cash -49,999, APM 4,999: the same 45,000 debit.
        assert proposed.basis == "one-dollar" and proposed.sleeve_equity == D(100001)
        assert scenario(proposed, "-0.10").sleeve_pnl_at_l == D("-15000.15")  # -0.1 x 100,001 x 1.5
        assert proposed.debit == D(45000) and proposed.interest_day == D("11.25")
        assert scenario(proposed, "-0.30").equity_after == D(60000)
        shown = text(panel)
        assert "Proposed 1.50x $1 ACR[/b] · call distance 57.1% · break-even 2.74%" in shown
        # Unlevered P&L on the model (-0.1 x 100,001), levered P&L on the projected holdings (-0.1 x 150,000).
        assert scenario(proposed, "-0.10").sleeve_pnl_held == D(-15000)
        assert " -10%    -10,000.10    -15,000.00      90,000.00 " in shown
        assert panel.border_title == "Risk (read before acknowledging 2-4) · A-1001-M1"
        # Right after the checklist, next to its risk acknowledgements.
        children = list(acr.query_one("#acr-body").children)
        assert isinstance(children[0], ChecklistPanel) and children[1] is panel


async def test_acr_risk_of_a_blocked_account_says_why(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, "A-1002")
        await pilot.press("a")
        await settle(pilot)
        panel = pilot.app.screen.query_one(RiskPanel)
        await wait_for(pilot, lambda: panel.risk is not None)
        proposed = panel.risk[1]
        # A cash account: the build fails but keeps its projection (sleeve cash -24,999, APM 999: debit 24,000).
        assert proposed.code == "MARGIN_NOT_ENABLED" and proposed.debit == D(24000)
        assert panel.has_class("-blocked")
        shown = text(panel)
        assert "MARGIN_NOT_ENABLED" in shown
        assert "Interest: the book holds no margin rate for this custodian" in shown
