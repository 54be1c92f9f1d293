"""Issue 17 item 4: what an open draws, built once on the read's worker, and what a refill leaves alone."""
from __future__ import annotations

import asyncio

import json

from console import key_hold
from console.screens.detail_screen import DetailScreen
from store.book import import_book
from store.core import Store
from store.queries.detail import account_detail
from tests.conftest import fixed_clock, settle
from tests.functional.conftest import DATA
from tests.functional.test_detail import card, open_detail, shown_cards, text
from tests.functional.test_detail_reuse import kept_screen_then_browser, read_waits, until_pushed_loading
from widgets.detail_body import DetailBody
from widgets.margin_panel import MarginPanel
from widgets.sleeve_card import SleeveCard


def bracketed_book(settings) -> None:
    """The story book with an account name and a model name that read as markup: `[/x]` closes no tag."""
    book = json.loads((DATA / "story_book.json").read_text())
    book["accounts"][0]["name"] = "Bad [/x] LLC"
    book["accounts"][0]["custodian"] = "Schwab [ops]"
    book["models"][0]["name"] = "Core [60/40]"
    with Store(settings.db, settings, fixed_clock) as store:
        import_book(store, book, "seed")


async def test_names_that_look_like_markup_are_shown_as_typed(settings, make_app):
    """An account, custodian or model name is the book's text, not markup: `[/x]` used to raise MarkupError when
    the title was drawn, and `[60/40]` vanished from the card as an unknown tag."""
    bracketed_book(settings)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_detail(pilot, "A-1001")
        await settle(pilot)
        title = str(screen.query_one("#account-title").render())
        assert "A-1001 · Bad [/x] LLC · Schwab [ops] · margin" in title
        assert "Model CORE6040 Core [60/40]" in text(card(screen, "A-1001-M1"))
        assert isinstance(app.screen, DetailScreen)


async def test_a_slow_open_shows_nothing_of_the_last_account(story_db, make_app, monkeypatch):
    """A read slower than the key hold pushes the screen loading: its title named the new account, but the last
    account's cards, margin figures and diagnostics stayed on it under that title until the read ended."""
    monkeypatch.setattr(key_hold, "HOLD_LIMIT", 0.2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kept_screen_then_browser(pilot)  # A-1001 was on the kept screen
        gate = read_waits(monkeypatch)
        app.open_account("A-1003")
        screen = app.get_screen("detail")
        await until_pushed_loading(pilot, screen)
        assert app.screen is screen and screen.detail is None
        assert str(screen.query_one("#account-title").content) == "A-1003 · loading…"
        assert not screen.query_one(DetailBody).display  # no card, panel or diagnostic of A-1001 drawn
        gate.set()
        await settle(pilot)
        assert screen.query_one(DetailBody).display
        assert [c.sleeve.id for c in screen.query(SleeveCard)] == ["A-1003-APM", "A-1003-M1"]


async def test_a_push_while_the_cards_mount_keeps_the_accounts_title(demo_db, make_app, settings, monkeypatch):
    """The key hold gave up while the arrived account's extra cards were mounting: the push set the title back to
    "· loading…" and cleared the banner over the account already shown, and nothing set them again."""
    with Store(settings.db, settings, fixed_clock) as store:
        sleeves = {f"A-{n:06d}": len(account_detail(store, f"A-{n:06d}").sleeves) for n in range(1, 41)}
    few, many = min(sleeves, key=sleeves.get), max(sleeves, key=sleeves.get)
    assert sleeves[many] > sleeves[few]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, few)  # the kept screen holds only `few`'s cards
        await pilot.press("escape")
        await settle(pilot)
        monkeypatch.setattr(key_hold, "HOLD_LIMIT", 0.2)
        mount_all = DetailBody.mount_all

        async def slow_mount(self, *widgets, **where):  # the extra cards' mount outlasts the key hold
            await asyncio.sleep(0.4)
            return await mount_all(self, *widgets, **where)

        monkeypatch.setattr(DetailBody, "mount_all", slow_mount)
        app.open_account(many)
        screen = app.get_screen("detail")
        await until_pushed_loading(pilot, screen)
        await settle(pilot)
        assert app.screen is screen and screen.detail.account.id == many
        title = str(screen.query_one("#account-title").content)
        assert title.startswith(f"{many} · ") and "loading" not in title
        assert screen.query_one(DetailBody).display and len(shown_cards(screen)) == sleeves[many]


async def test_a_reload_redraws_only_what_changed(story_db, make_app):
    """A write to one sleeve reloads the account: the card of the other sleeve, the title and the margin panel
    hold the same text, so they are not laid out or drawn again; the changed card is."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_detail(pilot, "A-1003")
        await settle(pilot)
        apm, model = card(screen, "A-1003-APM"), card(screen, "A-1003-M1")
        refreshed: list[str] = []
        for widget, name in ((apm, "apm"), (model, "model"), (screen.query_one("#account-title"), "title"),
                             (screen.query_one(MarginPanel), "margin")):
            def spy(*args, _name=name, _original=widget.refresh, **kwargs):
                refreshed.append(_name)
                return _original(*args, **kwargs)
            widget.refresh = spy
        await pilot.press("t")  # track manager ON for the model sleeve: a write, then a reload
        await settle(pilot)
        assert "Track manager ON" in text(model)
        assert "model" in refreshed
        assert not {"apm", "title", "margin"} & set(refreshed)


async def test_spare_cards_are_kept_hidden_and_reused(demo_db, make_app, settings):
    """From an account with more sleeves to one with fewer and back: the cards beyond the fewer sleeves are hidden
    rather than removed (and reused, not mounted again, on the way back); no key selects a hidden card."""
    with Store(settings.db, settings, fixed_clock) as store:
        counts = {f"A-{n:06d}": len(account_detail(store, f"A-{n:06d}").sleeves) for n in range(1, 41)}
    many = max(counts, key=counts.get)
    few = min(counts, key=counts.get)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_detail(pilot, many)
        held = list(screen.query(SleeveCard))
        assert len(held) == counts[many]
        await pilot.press("escape")
        screen = await open_detail(pilot, few)
        assert list(screen.query(SleeveCard)) == held  # nothing removed
        assert [c.sleeve.id for c in shown_cards(screen)] == [s.id for s in screen.detail.sleeves]
        for _ in range(counts[many] + 1):  # round the focus chain: only this account's cards
            await pilot.press("j")
            await pilot.pause()
            assert screen.focused in shown_cards(screen) and screen.selected_sleeve.id in counts_ids(screen)
        await pilot.press("escape")
        screen = await open_detail(pilot, many)
        assert shown_cards(screen) == held  # reused, none mounted
        assert [c.sleeve.id for c in held] == [s.id for s in screen.detail.sleeves]


def counts_ids(screen: DetailScreen) -> set[str]:
    return {s.id for s in screen.detail.sleeves}
