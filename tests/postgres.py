"""A throwaway PostgreSQL cluster for the tests and CI: the machine's own server binaries, in a temp dir.

initdb and the server run as the unprivileged `postgres` user (runuser; the temp dir is chowned to it) on a
unix socket only (listen_addresses=''), and the cluster is stopped and removed at the end even on failure.
The book is opened as `margin_app`, an ordinary role (not a superuser), so the audit log's revoked
UPDATE/DELETE applies to it as to a desk's application role. Each test gets a fresh database copied from a
template that already holds the migrated schema (CREATE DATABASE ... TEMPLATE), which costs tens of ms.
"""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

APP_ROLE = "margin_app"
TEMPLATE = "book_template"


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
        self.dir = Path(tempfile.mkdtemp(prefix="margin-pg-"))
        self.data = self.dir / "data"
        self._numbers = itertools.count(1)
        self._started = False

    def _as_postgres(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:  # the server refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                          "--encoding=UTF8", "--locale=C.UTF-8")
        options = (f"-c listen_addresses='' -c unix_socket_directories={self.dir} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
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
        try:
            if self._started:
                self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
