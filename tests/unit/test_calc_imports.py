"""Import hygiene: calc is pure (no Textual, no SQLite), proved in a clean interpreter."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

HEAVY = ("textual", "sqlite3", "sqlite_utils")


def printed_json(code: str) -> Any:
    """What `code`, run in a clean interpreter, printed as JSON."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_import_calc_loads_no_ui_or_database_modules():
    code = (
        "import json, sys; import calc; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    assert printed_json(code) == []


def test_every_calc_submodule_is_pure():
    code = (
        "import json, sys, importlib, pkgutil, calc\n"
        "for info in pkgutil.walk_packages(calc.__path__, 'calc.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(json.dumps([m for m in sys.modules if m.split('.')[0] in {list(HEAVY)!r}]))"
    )
    assert printed_json(code) == []


def test_calc_names_load_on_first_use_from_their_home():
    """`import calc` imports no submodule but its loader (calc/lazy_names.py); each public name comes from the submodule _HOMES names, and only
    asking for it imports that submodule (so `from calc import DIAGNOSTIC_CODES` builds no pydantic model)."""
    code = (
        "import json, sys, importlib\n"
        "import calc\n"
        "before = sorted(m for m in sys.modules if m.startswith('calc.') and m != 'calc.lazy_names')\n"
        "from calc import DIAGNOSTIC_CODES\n"
        "light = sorted(m for m in sys.modules if m.startswith(('calc.', 'pydantic')) and m != 'calc.lazy_names')\n"
        "homes = {n: m for m, names in calc._HOMES.items() for n in names}\n"
        "wrong = [n for n, m in homes.items() if getattr(calc, n) is not getattr(importlib.import_module(m), n)]\n"
        "print(json.dumps([before, light, sorted(homes) == sorted(calc.__all__), wrong]))"
    )
    before, light, same_names, wrong = printed_json(code)
    assert before == []
    assert light == ["calc.vocabulary"]
    assert same_names and wrong == []


def test_views_load_on_first_use_from_their_home():
    """calc.views indexes the views: `from calc.views import AccountRow` (the browser's page, `accounts`) builds
    the page's dataclasses only, and every name is its home module's own class."""
    code = (
        "import json, sys, importlib\n"
        "from calc.views import AccountRow\n"
        "light = sorted(m for m in sys.modules if m.startswith('calc.') and m != 'calc.lazy_names')\n"
        "import calc.views as views\n"
        "homes = {n: m for m, names in views._HOMES.items() for n in names}\n"
        "wrong = [n for n, m in homes.items() if getattr(views, n) is not getattr(importlib.import_module(m), n)]\n"
        "print(json.dumps([light, sorted(homes) == sorted(views.__all__), wrong]))"
    )
    light, same_names, wrong = printed_json(code)
    assert light == ["calc.money", "calc.page_views", "calc.views"]
    assert same_names and wrong == []


def test_an_unknown_view_is_an_attribute_error():
    import calc.views

    with pytest.raises(AttributeError, match="NO_SUCH_VIEW"):
        calc.views.NO_SUCH_VIEW  # noqa: B018


def test_an_unknown_calc_name_is_an_attribute_error():
    import calc

    with pytest.raises(AttributeError, match="NO_SUCH_NAME"):
        calc.NO_SUCH_NAME  # noqa: B018
