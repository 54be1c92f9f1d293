"""The account browser: one SQL page at a time, filtered live as the operator types."""
from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Input, Static

from calc.vocabulary import DIAGNOSTIC_CODES
from calc.views import AccountPage, BookFreshness
from console.actions import bindings
from console.footer import PriorityFooter
from console.messages import AccountChanged, FreshnessLoaded, MatchesCounted, PageLoaded
from console.screens.base import ConsoleScreen
from store.errors import InvalidInput
from store.queries.accounts import SORTS, account_page, match_count, parse_filter
from store.queries.freshness import book_freshness
from widgets.account_table import AccountTable
from widgets.typed_input import TypedInput

# A filter's matches are counted up to this many with its page ("1,000+"); the rest after the page is painted.
COUNT_CAP = 1000
SORT_LABELS = {"id": "id", "nav": "NAV ↓", "leverage": "saved leverage ↓", "call": "call distance ↑"}


class BrowserScreen(ConsoleScreen[None]):
    """Find an account among the whole book in a keystroke or two."""

    SCOPE = "browser"
    BINDINGS = bindings("browser")

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.code: str | None = None  # from the c key or a `code:` term in the filter
        self.sort = "id"
        self.page_offset = 0
        self.page: AccountPage | None = None
        self.page_code: str | None = None  # the code the page on screen was filtered by
        self.freshness: BookFreshness | None = None
        self.book_size: int | None = None  # kept between keystrokes; None after a write: counted again

    def compose(self) -> ComposeResult:
        yield Header()
        yield TypedInput(placeholder="Filter: id, name or custodian, or code:CALL (enter browses, escape clears)",
                    id="filter")
        yield AccountTable(id="accounts")
        yield Static("Loading the book…", id="status", classes="status-line")
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.app.cursor_blink
        self.query_one(AccountTable).focus()
        self.load()

    def load(self) -> None:
        self.book_size = None
        self.load_freshness()
        self.load_accounts()

    def load_accounts(self) -> None:
        """The page for the filter, code and sort now (a bad `code:` term is said on the status line)."""
        try:
            words, typed_code = parse_filter(self.filter_text)
        except InvalidInput as error:
            self.query_one("#status", Static).update(f"Filter: {error}")
            return
        self.load_page(self.filter_text, words, typed_code or self.code, self.sort, self.page_offset,
                       self.app.page_size, self.book_size)

    @work(thread=True, exclusive=True, group="browser-freshness", exit_on_error=False, description="freshness")
    def load_freshness(self) -> None:
        """The header says how current the book is; read on open and after a write, not on every keystroke."""
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(FreshnessLoaded(book_freshness(store)))

    @on(FreshnessLoaded)
    def _show_freshness(self, message: FreshnessLoaded) -> None:
        self.freshness = message.freshness
        self.book_size = message.freshness.book_size
        self.sub_title = f"{self.app.sub_title} · {message.freshness.prices_line}"
        self._show_status()

    @work(thread=True, exclusive=True, group="browser-page", exit_on_error=False, description="browser-page")
    def load_page(self, text: str, words: str, code: str | None, sort: str, offset: int, limit: int,
                  book_size: int | None) -> None:
        with self.store_failures(), self.app.open_store() as store:
            page = account_page(store, words, limit, offset, code=code, sort=sort, book_size=book_size,
                                count_cap=COUNT_CAP)
            self.deliver(PageLoaded(page, text, code))

    @work(thread=True, exclusive=True, group="browser-count", exit_on_error=False, description="browser-count")
    def count_matches(self, text: str, words: str, code: str | None, book_size: int) -> None:
        """A broad filter's every match, counted once its first page is on screen (the status said "1,000+")."""
        with self.store_failures(), self.app.open_store() as store:
            self.deliver(MatchesCounted(text, code, match_count(store, words, code, book_size)))

    @on(MatchesCounted)
    def _counted(self, message: MatchesCounted) -> None:
        page = self.page
        if page is None or page.exact or message.text != self.filter_text or message.code != self.page_code:
            return  # the filter moved on: its own count is on its way
        self.page = replace(page, total=message.total, exact=True)
        self._show_status()

    @on(PageLoaded)
    def _show(self, message: PageLoaded) -> None:
        page, text = message.page, message.text
        if text != self.filter_text:
            return  # a newer keystroke's page is on its way
        self.page, self.page_code = page, message.code
        self.book_size = page.book_size
        table = self.query_one(AccountTable)
        row = table.cursor_row
        table.show_rows(page.rows)
        if page.rows:
            table.move_cursor(row=min(row, len(page.rows) - 1))
        self._show_status()
        if not page.exact:
            words, _ = parse_filter(text)
            self.call_after_refresh(self.count_matches, text, words, message.code, page.book_size)

    def _show_status(self) -> None:
        page = self.page
        if page is None:
            return
        first = page.offset + 1 if page.rows else 0
        last = page.offset + len(page.rows)
        total = f"{page.total:,}" + ("" if page.exact else "+")
        order = f" · by {SORT_LABELS[self.sort]}" if self.sort != "id" else ""
        reconciled = f" ({self.freshness.reconciled_today:,} reconciled today)" if self.freshness else ""
        more = " · n/p" if page.total > page.limit else ""
        room = self.query_one("#status", Static).content_region.width or self.app.size.width - 2

        def line(reconciled: str, more: str, shown_filter: str) -> str:
            scope = f"{total} match '{shown_filter}'" if self.filter_text else "all"
            if self.page_code and "code:" not in self.filter_text.lower():
                scope += f" with {self.page_code}"
            return (f"{page.book_size:,} accounts{reconciled} · {scope}{order} · rows {first:,}-{last:,} of "
                    f"{total}{more}")

        # On a narrow terminal the line gives up, in order, the reconciled count, the paging hint and the end of
        # a long filter, so the match count and the rows shown stay on screen.
        fitting = (line(reconciled, more, self.filter_text), line("", more, self.filter_text))
        text = next((t for t in fitting if len(t) <= room), line("", "", self.filter_text))
        if len(text) > room:
            cut = len(self.filter_text) - (len(text) - room) - 1
            text = line("", "", self.filter_text[:max(cut, 1)] + "…")
        self.query_one("#status", Static).update(text)

    def on_resize(self) -> None:
        self._show_status()  # a narrower or wider terminal fits the status line again

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.page_offset = 0
        self.load_accounts()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(AccountTable).focus()

    @on(DataTable.RowSelected, "#accounts")
    def _row_selected(self) -> None:
        self.action_open()

    def on_account_changed(self, message: AccountChanged) -> None:
        self.load()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-visible")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        box.remove_class("-visible")
        self.query_one(AccountTable).focus()

    def action_open(self) -> None:
        account = self.query_one(AccountTable).selected_account
        if account is None:
            self.notify("No account here: clear the filter with escape.", severity="warning")
            return
        self.app.open_account(account)

    def action_cycle_code(self) -> None:
        """The next diagnostic code (after the last, every account again)."""
        order = [None, *DIAGNOSTIC_CODES]
        self.code = order[(order.index(self.code) + 1) % len(order)]
        self.page_offset = 0
        self.load_accounts()

    def action_cycle_sort(self) -> None:
        order = list(SORTS)
        self.sort = order[(order.index(self.sort) + 1) % len(order)]
        self.page_offset = 0
        self.load_accounts()

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        limit = self.page.limit
        target = self.page_offset + step * limit
        end = max(self.page.total, 1) if self.page.exact else self.page.offset + limit + 1  # a floor: one more page
        if target < 0 or target >= end:
            self.notify("No more pages that way.", severity="information", timeout=2)
            return
        self.page_offset = target
        self.load_accounts()
