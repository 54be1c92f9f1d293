"""`serve` (console/cli/serve.py, console/web.py): localhost by default, a remote bind only when asked, and the
command each browser session runs. The server itself is replaced here; tests/system/test_web.py runs it for real."""
from __future__ import annotations

import errno
import shlex
import sys
from pathlib import Path

import pytest

from console import web
from store.settings import Settings
from tests.unit.conftest import ok, one_error_line


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What `serve` would have served (settings, host, port, public url) instead of serving it."""
    calls: list[tuple] = []
    monkeypatch.setattr(web, "serve", lambda settings, host, port, url=None: calls.append((settings, host, port, url)))
    return calls


def test_serves_the_book_on_localhost_port_8000_by_default(run, story, served):
    assert ok(run("serve")) == ""
    [(settings, host, port, url)] = served
    assert (settings.db, settings.operator, host, port, url) == (story, "alice", "127.0.0.1", 8000, None)


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
    assert [(h, p, u) for _, h, p, u in served] == [("0.0.0.0", 8443, "https://margin.desk.example")]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_loopback_hosts_need_no_flag_and_print_nothing(run, story, served, host):
    assert ok(run("serve", "--host", host)) == ""
    assert served[0][1] == host


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
    argv = shlex.split(web.console_command(Settings(db=Path("book.db"), operator=operator)))
    assert argv == [sys.executable, "-P", "-c", web.CONSOLE_ENTRY, "--db", str(tmp_path / "book.db"),
                    "--operator", operator]


@pytest.mark.parametrize(("host", "url"), [("127.0.0.1", "http://127.0.0.1:8000"), ("localhost", "http://localhost:8000"),
                                           ("::1", "http://[::1]:8000"), ("[::1]", "http://[::1]:8000")])
def test_the_default_public_url_is_one_a_browser_can_open(host, url):
    assert web.public_url(host, 8000) == url
