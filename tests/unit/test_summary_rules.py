"""Stored summaries computed by older rules are never served: the book records the rules version its summaries were
computed by (migration 11), a writable open recomputes them when it differs, a read-only open says so."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import store.summary_rules as rules
from calc import Account, CalcSettings, Model, Price, price_map
from calc.approvals import Actor
from store.book import generate_demo
from store.core import Store
from store.demo import generate_book
from store.demo_data import DEFAULT_TODAY
from store.errors import NewerSchema
from store.operators import add_operator, resolve_actor
from store.queries.audit import audit_trail, verify_chain
from store.queries.freshness import book_freshness
from store.queries.integrity import integrity_report, summary_problems
from store.settings import Settings, login_name
from store.summary import summarize
from store.summary_rules import SUMMARY_RULES, recorded_rules
from tests.conftest import fixed_clock
from tests.unit.book_values import checked
from tests.unit.conftest import as_json, raw_rows, snapshot

# The rules' output on the seed-7 demo's 300 accounts (every diagnostic code but MISSING_PRICE shows in it).
PINNED = (1, "eccf5565c153db09327c6421267f7fa6d153b0f7c3e8798e5392bc09c3ecf1c3")
# The detail an older rule wrote for the story book's negative APM (the cause it named then).
OLD_WORDING = "APM cash -5,666.66 (margin debit carried at the account level)"


def summaries_digest() -> str:
    """Every stored column and diagnostic row `summarize` gives the seed-7 demo's accounts, on a fixed day and the
    default thresholds, as one digest."""
    book = generate_book(300, seed=7, today=DEFAULT_TODAY)
    prices = price_map([checked(Price, p) for p in book["prices"]])
    models = {m["id"]: checked(Model, m) for m in book["models"]}
    rows = []
    for data in book["accounts"]:
        summary = summarize(checked(Account, data), prices, models, DEFAULT_TODAY, CalcSettings())
        rows.append([data["id"], summary.columns(), [[d.code, d.sleeve_id, d.detail] for d in summary.cached]])
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def test_the_rules_version_is_pinned_to_what_the_rules_store():
    assert (SUMMARY_RULES, summaries_digest()) == PINNED, (
        "the stored summaries' rules changed: bump SUMMARY_RULES in store/summary_rules.py (beside summarize in "
        "store/summary.py) and update this digest")


def make_old(db: Path | str, version: int | None) -> None:
    """The book as an older margin-console left it: its rules version (None: none recorded) and a cause worded by
    an older rule."""
    raw_rows(db, "DELETE FROM summary_rules")
    if version is not None:
        raw_rows(db, f"INSERT INTO summary_rules (id, version) VALUES (1, {version})")
    raw_rows(db, f"UPDATE account_diagnostics SET detail = '{OLD_WORDING}' "
                 "WHERE account_id = 'A-1003' AND code = 'NEGATIVE_APM'")


def stale_cause(db: Path | str) -> list[tuple]:
    return raw_rows(db, f"SELECT account_id FROM account_diagnostics WHERE detail = '{OLD_WORDING}'")


@pytest.mark.parametrize("version", [None, 0])
def test_an_older_book_is_recomputed_on_a_writable_open(story_store, db_path, version, capsys):
    story_store.close()
    make_old(db_path, version)
    with Store(db_path, clock=fixed_clock) as store:
        assert stale_cause(db_path) == []
        assert summary_problems(store) == [] and integrity_report(store).ok
        assert recorded_rules(store.conn) == SUMMARY_RULES
        last = audit_trail(store)[0]
        assert last.action == "summaries-recomputed" and last.account_id is None and last.operator == login_name()
        assert last.detail == {"from": version, "to": SUMMARY_RULES, "accounts": 3}
        assert verify_chain(store).ok
    assert f"recomputing 3 account summaries for rules v{SUMMARY_RULES}" in capsys.readouterr().err
    with Store(db_path, clock=fixed_clock) as again:  # recorded: the next open recomputes nothing
        assert audit_trail(again)[0].id == last.id
    assert capsys.readouterr().err == ""


class Killed(Exception):
    """The process dying between two chunks."""


def killed_after_first_chunk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A writable open recomputing in chunks of 2 accounts, the process killed once the first chunk has committed;
    what the kill says."""
    def started(accounts: int, recorded: int | None) -> rules.Progress:
        def done(count: int) -> None:
            raise Killed(f"killed after {count} of {accounts}")
        return done

    monkeypatch.setattr(rules, "CHUNK", 2)
    monkeypatch.setattr(rules, "stderr_progress", started)
    with pytest.raises(Killed) as killed:
        Store(db_path, clock=fixed_clock)
    return str(killed.value)


def test_a_kill_between_chunks_leaves_a_mark_and_the_next_open_goes_on_from_it(story_store, db_path, monkeypatch):
    story_store.close()
    make_old(db_path, 0)
    raw_rows(db_path, "UPDATE accounts SET nav_cents = 1")  # every account's stored summary is off

    assert killed_after_first_chunk(db_path, monkeypatch) == "killed after 2 of 3"
    # The first chunk (A-1001, A-1002) committed whole, with the version and how far it went; A-1003 waits.
    assert raw_rows(db_path, "SELECT version, recomputed_through FROM summary_rules") == [(SUMMARY_RULES, "A-1002")]
    assert raw_rows(db_path, "SELECT id FROM accounts WHERE nav_cents = 1") == [("A-1003",)]
    assert stale_cause(db_path) == [("A-1003",)]
    assert raw_rows(db_path, "SELECT count(*) FROM audit WHERE action = 'summaries-recomputed'") == [(0,)]
    with Store(db_path, Settings(db=db_path, read_only=True), fixed_clock) as store:
        assert book_freshness(store).stale_summaries == ("stale summaries: a recompute stopped part way; an "
                                                         "operator's read-write open finishes it")
    monkeypatch.undo()
    monkeypatch.setattr(rules, "CHUNK", 2)
    with Store(db_path, clock=fixed_clock) as store:
        assert summary_problems(store) == [] and rules.recorded_state(store.conn) == (SUMMARY_RULES, None)
        assert audit_trail(store)[0].detail == {"from": SUMMARY_RULES, "to": SUMMARY_RULES, "accounts": 1}


def test_an_older_console_is_refused_once_a_recompute_has_begun(story_store, db_path, monkeypatch):
    """The first chunk records the new version: an older console opening between chunks would write its rules'
    summaries into accounts already recomputed, and they would stay stale once the last chunk ends."""
    story_store.close()
    make_old(db_path, 0)

    killed_after_first_chunk(db_path, monkeypatch)
    monkeypatch.setattr(rules, "SUMMARY_RULES", SUMMARY_RULES - 1)  # the older console
    with pytest.raises(NewerSchema, match=f"rules v{SUMMARY_RULES} > v{SUMMARY_RULES - 1}"):
        Store(db_path, clock=fixed_clock)


def test_a_read_only_open_says_so_and_writes_nothing(story_store, db_path):
    story_store.close()
    make_old(db_path, 0)
    before = snapshot(db_path)
    with Store(db_path, Settings(db=db_path, read_only=True), fixed_clock) as store:
        freshness = book_freshness(store)
        report = integrity_report(store)
    note = ("stale summaries: an operator's read-write open refreshes them (computed by rules v0, not this "
            f"margin-console's rules v{SUMMARY_RULES})")
    assert freshness.stale_summaries == note and freshness.prices_line.startswith(note + " · prices as of ")
    assert freshness.to_json()["stale_summaries"] == note
    lines = [p.line for p in report.problems]
    assert not report.ok and lines[0] == f"summaries: {note}" and len(lines) == 2
    assert lines[1].startswith("summaries: A-1003 account_diagnostics differ: missing NEGATIVE_APM [A-1003-APM] (")
    assert lines[1].endswith(f"; extra NEGATIVE_APM [A-1003-APM] ({OLD_WORDING})")
    assert snapshot(db_path) == before


def test_the_read_only_doctor_notes_it_and_its_integrity_check_fails(run, story, db_path):
    make_old(db_path, None)
    before = snapshot(db_path)
    doctor = run("--read-only", "doctor")
    assert doctor.exit_code == 0 and doctor.output.startswith(
        "Stale summaries: an operator's read-write open refreshes them (computed by an older margin-console, not")
    assert "(computed by an older margin-console" in as_json(
        run("--read-only", "doctor", "--json"))["freshness"]["stale_summaries"]
    checked = run("--read-only", "doctor", "--integrity")
    assert checked.exit_code == 1 and "summaries: stale summaries: an operator's read-write open" in checked.output
    assert snapshot(db_path) == before
    assert run("doctor", "--integrity").exit_code == 0  # a writable open recomputed them first
    assert as_json(run("doctor", "--json"))["freshness"]["stale_summaries"] is None


def test_a_new_book_and_a_demo_book_record_this_codes_rules(db_path, capsys):
    with Store(db_path, clock=fixed_clock) as store:
        assert recorded_rules(store.conn) == SUMMARY_RULES
        generate_demo(store, 50, 7, "alice")
        audit_rows = len(audit_trail(store))
    with Store(db_path, clock=fixed_clock) as store:  # nothing to recompute: no line, no audit row
        assert recorded_rules(store.conn) == SUMMARY_RULES and len(audit_trail(store)) == audit_rows
        assert summary_problems(store) == []
    assert "recomput" not in capsys.readouterr().err


@pytest.mark.sqlite_only  # lowers PRAGMA user_version to rerun migration 11
@pytest.mark.parametrize("lowered_to", [10, 11])
def test_migrations_11_and_12_are_safe_to_rerun_and_keep_the_record(story_store, db_path, lowered_to):
    story_store.close()
    raw_rows(db_path, f"PRAGMA user_version = {lowered_to}")
    with Store(db_path, clock=fixed_clock) as store:
        assert recorded_rules(store.conn) == SUMMARY_RULES
        assert not [r for r in audit_trail(store) if r.action == "summaries-recomputed"]


def test_a_book_of_newer_rules_is_refused_not_recomputed_back(story_store, db_path):
    """An older margin-console opening a book a newer one recomputed would put the older rules' causes back (and
    the newer one would recompute them again on its next open): it is refused, as a newer schema is."""
    story_store.close()
    make_old(db_path, SUMMARY_RULES + 1)
    before = raw_rows(db_path, "SELECT account_id, code, detail FROM account_diagnostics ORDER BY rowid")
    with pytest.raises(NewerSchema, match=f"rules v{SUMMARY_RULES + 1} > v{SUMMARY_RULES}"):
        Store(db_path, clock=fixed_clock)
    assert raw_rows(db_path, "SELECT account_id, code, detail FROM account_diagnostics ORDER BY rowid") == before
    assert raw_rows(db_path, "SELECT version FROM summary_rules") == [(SUMMARY_RULES + 1,)]


def test_a_read_only_open_of_newer_rules_says_to_upgrade(story_store, db_path):
    story_store.close()
    make_old(db_path, SUMMARY_RULES + 1)
    with Store(db_path, Settings(db=db_path, read_only=True), fixed_clock) as store:
        freshness = book_freshness(store)
    assert freshness.stale_summaries.startswith(f"newer summaries: a newer margin-console computed them (rules "
                                                f"v{SUMMARY_RULES + 1}, this one's v{SUMMARY_RULES}); upgrade")


def test_only_an_operator_of_the_book_recomputes_it(story_store, db_path):
    """A viewer (or a login the book does not know) may not write: its open leaves the summaries and the audit log
    as they are and reads the note; the book's operator's next open recomputes them."""
    setup = Actor("setup", "setup", None, open_book=True)
    add_operator(story_store, setup, "ada", "admin")
    story_store.close()
    make_old(db_path, 0)
    with Store(db_path, clock=fixed_clock) as store:  # this process's login is not an operator of the book
        assert stale_cause(db_path) != [] and recorded_rules(store.conn) == 0
        assert book_freshness(store).stale_summaries.startswith("stale summaries: ")
        ada = resolve_actor(store, "ada")
        add_operator(store, ada, login_name(), "operator")
    with Store(db_path, clock=fixed_clock) as store:
        assert stale_cause(db_path) == [] and recorded_rules(store.conn) == SUMMARY_RULES
        assert audit_trail(store)[0].action == "summaries-recomputed"
