"""`margin-console serve` in headless Chromium: the page paints the console, a filter narrows it, a key opens a detail.

What this proves that the Pilot tests cannot: the command serves textual-serve's page on localhost, a browser's
websocket starts a console process on the served book as the serving operator, keys typed into the page reach
it, and what it paints reaches the page.
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.system.browser import CHROMIUM, LOOPBACK_ONLY, WebScreen
from tests.system.conftest import CONSOLE, REPO, missing_tool
from tests.system.processes import free_port, group_alive, kill_group, stop, wait_listening

pytestmark = pytest.mark.system

# How many colours xterm.js's text layer shows: 1 for a blank canvas, hundreds once text and panels are drawn
# (its canvas renderer keeps a 2D context; 0 where it has none).
CANVAS_COLOURS_JS = """() => {
    const canvas = document.querySelector('.textual-terminal canvas.xterm-text-layer');
    const context = canvas && canvas.getContext('2d');
    if (!context) return 0;
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return colours.size;
}"""


@pytest.fixture
def served(story_book: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`margin-console serve` on a free port of 127.0.0.1, on the story book, as operator web-op."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-P", "-c", CONSOLE, "--db", str(story_book), "--operator", "web-op",
             "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
            start_new_session=True)  # its own process group: the consoles it spawns can be found and ended
    try:
        wait_listening(server, port, log, timeout=20)
        yield f"http://127.0.0.1:{port}/", server
    finally:
        stop(server)
        kill_group(server.pid)


def test_serve_paints_filters_and_opens_an_account_in_chromium(served):
    if not os.access(CHROMIUM, os.X_OK):
        missing_tool("Chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    url, server = served
    with urllib.request.urlopen(url, timeout=10) as response:
        page_html = response.read().decode()
    assert response.status == 200 and f'data-session-websocket-url="{url.replace("http", "ws")}ws"' in page_html

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LOOPBACK_ONLY)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 640})
            screen = WebScreen(page)
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector("body.-first-byte", timeout=20_000)  # the page got the console's first bytes
            assert page.locator(".textual-terminal canvas").count() > 0  # xterm.js draws on canvases
            screen.wait_for("margin-console — web-op · book.db", "3 accounts (0 reconciled today)",
                            "A-1001", "Jane Doe Trust", "A-1002", "A-1003", timeout=30)
            assert screen.connections == 1
            # xterm.js paints on the next animation frame: wait for it (a blank canvas fails here after 10 s).
            page.wait_for_function(f"({CANVAS_COLOURS_JS})() > 16", timeout=10_000)

            page.click(".textual-terminal")
            screen.press("/")
            screen.wait_for("Filter: id, name or custodian")
            screen.type("jane")
            screen.wait_for("1 match 'jane'", "A-1001", hidden=("A-1002", "A-1003"))

            screen.press("Enter")  # submit the filter: the table takes the focus, and the footer its keys
            screen.wait_for("n Next page")
            screen.press("Enter")  # open the selected account
            screen.wait_for("A-1001 · Jane Doe Trust", "A-1001-M1 · MODEL", "Leverage saved 1.50x")
        finally:
            browser.close()

    assert stop(server) == 0  # serve stops cleanly on SIGTERM...
    assert not group_alive(server.pid)  # ...and no console it started for the browser outlives it
