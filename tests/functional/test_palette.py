"""The command palette: the registry's actions for the current screen, and accounts by id or name."""
from __future__ import annotations

from textual.command import CommandList, CommandPalette

from console.actions import actions
from console.palette import ConsoleCommands
from console.screens.browser_screen import BrowserScreen
from console.screens.detail_screen import DetailScreen
from console.screens.doctor_screen import DoctorScreen
from tests.conftest import settle, wait_for
from widgets.account_table import AccountTable


def prompts(palette: CommandPalette) -> list[str]:
    commands = palette.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def search(provider: ConsoleCommands, query: str) -> list:
    return [hit async for hit in provider.search(query)]


async def test_palette_finds_an_account_and_opens_it(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"A-1002")
        await wait_for(pilot, lambda: any("Open account A-1002" in p for p in prompts(palette)))
        hits = [p for p in prompts(palette) if p.startswith("Open account")]
        assert len(hits) == 1 and hits[0].startswith("Open account A-1002 Cash Only LLC (Fidelity)")
        commands = palette.query_one(CommandList)
        index = next(i for i, p in enumerate(prompts(palette)) if p.startswith("Open account A-1002"))
        commands.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.account_id == "A-1002"
        assert app.screen.detail is not None and app.screen.detail.account.name == "Cash Only LLC"


async def test_provider_finds_accounts_by_name(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = ConsoleCommands(app.screen)
        texts = [hit.text for hit in await search(provider, "jane")]
        assert "Open account A-1001 Jane Doe Trust (Schwab)" in texts
        assert not any("A-1002" in t or "A-1003" in t for t in texts)
        # One letter is too short for an account search: actions only.
        assert not any(t.startswith("Open account") for t in [h.text for h in await search(provider, "j")])

        hit = next(h for h in await search(provider, "jane") if h.text.startswith("Open account A-1001"))
        hit.command()
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.account_id == "A-1001"


async def test_provider_offers_the_current_screens_actions(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = ConsoleCommands(app.screen)
        found = [hit.text async for hit in browser.discover()]
        expected = {f"{spec.description}" for spec in actions("browser") + actions("app") if spec.id != "force-quit"}
        assert {t.rsplit(" (", 1)[0] for t in found} == expected
        assert "Next page (n)" in found and "Filter (/)" in found and "Help (?)" in found
        assert not any(t.startswith("Edit leverage") for t in found)

        app.open_account("A-1001")
        await settle(pilot)
        detail = ConsoleCommands(app.screen)
        found = [hit.text async for hit in detail.discover()]
        assert "Edit leverage (e)" in found and "Rebalance (r)" in found and "Deposit (ctrl+d)" in found
        assert not any(t.startswith("Next page") for t in found)
        texts = [h.text for h in await search(detail, "rebalance")]
        assert "Rebalance (r)" in texts


async def test_palette_runs_an_action_on_the_screen_below(demo_db, make_app):
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        provider = ConsoleCommands(browser)
        hit = next(h for h in await search(provider, "next page") if h.text == "Next page (n)")
        hit.command()
        await settle(pilot)
        assert app.screen is browser
        assert "rows 11-20 of 40" in str(browser.query_one("#status").content)

        hit = next(h for h in await search(provider, "doctor") if h.text == "Doctor (d)")
        hit.command()
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen)


async def test_palette_ui_runs_an_action(demo_db, make_app):
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        await pilot.press(*"next page")
        await wait_for(pilot, lambda: any(p.startswith("Next page (n)") for p in prompts(palette)))
        palette.query_one(CommandList).highlighted = next(
            i for i, p in enumerate(prompts(palette)) if p.startswith("Next page (n)"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is browser
        assert isinstance(browser, BrowserScreen)
        assert browser.query_one(AccountTable).selected_account == "A-000011"


async def test_a_query_without_words_finds_no_accounts(story_db, make_app):
    """Accounts are matched on the typed words; punctuation alone matches no account."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = ConsoleCommands(app.screen)
        for query in ("!!", "--", "zz"):
            texts = [hit.text for hit in await search(provider, query)]
            assert not any(t.startswith("Open account") for t in texts), (query, texts)
