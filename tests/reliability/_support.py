"""What the reliability tests share.

- ``guarded``: run a whole scenario on a thread of its own and fail the test, instead of
  hanging it, when the scenario does not come back in time (no pytest-timeout needed);
- ``aw``, ``collect`` and ``drive``: one scenario, written as a coroutine, runs on the
  async client (awaited) and on the sync client (driven to its end without a loop: with
  the sync client nothing in it ever suspends);
- the side door (``stats``, ``set_faults``) and ``retry_waits``;
- ``Served``: the real ``python -m esper_emulator serve`` as a subprocess, for the tests
  that kill it or load it from outside the test's own process;
- ``integrity`` and ``query``: the SQLite file read directly (read-only).
"""

from __future__ import annotations

import inspect
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import msgspec
import pytest
import urllib3
from sqlalchemy import create_engine

import esperclient
from esper_emulator.control import WORKER_HEADER
from esper_emulator.emulator import Emulator
from esper_emulator.services.seed import Credentials
from esper_emulator.settings import Settings
from esper_emulator.store.db import database_url
from esperclient import _settings
from esperclient._retry import RetryPolicy

T = TypeVar("T")


# hangs


def guarded(scenario: Callable[[], T], timeout: float, what: str) -> T:
    """``scenario()`` on a daemon thread; the test fails if it is not back in ``timeout`` s.

    The timeout is a hang detector, far above what the scenario needs: nothing is
    measured, a call stuck past its own timeout simply never comes back.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = scenario()
        except BaseException as exc:  # handed to the test's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name=f"guarded: {what}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"{what} was not done after {timeout:g} s: a call hung", pytrace=False)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


# one scenario for both clients


async def aw(value: Any) -> Any:
    """``value``, awaited when the async client returned an awaitable."""
    return await value if inspect.isawaitable(value) else value


async def collect(items: Any) -> list[Any]:
    """Every item of a sync or async paginator."""
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def drive(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a scenario written for both clients with the sync client: it never suspends."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        value: T = done.value
        return value
    coroutine.close()
    raise RuntimeError("a scenario run with the sync client awaited something real")


# the side door (in-process emulators open it)


def side_door(url: str, method: str, path: str, body: Any = None) -> Any:
    """One side-door call (``/_emulator`` + ``path``); its JSON answer."""
    answer = urllib3.request(
        method, f"{url}/_emulator{path}", json=body, timeout=30.0, retries=False
    )
    assert answer.status in (200, 201), answer.data
    return msgspec.json.decode(answer.data)


def stats(url: str) -> dict[str, Any]:
    """What the emulator counted: requests, 429s, latency added, faults by kind and method."""
    counted: dict[str, Any] = side_door(url, "GET", "/stats")
    return counted


def set_faults(url: str, **fields: Any) -> None:
    """Change the injected faults (``rate``, ``kinds``, ``latency_ms``, ``seed``)."""
    side_door(url, "POST", "/faults", fields)


@contextmanager
def retry_waits(backoff: float = 0.001, max_backoff: float = 0.25) -> Iterator[None]:
    """Short retry waits for every client made inside: the drop-in ones through
    ``Configuration``'s template, ``Esper``/``AsyncEsper`` through their default policy.

    ``max_backoff`` also caps how long a ``Retry-After`` is honoured (the ``throttle``
    faults ask for a second).
    """
    template = esperclient.Configuration()
    template.retry_backoff = backoff
    template.retry_max_backoff = max_backoff
    esperclient.Configuration.set_default(template)
    default_retry = _settings.DEFAULT_RETRY
    _settings.DEFAULT_RETRY = RetryPolicy(initial_delay=backoff, max_delay=max_backoff)
    try:
        yield
    finally:
        _settings.DEFAULT_RETRY = default_retry
        esperclient.Configuration.set_default(None)


def drop_in_configuration(host: str, api_key: str, **fields: Any) -> esperclient.Configuration:
    """A 0.1.3-style ``Configuration`` for ``host``, with extra attributes set."""
    configuration = esperclient.Configuration()
    configuration.host = host
    configuration.api_key["Authorization"] = api_key
    configuration.api_key_prefix["Authorization"] = "Bearer"
    for name, value in fields.items():
        setattr(configuration, name, value)
    return configuration


# the emulator as a subprocess


@dataclass
class Served:
    """``python -m esper_emulator serve`` running on a file database, and its demo tenant."""

    process: subprocess.Popen[bytes]
    host: str
    api_key: str
    enterprise_id: str
    log: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown, no checkpoint, the WAL left as it was."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, the clean way; the exit status."""
        self.process.terminate()
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def url(self) -> str:
        """``http://host:port``, where the side door is."""
        return self.host.removesuffix("/api")


def fresh(method: str, url: str, body: Any = None, **headers: str) -> urllib3.BaseHTTPResponse:
    """One request over a connection of its own, so that any worker may take it."""
    return _FRESH.request(
        method,
        url,
        json=body,
        headers={"Connection": "close", **headers},
        timeout=30.0,
        retries=False,
    )


_FRESH = urllib3.PoolManager(maxsize=64)
"""Requests of ``fresh``: each closes its connection, threads may send them at once."""


class Harness(Protocol):
    """What a test needs of a running emulator: ``EmulatorServer``, or ``Workers``."""

    @property
    def url(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def emulator(self) -> Emulator: ...
    def create_enterprise(
        self, name: str = ..., devices: int = ..., online_ratio: float = ...
    ) -> Credentials: ...


@dataclass
class Workers:
    """``serve --workers N --control`` on a PostgreSQL database, and an ``Emulator`` of
    the test's own on that database (it serves nothing) to seed and read it."""

    served: Served
    emulator: Emulator

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def host(self) -> str:
        return self.served.host

    def create_enterprise(
        self, name: str = "Test Enterprise", devices: int = 0, online_ratio: float = 0.7
    ) -> Credentials:
        """A new enterprise with ``devices`` devices, as ``EmulatorServer`` makes one."""
        with self.emulator.store.transaction():
            return self.emulator.seeder.tenant(name, devices, online_ratio)

    def side_door(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A side-door call over a fresh connection: the answering pid and the JSON."""
        answer = fresh(method, f"{self.url}/_emulator{path}", body)
        assert answer.status in (200, 201), answer.data
        return int(answer.headers[WORKER_HEADER]), msgspec.json.decode(answer.data)

    def until_each_worker(self, method: str, path: str, body: Any = None) -> dict[int, Any]:
        """The side door's answer from each of the two workers (or more), asked over
        fresh connections until two pids have answered (60 s at most)."""
        answers: dict[int, Any] = {}
        deadline = time.monotonic() + 60
        while len(answers) < 2:
            assert time.monotonic() < deadline, f"one worker answered {path}: {answers}"
            pid, answer = self.side_door(method, path, body)
            answers[pid] = answer
        return answers


@contextmanager
def workers(
    db: str, workdir: Path, *, count: int = 2, latency_ms: float = 0.0, devices: int = 5
) -> Iterator[Workers]:
    """``count`` workers serving ``db`` (PostgreSQL) while the block runs; stopped after,
    cleanly (the exit status 0 checked)."""
    served = serve(
        db, devices=devices, latency_ms=latency_ms, workdir=workdir, workers=count, control=True
    )
    emulator = Emulator(Settings(db=db, latency_ms=latency_ms), joins=True)
    try:
        yield Workers(served, emulator)
    finally:
        emulator.close()
        status = served.stop()
    assert status == 0, served.output()


def serve(
    db: str | Path,
    *,
    devices: int,
    latency_ms: float,
    workdir: Path,
    workers: int = 1,
    control: bool = False,
) -> Served:
    """Start the emulator's command line on ``db`` (the demo tenant made once per database).

    It writes its credentials file once it listens; the key and the enterprise stay the
    same across restarts on one file, the port does not (``--port 0``). ``workers``
    processes serve (more than one on a PostgreSQL ``db``); ``control`` opens the side door.
    """
    runs = sorted(workdir.glob("serve-*.log"))
    log = workdir / f"serve-{len(runs)}.log"
    credentials = workdir / f"credentials-{len(runs)}.json"
    command = [
        sys.executable,
        "-m",
        "esper_emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--seed",
        "demo",
        "--devices",
        str(devices),
        "--credentials",
        str(credentials),
        "--latency-ms",
        str(latency_ms),
        "--workers",
        str(workers),
        *(["--control"] if control else []),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(600):  # 60 s at most, for a machine under load
        if credentials.exists():
            break
        if process.poll() is not None:
            pytest.fail(f"the emulator exited:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"the emulator wrote no credentials:\n{log.read_text(errors='replace')}")
    found = json.loads(credentials.read_text())
    return Served(process, found["host"], found["api_key"], found["enterprise_id"], log)


# the database file, read directly


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of the file, opened read-only (the WAL is left alone)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def query(db: str | Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on the file, or on the database of a URL."""
    if "://" in str(db):
        engine = create_engine(database_url(str(db)))
        try:
            with engine.connect() as url_conn:
                return [tuple(row) for row in url_conn.exec_driver_sql(sql, params)]
        finally:
            engine.dispose()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()
