"""Migration 9 on PostgreSQL: every text column in byte order, and what the browser's filter counts with.

SQLite needs neither: its BINARY collation compares bytes, and FTS5's prefix index counts a prefix's matches
from its own compact lists. (store/migrations.py pairs this with an empty SQLite half.)
"""
from __future__ import annotations

from typing import Any

# 9: what the browser's filter counts with, so a keystroke's total is a lookup or a merge of two sorted keys, never
# a read of every matching row. A GIN index finds the accounts a prefix matches, but counting them reads each one
# (300-500 ms for "s" or "A" at 100,000 accounts, whose total the browser shows on every keystroke).
# - account_terms: each account's words (the search vector's lexemes, so the filter's words: id, name, custodian,
#   folded as to_tsquery folds them) and each word's 1-3 letter prefixes, one row per account and term. A prefix
#   of up to 3 letters is one key; a longer one is a range of whole words.
# - term_counts: how many accounts hold each term, kept by the same trigger; book_size: the accounts' count, kept
#   by statement triggers (count(*) reads the whole table on PostgreSQL).
# Writers are serialized by the book's advisory lock, so the counters' rows are never contended.
TERMS = """
CREATE TABLE IF NOT EXISTS account_terms (
    term TEXT COLLATE "C" NOT NULL,
    account_rowid BIGINT NOT NULL,
    PRIMARY KEY (term, account_rowid)
);
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
-- Each account's terms follow its row. Renaming or removing an account is rare and one row at a time, so the
-- row trigger also moves those counts; inserts come in bulk (an import, the demo, a copy: PgConnection.executemany
-- sends them as multi-row statements), so their counts are added once per statement from the transition table.
-- (Counting per inserted row would update the row of "a" 100,000 times in one transaction, each update slower
-- than the last as the row's dead versions pile up until the commit.)
CREATE OR REPLACE FUNCTION accounts_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.search IS NOT DISTINCT FROM OLD.search AND NEW.rowid = OLD.rowid THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM account_terms WHERE account_rowid = OLD.rowid AND term IN (SELECT account_terms_of(OLD.search));
        UPDATE term_counts SET accounts = accounts - 1 WHERE term IN (SELECT account_terms_of(OLD.search));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO account_terms SELECT t, NEW.rowid FROM account_terms_of(NEW.search) t;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO term_counts SELECT t, 1 FROM account_terms_of(NEW.search) t
            ON CONFLICT (term) DO UPDATE SET accounts = term_counts.accounts + 1;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS accounts_terms ON accounts;
CREATE TRIGGER accounts_terms AFTER INSERT OR DELETE OR UPDATE OF rowid, id, name, custodian ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_terms();
INSERT INTO account_terms SELECT t, a.rowid FROM accounts a, account_terms_of(a.search) t ON CONFLICT DO NOTHING;
INSERT INTO term_counts SELECT term, count(*) FROM account_terms GROUP BY term
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
        DELETE FROM account_terms;
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

-- The filter's total: its words folded as the search vector's, each a prefix that must match. Each word becomes
-- its terms: itself if it has up to 3 letters, else the whole words it begins (a range: under COLLATE "C" every
-- word beginning with w sorts from w to w || chr(1114111), the last code point). A word of one term has an exact
-- count in term_counts; one that matches every account filters nothing (the "A" of every "A-..." id) and is
-- dropped. What is left is joined on the account: one-term words as merges of their sorted keys (narrowest
-- first), many-term words as semi-joins of their ranges.
CREATE OR REPLACE FUNCTION account_search_count(q text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    size bigint := (SELECT accounts FROM book_size);
    word text;
    keys text[];
    n bigint;
    single text[] := '{}';
    single_counts bigint[] := '{}';
    ranges text[] := '{}';
    query text;
BEGIN
    FOR word IN SELECT unnest(tsvector_to_array(to_tsvector('simple', unaccent(regexp_replace(q, '[:*&]', ' ', 'g')))))
    LOOP
        IF length(word) <= 3 THEN
            keys := ARRAY[word];
        ELSE
            SELECT array_agg(term) INTO keys FROM (SELECT term FROM term_counts WHERE term >= word
                AND term < word || chr(1114111) AND accounts > 0 LIMIT 2) k;
        END IF;
        IF cardinality(keys) = 1 THEN
            n := coalesce((SELECT accounts FROM term_counts WHERE term = keys[1]), 0);
            IF n = 0 THEN
                RETURN 0;
            ELSIF n < size THEN
                single := single || keys[1];
                single_counts := single_counts || n;
            END IF;
        ELSIF keys IS NULL THEN
            RETURN 0;
        ELSE
            ranges := ranges || word;
        END IF;
    END LOOP;
    IF cardinality(single) + cardinality(ranges) = 0 THEN
        RETURN size;
    ELSIF cardinality(single) = 1 AND cardinality(ranges) = 0 THEN
        RETURN single_counts[1];
    END IF;
    SELECT string_agg(CASE WHEN i = 1 THEN format('FROM account_terms t1 WHERE t1.term = %L', k)
                           ELSE format('AND EXISTS (SELECT 1 FROM account_terms t%s WHERE t%s.term = %L '
                                       'AND t%s.account_rowid = t1.account_rowid)', i, i, k, i) END, ' ' ORDER BY i)
        INTO query FROM (SELECT k, row_number() OVER (ORDER BY c) AS i FROM unnest(single, single_counts) u(k, c)) o;
    IF query IS NULL THEN  -- only many-term words: the accounts of the first, each once
        query := format('FROM (SELECT DISTINCT account_rowid FROM account_terms WHERE term >= %L AND term < %L) t1 '
                        'WHERE true', ranges[1], ranges[1] || chr(1114111));
        ranges := ranges[2:];
    END IF;
    SELECT query || coalesce(string_agg(format(' AND t1.account_rowid IN (SELECT account_rowid FROM account_terms '
                                               'WHERE term >= %L AND term < %L)', r, r || chr(1114111)), ''), '')
        INTO query FROM unnest(ranges) r;
    EXECUTE 'SELECT count(*) ' || query INTO n;
    RETURN n;
END $$;
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
    """9: every text column COLLATE "C", then the filter's terms and the book's size (TERMS)."""
    columns: dict[str, list[str]] = {}
    for table, column in conn.execute(NOT_BYTE_ORDER).fetchall():
        columns.setdefault(table, []).append(column)
    for table, names in columns.items():
        conn.execute(f"ALTER TABLE {table} " + ", ".join(f'ALTER COLUMN {c} TYPE TEXT COLLATE "C"' for c in names))
    conn.run_script(TERMS)
