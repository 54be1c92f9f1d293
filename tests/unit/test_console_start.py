"""Issue 17 item 1: `margin-console` with only the root's options opens the console without click (its ~10 ms of
imports), and everything else, errors included, is exactly what the click root does."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import console_options
from console.cli.group import replay

ROOT = Path(__file__).resolve().parents[2]
NONE = {"config_file": None, "db": None, "operator": None, "read_only": None, "open_demo": False}


@pytest.mark.parametrize(("args", "expected"), [
    ([], {}),
    (["--db", "b.db", "--operator", "ada"], {"db": "b.db", "operator": "ada"}),
    (["--db=b.db", "--operator=ada", "--read-only"], {"db": "b.db", "operator": "ada", "read_only": True}),
    (["--demo"], {"open_demo": True}),
    (["--db", "postgresql://u@h/book"], {"db": "postgresql://u@h/book"}),
    (["--config", "missing.toml"], {"config_file": Path("missing.toml")}),
])
def test_the_roots_own_options_are_parsed_without_click(args: list[str], expected: dict[str, object]):
    assert console_options(args) == {**NONE, **expected}


@pytest.mark.parametrize("args", [
    ["accounts"], ["--db", "b.db", "show", "A-1"], ["--help"], ["-h"], ["--version"], ["--unknown"],
    ["--db"], ["--db", "a.db", "--db", "b.db"], ["--operator="], ["--operator", "--db", "b.db"],
    ["--read-only=yes"], ["--demo", "--demo"], ["--"], ["-x"],
])
def test_anything_else_is_left_to_click(args: list[str]):
    assert console_options(args) is None


def test_a_config_path_click_would_refuse_is_left_to_click(tmp_path: Path):
    assert console_options(["--config", str(tmp_path)]) is None  # click.Path(dir_okay=False): a directory
    unreadable = tmp_path / "secret.toml"
    unreadable.write_text("")
    unreadable.chmod(0)
    if not os.access(unreadable, os.R_OK):  # root reads anything: nothing to refuse then
        assert console_options(["--config", str(unreadable)]) is None


def _run(entry: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-c", entry, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=env, check=False)


OPENED = """
import json, sys
import console.app

def run_console(settings, **kwargs):  # where the app would run: what was imported, and with what settings
    import gc
    print(json.dumps({"click": sorted(m for m in sys.modules if m.split(".")[0] == "click"),
                      "db": str(settings.db), "operator": settings.operator, "read_only": settings.read_only,
                      "collector": gc.isenabled(), "held": kwargs.get("collector_held")}))

console.app.run_console = run_console
from console.cli import main
main()
"""


def test_the_console_opens_without_importing_click(tmp_path: Path):
    done = _run(OPENED, "--db", str(tmp_path / "new.db"), "--operator", "ada", "--read-only", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    opened = json.loads(done.stdout.strip().splitlines()[-1])
    assert opened == {"click": [], "db": str(tmp_path / "new.db"), "operator": "ada", "read_only": True,
                      "collector": False, "held": True}  # the app is told to turn collection back on


FAST = "from console.cli import main; main()"
CLICK = "from console.cli.root import cli; cli()"  # the root command itself: click parses every option


@pytest.mark.parametrize("case", ["bad-config", "bad-theme", "not-a-book", "blank-operator"])
def test_an_error_while_opening_is_the_roots_own_line_and_exit_code(tmp_path: Path, case: str):
    (tmp_path / "bad.toml").write_text("drift_tolerance = -1\n")
    (tmp_path / "theme.toml").write_text('theme = "nope"\n')
    (tmp_path / "junk.db").write_text("not sqlite at all\n")
    args = {"bad-config": ["--config", "bad.toml", "--db", "a.db"],
            "bad-theme": ["--config", "theme.toml", "--db", "b.db"],
            "not-a-book": ["--db", "junk.db"],
            "blank-operator": ["--operator", " ", "--db", "c.db"]}[case]
    assert console_options(args) is not None  # the fast path is the one taken
    fast, slow = _run(FAST, *args, cwd=tmp_path), _run(CLICK, *args, cwd=tmp_path)
    assert fast.stderr.startswith("margin-console: error: ") and "Traceback" not in fast.stderr
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert fast.returncode == 1


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("boom"), ValueError("bad\nvalue")])
def test_replay_handles_an_error_as_the_root_callback_would(monkeypatch, capsys, error: BaseException):
    """Through click's main (an interrupt is its Abort, after a blank line) and the root group's one-liners."""
    from console.cli.root import cli

    def fails(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("store.settings.Settings.load", fails)
    with pytest.raises(SystemExit) as by_click:
        cli.main(["--db", "x.db"])
    by_root = capsys.readouterr()
    with pytest.raises(SystemExit) as replayed:
        replay(error)
    assert (replayed.value.code, capsys.readouterr()) == (by_click.value.code, by_root)
    assert by_root.err.startswith(("\nmargin-console: aborted", "margin-console: "))


def test_an_error_before_the_app_runs_turns_collection_back_on(tmp_path: Path):
    """open_console holds the collector for the app's start; if the app is never run (here: a theme Textual does
    not have, refused as the app is built), the caller's process must not be left without collection."""
    import gc

    from console.cli.start import open_console
    from store.config_file import ConfigError
    from store.settings import Settings

    assert gc.isenabled()
    with pytest.raises(ConfigError, match="unknown theme"):
        open_console(Settings(db=tmp_path / "none.db", operator="ada", theme="no-such-theme"))
    assert gc.isenabled()
