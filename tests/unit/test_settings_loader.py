"""Issue 17: the settings load without pydantic (a stdlib loader over one table of fields), with the precedence,
the conversions and the one-line errors the pydantic-settings version had."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from store.config_file import ConfigError
from store.settings import SPECS, Settings

ROOT = Path(__file__).resolve().parents[2]
PYDANTIC = ("pydantic", "pydantic_core", "pydantic_settings")


def modules_after(code: str) -> list[str]:
    """The pydantic modules a fresh interpreter has imported after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {PYDANTIC!r})))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_loading_the_settings_imports_no_pydantic():
    assert modules_after("import store.settings\nstore.settings.Settings.load(None, operator='alice')") == []


def test_pydantic_settings_is_no_dependency_any_more():
    assert "pydantic-settings" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_every_setting_has_a_description_and_the_table_lists_them_in_order():
    assert list(SPECS) == ["db", "operator", "min_trade", "max_price_age_days", "call_distance_warning",
                           "drift_tolerance", "fill_price_band", "price_move_band", "reconcile_cash_tolerance",
                           "busy_timeout_ms", "live_seconds", "read_only", "theme", "keys", "config"]
    assert all(spec.description.endswith(".") for spec in SPECS.values())


def test_values_are_read_as_pydantic_read_them(monkeypatch, tmp_path: Path):
    """Text from the environment, TOML's own types from the file: each converted to the setting's type."""
    config = tmp_path / "c.toml"
    config.write_text("call_distance_warning = 0.07\nmax_price_age_days = 7.0\nlive_seconds = 2\n", encoding="utf-8")
    monkeypatch.setenv("MARGIN_CONSOLE_READ_ONLY", "Yes")
    monkeypatch.setenv("margin_console_busy_timeout_ms", " 250 ")  # any case, as pydantic-settings matched
    monkeypatch.setenv("MARGIN_CONSOLE_KEYS", '{"help": "f1"}')
    settings = Settings.load(config, operator="alice")
    assert settings.call_distance_warning == Decimal("0.07")  # the float's text, not its binary expansion
    assert (settings.max_price_age_days, settings.live_seconds, settings.busy_timeout_ms) == (7, 2.0, 250)
    assert type(settings.live_seconds) is float and settings.read_only is True
    assert settings.keys == {"help": "f1"}
    assert [settings.origin(n) for n in ("read_only", "busy_timeout_ms", "call_distance_warning", "theme")] == [
        "env", "env", "file", "default"]


@pytest.mark.parametrize(("env", "expected"), [
    ({"MARGIN_CONSOLE_READ_ONLY": "maybe"}, "MARGIN_CONSOLE_READ_ONLY: must be true or false (got 'maybe')"),
    ({"MARGIN_CONSOLE_LIVE_SECONDS": "61"}, "MARGIN_CONSOLE_LIVE_SECONDS: must be at most 60 (got 61.0)"),
    ({"MARGIN_CONSOLE_LIVE_SECONDS": "nan"}, "MARGIN_CONSOLE_LIVE_SECONDS: must be a number (got 'nan')"),
    ({"MARGIN_CONSOLE_MIN_TRADE": "Infinity"}, "MARGIN_CONSOLE_MIN_TRADE: must be a decimal number (got 'Infinity')"),
    ({"MARGIN_CONSOLE_KEYS": "help=f1"},
     'MARGIN_CONSOLE_KEYS: must be a JSON object of action id -> keys, e.g. {"help": "f1"} (got \'help=f1\')'),
    ({"MARGIN_CONSOLE_MIN_TRADE": "-1", "MARGIN_CONSOLE_THEME": "x", "MARGIN_CONSOLE_BUSY_TIMEOUT_MS": "x"},
     "MARGIN_CONSOLE_MIN_TRADE: must be at least 0 (got -1) (and 1 more)"),
])
def test_a_bad_value_is_one_error_naming_where_it_was_set(monkeypatch, env: dict[str, str], expected: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        Settings.load(None, operator="alice")
    assert str(error.value) == expected


def test_a_bad_entry_of_the_keys_table_names_its_line(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text("theme = 'nord'\n[keys]\nhelp = 'f1'\nedit-leverage = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        Settings.load(config)
    assert str(error.value) == (f"{config}: line 4: [keys] edit-leverage: must be text: keys separated by commas "
                                "(got 5)")


def test_a_setting_of_the_wrong_toml_type_is_refused_not_coerced(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text("theme = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 1: theme: must be text \(got 3\)$"):
        Settings.load(config)


def test_constructed_settings_are_checked_and_read_no_environment(monkeypatch):
    """`Settings(...)` is its values over the defaults (tests and tools build them): the environment is for load."""
    monkeypatch.setenv("MARGIN_CONSOLE_THEME", "nord")
    assert Settings(operator="alice").theme == "textual-dark"
    assert Settings.load(None, operator="alice").theme == "nord"
    with pytest.raises(ConfigError, match=r"^busy_timeout_ms: must be a whole number \(got 'soon'\)$"):
        Settings(operator="alice", busy_timeout_ms="soon")


def test_a_copy_keeps_where_each_setting_came_from_and_is_checked(monkeypatch):
    monkeypatch.setenv("MARGIN_CONSOLE_OPERATOR", "env-op")
    settings = Settings.load(None, read_only=True)
    copy = settings.replace(theme="nord")
    assert (copy.theme, copy.operator, copy.origin("operator"), copy.origin("read_only")) == (
        "nord", "env-op", "env", "flag")
    assert settings.theme == "textual-dark"  # the original is untouched
    viewer = settings.as_viewer()
    assert viewer.origin("read_only") == "role" and settings.origin("read_only") == "flag"
    assert viewer.where("operator") == "MARGIN_CONSOLE_OPERATOR"
    with pytest.raises(ConfigError, match="operator name is blank"):
        settings.replace(operator=" ")
    with pytest.raises(AttributeError):
        settings.theme = "nord"  # type: ignore[misc]  # frozen: the console's threads share one Settings


def test_keys_in_the_environment_are_merged_over_the_files_action_by_action(monkeypatch, tmp_path: Path):
    """pydantic-settings merged MARGIN_CONSOLE_KEYS into the file's [keys]: one key rebound in the environment must
    not silently drop the operator's other bindings."""
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nedit-leverage = "E"\nhelp = "h"\n', encoding="utf-8")
    monkeypatch.setenv("MARGIN_CONSOLE_KEYS", '{"help": "f1"}')
    assert Settings.load(config).keys == {"edit-leverage": "E", "help": "f1"}


def test_a_whole_number_setting_may_be_written_5_point_0_in_the_environment(monkeypatch):
    monkeypatch.setenv("MARGIN_CONSOLE_MAX_PRICE_AGE_DAYS", "5.0")
    assert Settings.load(None).max_price_age_days == 5
    monkeypatch.setenv("MARGIN_CONSOLE_MAX_PRICE_AGE_DAYS", "5.5")
    with pytest.raises(ConfigError, match=r"MARGIN_CONSOLE_MAX_PRICE_AGE_DAYS: must be a whole number \(got '5.5'\)"):
        Settings.load(None)
