"""Running the emulator: on a socket of its own, or in a background thread for tests."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import socket
import tempfile
import threading
from pathlib import Path
from types import TracebackType

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from esper_emulator.app import create_app
from esper_emulator.emulator import Emulator
from esper_emulator.faults import CONNECTION, Connection
from esper_emulator.services.auth import TOKEN_LIFETIME
from esper_emulator.services.seed import Credentials
from esper_emulator.settings import Settings


def bind(
    host: str = "127.0.0.1", port: int = 0, *, listen: bool = True, reuse_port: bool = False
) -> socket.socket:
    """A listening TCP socket (``port=0`` picks a free port); with ``reuse_port``, one of
    several on the address (``SO_REUSEPORT``).

    It is made with ``IPPROTO_TCP`` spelled out: asyncio turns Nagle's algorithm off only
    on connections whose socket says it is TCP, and with Nagle on, every response body
    waits for the client's delayed ACK of the headers (about 40 ms a request).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if listen:
        sock.listen(2048)
    return sock


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def write_credentials(path: str | os.PathLike[str], host: str, creds: Credentials) -> None:
    """Write ``{"host", "api_key", "enterprise_id"}`` readable by the owner only.

    The file appears whole (written aside, then renamed), so a script waiting for it
    never reads half of it.
    """
    data = {"host": host, "api_key": creds.api_key, "enterprise_id": creds.enterprise_id}
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(data) + "\n")
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


class FaultableProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, giving each request a handle on its connection.

    It runs on httptools, uvicorn's faster parser (h11 served ~15% fewer list pages a
    second). The handle (a ``faults.Connection``, in ``scope["state"]``) is how injected faults
    close or reset a connection, which ASGI has no message for.
    """

    _connection: Connection | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Note the connection's handle in the state each of its requests gets."""
        super().connection_made(transport)
        self._connection = Connection(transport)
        self.app_state = {**self.app_state, CONNECTION: self._connection}

    def connection_lost(self, exc: Exception | None) -> None:
        """Tell the handle, once uvicorn has seen the connection go."""
        super().connection_lost(exc)
        if self._connection is not None:
            self._connection.lost()


def uvicorn_server(emulator: Emulator) -> uvicorn.Server:
    """A uvicorn server for the emulator's app, quiet apart from warnings."""
    config = uvicorn.Config(
        create_app(emulator=emulator),
        log_level="warning",
        access_log=False,
        lifespan="off",
        http=FaultableProtocol,
        # not uvloop, which uvicorn takes when installed: as many pages a second, but at 50
        # connections a tenth of them waited ten times as long (p99 ~250 ms against ~25)
        loop="asyncio",
    )
    return uvicorn.Server(config)


class EmulatorServer:
    """An emulator serving on 127.0.0.1 in a background thread: the harness of tests.

    Unlike ``esper-emulator serve``, it opens the ``/_emulator`` side door unless the
    settings say ``control=False``: tests drive devices, the clock and faults through it.

    >>> with EmulatorServer() as server:
    ...     creds = server.create_enterprise(devices=5)
    ...     server.host  # 'http://127.0.0.1:PORT/api', for Configuration.host
    """

    def __init__(self, settings: Settings | None = None, port: int = 0) -> None:
        settings = settings or Settings()
        if settings.control is None:
            settings = dataclasses.replace(settings, control=True)
        self.emulator = Emulator(settings)
        self._socket = bind("127.0.0.1", port)
        self.url = base_url(self._socket)
        self.host = self.url + "/api"
        self._server = uvicorn_server(self.emulator)
        self._server.config.install_signal_handlers = False  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> EmulatorServer:
        """Start serving; returns once the server accepts requests."""
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the emulator failed to start")
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and release the database."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
        self.emulator.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def seed_demo(self, devices: int = 25) -> Credentials:
        """The demo enterprise with ``devices`` devices (made once per database)."""
        with self.emulator.store.transaction():
            return self.emulator.seeder.demo(devices)

    def create_enterprise(
        self, name: str = "Test Enterprise", devices: int = 0, online_ratio: float = 0.7
    ) -> Credentials:
        """A new enterprise with ``devices`` devices (``online_ratio`` of them online)."""
        with self.emulator.store.transaction():
            return self.emulator.seeder.tenant(name, devices, online_ratio)

    def issue_key(self, enterprise_id: str, lifetime: float = TOKEN_LIFETIME) -> str:
        """A new API key of ``enterprise_id`` that expires ``lifetime`` seconds from now.

        A ``lifetime`` of zero or less gives a key that has already expired.
        """
        with self.emulator.store.transaction():
            return self.emulator.auth.issue(enterprise_id, lifetime=lifetime)


__all__ = ["EmulatorServer", "bind", "write_credentials"]
