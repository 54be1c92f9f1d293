"""The doctor view, an account's history and the help screen."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, OptionList

from console.actions import ACTIONS, SCOPES
from console.screens.browser_screen import BrowserScreen
from console.screens.detail_screen import DetailScreen
from console.screens.doctor_screen import DoctorScreen
from console.screens.help_screen import HelpScreen
from console.screens.history_screen import HistoryScreen
from store.book import import_book
from store.core import Store
from store.queries.doctor import doctor_report
from store.sleeves import set_leverage, set_track_manager
from tests.conftest import fixed_clock, settle


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def option_labels(codes: OptionList) -> list[str]:
    return [str(codes.get_option_at_index(i).prompt) for i in range(codes.option_count)]


async def open_doctor(pilot) -> DoctorScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    doctor = pilot.app.screen
    assert isinstance(doctor, DoctorScreen) and doctor.report is not None
    return doctor


async def test_doctor_lists_codes_with_counts_and_fills_the_findings(demo_db, make_app, settings):
    with Store(settings.db, settings, fixed_clock) as store:
        report = doctor_report(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        doctor = await open_doctor(pilot)
        codes = doctor.query_one("#codes", OptionList)
        assert option_labels(codes) == [f"{code} {len(found)}" for code, found in report.findings.items()]
        assert "NEGATIVE_APM 4" in option_labels(codes) and "DRIFT 6" in option_labels(codes)
        total = len({f.account_id for found in report.findings.values() for f in found})
        assert str(doctor.query_one("#doctor-title").content) == \
            f"Doctor · {total} of 40 accounts have a diagnostic · {report.freshness.reconciled_today} reconciled today"
        assert doctor.sub_title == f"{app.sub_title} · {report.freshness.prices_line}"
        assert doctor.focused is codes and codes.highlighted == 0

        findings = doctor.query_one("#findings", DataTable)
        first = next(iter(report.findings))
        assert doctor.code == first
        assert [row[0] for row in cells(findings)] == [f.account_id for f in report.findings[first]]
        assert "Fix:" in str(doctor.query_one("#doctor-fix").content)

        # Moving down the codes refills the findings with that code's accounts.
        await pilot.press("down")
        await settle(pilot)
        second = list(report.findings)[1]
        assert doctor.code == second
        assert [row[0] for row in cells(findings)] == [f.account_id for f in report.findings[second]]


async def test_doctor_enter_on_a_finding_opens_that_account(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        doctor = await open_doctor(pilot)
        findings = doctor.query_one("#findings", DataTable)
        await pilot.press("enter")  # on the codes: focus the findings
        await settle(pilot)
        assert doctor.focused is findings
        await pilot.press("down")
        account_id = str(findings.get_row_at(findings.cursor_row)[0])
        assert account_id == "A-000006"  # the second NEGATIVE_APM finding
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.account_id == account_id
        assert detail.detail is not None and "NEGATIVE_APM" in {d.code for d in detail.detail.diagnostics}
        assert sum(isinstance(s, DetailScreen) for s in app.screen_stack) == 1

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is doctor
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)


async def test_doctor_from_the_detail_screen_and_d_again_does_not_stack(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-000007")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen)
        await pilot.press("d")
        await settle(pilot)
        assert sum(isinstance(s, DoctorScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.account_id == "A-000007"


async def test_doctor_on_a_clean_book_says_so(settings, make_app):
    import json

    book = {
        "prices": [{"symbol": "SPY", "price": 500.0, "as_of": "2026-11-20", "marginable": True, "maintenance": None}],
        "models": [{"id": "ALLSPY", "name": "All SPY", "manager": "X", "tactical": False,
                    "weights": {"SPY": 1.0}, "cash": 0.0}],
        "accounts": [{"id": "A-1", "name": "Clean", "custodian": "Schwab", "type": "margin", "margin_enabled": True,
                      "sleeves": [{"id": "A-1-APM", "kind": "apm", "cash": 0.0, "positions": {}},
                                  {"id": "A-1-M1", "kind": "model", "model": "ALLSPY", "leverage": 1.0,
                                   "cash": 0.0, "positions": {"SPY": 10}}]}],
    }
    with Store(settings.db, settings, fixed_clock) as store:
        import_book(store, json.loads(json.dumps(book)), "seed")
        assert doctor_report(store).findings == {}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        doctor = await open_doctor(pilot)
        assert doctor.query_one("#codes", OptionList).option_count == 0
        assert str(doctor.query_one("#doctor-fix").content) == "No diagnostics across the book."
        await pilot.press("enter")  # nothing to open
        await settle(pilot)
        assert app.screen is doctor


async def test_history_after_an_acr_shows_the_acr_and_the_audit_trail(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        detail = app.screen
        await pilot.press("a", "x", "f")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.screen.result is not None and app.screen.result.status == "built"
        acr_id = app.screen.result.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail

        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        acrs = cells(history.query_one("#acrs", DataTable))
        assert len(acrs) == 1
        row = acrs[0]
        assert row[0] == str(acr_id) and row[2] == "$1 ACR" and row[3] == "A-1001-M1"
        assert row[4] == "1.50x" and row[5] == "built" and row[7] == "2" and row[8] == "alice" and row[9] == "1.00"
        audit = cells(history.query_one("#audit", DataTable))
        assert len(audit) >= 1
        assert audit[0][1] == "alice" and audit[0][2] == "acr-built" and audit[0][3] == "A-1001-M1"
        assert "acknowledged" not in audit[0][4]
        assert history.focused is history.query_one("#acrs")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail


async def test_history_lists_audit_rows_newest_first(story_db, make_app, settings):
    from decimal import Decimal

    with Store(settings.db, settings, fixed_clock) as store:
        set_leverage(store, "A-1003-M1", Decimal("1.1"), "bob")
        set_track_manager(store, "A-1003-M1", True, "carol")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1003")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        audit = cells(history.query_one("#audit", DataTable))
        assert [(r[1], r[2]) for r in audit] == [("carol", "track-manager"), ("bob", "set-leverage")]
        assert history.query_one("#acrs", DataTable).row_count == 0
        assert history.focused is history.query_one("#audit")


def plain_help(screen: HelpScreen) -> str:
    return Text.from_markup(str(screen.query_one("#help-text").content)).plain


async def test_help_lists_every_action_and_escape_closes(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = plain_help(help_screen)
        for spec in ACTIONS:
            assert spec.description in text, spec.id
            assert spec.tooltip in text, spec.id
        for title in SCOPES.values():
            assert title in text
        assert "ctrl+p" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is browser and app.is_running
        await pilot.press("question_mark", "question_mark")  # ? toggles it: never a second help on the stack
        await settle(pilot)
        assert app.screen is browser
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)

        # From the detail screen, q closes the help (it does not quit the app).
        app.open_account("A-1001")
        await settle(pilot)
        detail = app.screen
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and app.screen is detail


async def test_d_from_an_account_opened_by_the_doctor_returns_to_that_doctor(demo_db, make_app):
    from console.screens.doctor_screen import DoctorScreen
    from tests.conftest import settle

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        app.open_account("A-000005")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen)
        assert sum(isinstance(s, DoctorScreen) for s in app.screen_stack) == 1
