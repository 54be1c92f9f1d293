"""Installing like a tool: a version from the package metadata, and an entry point that loads no test or bench code."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from click.testing import CliRunner

import console.cli

ROOT = Path(__file__).resolve().parents[2]
# Packages that exist only for development: the installed console must never need them.
DEV_ONLY = {"tests", "bench", "pytest", "_pytest", "hypothesis", "syrupy", "pytest_textual_snapshot"}


def test_version_comes_from_the_package_metadata():
    result = CliRunner().invoke(console.cli.cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"margin-console {version('margin-console')}"


def test_any_python_from_3_11_is_accepted():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    assert all("==" in pin for pin in project["dependencies"])  # exact pins, each checked for 3.11-3.13 wheels


def test_the_entry_point_imports_no_test_or_bench_code():
    """Importing the CLI and the app (what `margin-console` does before it draws) loads nothing of the dev tree."""
    code = ("import json, sys; import console.cli, console.app; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    loaded = set(json.loads(done.stdout))
    assert {"console", "store", "textual"} <= loaded  # the import really happened
    assert loaded & DEV_ONLY == set()
