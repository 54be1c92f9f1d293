"""A throwaway OpenSSH server for one test: its own keys, config and port, on 127.0.0.1 only.

Nothing of the machine's sshd is touched (its config, keys and service stay as they are); the one shared thing
is /run/sshd, the empty privilege-separation directory a root sshd insists on: made here when the system's
service never ran (as that service would make it on start) and left in place, since another sshd may be using it.
"""
from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.system.processes import free_port, stop, wait_listening

PRIVSEP_DIR = Path("/run/sshd")


def find_sshd() -> str | None:
    """The sshd binary (root's PATH has /usr/sbin, a user's often does not)."""
    return shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd",) if os.access(p, os.X_OK)), None)


def keygen(path: Path, comment: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True)


@dataclass
class Sshd:
    """A running server and what a client needs to reach it."""

    port: int
    user: str
    folder: Path
    log: Path

    def client_argv(self, remote_command: str) -> list[str]:
        """`ssh -t` to this server with the throwaway key, trusting only its host key, ignoring ~/.ssh/config."""
        return ["ssh", "-t", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.folder / "user_key"),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}", "-o", "LogLevel=ERROR",
                f"{self.user}@127.0.0.1", remote_command]


def write_config(folder: Path, port: int, user: str) -> Path:
    """An sshd_config that allows one user in with one public key and nothing else."""
    config = folder / "sshd_config"
    config.write_text("\n".join([
        "ListenAddress 127.0.0.1", f"Port {port}",
        f"HostKey {folder / 'host_key'}", f"PidFile {folder / 'sshd.pid'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}",
        "AuthenticationMethods publickey", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password", f"AllowUsers {user}",
        "UsePAM no",  # no PAM session modules: nothing of the host's login stack runs
        "StrictModes no",  # the keys live under /tmp, which is world-writable (sticky)
        "PrintMotd no", "PrintLastLog no", "X11Forwarding no", "AllowTcpForwarding no", "",
    ]))
    return config


@contextmanager
def running_sshd(folder: Path, sshd: str, ready_timeout: float = 10.0) -> Iterator[Sshd]:
    """Start sshd in the foreground on a free port; stop it on the way out, whether the test passed or not."""
    folder.mkdir(mode=0o700, exist_ok=True)
    keygen(folder / "host_key", "margin-console-test-host")
    keygen(folder / "user_key", "margin-console-test-user")
    shutil.copy(folder / "user_key.pub", folder / "authorized_keys")
    user, port = getpass.getuser(), free_port()
    host_key = (folder / "host_key.pub").read_text().split()[:2]
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{port} {' '.join(host_key)}\n")
    config = write_config(folder, port, user)
    if os.geteuid() == 0:
        PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
    log = folder / "sshd.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    try:
        wait_listening(server, port, log, ready_timeout)
        yield Sshd(port, user, folder, log)
    finally:
        stop(server)

