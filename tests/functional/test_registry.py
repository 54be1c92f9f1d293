"""The one action registry: unique ids, every screen's bindings from it, and quitting."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter

import pytest
from textual.actions import parse
from textual.screen import Screen

import console.screens
from console.actions import ACTIONS, SCOPES, actions, bindings
from console.app import MarginConsoleApp
from console.screens.browser_screen import BrowserScreen
from tests.conftest import settle


def scoped_screens() -> dict[str, type]:
    """Every screen class in console.screens that declares a registry SCOPE, plus the app."""
    found: dict[str, type] = {"app": MarginConsoleApp}
    for module_info in pkgutil.iter_modules(console.screens.__path__):
        module = importlib.import_module(f"console.screens.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__ and getattr(cls, "SCOPE", None):
                assert found.setdefault(cls.SCOPE, cls) is cls, f"two screens claim scope {cls.SCOPE}"
    return found


SCREENS = scoped_screens()


def test_binding_ids_are_unique_across_the_registry():
    counts = Counter(spec.id for spec in ACTIONS)
    assert [i for i, n in counts.items() if n > 1] == []
    assert all(spec.id for spec in ACTIONS)


def test_every_scope_is_known_and_has_a_screen():
    assert {spec.scope for spec in ACTIONS} <= set(SCOPES)
    assert set(SCREENS) <= set(SCOPES)
    assert sorted(set(SCOPES) - set(SCREENS)) == [], "registry scopes without a screen"


def test_no_two_actions_share_a_key_where_they_both_apply():
    for scope in SCOPES:
        specs = actions(scope) + ([] if scope == "app" else actions("app"))
        keys = Counter(spec.keys for spec in specs)
        assert [k for k, n in keys.items() if n > 1] == [], scope


@pytest.mark.parametrize("scope", sorted(SCREENS))
def test_every_screens_bindings_come_from_the_registry(scope):
    cls = SCREENS[scope]
    registry = {spec.id: spec for spec in actions(scope)}
    declared = cls.BINDINGS
    assert all(getattr(b, "id", None) for b in declared), f"{cls.__name__} has a binding outside the registry"
    assert [b.id for b in declared] == [spec.id for spec in actions(scope)]
    for b in declared:
        spec = registry[b.id]
        assert (b.key, b.action, b.description, b.show, b.priority) == \
            (spec.keys, spec.action, spec.footer_label, spec.show, spec.priority)
    assert [b.id for b in bindings(scope)] == list(registry)


def test_every_action_resolves_to_a_method():
    missing = []
    for spec in ACTIONS:
        namespace, name, _ = parse(spec.action)
        target = MarginConsoleApp if namespace == "app" or spec.scope == "app" else SCREENS.get(spec.scope)
        if target is None:
            continue  # reported by test_every_scope_is_known_and_has_a_screen
        if not callable(getattr(target, f"action_{name}", None)):
            missing.append(f"{spec.id}: {spec.action} on {target.__name__}")
    assert missing == []


async def test_q_from_the_browser_quits(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_q_from_the_detail_screen_quits(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_account("A-1001")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_q_typed_into_the_filter_does_not_quit(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = app.screen
        await pilot.press("slash", "q")
        await settle(pilot)
        assert app.is_running
        assert app.screen is browser
        assert browser.query_one("#filter").value == "q"
        # The other letter keys type too: d is not the doctor, ? is not help while typing.
        await pilot.press("d", "question_mark")
        await settle(pilot)
        assert app.screen is browser and browser.query_one("#filter").value == "qd?"


async def test_ctrl_q_quits_even_while_typing(story_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "j", "ctrl+q")
        await pilot.pause()
        assert not app.is_running
