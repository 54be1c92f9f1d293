"""`prices` (console/cli/prices.py): a price file in, the touched accounts' summaries and the doctor current."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.conftest import as_json, ok, one_error_line, problems, raw_rows, snapshot
from tests.unit.test_store_prices import DROP, HEADER, LEVERED


@pytest.fixture
def levered(run, story, tmp_path) -> Path:
    """The story book plus a 2x account that a SPY/AGG drop puts in a margin call."""
    book = tmp_path / "levered.json"
    book.write_text(json.dumps({"accounts": [LEVERED]}))
    ok(run("import", book))
    return story


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def calls(run) -> list[str]:
    found = as_json(run("doctor", "--json"))["codes"].get("MARGIN_CALL", {"findings": []})["findings"]
    return [f["account_id"] for f in found]


def test_a_drop_shows_as_a_margin_call_in_the_doctor_right_after_prices(run, levered, tmp_path):
    assert calls(run) == []
    out = ok(run("prices", write(tmp_path, "p.csv", DROP)))
    assert out.strip().startswith("0 added, 2 changed, 0 unchanged; 3 account(s) refreshed")
    assert calls(run) == ["A-2001"]
    shown = as_json(run("show", "A-2001", "--json"))
    assert "MARGIN_CALL" in [d["code"] for d in shown["diagnostics"]]
    integrity = as_json(run("doctor", "--integrity", "--json"))
    assert not [p for p in integrity["problems"] if p["check"] == "summaries"], integrity


def test_every_bad_line_is_listed_and_the_book_is_unchanged(run, levered, tmp_path):
    before = snapshot(levered)
    path = write(tmp_path, "p.csv", "symbol,price,as_of,colour\nSPY,0,2026-11-21,x\nAGG,nan,2026-11-21,x\n"
                                    "QQQ,400,2030-01-01,x\nOLDCO,100,2026-11-20,x\n")
    found = problems(run("prices", path))
    assert [p.split(":")[0] for p in found] == ["line 1", "line 2", "line 3", "line 4", "line 5"]
    assert "unknown column 'colour'" in found[0] and "in the future" in found[3] and "--accept-moves" in found[4]
    assert snapshot(levered) == before


def test_accept_moves_loads_a_big_move(run, levered, tmp_path):
    path = write(tmp_path, "p.json", json.dumps([{"symbol": "SPY", "price": 200, "as_of": "2026-11-21"}]))
    before = snapshot(levered)
    assert "SPY moves -60.0%" in problems(run("prices", path))[0]
    assert snapshot(levered) == before
    loaded = as_json(run("prices", path, "--accept-moves", "--json"))
    assert loaded == {"added": [], "changed": ["SPY"], "unchanged": [], "accepted_moves": ["SPY"],
                      "accounts_refreshed": 3}
    assert calls(run) == ["A-2001"]
    trail = as_json(run("audit", "--json"))
    assert trail[0]["action"] == "prices" and trail[0]["operator"] == "alice"


def prices_table(db: Path) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in raw_rows(db, "SELECT * FROM prices")}


def test_only_listed_symbols_change(run, levered, tmp_path):
    before = prices_table(levered)
    ok(run("prices", write(tmp_path, "p.csv", HEADER + "QQQ,410,2026-11-21\nNEW,5,2026-11-21\n")))
    after = prices_table(levered)
    assert {s: r for s, r in after.items() if s not in ("QQQ", "NEW")} == {s: r for s, r in before.items() if s != "QQQ"}
    assert after["QQQ"] == ("410", "2026-11-21", 1, None, None) and after["NEW"] == ("5", "2026-11-21", 1, None, None)


def test_a_wrong_extension_or_missing_file_is_one_line(run, levered, tmp_path):
    assert ".csv or .json" in one_error_line(run("prices", write(tmp_path, "p.txt", HEADER)))
    assert one_error_line(run("prices", tmp_path / "nope.csv"), code=2)
