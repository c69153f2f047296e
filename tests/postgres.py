"""A private PostgreSQL cluster for the test session: its own data folder and socket.

The first process that needs it (a pytest-xdist worker, or the only process) runs
``initdb`` and ``pg_ctl start`` under a file lock in the folder the workers share and
records the cluster there; the others read the record. The controlling process stops it
at the session's end. The server takes no TCP connections: its unix socket in its own
folder cannot collide with another server's, so any port number is free.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

RECORD = "postgres.json"
PORT = 5432
SUPERUSER = "postgres"
START_WAIT_S = 120


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot run here; the message says why."""


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its binaries, data folder and socket folder."""

    bindir: str
    root: str

    @property
    def datadir(self) -> str:
        return os.path.join(self.root, "data")

    @property
    def socketdir(self) -> str:
        return self.root

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socketdir}&port={PORT}"

    def create_database(self, name: str) -> str:
        """Create database ``name``, empty; its URL.

        Its locale sorts as most servers' do (ICU's en-US, where case does not come
        first), not byte by byte as the cluster's C locale and SQLite do.
        """
        with self._admin() as conn:
            conn.execute(
                f'CREATE DATABASE "{name}" TEMPLATE template0'
                " LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, closing any connection left to it."""
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    def _admin(self) -> psycopg.Connection[Any]:
        import psycopg

        conninfo = f"host={self.socketdir} port={PORT} user={SUPERUSER} dbname=postgres"
        return psycopg.connect(conninfo, autocommit=True)


def installed() -> bool:
    """Whether PostgreSQL's server programs are on this machine."""
    try:
        find_bindir()
    except PostgresUnavailable:
        return False
    return True


def find_bindir() -> str:
    """The folder of ``initdb`` and ``pg_ctl``: on the PATH, from ``pg_config``, or Debian's."""
    on_path = shutil.which("initdb")
    if on_path:
        return os.path.dirname(on_path)
    if shutil.which("pg_config"):
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and os.path.exists(os.path.join(found, "initdb")):
            return found
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if debian:
        return os.path.dirname(debian[-1])
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no initdb on the PATH, from pg_config or in "
        "/usr/lib/postgresql/*/bin); on Debian: apt-get install postgresql"
    )


def _as_owner() -> list[str]:
    """The prefix that runs a command as the cluster's owner: initdb refuses root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root, and initdb refuses root: create a {SUPERUSER!r} user"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root, and initdb refuses root: runuser not found")
    return [runuser, "-u", SUPERUSER, "--"]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PostgresUnavailable(
            f"{' '.join(command)} failed ({done.returncode}): {done.stdout}{done.stderr}"
        )


def start() -> Cluster:
    """Create and start a cluster in a new temp folder: trust auth, no fsync."""
    import psycopg  # noqa: F401  (the emulator reaches PostgreSQL through it)

    bindir = find_bindir()
    owner = _as_owner()
    root = tempfile.mkdtemp(prefix="esper-pg-")
    if owner:
        shutil.chown(root, user=SUPERUSER)
    cluster = Cluster(bindir, root)
    _run(
        [
            *owner,
            os.path.join(bindir, "initdb"),
            "-D",
            cluster.datadir,
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--no-sync",
            "--encoding=UTF8",
            "--locale=C",
        ]
    )
    options = (
        f"-c listen_addresses='' -c unix_socket_directories='{cluster.socketdir}' -p {PORT}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _run(
        [
            *owner,
            os.path.join(bindir, "pg_ctl"),
            "start",
            "-D",
            cluster.datadir,
            "-l",
            os.path.join(root, "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            str(START_WAIT_S),
        ]
    )
    return cluster


def stop(cluster: Cluster) -> None:
    """Stop the cluster and delete its folder."""
    subprocess.run(
        [
            *_as_owner(),
            os.path.join(cluster.bindir, "pg_ctl"),
            "stop",
            "-D",
            cluster.datadir,
            "-m",
            "immediate",
        ],
        capture_output=True,
        check=False,
    )
    shutil.rmtree(cluster.root, ignore_errors=True)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / f"{RECORD}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared(folder: Path) -> Cluster:
    """The cluster recorded in ``folder``, started first if no process has yet.

    A failed start is recorded too, so the other workers fail at once with its reason.
    """
    record = folder / RECORD
    with _locked(folder):
        if not record.exists():
            try:
                found: dict[str, str] = asdict(start())
            except PostgresUnavailable as error:
                found = {"error": str(error)}
            except ImportError as error:
                found = {"error": f"psycopg is not installed ({error}): make install"}
            record.write_text(json.dumps(found))
        found = json.loads(record.read_text())
    if "error" in found:
        raise PostgresUnavailable(found["error"])
    return Cluster(**found)


def stop_recorded(folder: Path) -> None:
    """Stop the cluster recorded in ``folder``, if a process started one."""
    record = folder / RECORD
    if record.exists():
        found = json.loads(record.read_text())
        if "error" not in found:
            stop(Cluster(**found))
        record.unlink()
