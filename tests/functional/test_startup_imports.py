"""Issue 17 item 1: the console's first page is painted without pydantic (no settings model, no calc model) and
without importlib.metadata.

Proved in a fresh interpreter, as `margin-console --db BOOK` starts: the settings loaded, the operator resolved
against the book, the app run headless until the browser shows the book's rows.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PAGE = """
import asyncio, json, sys
from console.app import MarginConsoleApp
from console.cli.support import console_settings
from store.settings import Settings, login_name
from widgets.account_table import AccountTable

settings = Settings.load(None, db=sys.argv[1], operator="alice")
login = login_name()
app = MarginConsoleApp(console_settings(settings, login), cursor_blink=False, login=login,
                       claim=settings.claimed_operator())

async def first_page() -> int:
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.screen.query_one(AccountTable).row_count

rows = asyncio.run(first_page())
print(json.dumps({"rows": rows, "pydantic": sorted(m for m in sys.modules if m.split(".")[0] in
                                                    ("pydantic", "pydantic_core", "pydantic_settings")),
                  "metadata": "importlib.metadata" in sys.modules}))
"""


def test_the_first_page_is_painted_without_pydantic(story_db: Path | str):
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE, str(story_db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["rows"] > 0  # the page really was loaded
    assert seen["pydantic"] == []
    if isinstance(story_db, Path):  # psycopg imports importlib.metadata itself, for a server's book
        assert seen["metadata"] is False  # textual.__version__ would import it (and email, zipfile): 15-20 ms
