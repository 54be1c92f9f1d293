"""The shared test helpers hold on the pinned Textual: the notification recorder sees what the app shows."""
from __future__ import annotations

from tests.conftest import settle


async def test_notes_records_each_notification_the_app_shows(story_db, make_app, notes):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notes) as pilot:
        await settle(pilot)
        notes.clear()
        app.notify("first", title="One")
        app.notify("second", title="Two", severity="error")
        await settle(pilot)
        assert notes.messages == ["first", "second"]
        assert notes.titles == ["One", "Two"]
        assert [n.severity for n in notes.titled("Two")] == ["error"]
        # The toasts on screen (run_test shows them only with notifications=True), by a CSS type selector:
        # Textual keeps the Toast class private.
        shown = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert len(shown) == 2 and "first" in shown[0] and "second" in shown[1]
        notes.clear()
        assert notes.notifications == [] and notes.messages == []
