"""The Textual app: owns the settings, the clock and the store factory; runs all database work in workers."""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App

from calc.formatting import clock_time
from console.actions import ActionSpec, bindings
from console.key_hold import KeyHold, ReplayHeldKeys
from console.keymap import console_registry
from console.messages import AccountChanged, AccountWritten, BookChanged, StoreFailed, WorkerResult
from console.textual_workarounds import TextualWorkarounds
from store.core import Clock, Store
from store.engines import display_name
from store.errors import StoreError
from store.settings import Settings, login_name

# The first page needs none of these: the writer is resolved by the first write, the watcher starts after the first
# page is painted, the palette's provider is imported when the palette opens.
if TYPE_CHECKING:
    from textual.command import Provider

    from calc.approvals import Actor
    from console.live_book import LiveBook


def console_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (Textual takes a callable for that)."""
    from console.palette import ConsoleCommands

    return ConsoleCommands


class MarginConsoleApp(App[None]):
    """Browse accounts, edit leverage and track manager, walk the checklist, fire ACRs."""

    CSS_PATH = "app.tcss"
    TITLE = "margin-console"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {console_commands}

    def __init__(self, settings: Settings, clock: Clock | None = None, page_size: int = 100,
                 cursor_blink: bool = True, live: bool = False, login: str | None = None,
                 claim: str | None = None, collector_held: bool = False) -> None:
        super().__init__()
        self.settings = settings
        # Who approves in the approvals screen: the OS login (and an admin's claim), resolved against the book.
        self.login = login or login_name()
        self.claim = claim if claim is not None else settings.claimed_operator()
        self.clock = clock
        self.page_size = page_size
        self.cursor_blink = cursor_blink
        # collector_held: the caller turned automatic garbage collection off for the start-up; back on once the
        # first result is painted (console/textual_workarounds.py).
        self.workarounds = TextualWorkarounds(self, collector_held=collector_held)
        self.live = bool(live and settings.live_seconds)
        self.live_book: LiveBook | None = None  # started once the first page is painted (_result_shown)
        self.first_read_head: int | None = None  # the audit head before the first read (open_store)
        # The registry under the operator's [keys]: help and palette read it, Textual's keymap moves the footer's.
        self.registry: tuple[ActionSpec, ...] = console_registry(settings)
        self.set_keymap({spec.id: spec.keys for spec in self.registry if spec.id in settings.keys})
        force_quit = frozenset(k for spec in self.registry if spec.id == "force-quit" for k in spec.keys.split(","))
        self.key_hold = KeyHold(self, force_quit)
        self.theme = settings.theme
        viewer = " · read-only" if settings.read_only else ""
        self.sub_title = f"{settings.operator} · {display_name(settings.db)}{viewer}"

    @property
    def operator(self) -> str:
        return self.settings.operator

    @property
    def read_only(self) -> bool:
        """A viewer's session: no write path (store opened read-only, write keys hidden and refused)."""
        return self.settings.read_only

    def actor(self, store: Store) -> Actor:
        """Who this console writes as, resolved against the book's operators (the settings' name on an open book)."""
        from calc.approvals import Actor
        from store.operators import resolve_actor

        found = resolve_actor(store, self.login, self.claim)
        return Actor(self.operator, self.login, None, open_book=True) if found.open_book else found

    def open_store(self) -> Store:
        """A new connection for the calling thread (SQLite connections are per thread). The first one also notes
        the audit head, before anything is read: the live book, started later, announces every write after it."""
        store = Store(self.settings.db, self.settings, self.clock)
        if self.live and self.first_read_head is None:
            self.first_read_head = store.audit_head()
        return store

    def on_mount(self) -> None:
        from console.screens.browser_screen import BrowserScreen

        self.workarounds.install()
        self.push_screen(BrowserScreen())

    def on_unmount(self) -> None:
        if self.live_book is not None:
            self.live_book.stop()
        self.workarounds.uninstall()

    async def on_event(self, event: events.Event) -> None:
        if not self.key_hold.takes(event):
            await super().on_event(event)

    @on(ReplayHeldKeys)
    async def _replay_held_keys(self) -> None:
        for key in self.key_hold.take_held():
            await super().on_event(key)

    @on(WorkerResult)
    def _result_shown(self) -> None:
        """Every worker result bubbles here once its screen has shown it."""
        self.workarounds.collect_after_refresh()
        if self.live and self.live_book is None:
            self.call_after_refresh(self._start_live_book)

    def _start_live_book(self) -> None:
        """Watch the book for other processes' writes, from the first painted result on: the watcher's imports
        (the audit queries), connection and thread would otherwise compete with the first page for the GIL."""
        from console.live_book import LiveBook

        if self.live_book is None and self.is_running:
            self.live_book = LiveBook(self, self.settings.live_seconds, since=self.first_read_head)
            self.live_book.start()

    @on(StoreFailed)
    def _store_failed(self, message: StoreFailed) -> None:
        """The one place a failed store call becomes what the operator reads."""
        self.workarounds.release_collector()  # a first page that failed: no result will turn it back on
        self.key_hold.failed(message.screen)  # an account that failed to open: its keys reach no other screen
        error = message.error
        if isinstance(error, StoreError):
            self.notify(str(error), title=type(error).__name__, severity="error", timeout=8)
        elif isinstance(error, sqlite3.OperationalError):
            text = "the book is locked by another writer: try again" if "locked" in str(error) else str(error)
            self.notify(text, title="Database", severity="error", timeout=8)
        elif any(c.__module__.startswith("psycopg") and c.__name__ == "OperationalError"
                 for c in type(error).__mro__):
            # The server went away or refused us (psycopg is imported only on a server's book, so not here).
            self.notify(str(error).strip().splitlines()[0], title="Database", severity="error", timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Unexpected error", severity="error", timeout=10)

    @on(AccountWritten)
    def _account_written(self, message: AccountWritten) -> None:
        self.account_changed(message.account_id)

    def account_changed(self, account_id: str, changed_by: str | None = None, action: str = "") -> None:
        """Tell every screen on the stack that an account was written (by another operator, if `changed_by`)."""
        for screen in self.screen_stack:
            screen.post_message(AccountChanged(account_id, changed_by, action))

    @on(BookChanged)
    def _book_changed(self, message: BookChanged) -> None:
        """Another operator's writes: screens showing those accounts refresh, and the operator is told who."""
        shown = {getattr(screen, "account_id", None) for screen in self.screen_stack} - {None}
        latest = {}
        for record in message.records:
            if record.operator != self.operator:  # our own writes already refreshed through AccountWritten
                for account_id in [record.account_id] if record.account_id else sorted(shown) or ["*"]:
                    latest[account_id] = record
        for account_id, record in latest.items():
            self.account_changed(account_id, record.operator, record.action)
            if account_id in shown:
                self.notify(f"{account_id} was changed by {record.operator} ({record.action}) at {clock_time(record.at)}.",
                            title="Book changed", timeout=8)

    def open_account(self, account_id: str) -> None:
        """One detail screen is kept and re-pointed per open (an update, not a compose); a second is made only
        when the kept one is already on the stack (an account opened from the doctor above another's detail)."""
        from console.screens.detail_screen import DetailScreen

        if not self.is_screen_installed("detail"):
            self.install_screen(DetailScreen(account_id), "detail")
            self.workarounds.freeze_after_next_collect()  # the kept screen lives as long as the app
        screen = self.get_screen("detail", DetailScreen)
        if screen in self.screen_stack:
            self.push_screen(DetailScreen(account_id))
        elif screen.is_mounted:
            self.key_hold.start(screen, screen.push_now)  # keys typed until it is pushed are its own
            screen.point_at(account_id)  # pushed by the screen once the account is on it
        else:
            self.push_screen(screen)

    def action_help(self) -> None:
        from console.screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_approvals(self) -> None:
        from console.screens.approvals_screen import ApprovalsScreen

        if not isinstance(self.screen, ApprovalsScreen):
            self.push_screen(ApprovalsScreen())

    def action_doctor(self) -> None:
        from console.screens.doctor_screen import DoctorScreen

        if any(isinstance(screen, DoctorScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, DoctorScreen):  # back to the open doctor, never a second one
                self.pop_screen()
            return
        self.push_screen(DoctorScreen())


def run_console(settings: Settings, **kwargs: Any) -> None:
    """Open the console on the book in `settings.db`."""
    MarginConsoleApp(settings, live=True, **kwargs).run()
