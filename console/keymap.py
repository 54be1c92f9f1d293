"""The operator's keymap over the action registry: one rebinding layer that the footer, help and palette all read.

Posting's model: every binding has an id, the config file's `[keys]` table maps ids to keys, and the app applies it
with `App.set_keymap`. Unlike a silent ignore, an unknown id, a key Textual has no name for, or two actions on one
key where both are active on one screen is refused when the console starts, naming where it was set.
"""
from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping

from textual.keys import Keys, _character_to_key
from textual.theme import BUILTIN_THEMES

from console.actions import ACTIONS, SCOPES, ActionSpec
from store.config_file import ConfigError
from store.settings import Settings

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
KEY_NAMES = frozenset({key.value.split("+")[-1] for key in Keys}) | {"enter", "tab", "space", "backspace"} | {
    f"f{n}" for n in range(1, 25)}
# Keys the console uses outside the registry: rebinding an action onto one would shadow it on every screen.
RESERVED = {"ctrl+p": "the command palette", "tab": "moving focus", "shift+tab": "moving focus"}


class KeymapError(ValueError):
    """A `[keys]` entry that cannot be applied; `action_id` is the entry's id, to say where it was set."""

    def __init__(self, action_id: str, message: str) -> None:
        super().__init__(message)
        self.action_id = action_id


def normalize_key(key: str) -> str:
    """Textual's name for one key (`?` -> `question_mark`, `ctrl+E` kept); ValueError for a key it cannot match."""
    *modifiers, base = key.strip().split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        raise ValueError(f"{key.strip()!r} is not a key (modifiers: {', '.join(sorted(MODIFIERS))})")
    if len(base) == 1:
        base = _character_to_key(base)
    elif base not in KEY_NAMES:
        try:
            unicodedata.lookup(base.replace("_", " "))  # a character's name, as Textual spells keys (full_stop)
        except KeyError:
            raise ValueError(f"{base!r} is not a key name Textual knows (e.g. f1, enter, escape, ctrl+e)") from None
    return "+".join([*modifiers, base])


def effective_actions(keymap: Mapping[str, str] | None = None) -> tuple[ActionSpec, ...]:
    """The registry with `keymap` (action id -> comma-separated keys) applied; KeymapError if it cannot be."""
    keymap = dict(keymap or {})
    ids = {spec.id for spec in ACTIONS}
    for action_id in keymap:
        if action_id not in ids:
            raise KeymapError(action_id, f"{action_id!r} is not an action id (see the help screen, `?`)")
    specs = tuple(_rebound(spec, keymap[spec.id]) if spec.id in keymap else spec for spec in ACTIONS)
    _refuse_clashes(specs, set(keymap))
    return specs


def _rebound(spec: ActionSpec, keys: str) -> ActionSpec:
    try:
        normalized = [normalize_key(key) for key in keys.split(",")]
    except ValueError as error:
        raise KeymapError(spec.id, str(error)) from None
    for key in normalized:
        if key in RESERVED:
            raise KeymapError(spec.id, f"{key} is {RESERVED[key]}; choose another key for {spec.id!r}")
    return dataclasses.replace(spec, keys=",".join(normalized), key_display=None)


def _refuse_clashes(specs: tuple[ActionSpec, ...], rebound: set[str]) -> None:
    """Two actions on one key where both are active on one screen (the screen's own plus the app's), if either was
    rebound: Textual would quietly run one of them."""
    for scope in SCOPES:
        active = [s for s in specs if s.scope in {scope, "app"}]
        seen: dict[str, ActionSpec] = {}
        for spec in active:
            for key in spec.keys.split(","):
                other = seen.setdefault(key, spec)
                if other is not spec and rebound & {spec.id, other.id}:
                    moved = spec if spec.id in rebound else other
                    kept = other if moved is spec else spec
                    raise KeymapError(moved.id, f"{key} would run both {moved.id!r} and {kept.id!r} on the "
                                                f"{SCOPES[scope].lower()} screen")


def console_registry(settings: Settings) -> tuple[ActionSpec, ...]:
    """The registry under the settings' keymap, with the theme checked: a bad one is a ConfigError saying where."""
    try:
        specs = effective_actions(settings.keys)
    except KeymapError as error:
        raise ConfigError(f"{settings.where('keys', error.action_id)}: {error}") from None
    if settings.theme not in BUILTIN_THEMES:
        raise ConfigError(f"{settings.where('theme')}: unknown theme {settings.theme!r} "
                          f"(one of {', '.join(BUILTIN_THEMES)})")
    return specs
