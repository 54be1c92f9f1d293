"""The command palette: every action of the current screen from the registry, and accounts by id or name."""
from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.actions import ActionSpec, display_key
from store.queries.accounts import account_page, fts_query

if TYPE_CHECKING:
    from console.app import MarginConsoleApp

ACCOUNT_HITS = 8
ACCOUNT_SCORE = 0.9
EXACT_ID_SCORE = 1e6  # above any fuzzy matcher score


class ConsoleCommands(Provider):
    """Actions for where the operator is now, then accounts matching the typed words."""

    @property
    def console(self) -> MarginConsoleApp:
        """The app, typed (a Provider's `app` is any App)."""
        return cast("MarginConsoleApp", self.app)

    def _specs(self) -> list[ActionSpec]:
        """The current screen's and the app's actions as the keymap left them; no writes in a read-only session."""
        scope = getattr(self.screen, "SCOPE", "")
        specs = [a for a in self.console.registry if a.scope == scope] + [
            a for a in self.console.registry if a.scope == "app"]
        return [a for a in specs if a.palette and a.id != "force-quit" and not (self.console.read_only and a.writes)]

    def _run(self, spec: ActionSpec) -> None:
        self.app.call_later(self.screen.run_action, spec.action)

    async def discover(self) -> Hits:
        for spec in self._specs():
            yield DiscoveryHit(f"{spec.description} ({display_key(spec)})", partial(self._run, spec),
                               help=spec.tooltip)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec in self._specs():
            text = f"{spec.description} ({display_key(spec)})"
            score = max(matcher.match(text), matcher.match(spec.tooltip) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, spec), text=text, help=spec.tooltip)
        if len(query.strip()) < 2 or fts_query(query) is None:
            return  # no words to match: listing arbitrary accounts would mislead
        page = await asyncio.to_thread(self._find_accounts, query)
        wanted = query.strip().casefold()
        for row in page:
            text = f"Open account {row.id} {row.name} ({row.custodian})"
            # An exact account id outranks every fuzzy match: typing an id means that account.
            score = EXACT_ID_SCORE if row.id.casefold() == wanted else ACCOUNT_SCORE
            yield Hit(score, matcher.highlight(text), partial(self.console.open_account, row.id), text=text,
                      help="Open this account's detail")

    def _find_accounts(self, query: str) -> list:
        with self.console.open_store() as store:
            return account_page(store, query, ACCOUNT_HITS, 0).rows
