"""Serving: the listening socket, the store shared between threads, the credentials file."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from esper_emulator.server import EmulatorServer, bind, write_credentials
from esper_emulator.services.seed import Credentials
from esper_emulator.store import schema
from tests.conftest import Tenant
from tests.emulator.conftest import call, count, esper_error, json_of


class _Accepted(asyncio.Protocol):
    def __init__(self, accepted: asyncio.Future[asyncio.BaseTransport]) -> None:
        self.accepted = accepted

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.accepted.set_result(transport)


async def _nodelay_of_an_accepted_connection() -> int:
    """Serve ``bind()``'s socket as uvicorn does (asyncio ``create_server``); read the flag."""
    loop = asyncio.get_running_loop()
    listener = bind()
    accepted: asyncio.Future[asyncio.BaseTransport] = loop.create_future()
    server = await loop.create_server(lambda: _Accepted(accepted), sock=listener)
    async with server:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        transport = await accepted
        nodelay = int(
            transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        )
        transport.close()
        writer.close()
    return nodelay


def test_connections_are_served_without_nagle_delays() -> None:
    """With Nagle on, each response body waits ~40 ms for the ACK of its headers."""
    assert asyncio.run(_nodelay_of_an_accepted_connection()) != 0


def test_the_server_runs_on_asyncios_loop(server: EmulatorServer) -> None:
    """Not uvloop, which uvicorn takes when it is installed: its p99 latency at 50
    connections was ten times asyncio's, for as many pages a second."""
    loop = server._server.servers[0].get_loop()
    assert type(loop).__module__.startswith("asyncio")


def test_requests_are_parsed_by_httptools(server: EmulatorServer) -> None:
    """uvicorn's httptools parser: h11 served ~15% fewer list pages a second."""
    protocol = server._server.config.http
    assert isinstance(protocol, type)
    assert issubclass(protocol, HttpToolsProtocol)


def test_helpers_on_other_threads_and_requests_share_the_store_safely(
    start_server: Callable[..., EmulatorServer],
) -> None:
    own = start_server()
    creds = own.create_enterprise(devices=5)
    url = f"{own.host}/enterprise/{creds.enterprise_id}/device/?limit=5"
    failures: list[bytes] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            response = call("GET", url, key=creds.api_key)
            if response.status != 200:
                failures.append(response.data)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        made = [own.create_enterprise(devices=2) for _ in range(60)]
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    for creds in made:
        page = call(
            "GET", f"{own.host}/enterprise/{creds.enterprise_id}/device/", key=creds.api_key
        )
        assert json_of(page)["count"] == 2


def test_credentials_are_replaced_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "creds.json"
    target.write_text("old and world-readable")
    target.chmod(0o644)
    write_credentials(target, "http://h/api", Credentials("e", "k"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    written = json.loads(target.read_text())
    assert written == {"host": "http://h/api", "api_key": "k", "enterprise_id": "e"}
    assert [p.name for p in tmp_path.iterdir()] == ["creds.json"]


def test_an_unexpected_failure_is_an_esper_500_and_the_store_recovers(
    start_server: Callable[..., EmulatorServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    own = start_server()
    creds = own.create_enterprise(devices=2)
    url = f"{own.host}/enterprise/{creds.enterprise_id}/device/"

    def fail(*args: object) -> None:
        own.emulator.seeder.enterprise("half-made")  # a write the failure must undo
        raise RuntimeError("boom")

    monkeypatch.setattr(own.emulator.fleet, "list_devices", fail)
    body = esper_error(call("GET", url, key=creds.api_key), 500)
    assert body["message"] == "Internal server error." and "boom" not in str(body)
    monkeypatch.undo()
    assert json_of(call("GET", url, key=creds.api_key))["count"] == 2
    assert count(own, schema.enterprises, name="half-made") == 0
    assert own.create_enterprise(devices=1).api_key  # no transaction was left open


def test_a_transaction_held_across_a_request_fails_it_instead_of_hanging(
    start_server: Callable[..., EmulatorServer],
) -> None:
    own = start_server()
    creds = own.create_enterprise(devices=1)
    own.emulator.store.lock_timeout = 0.2
    url = f"{own.host}/enterprise/{creds.enterprise_id}/device/"
    with own.emulator.store.transaction():
        esper_error(call("GET", url, key=creds.api_key), 500)
    assert json_of(call("GET", url, key=creds.api_key))["count"] == 1


def test_a_client_hanging_up_mid_body_is_not_logged_as_a_server_error(
    server: EmulatorServer, tenant: Tenant
) -> None:
    logged: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = logged.append  # type: ignore[method-assign]
    errors = logging.getLogger("uvicorn.error")
    errors.addHandler(handler)
    before = count(server, schema.device_groups)
    try:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as sock:
            head = (
                f"POST /api/enterprise/{tenant.enterprise_id}/devicegroup/ HTTP/1.1\r\n"
                f"Host: {host}\r\nAuthorization: Bearer {tenant.api_key}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            sock.sendall(head.encode())
        for _ in range(50):  # give the server a moment to meet the hang-up (it logs then)
            assert call("GET", f"{server.url}/_emulator/health").status == 200
            if logged:
                break
            time.sleep(0.02)
    finally:
        errors.removeHandler(handler)
    assert [r.getMessage() for r in logged if r.levelno >= logging.ERROR] == []
    assert count(server, schema.device_groups) == before
