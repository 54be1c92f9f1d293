"""A throwaway PostgreSQL cluster for the tests and CI: the machine's own server binaries, in a temp dir.

initdb and the server run as the unprivileged `postgres` user (runuser; the temp dir is chowned to it) on a
unix socket only (listen_addresses=''), and the cluster is stopped and removed at the end even on failure.
The book is opened as `margin_app`, an ordinary role (not a superuser), so the audit log's revoked
UPDATE/DELETE applies to it as to a desk's application role. Each test gets a fresh database copied from a
template that already holds the migrated schema (CREATE DATABASE ... TEMPLATE), which costs tens of ms.

A run ended by SIGTERM (a CI timeout, `kill`) stops its clusters too: the server is a daemon that would outlive
the process, with its temp dir. A run killed outright (SIGKILL) cannot clean up, so each cluster records the
process that owns it, and the next cluster started on the machine stops and removes any whose owner is gone
(never one whose owner is alive: other runs share the machine).
"""
from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

APP_ROLE = "margin_app"
TEMPLATE = "book_template"
PREFIX = "margin-pg-"
OWNER = "owner.pid"  # the pid of the process that started the cluster, in the cluster's directory
_running: set[Cluster] = set()  # the clusters this process has started and not yet stopped


def bindir() -> Path | None:
    """The server's binaries (pg_config --bindir), or None where PostgreSQL is not installed."""
    found = shutil.which("pg_config")
    candidates = [subprocess.run([found, "--bindir"], capture_output=True, text=True,
                                 check=False).stdout.strip()] if found else []
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


class Cluster:
    """One cluster for the session; `fresh_url()` is a new empty-but-migrated book."""

    def __init__(self) -> None:
        binaries = bindir()
        if binaries is None:
            raise RuntimeError("PostgreSQL server binaries not found (pg_config --bindir)")
        self.bin = binaries
        self.dir = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.dir / OWNER).write_text(str(os.getpid()))
        self.data = self.dir / "data"
        self._numbers = itertools.count(1)
        self._started = False

    def start(self) -> Cluster:
        reap_stale(self.bin)
        _stop_on_sigterm()
        _running.add(self)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        _as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                     "--encoding=UTF8", "--locale=C.UTF-8")
        options = (f"-c listen_addresses='' -c unix_socket_directories={self.dir} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                     str(self.dir / "server.log"), "-w", "start")
        self._started = True
        self.admin(f"CREATE ROLE {APP_ROLE} LOGIN CREATEDB")
        self.admin(f"CREATE DATABASE {TEMPLATE} OWNER {APP_ROLE}")
        return self

    def url(self, database: str, user: str = APP_ROLE) -> str:
        return f"postgresql://{user}@/{database}?host={self.dir}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def migrate_template(self) -> None:
        """Migrate the template once, so every fresh book starts at the newest schema without running migrations."""
        from store.core import Store

        Store(self.url(TEMPLATE)).close()

    def fresh_url(self) -> str:
        name = f"book_{next(self._numbers)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} OWNER {APP_ROLE} STRATEGY FILE_COPY")
        return self.url(name)

    def stop(self) -> None:
        _running.discard(self)
        try:
            if self._started:
                _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def _as_postgres(*args: str) -> subprocess.CompletedProcess[str]:
    command = list(args)
    if os.geteuid() == 0:  # the server refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def reap_stale(binaries: Path, root: Path | None = None) -> list[Path]:
    """Stop and remove the clusters whose owning process is gone (killed before it could stop them); returns their
    directories. A directory without an owner file is left alone: it may be a cluster still being made."""
    reaped = []
    for directory in sorted(Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*")):
        try:
            owner = int((directory / OWNER).read_text())
        except (OSError, ValueError):
            continue
        if process_alive(owner):
            continue
        if (directory / "data" / "postmaster.pid").exists():
            try:
                _as_postgres(str(binaries / "pg_ctl"), "-D", str(directory / "data"), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass  # not running after all (a stale pid file): removing the directory is all that is left
        shutil.rmtree(directory, ignore_errors=True)
        reaped.append(directory)
    return reaped


def _stop_on_sigterm() -> None:
    """On SIGTERM stop this process's clusters, then die of the signal as before. Installed once, from the main
    thread, and only over the default action (a handler someone else set is theirs to keep)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        return

    def stop_all(signum: int, frame: Any) -> None:
        for cluster in list(_running):
            cluster.stop()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop_all)
