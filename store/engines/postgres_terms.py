"""Migrations 9 and 10 on PostgreSQL: every text column in byte order, what the browser's filter counts with, and
the filter's query folded once per statement.

SQLite needs neither: its BINARY collation compares bytes, and FTS5's prefix index counts a prefix's matches
from its own compact lists. (store/migrations.py pairs this with an empty SQLite half.)
"""
from __future__ import annotations

from typing import Any

# 9: what the browser's filter counts with, so a keystroke's total is a lookup, or the GIN index's own AND of a few
# words, never a read of every row one broad prefix matches (300-500 ms for "s" or "A" at 100,000 accounts, whose
# total the browser shows on every keystroke).
# - term_counts: for each term, how many accounts hold it. An account's terms are its words (the search vector's
#   lexemes, so the filter's words: id, name, custodian, folded as to_tsquery folds them) and each word's 1-3
#   letter prefixes (account_terms_of).
# - book_size: the accounts' count (count(*) reads the whole table on PostgreSQL).
# Both are kept by triggers; writers are serialized by the book's advisory lock, so their rows are never contended.
TERMS = """
CREATE TABLE IF NOT EXISTS term_counts (
    term TEXT COLLATE "C" PRIMARY KEY,
    accounts BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS book_size (
    one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    accounts BIGINT NOT NULL
);
CREATE OR REPLACE FUNCTION account_terms_of(search tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT t FROM unnest(tsvector_to_array(search)) w,
        LATERAL (SELECT left(w, n) FROM generate_series(1, least(length(w), 3)) n
                 UNION ALL SELECT w WHERE length(w) > 3) p(t)
$$;
-- Renaming or removing an account is rare and one row at a time: a row trigger moves its terms' counts. Inserts
-- come in bulk (an import, the demo, a copy: PgConnection.executemany sends them as multi-row statements), so
-- their counts are added once per statement from the transition table. (Counting per inserted row would update
-- the row of "a" 100,000 times in one transaction, each update slower than the last as the row's dead versions
-- pile up until the commit.)
CREATE OR REPLACE FUNCTION accounts_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.search IS NOT DISTINCT FROM OLD.search THEN
        RETURN NULL;
    END IF;
    UPDATE term_counts SET accounts = accounts - 1 WHERE term IN (SELECT account_terms_of(OLD.search));
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO term_counts SELECT t, 1 FROM account_terms_of(NEW.search) t
            ON CONFLICT (term) DO UPDATE SET accounts = term_counts.accounts + 1;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS accounts_terms ON accounts;
CREATE TRIGGER accounts_terms AFTER DELETE OR UPDATE OF id, name, custodian ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_terms();
INSERT INTO term_counts SELECT t, count(*) FROM accounts a, account_terms_of(a.search) t GROUP BY t
    ON CONFLICT (term) DO UPDATE SET accounts = EXCLUDED.accounts;

INSERT INTO book_size (accounts) SELECT count(*) FROM accounts
    ON CONFLICT (one) DO UPDATE SET accounts = EXCLUDED.accounts;
CREATE OR REPLACE FUNCTION accounts_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO term_counts SELECT t, count(*) FROM added a, account_terms_of(a.search) t GROUP BY t
            ON CONFLICT (term) DO UPDATE SET accounts = term_counts.accounts + EXCLUDED.accounts;
        UPDATE book_size SET accounts = accounts + (SELECT count(*) FROM added);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE book_size SET accounts = accounts - (SELECT count(*) FROM removed);
    ELSE
        UPDATE book_size SET accounts = 0;
        DELETE FROM term_counts;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS accounts_added ON accounts;
CREATE TRIGGER accounts_added AFTER INSERT ON accounts REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_counted();
DROP TRIGGER IF EXISTS accounts_removed ON accounts;
CREATE TRIGGER accounts_removed AFTER DELETE ON accounts REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_counted();
DROP TRIGGER IF EXISTS accounts_truncated ON accounts;
CREATE TRIGGER accounts_truncated AFTER TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_counted();

-- The filter's total: its words folded as the search vector's, each a prefix that must match. A word of up to 3
-- letters is one term; a longer one is the whole words it begins (a range: under COLLATE "C" every word beginning
-- with w sorts from w to w || chr(1114111), the last code point). A word that is one term has its count kept in
-- term_counts: none is 0, every account means it filters nothing (the "A" of every "A-..." id) and it is dropped.
-- One word left is its count; several are intersected by the GIN index, which ANDs their lists inside the index
-- and reads only the matching rows (a merge of their terms read 66,000 index entries for "fidelity t", each a
-- heap visit until autovacuum has run after an import: 100-470 ms against 20-40 ms).
CREATE OR REPLACE FUNCTION account_search_count(q text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    size bigint := (SELECT accounts FROM book_size);
    word text;
    keys text[];
    n bigint;
    kept tsquery;
    kept_words int := 0;
    known bigint;
BEGIN
    FOR word IN SELECT unnest(tsvector_to_array(to_tsvector('simple', unaccent(regexp_replace(q, '[:*&]', ' ', 'g')))))
    LOOP
        IF length(word) <= 3 THEN
            keys := ARRAY[word];
        ELSE
            SELECT array_agg(term) INTO keys FROM (SELECT term FROM term_counts WHERE term >= word
                AND term < word || chr(1114111) AND accounts > 0 LIMIT 2) k;
        END IF;
        n := CASE WHEN cardinality(keys) = 1 THEN coalesce((SELECT accounts FROM term_counts WHERE term = keys[1]), 0)
                  WHEN keys IS NULL THEN 0 END;
        IF n = 0 THEN
            RETURN 0;
        ELSIF n IS NULL OR n < size THEN
            kept := CASE WHEN kept IS NULL THEN '' ELSE kept::text || ' & ' END
                    || (quote_literal(word) || ':*')::tsquery::text;
            kept_words := kept_words + 1;
            known := n;
        END IF;
    END LOOP;
    IF kept_words = 0 THEN
        RETURN size;
    ELSIF kept_words = 1 AND known IS NOT NULL THEN
        RETURN known;
    END IF;
    RETURN (SELECT count(*) FROM accounts WHERE search @@ kept);
END $$;
"""

# 10: the filter's query as one immutable call, so the planner folds it to a constant once per statement (sessions
# plan each execution for its own values: plan_cache_mode). Written inline, to_tsquery('simple', unaccent(:q)) is
# only stable (unaccent reads a dictionary), so where the plan walks the accounts and tests each row (the id order
# of a mid-size filter, the probe of a broad one) it was computed again for every row: ~3 us a row, 40-60 ms a
# page for "smith" at 100,000 accounts against 4 ms folded. The dictionary is the extension's own file, which no
# write to the book changes; the search vector's trigger (postgres_schema.SEARCH) folds the stored text with it.
QUERY = """
CREATE OR REPLACE FUNCTION account_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsquery('simple', unaccent(q))
$$;
"""

# 9: every text column compares byte-wise, as SQLite's BINARY does (migration 8's operators, policy and ACR
# columns were plain TEXT, so `operators` listed names in the server locale's order). Found in the catalog, so
# it is safe to rerun and catches any column a later edit forgets.
NOT_BYTE_ORDER = """
SELECT c.relname, a.attname FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_collation co ON co.oid = a.attcollation
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0
  AND NOT a.attisdropped AND a.atttypid = 'text'::regtype AND co.collname <> 'C'
ORDER BY c.relname, a.attnum
"""


def byte_order_and_terms(conn: Any) -> None:
    """9: every text column COLLATE "C", then the filter's term counts and the book's size (TERMS)."""
    columns: dict[str, list[str]] = {}
    for table, column in conn.execute(NOT_BYTE_ORDER).fetchall():
        columns.setdefault(table, []).append(column)
    for table, names in columns.items():
        conn.execute(f"ALTER TABLE {table} " + ", ".join(f'ALTER COLUMN {c} TYPE TEXT COLLATE "C"' for c in names))
    conn.run_script(TERMS)
