"""The account browser's page: filtered in SQL (prefix terms: FTS5 on SQLite, a tsvector on PostgreSQL), sorted,
one page at a time. The SQL that differs per engine is the connection's dialect's (store/engines/)."""
from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from calc.views import AccountPage
from calc.vocabulary import DIAGNOSTIC_BADGES, DIAGNOSTIC_CODES
from store.core import Store
from store.engines import sqlite as sqlite_search
from store.errors import InvalidInput
from store.mapping import account_row_from_row

PROBE_WALK_LIMIT = 500
# A broad filter's id-ordered page is taken from its first matches in rowid order when the id index walk that
# proves it (see _page_by_id) passes at most about this many accounts (~8 ms at 1,000,000).
PROOF_WALK_LIMIT = 150_000
# What a page row shows and sorts by, read from the accounts before the stale badge is found for each of them.
PAGE_COLUMNS = ("a.id, a.name, a.custodian, a.type, a.margin_enabled, a.nav_cents, a.max_saved_leverage, "
                "a.max_applied_leverage, a.diag_codes, a.call_distance")
WORD = re.compile(r"[^\W_]+")  # letters and digits of any script, as FTS5's unicode61 tokenizer indexes them
CODE_TERM = re.compile(r"(?:^|\s)code:(\S*)", re.IGNORECASE)
# The browser's sort orders: each a column an operator ranks by, biggest first, ties by id.
SORTS: dict[str, str] = {
    "id": "a.id",
    "nav": "a.nav_cents DESC, a.id",
    "leverage": "a.max_saved_leverage DESC, a.id",
    "call": "a.call_distance IS NULL, a.call_distance, a.id",  # closest to a call first; no debit last
}


def filter_words(text: str) -> list[str]:
    """The filter's words (composed first, so an accent typed as a combining mark stays in its word)."""
    return WORD.findall(unicodedata.normalize("NFC", text))


def fts_query(text: str, search: Any = None) -> str | None:
    """Each word of the filter becomes a prefix term; all must match (id, name or custodian).

    `search` is the engine's dialect (store/engines/): FTS5 on SQLite (the default), a tsvector on PostgreSQL.
    """
    words = filter_words(text)
    if not words:
        return None
    return (search or sqlite_search).search_terms(words)


def diagnostic_code(text: str) -> str:
    """A diagnostic code from what an operator types: the code or its badge, any case (`margin_call`, `CALL`)."""
    wanted = text.strip().upper()
    for code in DIAGNOSTIC_CODES:
        if wanted in (code, DIAGNOSTIC_BADGES.get(code, code)):
            return code
    raise InvalidInput(f"unknown diagnostic code {text!r}: one of {', '.join(DIAGNOSTIC_CODES)}")


def parse_filter(text: str) -> tuple[str, str | None]:
    """Split the browser's filter into its words and a `code:CODE` term (the code checked, InvalidInput if unknown)."""
    found = CODE_TERM.search(text)
    if found is None:
        return text, None
    return (text[:found.start()] + " " + text[found.end():]).strip(), diagnostic_code(found.group(1))


def stale_cutoff(store: Store) -> str:
    """Prices dated before this are stale."""
    return (store.today() - timedelta(days=store.settings.max_price_age_days)).isoformat()


def account_page(store: Store, text: str = "", limit: int = 50, offset: int = 0, code: str | None = None,
                 sort: str = "id", book_size: int | None = None, count_cap: int | None = None) -> AccountPage:
    """One page of the account browser, filtered in SQL (FTS5 prefix terms, a diagnostic code) and sorted.

    `book_size`: the book's account count when the caller keeps it (the console does: counting a million accounts
    costs 15 ms a keystroke). `count_cap`: count a filter's matches only up to this many; past it the page says
    `exact=False` and `total` is a floor (the console counts the rest after painting, see `match_count`).
    """
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0")
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}: one of {', '.join(SORTS)}")
    search = store.conn.dialect
    query = fts_query(text, search)
    params: dict[str, Any] = {"cutoff": stale_cutoff(store), "limit": limit, "offset": offset}
    if book_size is None:
        book_size = store.account_count()
    conditions: list[str] = []
    if code is not None:
        params["code"] = diagnostic_code(code)
        conditions.append(_code_condition(params["code"], search))
    exact, total = True, book_size
    if query is not None:
        params["q"] = query
        first = _first_matches(store, search, params, max(count_cap + 1 if count_cap else 0, offset + limit))
        if first is not None and len(first) < params["k"]:
            # Every match is in hand: the page is chosen among them by rowid, the full-text index is not asked again.
            total = len(first)
            conditions.append(f"a.rowid IN ({_rowid_list(first)})")
        elif first is not None and count_cap is not None:
            exact, total = False, max(count_cap, offset + limit)  # a floor: the console counts the rest once the page is painted
            if code is None and sort == "id":
                ids = _page_by_id(store, first, offset, limit)
                if ids is not None:
                    return _page(store, ids, params, sort, total, book_size, offset, limit, exact)
            conditions.append(_walk_condition(search, text, code, sort, offset + limit, book_size, total))
        else:
            total = store.scalar(search.SEARCH_COUNT, params)
            conditions.append(_walk_condition(search, text, code, sort, offset + limit, book_size, total))
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    if code is not None:
        exact, total = True, store.scalar(f"SELECT count(*) FROM accounts a {where}", params)
    if not total:
        return AccountPage(rows=[], total=0, book_size=book_size, offset=offset, limit=limit)
    # The page's rows first, their columns (the stale-price probe above all) for those rows only: a sort must not
    # compute them for every match (280,000 of them for "fide" at 1,000,000 accounts).
    chosen = f"SELECT {PAGE_COLUMNS} FROM accounts a {where} ORDER BY {SORTS[sort]} LIMIT :limit OFFSET :offset"
    return _page(store, chosen, params, sort, total, book_size, offset, limit, exact)


def _rowid_list(rowids: list[int]) -> str:
    """Rowids as an SQL list (`NULL` for none, which matches nothing): they come from the store, never from input."""
    return ", ".join(map(str, rowids)) or "NULL"


def _code_condition(code: str, search: Any) -> str:
    coded = "a.id IN (SELECT account_id FROM account_diagnostics WHERE code = :code)"
    if code != "STALE_PRICES":
        return coded
    # Stale prices depend on the clock, not on a write: they are found live, as the browser's badge is, from
    # the few stale symbols outward (positions by symbol), never by probing every account.
    # (CROSS JOIN fixes that order: left to itself SQLite scans every position, 320 ms -> 5 ms at 100,000.)
    stale_ids = (f"a.id IN (SELECT s.account_id FROM prices pr {search.ORDERED_JOIN} positions p "
                 "ON p.symbol = pr.symbol JOIN sleeves s ON s.id = p.sleeve_id WHERE pr.as_of < :cutoff)")
    return f"({coded} OR {stale_ids})"


def _first_matches(store: Store, search: Any, params: dict[str, Any], k: int) -> list[int] | None:
    """The first `k` matches' rowids in rowid order (fewer: all of them), or None where the engine has no cheap way."""
    params["k"] = k
    if search.SEARCH_FIRST is None:
        return None
    return [r[0] for r in store.conn.execute(search.SEARCH_FIRST, params).fetchall()]


def _page_by_id(store: Store, first: list[int], offset: int, limit: int) -> list[int] | None:
    """The id-ordered page among a broad filter's matches, from its first matches in rowid order, or None.

    Exact when no account past the last of those rowids has an id before the page's last: the id index is walked
    from its start to the first such account, which in a book whose ids were added in order is right after them.
    """
    last = first[-1]  # SEARCH_FIRST returns them in rowid order
    if last > PROOF_WALK_LIMIT:
        return None  # the matches start deep in the book (ids typed digit by digit): the walk would be long
    found = store.conn.execute(f"SELECT rowid, id FROM accounts WHERE rowid IN ({_rowid_list(first)}) "
                               "ORDER BY id LIMIT ?", [offset + limit]).fetchall()
    if len(found) < offset + limit:
        return None
    beyond = store.scalar("SELECT id FROM accounts WHERE +rowid > ? ORDER BY id LIMIT 1", [last])
    if beyond is not None and beyond < found[-1][1]:
        return None
    return [r[0] for r in found[offset:]]


def _walk_condition(search: Any, text: str, code: str | None, sort: str, end: int, book_size: int,
                    total: int) -> str:
    """How the matches are found when there are many: probing per row in id order, or collecting them first."""
    # A broad filter ("s") finds its first page soonest by walking the id index and probing the
    # full-text index per row; a narrow one by collecting its few matches first. Probing is only
    # cheap for prefixes the index stores (1-3 characters): a longer prefix costs ~2 ms a probe.
    rows_walked = end * book_size / max(total, 1)
    short_prefixes = all(len(w) <= search.SEARCH_PREFIX_MAX for w in filter_words(text))
    if total and short_prefixes and rows_walked <= PROBE_WALK_LIMIT and code is None and sort == "id":
        return search.SEARCH_PROBE
    # With a code, its short list drives the plan and each row is checked against the matches ("+" keeps
    # SQLite from walking the rowids and re-probing the code list: 2.5 s -> 6 ms at 100,000 accounts).
    rowid = "+a.rowid" if code is not None else "a.rowid"
    return search.SEARCH_COLLECT.format(rowid=rowid)


def _page(store: Store, chosen: str | list[int], params: dict[str, Any], sort: str, total: int, book_size: int,
          offset: int, limit: int, exact: bool) -> AccountPage:
    """The page's rows with their stale badge: `chosen` is the page's query, or its rowids (already offset)."""
    if not isinstance(chosen, str):
        chosen = (f"SELECT {PAGE_COLUMNS} FROM accounts a WHERE a.rowid IN ({_rowid_list(chosen)}) "
                  f"ORDER BY {SORTS[sort]} LIMIT :limit")
    stale_sql = ("EXISTS (SELECT 1 FROM sleeves s JOIN positions p ON p.sleeve_id = s.id JOIN prices pr "
                 "ON pr.symbol = p.symbol WHERE s.account_id = a.id AND pr.as_of < :cutoff)")
    columns = f"a.id, a.name, a.custodian, a.type, a.margin_enabled, a.nav_cents, a.max_saved_leverage, " \
              f"a.max_applied_leverage AS max_applied, a.diag_codes, {stale_sql} AS stale"
    # The page as a derived table with its own LIMIT: PostgreSQL would otherwise plan the stale probe for every row
    # the scan might return and, for 100,000, collect every stale account instead (a hashed subplan: 50-90 ms a page).
    found = store.rows(f"SELECT {columns} FROM ({chosen}) a ORDER BY {SORTS[sort]}", params)
    return AccountPage(rows=[account_row_from_row(r, bool(r["stale"])) for r in found], total=total,
                       book_size=book_size, offset=offset, limit=limit, exact=exact)

def match_count(store: Store, text: str, code: str | None = None, book_size: int | None = None) -> int:
    """Every match of the browser's filter (what a page with `exact=False` did not count): one count, no page.

    It once asked `account_page` for a page of one row and kept its total; that page's plan assumes the matches are
    spread over the book, so for matches that start deep in it ("A-04" at 1,000,000 accounts) it probed the id
    index row by row up to them: 20-27 s of a core, in a worker, while the operator kept typing.
    """
    search = store.conn.dialect
    query = fts_query(text, search)
    if code is None:
        if query is None:
            return store.account_count() if book_size is None else book_size
        return int(store.scalar(search.SEARCH_COUNT, {"q": query}))
    params: dict[str, Any] = {"code": diagnostic_code(code), "cutoff": stale_cutoff(store)}
    conditions = [_code_condition(params["code"], search)]
    if query is not None:  # the code's short list drives the plan, as in account_page
        params["q"] = query
        conditions.append(search.SEARCH_COLLECT.format(rowid="+a.rowid"))
    return int(store.scalar(f"SELECT count(*) FROM accounts a WHERE {' AND '.join(conditions)}", params))
