"""Helpers for the emulator's tests: raw HTTP, the Esper error body, extra servers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
import pytest
import urllib3
from sqlalchemy import Table, event, func, select

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient import CommandState
from tests.conftest import HTTP_TIMEOUT, Tenant


def call(
    method: str,
    url: str,
    *,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    json: Any = None,
) -> urllib3.BaseHTTPResponse:
    """One raw HTTP request, sent as given (``key`` becomes ``Authorization: Bearer``)."""
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    if json is not None:
        body = msgspec.json.encode(json)
        sent.setdefault("Content-Type", "application/json")
    return urllib3.request(
        method, url, headers=sent, body=body, redirect=False, retries=False, timeout=HTTP_TIMEOUT
    )


def esper_error(response: urllib3.BaseHTTPResponse, status: int) -> dict[str, Any]:
    """The Esper error body of ``response``, checked to have ``status`` and its three keys."""
    assert response.status == status, response.data
    assert response.headers["Content-Type"] == "application/json"
    body: dict[str, Any] = msgspec.json.decode(response.data)
    assert set(body) == {"errors", "message", "status"}
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list) and body["errors"]
    return body


def api_error(response: urllib3.BaseHTTPResponse, status: int) -> dict[str, Any]:
    """The error body of ``response`` in either family, checked to have ``status``: the
    ``{code, message, content}`` envelope of the newer services, or the Django one."""
    body: dict[str, Any] = msgspec.json.decode(response.data)
    if "code" not in body:
        return esper_error(response, status)
    assert response.status == status, response.data
    assert set(body) == {"code", "message", "content"} and body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    return body


@contextmanager
def statements_run(server: EmulatorServer) -> Iterator[list[tuple[str, Any]]]:
    """The statements run on the emulator's database while the block runs (each on one
    line), with their parameters."""
    caught: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        caught.append((" ".join(statement.split()), parameters))

    engine = server.emulator.store.engine
    event.listen(engine, "before_cursor_execute", catch)
    try:
        yield caught
    finally:
        event.remove(engine, "before_cursor_execute", catch)


def json_of(response: urllib3.BaseHTTPResponse, status: int = 200) -> Any:
    """The JSON body of a successful ``response``."""
    assert response.status == status, response.data
    return msgspec.json.decode(response.data)


def count(server: EmulatorServer, table: Table, **equal: object) -> int:
    """How many rows of ``table`` have the given column values, read from the store."""
    where = [table.c[name] == value for name, value in equal.items()]
    with server.emulator.store.transaction() as store:
        query = select(func.count()).select_from(table).where(*where)
        return int(store.conn.execute(query).scalar_one())


def make_tenant(server: EmulatorServer, devices: int = 3, name: str = "Other") -> Tenant:
    """Another enterprise of ``server`` with its own key and devices."""
    with server.emulator.store.transaction():
        made = server.emulator.seeder.tenant(name, devices)
    return Tenant(server.host, made.enterprise_id, made.api_key, made.device_ids)


@pytest.fixture
def other(server: EmulatorServer) -> Tenant:
    """Enterprise B: a second tenant of the session's emulator."""
    return make_tenant(server)


def wait_for_final(
    commands: esperclient.CommandsApi, tenant: Tenant, device_id: str, command_id: str
) -> esperclient.DeviceCommand:
    """Poll ``get_command`` (a bounded number of times) until the command is final."""
    for _ in range(50):
        command = commands.get_command(command_id, device_id, tenant.enterprise_id)
        if command.state in CommandState.FINAL:
            return command
    raise AssertionError(f"command {command_id} is still {command.state!r}")
