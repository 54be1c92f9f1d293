"""Import hygiene: calc is pure (no Textual, no SQLite), proved in a clean interpreter."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "sqlite3", "sqlite_utils")


def test_import_calc_loads_no_ui_or_database_modules():
    code = (
        "import json, sys; import calc; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_every_calc_submodule_is_pure():
    code = (
        "import json, sys, importlib, pkgutil, calc\n"
        "for info in pkgutil.walk_packages(calc.__path__, 'calc.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(json.dumps([m for m in sys.modules if m.split('.')[0] in {list(HEAVY)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
