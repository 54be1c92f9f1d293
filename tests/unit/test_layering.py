"""Imports point down only (console -> widgets -> store -> calc), and widgets render what they are given:
they import nothing from the store. Read from the source with ast, so every module (and every import inside
a function) is covered."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What each layer may not import.
FORBIDDEN = {
    "calc": {"store", "widgets", "console", "textual", "sqlite3", "sqlite_utils"},
    "store": {"widgets", "console", "textual"},
    "widgets": {"store", "console"},
    "console": set(),
}


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_downward(layer: str):
    bad = [f"{path.relative_to(ROOT)}:{line} imports {name}"
           for path in sorted((ROOT / layer).rglob("*.py"))
           for line, name in imports(path) if name.split(".")[0] in FORBIDDEN[layer]]
    assert bad == []


def test_the_walk_sees_every_layer():
    assert all(any((ROOT / layer).rglob("*.py")) for layer in FORBIDDEN)


MAX_FILE_LINES = 400
MAX_CLASS_LINES = 250


def test_no_source_file_over_400_lines_and_no_class_over_250():
    """Small rooms stay small: a file past 400 lines or a class past 250 is split, not grown."""
    too_big = []
    for folder in (*FORBIDDEN, "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") > MAX_FILE_LINES:
                too_big.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                    too_big.append(f"{path.relative_to(ROOT)}: class {node.name} "
                                   f"{node.end_lineno - node.lineno + 1} lines")
    assert too_big == []
