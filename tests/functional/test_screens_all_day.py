"""Issue 13, the screens an operator reads all day, each at 80x24: selection by shape, true status lines, keys."""
from __future__ import annotations

import pytest

from console.screens.acr_screen import AcrScreen
from tests.conftest import settle
from tests.functional.test_detail import open_detail
from widgets.sleeve_card import SleeveCard


async def test_the_selected_sleeve_is_marked_by_shape_not_colour_alone(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        apm, model = screen.query(SleeveCard)
        assert screen.focused is model and model.has_class("-pending")
        assert str(model.border_title).startswith("▶ ") and not str(apm.border_title).startswith("▶")
        assert "SELECTED" in str(model.border_title) or model.styles.border_title_style.reverse
        await pilot.press("k")
        await pilot.pause()
        assert screen.focused is apm
        # The pending card keeps its pending colour but loses the pointer; the APM gains it.
        assert str(apm.border_title).startswith("▶ ") and not str(model.border_title).startswith("▶")
        assert model.has_class("-pending")


async def test_after_fills_the_status_says_what_is_true_now(story_db, make_app, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_detail(pilot, "A-1001")
        await pilot.press("r")
        await settle(pilot)
        acr = app.screen
        assert isinstance(acr, AcrScreen)
        await pilot.press("x", "f")
        await settle(pilot)
        await pilot.click("#confirm-button")
        await settle(pilot)
        assert acr.result is not None and acr.result.status == "built"
        assert "Press s to simulate fills" in str(acr.query_one("#result").content)
        await pilot.press("s")
        await settle(pilot)
        assert acr.result.status == "complete"
        status = str(acr.query_one("#result").content)
        assert "Press s" not in status and "filled" in status
        notes.clear()
        await pilot.press("s")
        await settle(pilot)
        assert not any("Fire a built ACR first" in m for m in notes.messages)
        assert any(f"ACR {acr.result.id} is complete" in m for m in notes.messages)


async def fire_one_dollar(pilot) -> AcrScreen:
    await pilot.press("a")
    await settle(pilot)
    acr = pilot.app.screen
    assert isinstance(acr, AcrScreen)
    await pilot.press("x", "f")
    await settle(pilot)
    await pilot.click("#confirm-button")
    await settle(pilot)
    return acr


async def test_history_reads_a_one_dollar_acr_and_enter_opens_it(story_db, make_app):
    from console.screens.acr_detail_screen import AcrDetailScreen
    from console.screens.history_screen import HistoryScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, "A-1001")
        acr = await fire_one_dollar(pilot)
        assert acr.result is not None and not acr.result.failed
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        audit = history.query_one("#audit")
        rows = [" ".join(map(str, audit.get_row_at(i))) for i in range(audit.row_count)]
        assert "code=None" not in rows[0] and "amount=0" not in rows[0]
        assert "amount 1.00" in rows[0] and "at 1.50x" in rows[0]
        acrs = history.query_one("#acrs")
        assert "1.00" in [str(c) for c in acrs.get_row_at(0)]
        await pilot.press("enter")
        await settle(pilot)
        opened = app.screen
        assert isinstance(opened, AcrDetailScreen) and opened.record.id == acr.result.id
        summary = str(opened.query_one("#acr-detail-summary").render())
        assert "$1 allocation" in summary and "1.50x" in summary and "alice" in summary
        checklist = str(opened.query_one("#acr-detail-checklist").render())
        assert checklist.count("acknowledged by alice") == 4
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is history


@pytest.mark.sqlite_only  # next to the book's file; a server's book has none (the working directory instead)
async def test_m_in_the_walkthrough_writes_the_markdown_next_to_the_book(story_db, make_app, settings, notes):
    from console.screens.walkthrough_screen import WalkthroughScreen

    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await open_detail(pilot, "A-1001")
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen) and screen.run_id is not None
        notes.clear()
        await pilot.press("m")
        await settle(pilot)
        out = settings.db.parent / f"{settings.db.stem}-walkthrough-{screen.run_id}.md"
        assert out.exists() and out.read_text().startswith(f"# Margin walkthrough run {screen.run_id}: A-1001")
        assert any(str(out) in m for m in notes.messages)


def table_rows(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_browser_shows_saved_and_applied_filters_by_code_and_sorts(demo_db, make_app):
    from textual.widgets import Input

    from widgets.account_table import AccountTable

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        table = browser.query_one(AccountTable)
        rows = {r[0]: r for r in table_rows(table)}
        assert rows["A-000013"][2:4] == ["1.00x", "2.00x"]  # saved 1.00x, still applied 2.00x
        await pilot.press("slash")
        browser.query_one("#filter", Input).value = "code:MARGIN_CALL"
        await settle(pilot)
        assert [r[0] for r in table_rows(table)] == ["A-000007"]
        browser.query_one("#filter", Input).value = "code:NOPE"
        await settle(pilot)
        assert "unknown diagnostic code 'NOPE'" in str(browser.query_one("#status").content)
        browser.query_one("#filter", Input).value = ""
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")  # the first code: NEGATIVE_APM
        await settle(pilot)
        assert table.row_count and all("APM-" in r[4] for r in table_rows(table))
        assert "with NEGATIVE_APM" in str(browser.query_one("#status").content)
        await pilot.press("o")  # sort by NAV, largest first
        await settle(pilot)
        from decimal import Decimal

        navs = [Decimal(r[5].replace(",", "")) for r in table_rows(table)]
        assert navs == sorted(navs, reverse=True) and len(navs) > 1


async def test_names_use_the_width_there_is(demo_db, make_app):
    from widgets.account_table import AccountTable

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = {r[0]: r for r in table_rows(app.screen.query_one(AccountTable))}
        assert rows["A-000002"][1] == "Smith Family Revocable Trust"


def footer_keys(screen) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [k.key for k in screen.query(FooterKey)]


async def test_the_footer_keeps_each_screens_most_important_keys_whole_at_80_columns(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        await settle(pilot)
        keys = footer_keys(screen)
        assert {"e", "r", "a", "w", "y", "d", "question_mark"} <= set(keys), keys
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        keys = footer_keys(screen)
        assert {"d", "w", "y", "ctrl+d", "h", "t"} <= set(keys), keys


async def test_the_doctor_shows_the_highlighted_finding_whole_at_80_columns(demo_db, make_app):
    from console.screens.doctor_screen import DoctorScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        doctor = app.screen
        assert isinstance(doctor, DoctorScreen) and doctor.code is not None
        await pilot.press("enter")  # into the findings
        await pilot.press("j")
        await settle(pilot)
        table = doctor.query_one("#findings")
        assert table.cursor_row == 1  # j moves in the doctor's table too
        finding = doctor.report.findings[doctor.code][1]
        pane = doctor.query_one("#doctor-finding")
        assert finding.detail in str(pane.content)
        assert pane.size.height >= 1 and pane.region.right <= 80


async def test_f1_opens_help_and_closes_it(story_db, make_app):
    from console.screens.help_screen import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_confirmation_moves_with_left_right_and_its_footer_shows_its_own_keys(story_db, make_app, settings):
    from console.screens.confirm_modal import ConfirmModal

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, "A-1001")
        await pilot.press("r")
        await settle(pilot)
        acr = app.screen
        await pilot.press("x", "f")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        keys = footer_keys(modal)
        assert "escape" in keys and "enter" in keys and "x" not in keys and "f" not in keys, keys
        assert modal.focused is modal.query_one("#cancel")
        await pilot.press("right")
        assert modal.focused is modal.query_one("#confirm-button")
        await pilot.press("left")
        assert modal.focused is modal.query_one("#cancel")
        await pilot.press("left")  # wraps round to the other button
        assert modal.focused is modal.query_one("#confirm-button")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is acr and acr.result is not None and acr.result.status == "built"


async def test_a_withdrawal_larger_than_the_sleeve_is_refused_at_the_amount(story_db, make_app):
    from textual.widgets import Input

    from console.screens.amount_modal import AmountModal

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_detail(pilot, "A-1001")
        equity = detail.detail.sleeve("A-1001-M1").equity
        await pilot.press("ctrl+w")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, AmountModal)
        modal.query_one("#amount", Input).value = str(int(equity) + 1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal  # refused here, before any build
        assert "is not less than the sleeve's equity" in str(modal.query_one("#amount-error").content)
        modal.query_one("#amount", Input).value = "1000"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AcrScreen) and app.screen.amount == 1000


async def test_the_palette_ranks_an_exact_account_id_first(settings, make_app):
    import copy
    import json
    from pathlib import Path

    from console.palette import ConsoleCommands
    from store.book import import_book
    from store.core import Store
    from tests.conftest import fixed_clock

    book = json.loads((Path(__file__).parent.parent / "data" / "story_book.json").read_text())
    first = book["accounts"][0]
    # "A-0" sorts before "A-1" and its name also matches the words of "A-1": only the exact id must lead.
    for account_id, name in (("A-0", "Alpha 1 Partners"), ("A-1", "Plain Name")):
        extra = copy.deepcopy(first)
        extra["id"], extra["name"] = account_id, name
        for sleeve in extra["sleeves"]:
            sleeve["id"] = sleeve["id"].replace(first["id"], account_id)
        book["accounts"].append(extra)
    with Store(settings.db, settings, fixed_clock) as store:
        import_book(store, book, "seed")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = ConsoleCommands(app.screen)
        hits = [hit async for hit in provider.search("A-1")]
        accounts = [h for h in hits if h.text.startswith("Open account")]
        assert {h.text.split()[2] for h in accounts} >= {"A-0", "A-1"}
        best = max(hits, key=lambda h: h.score)
        assert best.text.startswith("Open account A-1 ")
        assert all(h.score < best.score for h in hits if h is not best)
