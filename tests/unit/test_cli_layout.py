"""The CLI package's shape: command modules share only group/support/output, the root's lazy table names every
command with its own help, and --json/--csv are one definition."""
from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

import console.cli
from console.cli.output import csv_option, json_option

PACKAGE = Path(console.cli.__file__).parent
SHARED = {"console.cli.group", "console.cli.support", "console.cli.output"}
COMMAND_MODULES = sorted(p for p in PACKAGE.glob("*.py")
                         if p.stem not in {"__init__", "root", "start", "group", "support", "output"})
ROOT = PACKAGE.parents[1]


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


def _module_commands() -> dict[str, tuple[str, click.Command]]:
    """Every command the command modules list (their COMMANDS), by name: (module name, command)."""
    found = {}
    for path in COMMAND_MODULES:
        module = importlib.import_module(f"console.cli.{path.stem}")
        for command in module.COMMANDS:
            assert command.name not in found, f"{command.name} is listed by two modules"
            found[command.name] = (module.__name__, command)
    return found


def test_every_command_is_registered_from_one_module():
    """The root's lazy table and the command modules' COMMANDS name the same commands, each in its module."""
    listed = _module_commands()
    assert sorted(console.cli.COMMANDS) == sorted(listed)
    for name, (module, command) in listed.items():
        target_module, _, attribute = console.cli.COMMANDS[name].target.partition(":")
        assert target_module == module and getattr(importlib.import_module(module), attribute) is command, name
        assert console.cli.cli.get_command(click.Context(console.cli.cli), name) is command


def test_the_lazy_table_holds_each_commands_own_help():
    """--help shows the table's summaries: each must be the command's own short help, and no command is hidden."""
    for name, (_, command) in _module_commands().items():
        assert console.cli.COMMANDS[name].summary == command.get_short_help_str(limit=10**6), name
        assert not command.hidden and not command.deprecated, name


def test_help_lists_the_commands_as_click_would_from_the_commands_themselves():
    ctx = click.Context(console.cli.cli, info_name="margin-console")
    for width in (60, 80, 120):
        lazy, loaded = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
        console.cli.cli.format_commands(ctx, lazy)
        click.Group.format_commands(console.cli.cli, ctx, loaded)  # click's own: imports and asks every command
        assert lazy.getvalue() == loaded.getvalue()
        assert all(f"  {name} " in lazy.getvalue() for name in console.cli.COMMANDS)


PROJECT_AND_HEAVY = ("console", "calc", "store", "widgets", "pydantic", "pydantic_settings", "textual")


def _modules_after(*args: str, roots: tuple[str, ...] = PROJECT_AND_HEAVY) -> list[str]:
    """The modules under `roots` (the project's and heavy libraries) a fresh `margin-console ARGS` has imported
    when it exits."""
    code = ("import json, sys\nfrom console.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {roots!r})))")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_imports_no_command_and_none_of_calc_store_pydantic_or_textual():
    loaded = _modules_after("--help", roots=(*PROJECT_AND_HEAVY, "tomllib"))  # the help reads no config file
    assert loaded == ["console", "console.cli", "console.cli.group", "console.cli.root", "store", "store.config_file",
                      "store.errors"]


def test_a_command_imports_its_own_module_only(tmp_path: Path):
    loaded = _modules_after("--db", str(tmp_path / "none" / "book.db"), "show", "A-1")  # refused: no book there
    assert [m for m in loaded if m.startswith("console.")] == [
        "console.cli", "console.cli.group", "console.cli.output", "console.cli.queries", "console.cli.root",
        "console.cli.support"]
    assert "textual" not in loaded


@pytest.mark.parametrize("command", [["accounts", "--limit", "5"], ["audit", "--limit", "5"], ["doctor"],
                                     ["doctor", "--json"]])
def test_the_read_commands_that_compute_nothing_load_no_pydantic(story, command: list[str]):
    """Issue 17 items 2 and 5: `accounts`, `audit` and `doctor` read stored rows into plain views (the doctor's
    fixes are words); the settings, the store and these commands import neither pydantic nor calc.models."""
    loaded = _modules_after("--db", str(story), "--operator", "alice", *command)
    assert "console.cli.queries" in loaded  # the command ran
    assert [m for m in loaded if m.split(".")[0] in ("pydantic", "pydantic_settings") or m == "calc.models"] == []


PYDANTIC = ("pydantic", "pydantic_core", "pydantic_settings")


@pytest.mark.parametrize("command", [["show", "A-1001"], ["show", "A-1001", "--json"],
                                     ["acr", "A-1001-M1", "--kind", "rebalance", "--ack", "all"]])
def test_show_and_acr_compute_on_plain_models_without_pydantic(story, command: list[str]):
    """Issue 17 item 2: calc's rules run on plain dataclasses, so `show` (margin figures, diagnostics) and `acr`
    (checklist, build, write) import no pydantic: it was 83-152 ms of their start, building the models 34-52 ms."""
    loaded = _modules_after("--db", str(story), "--operator", "alice", *command, roots=(*PROJECT_AND_HEAVY, *PYDANTIC))
    assert {"calc.models", "calc.margin", "calc.diagnostics"} <= set(loaded)  # the rules ran on the models
    assert command[0] != "acr" or {"calc.build", "calc.checklist", "store.acr_writes"} <= set(loaded)
    assert [m for m in loaded if m.split(".")[0] in PYDANTIC] == []
    if command[0] == "acr":  # the browser's page views, and the walkthrough's queries while no run is open
        assert [m for m in loaded if m in NOT_FOR_ACR] == []


NOT_FOR_ACR = ("calc.page_views", "calc.run_views", "calc.walkthrough", "store.queries.audit",
               "store.queries.walkthrough")


def test_no_module_of_the_project_imports_pydantic():
    """pydantic is no dependency any more (the book file is read by store/book_schema.py): no module may need it."""
    sources = [p for root in ("calc", "store", "widgets", "console") for p in (ROOT / root).rglob("*.py")]
    importing = [str(p.relative_to(ROOT)) for p in sources
                 if any(line.lstrip().startswith(("import pydantic", "from pydantic"))
                        for line in p.read_text(encoding="utf-8").splitlines())]
    assert importing == []
    assert "pydantic" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


# What `accounts` has no use for: the other views' dataclasses (~1.5 ms each to build) and the ACR lifecycle they
# carry, the audit trail's and the orders' queries, the writer's roles, the audit chain's hashing (hashlib: a write
# appends to the chain, a read does not) and the CSV exporter.
NOT_FOR_ACCOUNTS = ("calc.acr_views", "calc.approvals", "calc.audit_summary", "calc.detail_views", "calc.integrity",
                    "calc.models", "calc.report_views", "csv", "hashlib", "pydantic", "store.chain",
                    "store.operators", "store.queries.audit", "store.queries.orders")


@pytest.mark.parametrize("read_only", [[], ["--read-only"]])
def test_accounts_imports_only_what_the_page_needs(story, read_only: list[str]):
    """Issue 17 item 2: `accounts` is within +30 ms of `--help` only if it imports what its page uses: the page's
    query and its two views, the settings and the store's connection, nothing of the other commands."""
    loaded = _modules_after("--db", str(story), "--operator", "alice", *read_only, "accounts", "--limit", "5",
                            roots=(*PROJECT_AND_HEAVY, "csv", "hashlib"))
    assert {"console.cli.queries", "store.queries.accounts", "calc.page_views"} <= set(loaded)  # the command ran
    unused = set(NOT_FOR_ACCOUNTS) - ({"csv"} if str(story).startswith("postgres") else set())  # psycopg's own
    assert [m for m in loaded if m in unused or m.split(".")[0] in unused] == []


def _commands(group: click.Group):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
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
