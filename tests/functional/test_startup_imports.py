"""Issue 17 item 1: the console's first page is painted without pydantic (no settings model, no calc model),
without importlib.metadata, and without what only later pages, keys or the command line use.

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
import console.cli
from console.app import MarginConsoleApp
from console.cli.start import console_settings
from console.messages import PageLoaded
from store.settings import Settings, login_name
from widgets.account_table import AccountTable

settings = Settings.load(None, db=sys.argv[1], operator="alice")
login = login_name()
app = MarginConsoleApp(console_settings(settings, login), cursor_blink=False, login=login,
                       claim=settings.claimed_operator(), live=True)
loaded = set()  # the modules imported when the first page's rows arrive

def hook(message):
    if isinstance(message, PageLoaded) and not loaded:
        loaded.update(sys.modules)

async def first_page() -> int:
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.screen.query_one(AccountTable).row_count

rows = asyncio.run(first_page())
print(json.dumps({"rows": rows, "pydantic": sorted(m for m in sys.modules if m.split(".")[0] in
                                                    ("pydantic", "pydantic_core", "pydantic_settings")),
                  "metadata": "importlib.metadata" in sys.modules, "loaded": sorted(loaded)}))
"""
# Loaded when first used, not for the first page: click (the console's own options are parsed without it), the
# root command, the palette's provider, the live book's watcher and its audit queries (started once the first
# page is shown), the other screens and their results' messages, and hashlib (the audit chain: a write).
NOT_FOR_THE_FIRST_PAGE = ("click", "console.cli.root", "console.cli.support", "console.palette",
                          "console.result_messages",
                          "console.live_book", "store.queries.audit", "calc.integrity", "store.chain", "hashlib",
                          "console.screens.help_screen", "console.screens.detail_screen",
                          "console.screens.doctor_screen", "console.screens.approvals_screen")


def test_the_first_page_is_painted_without_pydantic(story_db: Path | str):
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE, str(story_db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["rows"] > 0  # the page really was loaded
    assert seen["pydantic"] == []
    assert [m for m in seen["loaded"] if m in NOT_FOR_THE_FIRST_PAGE or m.split(".")[0] in NOT_FOR_THE_FIRST_PAGE
            ] == []
    assert {"console.screens.browser_screen", "store.queries.accounts"} <= set(seen["loaded"])  # the page's own
    if isinstance(story_db, Path):  # psycopg imports importlib.metadata itself, for a server's book
        assert seen["metadata"] is False  # textual.__version__ would import it (and email, zipfile): 15-20 ms
