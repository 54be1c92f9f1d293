"""The account detail: sleeve cards, margin panel, diagnostics, the pending banner and the sleeve keys."""
from __future__ import annotations

import json
from pathlib import Path

from console.screens.acr_screen import AcrScreen
from console.screens.browser_screen import BrowserScreen
from console.screens.detail_screen import DetailScreen
from console.screens.editor_modal import LeverageEditor
from console.screens.history_screen import HistoryScreen
from store.core import Store
from tests.conftest import fixed_clock, settle
from widgets.detail_body import DetailBody
from widgets.diagnostics_list import DiagnosticsList
from widgets.margin_panel import MarginPanel
from widgets.sleeve_card import SleeveCard
from store.book import import_book
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.queries.orders import list_acrs


def text(widget) -> str:
    return str(widget.render())


def card(screen: DetailScreen, sleeve_id: str) -> SleeveCard:
    """The card showing `sleeve_id` (cards are reused between accounts, so they carry no sleeve id of their own)."""
    return next(c for c in shown_cards(screen) if c.sleeve.id == sleeve_id)


def shown_cards(screen: DetailScreen) -> list[SleeveCard]:
    """The cards on screen, in order (the kept screen hides the cards it holds beyond this account's sleeves)."""
    return screen.query_one(DetailBody).cards


async def open_detail(pilot, account_id: str) -> DetailScreen:
    await settle(pilot)
    pilot.app.open_account(account_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen) and screen.detail is not None
    return screen


async def test_cards_for_every_sleeve_margin_panel_and_diagnostics(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        cards = shown_cards(screen)
        assert [c.sleeve.id for c in cards] == ["A-1001-APM", "A-1001-M1"]
        assert [c.sleeve.id for c in cards] == [s.id for s in screen.detail.sleeves]
        apm, model = cards
        assert "Advisor-managed portfolio" in text(apm)
        assert "Model CORE6040 Core 60/40" in text(model)
        assert "saved 1.50x · applied 1.00x" in text(model) and "PENDING" in text(model)
        assert model.has_class("-pending") and not apm.has_class("-pending")
        assert screen.focused is model  # the pending model sleeve is selected first

        title = str(screen.query_one("#account-title").content)
        assert "A-1001 · Jane Doe Trust · Schwab · margin · margin enabled" in title

        margin = screen.query_one(MarginPanel)
        assert margin.border_title == "Account margin"
        assert "LMV" in text(margin) and "No margin call" in text(margin)
        assert "Interest" in text(margin)

        diagnostics = screen.query_one(DiagnosticsList)
        codes = [d.code for d in screen.detail.diagnostics]
        assert "PENDING_LEVERAGE" in codes
        assert diagnostics.border_title == f"Diagnostics ({len(codes)})"
        for code in codes:
            assert code in text(diagnostics)
        assert "a: $1 ACR · r: rebalance" in text(diagnostics)  # the key that performs the fix

        banner = screen.query_one("#banner")  # the pending banner
        assert banner.has_class("-visible") and banner.display
        assert "Leverage saved but not applied" in str(banner.content)


async def test_no_banner_without_pending_leverage(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1003")
        assert not screen.detail.pending
        banner = screen.query_one("#banner")
        assert not banner.has_class("-visible") and not banner.display
        codes = {d.code for d in screen.detail.diagnostics}
        assert "PENDING_LEVERAGE" not in codes
        assert {"NEGATIVE_APM", "TACTICAL_TRACK_OFF", "STALE_PRICES"} <= codes
        assert "OFF (reserve" in text(card(screen, "A-1003-M1"))


async def test_j_k_select_cards_and_the_apm_refuses_edit_acr_and_toggle(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        screen = await open_detail(pilot, "A-1001")
        assert screen.selected_sleeve.id == "A-1001-M1"
        await pilot.press("k")  # k and j move between the sleeve cards
        assert screen.selected_sleeve.id == "A-1001-APM"
        await pilot.press("j")
        assert screen.selected_sleeve.id == "A-1001-M1"
        await pilot.press("k")
        assert screen.selected_sleeve.id == "A-1001-APM"
        depth = len(app.screen_stack)
        for key in ("e", "r", "a", "t", "ctrl+d"):
            notes.clear()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key
            assert len(app.screen_stack) == depth, key
            shown = list(notes.notifications)
            assert len(shown) == 1, key
            assert shown[0].severity == "error"
            assert "A-1001-APM is the APM" in shown[0].message
            assert "never the APM" in shown[0].message
    with Store(settings.db, settings, fixed_clock) as store:
        assert [r.action for r in audit_trail(store, "A-1001")] == []
        assert list_acrs(store, "A-1001") == []


async def test_t_toggles_track_manager_on_a_model_sleeve(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        screen = await open_detail(pilot, "A-1003")
        assert screen.selected_sleeve.id == "A-1003-M1"
        assert screen.selected_sleeve.track_manager is False
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is screen
        assert any("Track manager ON on A-1003-M1" in m for m in notes.messages)
        # The screen reloaded from the store and kept the same sleeve selected.
        assert screen.selected_sleeve.id == "A-1003-M1"
        assert screen.selected_sleeve.track_manager is True
        assert "TACTICAL_TRACK_OFF" not in {d.code for d in screen.detail.diagnostics}
        assert "Track manager ON" in text(card(screen, "A-1003-M1"))
        with Store(settings.db, settings, fixed_clock) as store:
            sleeve = account_detail(store, "A-1003").sleeve("A-1003-M1")
            assert sleeve.track_manager is True
            assert sleeve.saved == sleeve.applied  # nothing traded, no leverage change

        # A second t writes against the reloaded version: no conflict, the toggle goes back.
        await pilot.press("t")
        await settle(pilot)
        assert screen.selected_sleeve.track_manager is False
        assert "Conflict" not in notes.titles
    with Store(settings.db, settings, fixed_clock) as store:
        audit = audit_trail(store, "A-1003")
        assert [(r.action, r.sleeve_id, r.operator) for r in audit] == [("track-manager", "A-1003-M1", "alice")] * 2
        assert [r.detail for r in audit] == [{"from": True, "to": False}, {"from": False, "to": True}]


async def test_a_opens_a_one_dollar_acr_and_e_the_editor_on_the_selected_sleeve(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen)
        assert app.screen.kind == "one-dollar" and app.screen.sleeve_id == "A-1001-M1"
        await pilot.press("escape")  # leave without firing
        await settle(pilot)
        assert app.screen is screen
        assert screen.selected_sleeve.id == "A-1001-M1"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, LeverageEditor) and app.screen.sleeve.id == "A-1001-M1"
    with Store(settings.db, settings, fixed_clock) as store:
        assert list_acrs(store, "A-1001") == []


async def test_h_opens_history_and_escape_goes_back_to_the_browser(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1002")
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and app.screen.account_id == "A-1002"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert not any(isinstance(s, DetailScreen) for s in app.screen_stack)


async def test_margin_panel_says_when_the_finra_floor_replaces_a_low_house_rate(settings, make_app):
    book = json.loads((Path(__file__).resolve().parents[1] / "data" / "story_book.json").read_text())
    book["accounts"] = [{"id": "LOW-1", "name": "Low House", "custodian": "Schwab", "margin_enabled": True,
                         "house_maintenance": 0.20, "maintenance_exemption": "custodian letter",
                         "sleeves": [{"id": "LOW-1-APM", "kind": "apm", "cash": 1000.0}]}]
    with Store(settings.db, settings, fixed_clock) as store:
        import_book(store, book, "seed")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "LOW-1")
        assert "house 20 % -> 25 % FINRA floor" in text(screen.query_one(MarginPanel))
