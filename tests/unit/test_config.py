"""Issue 14 item 2: the TOML config file, its precedence (flag > env > file > default) and its errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import console.cli
from tests.unit.conftest import one_error_line

CONFIG = """\
# the ops host's settings
db = "{db}"
operator = "file-op"
call_distance_warning = 0.25
drift_tolerance = 0.07
theme = "nord"

[keys]
edit-leverage = "E"
"help" = "f1,?"
"""


def invoke(*args: str, **env: str) -> Result:
    return CliRunner().invoke(console.cli.cli, list(args), env={"MARGIN_CONSOLE_DB": None,
                                                                "MARGIN_CONSOLE_OPERATOR": None, **env})


def shown(result: Result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(db=tmp_path / "file.db"), encoding="utf-8")
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_sets_paths_operator_thresholds_theme_and_keys(config: Path, tmp_path: Path):
    data = shown(invoke("--config", str(config), "config", "show", "--json"))
    settings = data["settings"]
    assert data["config"] == str(config)
    assert settings["db"] == {"value": str(tmp_path / "file.db"), "from": "file"}
    assert settings["operator"] == {"value": "file-op", "from": "file"}
    assert settings["call_distance_warning"] == {"value": 0.25, "from": "file"}
    assert settings["theme"] == {"value": "nord", "from": "file"}
    assert settings["keys"] == {"value": {"edit-leverage": "E", "help": "f1,?"}, "from": "file"}
    assert settings["fill_price_band"] == {"value": 0.5, "from": "default"}
    assert settings["config"]["from"] == "flag"


def test_flag_beats_env_beats_file_beats_default(config: Path):
    data = shown(invoke("--config", str(config), "--operator", "flag-op", "config", "show", "--json",
                        MARGIN_CONSOLE_OPERATOR="env-op", MARGIN_CONSOLE_DRIFT_TOLERANCE="0.09"))["settings"]
    assert data["operator"] == {"value": "flag-op", "from": "flag"}  # flag over env over file
    assert data["drift_tolerance"] == {"value": 0.09, "from": "env"}  # env over file
    assert data["call_distance_warning"] == {"value": 0.25, "from": "file"}  # file over default
    assert data["max_price_age_days"] == {"value": 5, "from": "default"}


def test_the_file_is_found_by_env_then_in_the_user_config_dir(config: Path, tmp_path: Path, monkeypatch):
    data = shown(invoke("config", "show", "--json", MARGIN_CONSOLE_CONFIG=str(config)))
    assert data["config"] == str(config) and data["settings"]["config"]["from"] == "env"
    assert data["settings"]["theme"]["value"] == "nord"

    home = tmp_path / "xdg"
    (home / "margin-console").mkdir(parents=True)
    (home / "margin-console" / "config.toml").write_text('theme = "dracula"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    data = shown(invoke("config", "show", "--json"))
    assert data["settings"]["theme"] == {"value": "dracula", "from": "file"}
    assert data["config"] == str(home / "margin-console" / "config.toml")


def test_the_readable_table_says_where_each_setting_came_from(config: Path):
    result = invoke("--config", str(config), "--operator", "flag-op", "config", "show")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "flag" in lines["operator"] and "--operator" in lines["operator"]
    assert f"{config}: line 4: call_distance_warning" in lines["call_distance_warning"]
    assert lines["busy_timeout_ms"].split()[1:] == ["5000", "default"]


@pytest.mark.parametrize(("text", "expected"), [
    ("theme = 'nord'\ndrift_tolerance = = 2\n", "line 2: drift_tolerance: not valid TOML"),
    ("call_distance_warning = 0.2\ndrift_tolerance = -1\n", "line 2: drift_tolerance: must be at least 0 (got -1)"),
    ("\nmax_price_age_days = 'five'\n", "line 2: max_price_age_days: must be a whole number (got 'five')"),
    ("thme = 'nord'\n", "line 1: thme: unknown setting 'thme'"),
    ("keys = 'e'\n", "line 1: keys: 'keys' must be a table"),
    ("[keys]\n\nedit-levrage = 'E'\n", "line 3: [keys] edit-levrage: 'edit-levrage' is not an action id"),
    ("[keys]\ndoctor = 'e'\n", "line 2: [keys] doctor: e would run both 'doctor' and 'edit-leverage'"),
    ("[keys]\nhelp = 'ctrl+bogus'\n", "line 2: [keys] help: 'bogus' is not a key name"),
    ("[keys]\nhelp = 'ctrl+p'\n", "line 2: [keys] help: ctrl+p is the command palette"),
    ("theme = 'neon'\n", "line 1: theme: unknown theme 'neon'"),
])
def test_a_bad_file_is_one_line_naming_the_file_line_and_key(tmp_path: Path, text: str, expected: str):
    path = write(tmp_path, text)
    line = one_error_line(invoke("--config", str(path), "config", "show"), code=1)
    assert f"{path}: {expected}" in line


def test_a_bad_keymap_stops_the_console_at_start(tmp_path: Path):
    """With no command the console would open: the keymap is checked before anything is drawn."""
    path = write(tmp_path, "[keys]\nrebalance = 'e'\n")
    line = one_error_line(invoke("--config", str(path), "--db", str(tmp_path / "book.db")), code=1)
    assert f"{path}: line 2: [keys] rebalance: e would run both 'rebalance' and 'edit-leverage'" in line
    assert not (tmp_path / "book.db").exists()


def test_a_bad_value_from_env_or_flag_is_named_so(tmp_path: Path):
    assert "MARGIN_CONSOLE_DRIFT_TOLERANCE: must be a decimal number (got 'abc')" in one_error_line(
        invoke("config", "show", MARGIN_CONSOLE_DRIFT_TOLERANCE="abc"), code=1)
    assert "--operator: the operator name is blank" in one_error_line(
        invoke("--operator", " ", "config", "show"), code=1)


def test_a_named_config_file_must_exist(tmp_path: Path):
    missing = tmp_path / "nope.toml"
    assert f"config file {missing} (from --config) does not exist" in one_error_line(
        invoke("--config", str(missing), "config", "show"), code=1)
    assert f"config file {missing} (from MARGIN_CONSOLE_CONFIG) does not exist" in one_error_line(
        invoke("config", "show", MARGIN_CONSOLE_CONFIG=str(missing)), code=1)


def test_the_files_thresholds_reach_the_rules(config: Path, tmp_path: Path):
    """A threshold from the file is the one the store's rules use (here: DRIFT's tolerance in calc settings)."""
    from store.settings import Settings

    settings = Settings.load(config)
    assert str(settings.calc_settings().drift_tolerance) == "0.07"
    assert str(settings.calc_settings().call_distance_warning) == "0.25"


def test_config_show_never_prints_a_server_password():
    """A password written into a server URL (instead of .pgpass) stays out of `config show`, as out of titles."""
    url = "postgresql://margin_app:s3cret@db-host/book"
    table = invoke("config", "show", MARGIN_CONSOLE_DB=url)
    assert table.exit_code == 0, table.output
    assert "s3cret" not in table.output and "postgresql://margin_app:***@db-host/book" in table.output
    data = shown(invoke("config", "show", "--json", MARGIN_CONSOLE_DB=url))
    assert data["settings"]["db"]["value"] == "postgresql://margin_app:***@db-host/book"


def test_config_help_lists_every_setting_from_the_one_table():
    """`config --help` reads the settings' table: each setting with its variable, kind, bounds and default."""
    from store.settings import SPECS

    result = invoke("config", "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the help is wrapped to the terminal's width
    for name, spec in SPECS.items():
        assert f"{name} (MARGIN_CONSOLE_{name.upper()}): {spec.kind.name}" in text
        assert " ".join(spec.description.split()) in text
    assert ("call_distance_warning (MARGIN_CONSOLE_CALL_DISTANCE_WARNING): a decimal number, at least 0, at most 1; "
            "default 0.20.") in text
    assert "read_only (MARGIN_CONSOLE_READ_ONLY): true or false; default false." in text
