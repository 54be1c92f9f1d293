"""Keys read together are applied in the order typed: the filter, amount, leverage and reason boxes (TypedInput).

A terminal read often holds several keys (fast typing, typeahead over a slow SSH link); the driver posts them to
the app one after another without waiting. Posting the Key events the same way reproduces that.
"""
from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from tests.conftest import settle
from widgets.account_table import AccountTable
from widgets.leverage_input import LeverageInput
from widgets.typed_input import TypedInput

CHARACTERS = {"backspace": "\x7f", "left": None, "home": None, "ctrl+u": "\x15", "end": None}


def read_together(app: App, keys: str) -> None:
    """Post the keys as one terminal read does: all at once, none handled before the next is queued."""
    for key in keys.split():
        app.post_message(events.Key(key, CHARACTERS.get(key, key)))


class OneBox(App):
    def __init__(self, box: Input) -> None:
        super().__init__()
        self.box = box

    def compose(self) -> ComposeResult:
        yield self.box


async def typed(box: Input, first: str, together: str) -> str:
    app = OneBox(box)
    async with app.run_test() as pilot:
        await pilot.press(*first)
        read_together(app, together)
        await settle(pilot)
        return box.value


async def test_textual_own_input_reorders_keys_read_together():
    # Why TypedInput exists: when this starts failing, Textual has fixed it and TypedInput can go.
    assert await typed(Input(), "abc", "backspace z") == "abc"


async def test_backspace_then_a_letter_replaces_the_last_letter():
    assert await typed(TypedInput(), "abc", "backspace z") == "abz"


async def test_moves_and_deletions_keep_their_place_among_the_letters():
    assert await typed(TypedInput(), "abc", "left y") == "abyc"
    assert await typed(TypedInput(), "abc", "home x end backspace backspace q") == "xaq"
    assert await typed(TypedInput(), "abc", "ctrl+u n e w") == "new"


async def test_the_leverage_box_too():
    assert await typed(LeverageInput(), "1.5", "backspace 2 5") == "1.25"


async def test_the_filter_typed_fast_finds_what_was_typed(demo_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        read_together(app, "s u x backspace m")
        await settle(pilot)
        box = app.screen.query_one("#filter")
        assert box.value == "sum"
        assert app.screen.query_one(AccountTable).row_count == 2  # the two Summit accounts, as typed slowly
        assert "2 match 'sum'" in str(app.screen.query_one("#status").content)
