"""Several worker processes serving one database, each on a listening socket of its own.

Every worker binds the same address with ``SO_REUSEPORT``, so the kernel spreads new
connections over the workers by a hash of their addresses. With one socket shared by all
(uvicorn's ``--workers``), whichever worker wakes first accepts a whole burst of
connections: a load generator's 50 opened at once went mostly to one worker, and two
workers served hardly more than one.

The supervisor holds the address bound (not listening, so it is given no connections)
from start to end: the port stays the emulator's while a worker is replaced.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import socket
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from esper_emulator.emulator import Emulator
from esper_emulator.server import bind, uvicorn_server
from esper_emulator.settings import Settings

READY = b"ready"
STOP_GRACE = 30.0  # seconds a worker has to finish its requests when told to stop
CHECK_EVERY = 0.5  # seconds between two looks at the workers

_spawn = multiprocessing.get_context("spawn")


def can_share_port() -> bool:
    """Whether this system lets several sockets listen on one port (``SO_REUSEPORT``)."""
    return hasattr(socket, "SO_REUSEPORT")


def reserve(host: str, port: int) -> socket.socket:
    """The workers' address, bound (``port=0`` picks a free port) but not listening."""
    return bind(host, port, listen=False, reuse_port=True)


def _tell_when_started(started: Callable[[], bool], ready: Connection) -> None:
    while not started():
        threading.Event().wait(0.01)
    ready.send_bytes(READY)
    ready.close()


def _work(settings: Settings, host: str, port: int, ready: Connection) -> None:
    """A worker process: the emulator over the prepared database, on a socket of its own."""
    emulator = Emulator(settings, joins=True)
    try:
        server = uvicorn_server(emulator)
        sock = bind(host, port, reuse_port=True)
        threading.Thread(
            target=_tell_when_started, args=(lambda: server.started, ready), daemon=True
        ).start()
        server.run(sockets=[sock])
    finally:
        emulator.close()


class Worker:
    """One worker process and the pipe on which it says it listens."""

    def __init__(self, settings: Settings, address: tuple[str, int]) -> None:
        self._said, told = _spawn.Pipe(duplex=False)
        self.process: BaseProcess = _spawn.Process(
            target=_work, args=(settings, *address, told), daemon=False
        )
        self.process.start()
        told.close()
        self.ready = False

    def has_started(self) -> bool:
        """Whether it listens (read without waiting)."""
        if not self.ready and self._said.poll():
            with contextlib.suppress(EOFError):  # it exited without a word
                self.ready = self._said.recv_bytes() == READY
        return self.ready

    def stop(self) -> None:
        """Ask it to finish its requests and exit (SIGTERM, as uvicorn expects)."""
        if self.process.is_alive():
            self.process.terminate()

    def wait(self, timeout: float) -> None:
        """Wait for its exit, killing it after ``timeout`` seconds."""
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._said.close()


class Supervisor:
    """``count`` workers serving ``settings``' database on ``sock``'s address; a worker
    that dies after it started listening is replaced."""

    def __init__(self, settings: Settings, sock: socket.socket, count: int) -> None:
        self.settings = settings
        self.address: tuple[str, int] = sock.getsockname()[:2]
        self.count = count
        self.workers: list[Worker] = []

    def start(self) -> bool:
        """Start the workers; whether they all listen (``False``: one exited first)."""
        self.workers = [Worker(self.settings, self.address) for _ in range(self.count)]
        while not all(worker.has_started() for worker in self.workers):
            if any(w.process.exitcode is not None and not w.has_started() for w in self.workers):
                return False
            threading.Event().wait(0.05)
        return True

    def watch(self) -> bool:
        """Replace workers that die, until one cannot start (``False``) or a signal's
        handler raises."""
        while True:
            threading.Event().wait(CHECK_EVERY)
            for index, worker in enumerate(self.workers):
                if worker.process.exitcode is None:
                    continue
                if not worker.has_started():
                    return False
                worker.wait(0)
                self.workers[index] = Worker(self.settings, self.address)

    def stop(self) -> None:
        """Stop every worker, each given ``STOP_GRACE`` seconds to finish."""
        for worker in self.workers:
            worker.stop()
        for worker in self.workers:
            worker.wait(STOP_GRACE)


def serve_workers(
    settings: Settings, sock: socket.socket, count: int, on_ready: Callable[[], None]
) -> bool:
    """Serve from ``count`` processes on ``sock``'s address until a signal's handler raises;
    ``on_ready`` is called once they all listen. Returns whether they started: a worker
    that exits before it listens stops them all.
    """
    supervisor = Supervisor(settings, sock, count)
    try:
        if not supervisor.start():
            return False
        on_ready()
        return supervisor.watch()
    finally:
        supervisor.stop()
