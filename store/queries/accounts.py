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
                 sort: str = "id") -> AccountPage:
    """One page of the account browser, filtered in SQL (FTS5 prefix terms, a diagnostic code) and sorted."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0")
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}: one of {', '.join(SORTS)}")
    search = store.conn.dialect
    query = fts_query(text, search)
    stale_sql = ("EXISTS (SELECT 1 FROM sleeves s JOIN positions p ON p.sleeve_id = s.id JOIN prices pr "
                 "ON pr.symbol = p.symbol WHERE s.account_id = a.id AND pr.as_of < :cutoff)")
    columns = f"a.id, a.name, a.custodian, a.type, a.margin_enabled, a.nav_cents, a.max_saved_leverage, " \
              f"a.max_applied_leverage AS max_applied, a.diag_codes, {stale_sql} AS stale"
    params: dict[str, Any] = {"cutoff": stale_cutoff(store), "limit": limit, "offset": offset}
    book_size = store.account_count()
    conditions: list[str] = []
    if code is not None:
        params["code"] = diagnostic_code(code)
        coded = "a.id IN (SELECT account_id FROM account_diagnostics WHERE code = :code)"
        # Stale prices depend on the clock, not on a write: they are found live, as the browser's badge is, from
        # the few stale symbols outward (positions by symbol), never by probing every account.
        # (CROSS JOIN fixes that order: left to itself SQLite scans every position, 320 ms -> 5 ms at 100,000.)
        stale_ids = (f"a.id IN (SELECT s.account_id FROM prices pr {search.ORDERED_JOIN} positions p "
                     "ON p.symbol = pr.symbol JOIN sleeves s ON s.id = p.sleeve_id WHERE pr.as_of < :cutoff)")
        conditions.append(f"({coded} OR {stale_ids})" if params["code"] == "STALE_PRICES" else coded)
    if query is None:
        total = book_size
    else:
        params["q"] = query
        total = store.scalar(search.SEARCH_COUNT, params)
        # A broad filter ("s") finds its first page soonest by walking the id index and probing the
        # full-text index per row; a narrow one by collecting its few matches first. Probing is only
        # cheap for prefixes the index stores (1-3 characters): a longer prefix costs ~2 ms a probe.
        rows_walked = (offset + limit) * book_size / max(total, 1)
        short_prefixes = all(len(w) <= search.SEARCH_PREFIX_MAX for w in filter_words(text))
        if total and short_prefixes and rows_walked <= PROBE_WALK_LIMIT and code is None and sort == "id":
            conditions.append(search.SEARCH_PROBE)
        else:
            # With a code, its short list drives the plan and each row is checked against the matches ("+" keeps
            # SQLite from walking the rowids and re-probing the code list: 2.5 s -> 6 ms at 100,000 accounts).
            rowid = "+a.rowid" if code is not None else "a.rowid"
            conditions.append(search.SEARCH_COLLECT.format(rowid=rowid))
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    if code is not None:
        total = store.scalar(f"SELECT count(*) FROM accounts a {where}", params)
    # The page's rows first, then their stale badge: PostgreSQL plans a subquery in the columns for every row the
    # scan might return and, for 100,000, collects every stale account instead (a hashed subplan: 50-90 ms a page).
    page = f"SELECT {PAGE_COLUMNS} FROM accounts a {where} ORDER BY {SORTS[sort]} LIMIT :limit OFFSET :offset"
    found = store.rows(f"SELECT {columns} FROM ({page}) a ORDER BY {SORTS[sort]}", params) if total else []
    return AccountPage(rows=[account_row_from_row(r, bool(r["stale"])) for r in found],
                       total=total, book_size=book_size, offset=offset, limit=limit)
