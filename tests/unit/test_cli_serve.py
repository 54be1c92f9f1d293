"""`serve` (console/cli/serve.py, console/web.py): localhost by default, a remote bind only when asked, and the
command each browser session runs. The server itself is replaced here; tests/system/test_web.py runs it for real."""
from __future__ import annotations

import errno
import shlex
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from console import web
from console.cli.serve import root_options
from store.settings import Settings
from tests.unit.conftest import ok, one_error_line


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What `serve` would have served (settings, host, port, public url, root options) instead of serving it."""
    calls: list[tuple] = []
    monkeypatch.setattr(web, "serve", lambda settings, host, port, url=None, options=():
                        calls.append((settings, host, port, url, tuple(options))))
    return calls


def test_serves_the_book_on_localhost_port_8000_by_default(run, story, served):
    assert ok(run("serve")) == ""
    [(settings, host, port, url, options)] = served
    assert (settings.db, settings.operator, host, port, url) == (story, "alice", "127.0.0.1", 8000, None)
    assert options == ()  # --db and --operator travel as the effective values, never as typed


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "192.168.0.10", "ops-host.example"])
def test_a_non_local_host_is_refused_without_allow_remote(run, story, served, host):
    line = one_error_line(run("serve", "--host", host), code=1)
    assert f"{host} is not a loopback address" in line and "--allow-remote" in line
    assert served == []


def test_allow_remote_serves_with_a_warning(run, story, served):
    result = run("serve", "--host", "0.0.0.0", "--port", "8443", "--allow-remote",
                 "--public-url", "https://margin.desk.example")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("margin-console: warning: serving on 0.0.0.0:8443, reachable from other hosts")
    assert "acts as alice" in result.stderr and "reverse proxy" in result.stderr
    assert [(h, p, u) for _, h, p, u, _ in served] == [("0.0.0.0", 8443, "https://margin.desk.example")]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_loopback_hosts_need_no_flag_and_print_nothing(run, story, served, host):
    assert ok(run("serve", "--host", host)) == ""
    assert served[0][1] == host


@pytest.mark.sqlite_only  # a missing file is SQLite's "no book"; a server's database is checked when opened
def test_no_book_no_server(run, db_path, served):
    line = one_error_line(run("serve"), code=1)
    assert f"no book at {db_path}" in line
    assert served == [] and not db_path.exists()


def test_a_port_in_use_is_one_clear_line(run, story, monkeypatch):
    def taken(*args, **kwargs):
        raise OSError(errno.EADDRINUSE, "error while attempting to bind on address ('127.0.0.1', 8000): "
                                        "address already in use")
    monkeypatch.setattr(web, "serve", taken)
    line = one_error_line(run("serve"), code=1)
    assert line.startswith("margin-console: error: cannot serve on 127.0.0.1:8000: ") and "already in use" in line


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_a_port_out_of_range_is_refused(run, story, served, port):
    one_error_line(run("serve", "--port", port), code=2)
    assert served == []


def test_each_session_runs_this_python_on_this_book_as_this_operator(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    operator = "O'Brien; touch pwned"  # one argument to the console, never shell syntax
    argv = shlex.split(web.console_command(Settings(db=Path("book.db"), operator=operator), ["--config", "a b.toml"]))
    assert argv == [sys.executable, "-P", "-c", web.CONSOLE_ENTRY, "--config", "a b.toml",
                    "--db", str(tmp_path / "book.db"), "--operator", operator]


def test_root_options_typed_on_the_command_line_reach_every_session():
    """A config file or read-only given to `serve`'s command line must hold in the browser sessions too."""
    group = click.Group("root", params=[
        click.Option(["--config"]), click.Option(["--read-only/--writable"], default=None),
        click.Option(["--db"]), click.Option(["--tag"], multiple=True), click.Option(["--theme"], envvar="X_THEME")])
    seen: list[list[str]] = []

    @group.command()
    @click.pass_context
    def probe(ctx: click.Context) -> None:
        seen.append(root_options(ctx))

    for args in (["--config", "c.toml", "--read-only", "--db", "b.db", "--tag", "a", "--tag", "b", "probe"],
                 ["--writable", "probe"], ["probe"]):
        result = CliRunner().invoke(group, args, env={"X_THEME": "dark"})  # from the environment: inherited
        assert result.exit_code == 0, result.output
    assert seen == [["--config", "c.toml", "--read-only", "--tag", "a", "--tag", "b"], ["--writable"], []]


@pytest.mark.parametrize(("host", "url"), [("127.0.0.1", "http://127.0.0.1:8000"), ("localhost", "http://localhost:8000"),
                                           ("::1", "http://[::1]:8000"), ("[::1]", "http://[::1]:8000")])
def test_the_default_public_url_is_one_a_browser_can_open(host, url):
    assert web.public_url(host, 8000) == url
