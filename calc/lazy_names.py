"""Names of a package or index module that load their home submodule on first use (PEP 562).

`calc` and `calc.views` each list where their public names live; importing them imports none of those homes, so
one light name does not build every model and view dataclass (issue 17: start-up).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(namespace: dict[str, Any], homes: dict[str, tuple[str, ...]]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module's `__getattr__` and `__dir__` over `homes` (submodule -> names), caching each name in
    `namespace` (the module's globals) once loaded."""
    home = {name: module for module, names in homes.items() for name in names}
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *home})

    return __getattr__, __dir__
