"""Headless Chromium (the machine's /usr/bin/chromium) on a page served by textual-serve, read as a screen.

textual-serve's page draws the terminal with xterm.js on a canvas, so its text is not in the DOM. The page's
websocket carries the exact bytes xterm.js draws; Playwright hands us every frame the browser receives, and pyte
draws them into a grid of the size the page asked for (the `width`/`height` of the websocket URL, then every
`resize` the page sends), which is the screen the person at the browser sees.
"""
from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pyte
from playwright.sync_api import Page, WebSocket

CHROMIUM = "/usr/bin/chromium"
# Nothing but the test's server may be reached: the page's web font (a public CDN) and Chromium's own
# background requests fail at name resolution instead of leaving the machine.
LOOPBACK_ONLY = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--disable-background-networking"]


class WebScreen:
    """What the console paints on a page: the terminal's websocket frames drawn by a VT emulator."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None
        self.connections = 0
        page.on("websocket", self._connected)

    def _connected(self, socket: WebSocket) -> None:
        query = parse_qs(urlparse(socket.url).query)
        self.connections += 1
        self.screen = pyte.Screen(int(query.get("width", ["80"])[0]), int(query.get("height", ["24"])[0]))
        self.stream = pyte.ByteStream(self.screen)
        socket.on("framereceived", self._received)
        socket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and self.stream is not None:  # text frames are control (pong, open_url)
            self.stream.feed(payload)

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"') and self.screen is not None:
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display) if self.screen else ""

    def wait_for(self, *shown: str, hidden: tuple[str, ...] = (), timeout: float = 15.0) -> str:
        """Let the page run until the screen shows every `shown` text and none of `hidden`; fail with the screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text
            if all(s in text for s in shown) and not any(h in text for h in hidden):
                return text
            self.page.wait_for_timeout(50)  # Playwright delivers frames while the page waits
        raise AssertionError(f"the page never showed {shown!r} without {hidden!r}; it shows:\n{self.text}")

    def type(self, text: str) -> None:
        """Type into the terminal as a person does, a key at a time."""
        self.page.keyboard.type(text, delay=40)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
