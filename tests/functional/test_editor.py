"""The leverage editor: validation as you type, the live preview, the toggle, save, cancel and conflicts."""
from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input

from console.screens.detail_screen import DetailScreen
from console.screens.editor_modal import LeverageEditor
from store.core import Store
from tests.conftest import fixed_clock, settle, wait_for
from widgets.order_table import OrderTable
from store.queries.audit import audit_trail
from store.queries.detail import account_detail
from store.queries.orders import list_acrs
from store.sleeves import set_leverage, set_track_manager, sleeve_account_id


def stored(settings, sleeve_id: str = "A-1001-M1"):
    with Store(settings.db, settings, fixed_clock) as store:
        return account_detail(store, sleeve_account_id(store, sleeve_id)).sleeve(sleeve_id)


def audit_actions(settings, account_id: str = "A-1001") -> list[str]:
    with Store(settings.db, settings, fixed_clock) as store:
        return [r.action for r in audit_trail(store, account_id)]


def order_rows(editor: LeverageEditor) -> list[tuple]:
    table = editor.query_one(OrderTable)
    return [tuple(str(c) for c in table.get_row_at(i)[:3]) for i in range(table.row_count)]


def preview_text(editor: LeverageEditor) -> str:
    return str(editor.query_one("#preview").content)


async def open_editor(pilot, account_id: str = "A-1001") -> LeverageEditor:
    await settle(pilot)
    pilot.app.open_account(account_id)
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, LeverageEditor)
    await wait_for(pilot, lambda: preview_text(editor).startswith("At "))
    return editor


async def type_value(pilot, editor: LeverageEditor, value: str) -> None:
    """Type into the focused field, key by key."""
    box = editor.query_one("#leverage", Input)
    assert editor.focused is box
    box.value = ""
    await pilot.press(*value)
    await settle(pilot)


async def set_value(pilot, editor: LeverageEditor, value: str) -> None:
    """Replace the field's text at once (the same Changed event as typing, fewer keystrokes)."""
    editor.query_one("#leverage", Input).value = value
    await settle(pilot)


async def test_invalid_values_show_a_message_and_enter_does_not_save(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        editor = await open_editor(pilot)
        box = editor.query_one("#leverage", Input)
        await type_value(pilot, editor, "1x.2")  # letters are restricted out of the field
        assert box.value == "1.2" and editor.validation_message == ""
        for value, message in (("0.5", "Leverage must be between 1.00 and 2.00"),
                               ("3", "Leverage must be between 1.00 and 2.00"),
                               ("1.2.3", "Enter a multiplier such as 1.5"),
                               ("1.23456", "Leverage takes at most 4 decimal places")):
            if value == "0.5":
                await type_value(pilot, editor, value)
                await wait_for(pilot, lambda: "No preview until the leverage is valid" in preview_text(editor))
                assert editor.query_one(OrderTable).row_count == 0
            else:
                await set_value(pilot, editor, value)
            assert box.value == value
            assert message in editor.validation_message, value
            assert message in str(editor.query_one("#validation").content)
            notes.clear()
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is editor, value
            assert any(m.startswith("Fix the leverage first") and message in m for m in notes.messages), value
    sleeve = stored(settings)
    assert sleeve.saved == Decimal("1.5") and sleeve.track_manager is True
    assert audit_actions(settings) == []


async def test_a_valid_value_updates_the_preview(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        # It opens on the saved value with its preview.
        assert editor.sleeve.id == "A-1001-M1"
        assert editor.query_one("#leverage", Input).value == "1.5"
        assert "At 1.50x (rebalance preview)" in preview_text(editor)
        before = order_rows(editor)
        assert before == [("BUY", "AGG", "600"), ("BUY", "SPY", "180")]
        assert "Track manager (t): ON" in str(editor.query_one("#track").content)

        await set_value(pilot, editor, "1.25")
        assert editor.validation_message == ""
        assert str(editor.query_one("#validation").content) == ""
        await wait_for(pilot, lambda: "At 1.25x" in preview_text(editor))
        after = order_rows(editor)
        # 1.25 x 100,000 of Core 60/40: 75,000 of SPY (150 shares) and 50,000 of AGG (500 shares).
        assert after == [("BUY", "AGG", "500"), ("BUY", "SPY", "150")]
        assert app.screen is editor
    # Typing only previews: nothing was written.
    assert stored(settings).saved == Decimal("1.5")
    assert audit_actions(settings) == []


async def test_save_writes_the_target_only(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        editor = await open_editor(pilot)
        await set_value(pilot, editor, "1.75")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert any(m.startswith("Saved leverage 1.75x on A-1001-M1") for m in notes.messages)
        assert detail.selected_sleeve.id == "A-1001-M1"
        assert detail.selected_sleeve.saved == Decimal("1.75")
    sleeve = stored(settings)
    assert sleeve.saved == Decimal("1.75") and sleeve.applied == Decimal("1.0")
    assert sleeve.track_manager is True
    assert audit_actions(settings) == ["set-leverage"]
    with Store(settings.db, settings, fixed_clock) as store:
        assert list_acrs(store, "A-1001") == []


async def test_t_toggles_track_manager_and_save_persists_both(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        editor = await open_editor(pilot)
        box = editor.query_one("#leverage", Input)
        await set_value(pilot, editor, "1.25")
        assert editor.focused is box
        await pilot.press("t")
        await settle(pilot)
        assert editor.track_manager is False
        track = str(editor.query_one("#track").content)
        assert "Track manager (t): OFF" in track and "changed, saved with the target" in track
        assert box.value == "1.25"  # t did not go into the field
        await pilot.press("t")  # and back: no longer a change
        assert editor.track_manager is True
        assert "changed" not in str(editor.query_one("#track").content)
        await pilot.press("t")
        await wait_for(pilot, lambda: "At 1.25x" in preview_text(editor))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert any("track manager OFF" in m for m in notes.messages)
        assert app.screen.selected_sleeve.track_manager is False
    sleeve = stored(settings)
    assert sleeve.saved == Decimal("1.25")
    assert sleeve.track_manager is False
    assert audit_actions(settings) == ["track-manager", "set-leverage"]


async def test_escape_cancels_without_writing(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#leverage", Input).value = "1.9"
        editor.action_toggle_track()
        await pilot.press("q")  # q in the field neither types nor quits
        assert app.is_running and app.screen is editor
        assert editor.query_one("#leverage", Input).value == "1.9"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert not any(isinstance(s, LeverageEditor) for s in app.screen_stack)
        assert app.screen.selected_sleeve.saved == Decimal("1.5")
    sleeve = stored(settings)
    assert sleeve.saved == Decimal("1.5") and sleeve.track_manager is True
    assert audit_actions(settings) == []


async def test_preview_shows_why_a_build_would_fail(story_db, make_app, settings):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, "A-1002")
        await set_value(pilot, editor, "1.25")
        await wait_for(pilot, lambda: "At 1.25x" in preview_text(editor))
        text = preview_text(editor)
        assert "MARGIN_NOT_ENABLED" in text and "Fix:" in text
        assert editor.query_one(OrderTable).row_count == 0
        await pilot.press("enter")  # the target can still be saved: nothing trades
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert stored(settings, "A-1002-M1").saved == Decimal("1.25")


async def test_a_concurrent_edit_is_a_conflict_not_a_silent_overwrite(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        editor = await open_editor(pilot)
        # A second operator saves the same sleeve while the editor is open.
        with Store(settings.db, settings.replace(operator="bob"), fixed_clock) as store:
            set_leverage(store, "A-1001-M1", Decimal("1.75"), operator="bob")
        await set_value(pilot, editor, "1.25")
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        shown = notes.titled("Conflict")
        assert len(shown) == 1
        assert shown[0].severity == "error"
        assert "A-1001-M1" in shown[0].message and "bob" in shown[0].message
        assert app.screen is editor  # the operator's value is still there
        assert editor.query_one("#leverage", Input).value == "1.25"
    sleeve = stored(settings)
    assert sleeve.saved == Decimal("1.75")  # bob's value, not overwritten
    with Store(settings.db, settings, fixed_clock) as store:
        assert [(r.action, r.operator) for r in audit_trail(store, "A-1001")] == [("set-leverage", "bob")]


async def test_a_conflict_on_the_detail_toggle_is_a_notification(story_db, make_app, settings, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        detail = app.screen
        with Store(settings.db, settings, fixed_clock) as store:
            set_track_manager(store, "A-1001-M1", False, operator="bob")
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is detail and app.is_running
        shown = notes.titled("Conflict")
        assert len(shown) == 1 and "bob" in shown[0].message
    with Store(settings.db, settings, fixed_clock) as store:
        assert [(r.action, r.operator) for r in audit_trail(store, "A-1001")] == [("track-manager", "bob")]
        assert account_detail(store, "A-1001").sleeve("A-1001-M1").track_manager is False
