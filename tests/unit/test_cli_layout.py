"""The CLI package's shape: command modules share only support/output, and --json/--csv are one definition."""
from __future__ import annotations

import ast
from pathlib import Path

import click

import console.cli
from console.cli.output import csv_option, json_option

PACKAGE = Path(console.cli.__file__).parent
SHARED = {"console.cli.support", "console.cli.output"}
COMMAND_MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "support", "output"})


def cli_imports(path: Path) -> set[str]:
    """The console.cli modules a file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("console.cli"):
            found |= {node.module} if node.module != "console.cli" else {f"console.cli.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("console.cli")}
    return found


def test_no_command_module_imports_another():
    assert COMMAND_MODULES, PACKAGE
    for path in COMMAND_MODULES:
        assert cli_imports(path) <= SHARED, path.name
    for shared in SHARED:
        assert not cli_imports(PACKAGE / f"{shared.rsplit('.', 1)[1]}.py") - SHARED, shared


def test_every_command_is_registered_from_one_module():
    listed = [c for path in COMMAND_MODULES for c in vars(console.cli)[path.stem].COMMANDS]
    assert sorted(c.name for c in listed) == sorted(console.cli.cli.commands)
    assert all(console.cli.cli.commands[c.name] is c for c in listed)


def _commands(group: click.Group):
    for command in group.commands.values():
        yield command
        if isinstance(command, click.Group):
            yield from _commands(command)


def _shared_option(decorator) -> click.Option:
    return decorator(click.command()(lambda **_: None)).params[0]


def test_output_options_are_the_shared_ones():
    shared = {"as_json": _shared_option(json_option), "as_csv": _shared_option(csv_option)}
    seen = set()
    for command in _commands(console.cli.cli):
        for param in command.params:
            if param.name in shared:
                seen.add(param.name)
                assert (param.opts, param.help, param.is_flag) == (
                    shared[param.name].opts, shared[param.name].help, True), (command.name, param.name)
    assert seen == set(shared)
