"""The side door: ``/_emulator/...``, for tests and demos. Not part of the Esper API.

Routes (JSON in, JSON out; no API key; serve it only where it is safe, it is on by
default and off with ``--no-control``):

- ``GET  /_emulator/health``: ``{"status": "ok"}``.
- ``POST /_emulator/enterprises`` ``{"name": ..., "devices": N}``: a new enterprise with
  N devices and an API key: ``{"enterprise_id", "api_key", "device_ids"}``.
- ``POST /_emulator/enterprises/{id}/devices`` ``{"count": N, "online_ratio": 0.7}``:
  more devices: ``{"device_ids": [...]}``.
- ``POST /_emulator/enterprises/{id}/devices/{device_id}/online`` ``{"online": bool}``:
  bring a device online (its queued commands start) or take it offline (commands it
  has not acknowledged wait for it).
- ``POST /_emulator/clock/advance`` ``{"seconds": S}``: move simulated time forward
  (never back); the emulator keeps its time across restarts.
- ``POST /_emulator/reset``: delete everything, uploaded files included, and restart
  the clock.

A body that does not fit is a 400 in the Esper error body, naming the field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from esper_emulator.errors import ApiError, not_found
from esper_emulator.operation import decode
from esper_emulator.store import enterprises as enterprises_db

if TYPE_CHECKING:
    from esper_emulator.app import Emulator

MAX_DEVICES = 10_000
HUNDRED_YEARS = 100 * 365.25 * 24 * 3600

DeviceCount = Annotated[int, msgspec.Meta(ge=0, le=MAX_DEVICES)]


class NewEnterprise(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /_emulator/enterprises``."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] = "Test Enterprise"
    devices: DeviceCount = 0


class NewDevices(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /_emulator/enterprises/{id}/devices``."""

    count: DeviceCount = 1
    online_ratio: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.7


class Online(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST .../devices/{device_id}/online``."""

    online: bool


class Advance(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /_emulator/clock/advance``: time only moves forward."""

    seconds: Annotated[float, msgspec.Meta(ge=0, le=HUNDRED_YEARS)]


async def _read(request: Request, model: type[Any]) -> Any:
    return decode(await request.body() or b"{}", model)


def _json(value: Any, status: int = 200) -> Response:
    return Response(msgspec.json.encode(value), status_code=status, media_type="application/json")


Action = Callable[["Emulator", Request], Awaitable[Response]]


def _route(path: str, action: Action, method: str = "POST") -> Route:
    async def endpoint(request: Request) -> Response:
        try:
            return await action(request.app.state.emulator, request)
        except ApiError as exc:
            return exc.response()

    return Route(path, endpoint, methods=[method])


async def health(emulator: Emulator, request: Request) -> Response:
    return _json({"status": "ok"})


async def new_enterprise(emulator: Emulator, request: Request) -> Response:
    body: NewEnterprise = await _read(request, NewEnterprise)
    with emulator.store.transaction():
        enterprise_id = emulator.seeder.enterprise(body.name)
        device_ids = emulator.seeder.devices(enterprise_id, body.devices)
        key = emulator.auth.issue(enterprise_id)
    return _json({"enterprise_id": enterprise_id, "api_key": key, "device_ids": device_ids}, 201)


async def new_devices(emulator: Emulator, request: Request) -> Response:
    body: NewDevices = await _read(request, NewDevices)
    enterprise_id = request.path_params["enterprise_id"]
    with emulator.store.transaction():
        if enterprises_db.doc(emulator.store, enterprise_id) is None:
            raise not_found("Enterprise")
        ids = emulator.seeder.devices(enterprise_id, body.count, body.online_ratio)
    return _json({"device_ids": ids}, 201)


async def set_online(emulator: Emulator, request: Request) -> Response:
    body: Online = await _read(request, Online)
    p = request.path_params
    with emulator.store.transaction():
        device = emulator.fleet.set_online(p["enterprise_id"], p["device_id"], body.online)
    return _json({"id": device.id, "status": device.status})


async def advance_clock(emulator: Emulator, request: Request) -> Response:
    body: Advance = await _read(request, Advance)
    emulator.advance_clock(body.seconds)
    return _json({"offset_seconds": emulator.clock.offset})


async def reset(emulator: Emulator, request: Request) -> Response:
    emulator.reset()
    return _json({"status": "reset"})


def mount() -> Mount:
    """The side door's routes under ``/_emulator``."""
    return Mount(
        "/_emulator",
        routes=[
            _route("/health", health, "GET"),
            _route("/enterprises", new_enterprise),
            _route("/enterprises/{enterprise_id}/devices", new_devices),
            _route("/enterprises/{enterprise_id}/devices/{device_id}/online", set_online),
            _route("/clock/advance", advance_clock),
            _route("/reset", reset),
        ],
    )
