"""`fills` (console/cli/fills.py): simulated and imported fills, all-or-nothing fill files."""
from __future__ import annotations

import pytest

from tests.unit.conftest import (
    as_json,
    assert_refused_writes_nothing,
    ok,
    one_error_line,
    problems,
    snapshot,
)


def test_fills_simulate_readable(run, built):
    assert ok(run("fills", "--simulate", built["id"])).strip() == f"ACR {built['id']}: complete (2 of 2 orders filled)"
    assert "no open orders" in one_error_line(run("fills", "--simulate", built["id"]))


def test_fills_csv_file(run, built, tmp_path):
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price,reason\n"
                    f"{ids['AGG']},filled,600,100,\n{ids['SPY']},rejected,0,,no buying power\n")
    [acr] = as_json(run("fills", path, "--json"))
    assert acr["status"] == "complete_with_errors"
    assert {o["symbol"]: (o["status"], o["reason"]) for o in acr["orders"]} == {
        "AGG": ("filled", ""), "SPY": ("rejected", "no buying power")}
    m1 = next(s for s in as_json(run("show", "A-1001", "--json"))["sleeves"] if s["id"] == "A-1001-M1")
    assert m1["positions"] == {"AGG": 600.0} and m1["cash"] == 40001.0


def test_fills_csv_readable(run, built, tmp_path):
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text(f"order_id,status,filled_quantity,fill_price\n{ids['SPY']},partially_filled,10,500\n")
    assert ok(run("fills", path)).strip() == f"ACR {built['id']}: submitted (0 of 2 orders filled)"


@pytest.mark.parametrize("args", [[], ["--simulate", "1", "FILE"]])
def test_fills_needs_exactly_one_source(run, built, tmp_path, args):
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price\n")
    args = [str(path) if a == "FILE" else a for a in args]
    before = snapshot(tmp_path / "book.db")
    assert "either a fill CSV file or --simulate" in one_error_line(run("fills", *args), code=2)
    assert snapshot(tmp_path / "book.db") == before


@pytest.mark.parametrize("bad_row, problem", [
    ("999,filled,1,1", "line 3: no order 999"),
    ("{SPY},filled,181,500", "line 3: filled_quantity must be 0 to 180"),
])
def test_fill_file_with_one_bad_row_applies_nothing(run, built, tmp_path, bad_row, problem):
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price\n"
                    f"{ids['AGG']},filled,600,100\n{bad_row.format(SPY=ids['SPY'])}\n")
    db = tmp_path / "book.db"
    before = snapshot(db)
    result = run("fills", path)
    assert "nothing was applied" in result.stderr.splitlines()[0]
    assert problems(result) == [problem]
    assert snapshot(db) == before


def test_fill_file_that_is_not_text(run, built, tmp_path):
    path = tmp_path / "fills.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    db = tmp_path / "book.db"
    before = snapshot(db)
    assert "cannot read" in one_error_line(run("fills", path))
    assert snapshot(db) == before


@pytest.mark.parametrize("args, words, code", [
    (["fills", "--simulate", "99"], "no ACR 99", 1),
])
def test_refused_fills_write_nothing(run, story, args, words, code):
    assert_refused_writes_nothing(run, story, args, words, code)


def test_fill_file_that_contradicts_itself_applies_nothing(run, built, tmp_path):
    """Issue 11: cancelled/rejected rows with shares and a negative price reported '0 of 2 filled' yet moved both."""
    ids = {o["symbol"]: o["id"] for o in built["orders"]}
    path = tmp_path / "fills.csv"
    path.write_text("order_id,status,filled_quantity,fill_price\n"
                    f"{ids['AGG']},cancelled,600,0\n{ids['SPY']},rejected,180,-1000\n")
    db = tmp_path / "book.db"
    before = snapshot(db)
    result = run("fills", path)
    assert "2 problem(s); nothing was applied" in result.stderr.splitlines()[0]
    assert problems(result) == ["line 2: a cancelled order fills nothing: filled_quantity must be 0",
                                "line 3: a rejected order fills nothing: filled_quantity must be 0"]
    assert snapshot(db) == before
