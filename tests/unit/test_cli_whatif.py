"""`margin-console whatif`: the calculator on the command line, its JSON and its one-line errors."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import cli

REQUIRED = (
    "exposure", "invested", "sleeve_cash", "debit", "equity", "maintenance_requirement", "margin_call",
    "cure_cash", "cure_securities", "cure_sell", "trigger_value", "call_distance", "daily_interest",
)


def run(*args: str):
    return CliRunner().invoke(cli, ["whatif", *args])


def as_json(result) -> dict:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_source_example_json():
    data = as_json(run("--equity", "100000", "--leverage", "1.5", "--json"))
    assert set(REQUIRED) <= set(data)
    assert data["exposure"] == 150000
    assert data["invested"] == 150000
    assert data["sleeve_cash"] == -50000
    assert data["debit"] == 50000
    assert data["equity"] == 100000
    # Default maintenance 30 %: requirement 45,000, no call; trigger 50,000 / 0.7 = 71,428.57; distance 52.38 %.
    assert data["maintenance_requirement"] == 45000
    assert data["margin_call"] == 0
    assert data["cure_cash"] == data["cure_securities"] == data["cure_sell"] == 0
    assert data["trigger_value"] == pytest.approx(71428.57)
    assert data["call_distance"] == pytest.approx(0.5238)
    assert data["daily_interest"] == 0


@pytest.mark.parametrize(("leverage", "distance"), [("1.5", 0.5556), ("2.0", 0.3333)])
def test_call_distance_check_values(leverage, distance):
    data = as_json(run("--equity", "100000", "--leverage", leverage, "--maintenance", "0.25", "--json"))
    assert data["call_distance"] == pytest.approx(distance)


def test_daily_interest():
    # 50,000 x 0.08 / 360 = 11.11
    data = as_json(run("--equity", "100000", "--leverage", "1.5", "--rate", "0.08", "--json"))
    assert data["daily_interest"] == pytest.approx(11.11)


def test_totals_mode_margin_call():
    # $12,000 LMV, $8,000 debit at 40 %: equity 4,000, requirement 4,800, call 800; cures 800 / 1,333.33 / 2,000.
    data = as_json(run("--lmv", "12000", "--debit", "8000", "--maintenance", "0.4", "--json"))
    assert set(REQUIRED) <= set(data)
    assert data["margin_call"] == 800
    assert data["equity"] == 4000
    assert data["maintenance_requirement"] == 4800
    assert data["cure_cash"] == 800
    assert data["cure_securities"] == pytest.approx(1333.33)
    assert data["cure_sell"] == 2000


def test_totals_mode_no_call_at_25_percent():
    data = as_json(run("--lmv", "12000", "--debit", "8000", "--maintenance", "0.25", "--json"))
    assert data["margin_call"] == 0
    assert data["maintenance_requirement"] == 3000


def test_model_cash_and_track_off():
    data = as_json(run("--equity", "100000", "--leverage", "1.5", "--model-cash", "0.2", "--json"))
    assert data["invested"] == 120000 and data["sleeve_cash"] == -20000
    data = as_json(run("--equity", "100000", "--leverage", "1.5", "--model-cash", "0.2", "--track-manager", "off",
                       "--reserve", "0.1", "--json"))
    assert data["invested"] == 135000 and data["sleeve_cash"] == -35000


def test_table_output():
    result = run("--equity", "100000", "--leverage", "1.5")
    assert result.exit_code == 0
    assert "Exposure" in result.stdout
    assert "150,000.00" in result.stdout
    assert "-50,000.00" in result.stdout
    assert "52.38%" in result.stdout


def test_thousands_separators_accepted():
    data = as_json(run("--equity", "100,000", "--leverage", "1.5", "--json"))
    assert data["exposure"] == 150000


BAD = [
    pytest.param(["--equity", "100000", "--leverage", "abc"], id="leverage-abc"),
    pytest.param(["--equity", "100000", "--leverage", "-1"], id="leverage-negative"),
    pytest.param(["--equity", "100000", "--leverage", "3"], id="leverage-3"),
    pytest.param(["--equity", "100000", "--leverage", "0.5"], id="leverage-0.5"),
    pytest.param(["--equity", "100000", "--leverage", "nan"], id="leverage-nan"),
    pytest.param(["--equity", "100000", "--leverage", "inf"], id="leverage-inf"),
    pytest.param(["--equity", "100000", "--leverage", "-inf"], id="leverage-minus-inf"),
    pytest.param(["--equity", "0", "--leverage", "1.5"], id="equity-zero"),
    pytest.param(["--equity", "nan", "--leverage", "1.5"], id="equity-nan"),
    pytest.param(["--equity", "100000", "--leverage", "1.5", "--maintenance", "1.5"], id="maintenance-1.5"),
    pytest.param(["--equity", "100000", "--leverage", "1.5", "--maintenance", "-0.1"], id="maintenance-negative"),
    pytest.param(["--lmv", "12000", "--debit", "8000", "--maintenance", "1.5"], id="totals-maintenance-1.5"),
    pytest.param(["--lmv", "12000", "--debit", "-1"], id="debit-negative"),
    pytest.param(["--equity", "100000", "--leverage", "1.5", "--rate", "-0.01"], id="rate-negative"),
    pytest.param(["--equity", "100000", "--leverage", "1.5", "--reserve", "1"], id="reserve-1"),
    pytest.param(["--equity", "100000", "--leverage", "1.5", "--track-manager", "maybe"], id="track-bad"),
    pytest.param([], id="no-options"),
    pytest.param(["--equity", "100000"], id="missing-leverage"),
    pytest.param(["--leverage", "1.5"], id="missing-equity"),
    pytest.param(["--lmv", "12000"], id="missing-debit"),
    pytest.param(["--debit", "8000"], id="missing-lmv"),
    pytest.param(["--equity", "100000", "--leverage", "1.5", "--lmv", "12000", "--debit", "8000"], id="both-modes"),
    pytest.param(["--equity", "100000", "--debit", "8000"], id="mixed-modes"),
    pytest.param(["--equity"], id="option-without-value"),
    pytest.param(["--bogus"], id="unknown-option"),
]


@pytest.mark.parametrize("args", BAD)
def test_bad_input_is_one_line_on_stderr(args):
    result = run(*args)
    assert result.exit_code != 0
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("margin-console: error:")
    assert result.stdout == ""


def test_leverage_error_names_the_range():
    result = run("--equity", "100000", "--leverage", "3")
    assert "between 1.00 and 2.00" in result.stderr


def test_nan_error_says_not_finite():
    result = run("--equity", "100000", "--leverage", "nan")
    assert "finite" in result.stderr


def test_help():
    result = run("--help")
    assert result.exit_code == 0
    assert "--leverage" in result.stdout


def _installed_command() -> list[str]:
    found = shutil.which("margin-console")
    if found:
        return [found]
    beside = Path(sys.executable).with_name("margin-console")
    assert beside.exists(), "the margin-console entry point is not installed"
    return [str(beside)]


def test_installed_command_json():
    done = subprocess.run([*_installed_command(), "whatif", "--equity", "100000", "--leverage", "1.5", "--json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["exposure"] == 150000
    assert data["sleeve_cash"] == -50000
    assert set(REQUIRED) <= set(data)


def test_installed_command_bad_input():
    done = subprocess.run([*_installed_command(), "whatif", "--equity", "100000", "--leverage", "abc"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_equity_counts_the_sleeve_cash_like_show():
    # 100,000 at 1.0x on a model holding 20 % cash: LMV 80,000 + credit 20,000 = equity 100,000 (as `show`
    # says); Reg T 50 % x 80,000 = 40,000, SMA 60,000, buying power 60,000 / 0.5 = 120,000.
    data = as_json(run("--equity", "100000", "--leverage", "1.0", "--model-cash", "0.2", "--json"))
    assert data["invested"] == 80000 and data["sleeve_cash"] == 20000 and data["debit"] == 0
    assert data["equity"] == 100000
    assert data["regt_requirement"] == 40000
    assert data["sma"] == 60000
    assert data["buying_power"] == 120000


def test_equity_with_a_debit_is_unchanged_by_the_credit_rule():
    # 1.5x on a 20 % cash model: LMV 120,000, debit 20,000, no credit: equity 100,000, Reg T 60,000, SMA 40,000.
    data = as_json(run("--equity", "100000", "--leverage", "1.5", "--model-cash", "0.2", "--json"))
    assert data["equity"] == 100000 and data["sma"] == 40000 and data["buying_power"] == 80000
