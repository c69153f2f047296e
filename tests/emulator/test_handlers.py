"""How ``serve`` runs a handler: a plain function in one transaction, once the body is read."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from esper_emulator.errors import ApiError
from esper_emulator.operation import Call, Handler, serve
from esper_emulator.routes import command_requests, commands
from esper_emulator.server import EmulatorServer
from esperclient._operations import PARTIAL_UPDATE_ENTERPRISE
from esperclient.models import EnterpriseUpdateV1
from tests.emulator.conftest import call, esper_error, json_of

REFUSED = "Refused once the name was written."


def _rename_then_refuse(call: Call) -> bytes:
    call.emulator.enterprises.update(call.enterprise_id, call.read(EnterpriseUpdateV1))
    raise ApiError(409, REFUSED)


def _rename(call: Call) -> bytes:
    return call.emulator.enterprises.update(call.enterprise_id, call.read(EnterpriseUpdateV1))


def _served_at(server: EmulatorServer, suffix: str, handler: Handler) -> None:
    """Serve ``handler`` as a PATCH of ``/v1/enterprise/{id}/<suffix>/``.

    The running app's router is read on every request, so a route added to it is
    served at once; no public door adds one, as no real operation needs it.
    """
    op = dataclasses.replace(
        PARTIAL_UPDATE_ENTERPRISE, path=f"{PARTIAL_UPDATE_ENTERPRISE.path}{suffix}/"
    )
    server._server.config.app.router.routes.insert(0, serve(op, handler))


def test_a_plain_handler_writes_in_one_transaction_undone_by_its_error(
    start_server: Callable[..., EmulatorServer],
) -> None:
    own = start_server()
    creds = own.create_enterprise("Before")
    _served_at(own, "refused", _rename_then_refuse)
    enterprise_url = f"{own.host}/v1/enterprise/{creds.enterprise_id}/"
    response = call("PATCH", f"{enterprise_url}refused/", key=creds.api_key, json={"name": "After"})
    assert esper_error(response, 409)["message"] == REFUSED
    assert json_of(call("GET", enterprise_url, key=creds.api_key))["name"] == "Before"


def test_a_plain_handler_reads_the_body_and_its_writes_land(
    start_server: Callable[..., EmulatorServer],
) -> None:
    own = start_server()
    creds = own.create_enterprise("Before")
    _served_at(own, "renamed", _rename)
    enterprise_url = f"{own.host}/v1/enterprise/{creds.enterprise_id}/"
    body: Any = {"name": "After"}
    renamed = json_of(call("PATCH", f"{enterprise_url}renamed/", key=creds.api_key, json=body))
    assert renamed["name"] == "After"
    assert json_of(call("GET", enterprise_url, key=creds.api_key))["name"] == "After"


@pytest.mark.parametrize("area", [commands, command_requests], ids=lambda area: area.__name__)
def test_the_command_routes_are_plain_handlers(area: ModuleType) -> None:
    """Nothing they do awaits: ``serve`` runs each in one transaction, its body read first."""
    handlers = [
        function
        for function in vars(area).values()
        if inspect.isfunction(function) and function.__module__ == area.__name__
    ]
    assert handlers
    assert [h.__name__ for h in handlers if inspect.iscoroutinefunction(h)] == []
