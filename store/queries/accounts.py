"""The account browser's page: filtered in SQL (FTS5 prefix terms), ordered by id, one page at a time."""
from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from calc.views import AccountPage
from store.core import Store
from store.engines import sqlite as sqlite_search
from store.errors import InvalidInput
from store.mapping import account_row_from_row

PROBE_WALK_LIMIT = 500
WORD = re.compile(r"[^\W_]+")  # letters and digits of any script, as FTS5's unicode61 tokenizer indexes them


def filter_words(text: str) -> list[str]:
    """The filter's words (composed first, so an accent typed as a combining mark stays in its word)."""
    return WORD.findall(unicodedata.normalize("NFC", text))


def fts_query(text: str, search: Any = None) -> str | None:
    """Each word of the filter becomes a prefix term; all must match (id, name or custodian).

    `search` is the engine's dialect (store/engines/): FTS5 on SQLite, a tsvector on PostgreSQL.
    """
    words = filter_words(text)
    if not words:
        return None
    return (search or sqlite_search).search_terms(words)


def stale_cutoff(store: Store) -> str:
    """Prices dated before this are stale."""
    return (store.today() - timedelta(days=store.settings.max_price_age_days)).isoformat()


def account_page(store: Store, text: str = "", limit: int = 50, offset: int = 0) -> AccountPage:
    """One page of the account browser, filtered in SQL (FTS5 prefix terms) and ordered by id."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0")
    search = store.conn.dialect
    query = fts_query(text, search)
    stale = ("EXISTS (SELECT 1 FROM sleeves s JOIN positions p ON p.sleeve_id = s.id JOIN prices pr "
             "ON pr.symbol = p.symbol WHERE s.account_id = a.id AND pr.as_of < :cutoff) AS stale")
    columns = f"a.id, a.name, a.custodian, a.type, a.margin_enabled, a.nav_cents, a.max_saved_leverage, " \
              f"a.diag_codes, {stale}"
    params: dict[str, Any] = {"cutoff": stale_cutoff(store), "limit": limit, "offset": offset}
    book_size = store.account_count()
    if query is None:
        where, total = "", book_size
    else:
        params["q"] = query
        total = store.scalar(search.SEARCH_COUNT, params)
        # A broad filter ("s") finds its first page soonest by walking the id index and probing the
        # full-text index per row; a narrow one by collecting its few matches first. Probing is only
        # cheap for prefixes the index stores (1-3 characters): a longer prefix costs ~2 ms a probe.
        rows_walked = (offset + limit) * book_size / max(total, 1)
        short_prefixes = all(len(w) <= search.SEARCH_PREFIX_MAX for w in filter_words(text))
        where = search.SEARCH_PROBE if total and short_prefixes and rows_walked <= PROBE_WALK_LIMIT \
            else search.SEARCH_COLLECT
    found = store.rows(f"SELECT {columns} FROM accounts a {where} ORDER BY a.id LIMIT :limit OFFSET :offset",
                       params) if total else []
    return AccountPage(rows=[account_row_from_row(r, bool(r["stale"])) for r in found],
                       total=total, book_size=book_size, offset=offset, limit=limit)
