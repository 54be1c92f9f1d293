"""Workarounds for how Textual 8.2 keeps removed widgets alive, in one place and only on that version; and when
the garbage collector runs at all (start-up, results).

Each workaround reaches into behaviour (or a private module) of the pinned Textual; on any other version they
are no-ops, so an upgrade loses a memory optimisation, never the app. Remove each one when its issue is
fixed upstream (docs/PERFORMANCE.md: GC pauses).
"""
from __future__ import annotations

import gc
import time
from pathlib import Path

import textual
from textual.app import App
from textual.widgets import Footer

WRITTEN_FOR = "8.2."  # the pinned textual==8.2.8 these were measured on


def textual_version() -> str:
    """The installed Textual's version, from the name of its dist-info directory next to the package.

    `textual.__version__` asks importlib.metadata, whose imports (email, zipfile, csv) cost the console's start
    15-20 ms that nothing else on the first page pays (issue 17); it is the answer only for an install without
    that directory (an unusual layout)."""
    site = Path(textual.__file__).resolve().parent.parent
    found = [p.name[len("textual-"):-len(".dist-info")] for p in site.glob("textual-*.dist-info")]
    return found[0] if len(found) == 1 else textual.__version__


ACTIVE = textual_version().startswith(WRITTEN_FOR)
GC_MIN_INTERVAL = 0.05  # seconds between two collections after results
COLLECTOR_HOLD_LIMIT = 5.0  # seconds after mount: a held collector is back on by then, page painted or not

try:  # textual#6665 reaches into a private module; degrade if it moves
    from textual._styles_cache import StylesCache
except ImportError:  # pragma: no cover - only on another Textual version
    StylesCache = None  # type: ignore[assignment,misc]


class TextualWorkarounds:
    """Keep full garbage collections out of keystrokes: freeze what lives as long as the app, collect after results."""

    def __init__(self, app: App[object], active: bool = ACTIVE, collector_held: bool = False) -> None:
        self.app = app
        self.active = active
        self._gc_at = 0.0
        self._freeze_next = False  # freeze what survives the next collection (once the app's screens are built)
        # The start-up turned automatic collection off until the first result is painted (console/cli/start.py).
        self.collector_held = collector_held

    def install(self) -> None:
        """Everything alive now (modules, classes, the stylesheet) lives as long as the app: freezing it keeps
        every later full collection from walking it again."""
        if self.active:
            gc.freeze()
        if self.collector_held:
            self.app.set_timer(COLLECTOR_HOLD_LIMIT, self.release_collector)

    def release_collector(self) -> None:
        """Automatic collection back on, if the start-up held it: after the first painted result, a failed first
        load (the App's StoreFailed), COLLECTOR_HOLD_LIMIT, or the app's end, whichever comes first."""
        if self.collector_held:
            self.collector_held = False
            gc.enable()

    def freeze_after_next_collect(self) -> None:
        """Ask for one more freeze, of what survives the next collection: called once, when a screen that lives as
        long as the app (the kept detail screen) is built. Each collection after it walks about 10k objects
        instead of 33k (8-14 ms instead of 11-29 ms at load 3). What is frozen is never collected, so this is
        done once: the few frozen objects that later die in reference cycles stay, a bounded cost."""
        self._freeze_next = True

    def uninstall(self) -> None:
        if self.active:
            gc.unfreeze()
        self.release_collector()

    def collect_after_refresh(self) -> None:
        """Collect the cyclic garbage of the screen just replaced, once the new one is painted.

        Textual's rendered strips and DataTable rows die in reference cycles, so without this they pile up
        until an automatic full collection stops the app for 100-250 ms in the middle of a keystroke. One
        small collection after each result is painted costs a few milliseconds while the operator reads.
        (A callback queued on a screen that is popped before it repaints is dropped: the next result
        queues another, so nothing waits on it.)
        """
        if self.active:
            self.app.call_after_refresh(self._collect)
        elif self.collector_held:
            self.app.call_after_refresh(self.release_collector)

    def _collect(self) -> None:
        self.release_collector()
        if time.monotonic() - self._gc_at < GC_MIN_INTERVAL:
            return  # a burst of results: one collection covers them
        self._prune_watchers()
        clear_styles_cache()
        gc.collect()
        if self._freeze_next:
            self._freeze_next = False
            gc.freeze()
        self._gc_at = time.monotonic()

    def _prune_watchers(self) -> None:
        """Let go of removed widgets that long-lived reactives still hold.

        Textual keeps a watcher (and so the whole removed widget) on the watched object until the watched
        value changes (textual#6666): every DetailScreen's Header stays on the app's title, and every
        recomposed FooterKey of a stock Footer on its `compact`. Textual drops a closed watcher when it next
        announces the value; dropping the same ones here, without announcing, costs no watcher calls and no
        restyling of the live keys (re-announcing `compact` restyled every key of every footer on the stack).
        """
        prune_closed_watchers(self.app)
        for screen in self.app.screen_stack:
            for footer in screen.query(Footer):
                prune_closed_watchers(footer)


def css_generation(app: App[object]) -> int | None:
    """How many times the app's CSS has changed (a theme, say): the count Textual itself compares with a screen's
    to know whether that screen's styles are current. None on another Textual version: nothing may rely on it."""
    count = getattr(app, "_css_update_count", None) if ACTIVE else None
    return count if isinstance(count, int) else None


def prune_closed_watchers(watched: object) -> None:
    """Drop the watchers on `watched` whose widget is closing or closed, as Textual's own check of watchers
    does before it calls the rest (`Reactive._check_watchers`); a missing store of watchers means nothing to do."""
    watchers = getattr(watched, "__watchers", None)  # set by textual.reactive._watch under this literal name
    if not isinstance(watchers, dict):
        return
    for callbacks in watchers.values():
        callbacks[:] = [(node, callback) for node, callback in callbacks if not getattr(node, "_closing", False)]


def clear_styles_cache() -> None:
    """textual#6665: an lru_cache on an instance method keeps the last 1,024 StylesCaches (with every line
    they rendered) of removed widgets alive; it caches two Style objects, so clearing is free."""
    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if clear is not None:
        clear()
