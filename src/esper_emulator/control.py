"""The side door: ``/_emulator/...``, for tests and demos. Not part of the Esper API.

Routes (JSON in, JSON out, no API key). The side door can create keys and wipe every
enterprise, so it is closed unless asked for: ``esper-emulator serve --control`` opens
it (``--control-token`` also makes every side-door request carry
``X-Emulator-Token: <token>``, checked in constant time; a side door on an address
other than loopback needs one); the in-process ``EmulatorServer`` used by tests opens
it unless ``Settings(control=False)``. Bodies are JSON (415 otherwise), at most
``Settings.max_json_bytes`` (413 beyond).

- ``GET  /_emulator/health``: ``{"status": "ok", "pid": ...}``, the process that
  answered (one of the workers, with ``--workers``).
- ``POST /_emulator/enterprises`` ``{"name": ..., "devices": N}``: a new enterprise with
  N devices and an API key: ``{"enterprise_id", "api_key", "device_ids"}``.
- ``POST /_emulator/enterprises/{id}/devices`` ``{"count": N, "online_ratio": 0.7}``:
  more devices: ``{"device_ids": [...]}``; ``"os"`` (``"Android"``, ``"iOS"``,
  ``"iPadOS"``, ``"tvOS"``, ``"Linux"`` or ``"Windows"``) makes them of that platform.
  N is at most ``MAX_DEVICES`` (100,000) a call, made in one transaction.
- ``POST /_emulator/enterprises/{id}/devices/{device_id}/online`` ``{"online": bool}``:
  bring a device online (its queued commands start) or take it offline (commands it
  has not acknowledged wait for it).
- ``POST /_emulator/clock/advance`` ``{"seconds": S}``: move simulated time forward
  (never back); the emulator keeps its time across restarts.
- ``POST /_emulator/reset``: delete everything, uploaded files included, and restart
  the clock (the fault settings and counters stay).
- ``GET  /_emulator/faults``: the faults in force (see ``faults``):
  ``{"rate", "latency_ms", "kinds", "seed", "fail_next_commands"}``.
- ``POST /_emulator/faults`` with any of those fields: change them, answered with them
  all. ``rate`` is the chance (0 to 1) that an ``/api`` request meets one of ``kinds``
  (``"error"``: a 503 before handling; ``"reset"``: the connection reset before
  handling; ``"drop"``: handled and committed, then the connection closed mid-answer;
  ``"throttle"``: a 429 with ``Retry-After``, as over the rate limit, nothing done);
  ``latency_ms`` is added to every ``/api`` request; ``seed`` restarts the draws (``null``:
  a new random seed, reported); ``fail_next_commands``: that many of the next device
  commands end in ``Command Failure`` (details ``"injected failure"``).
- ``GET  /_emulator/rate-limit``, ``POST /_emulator/rate-limit`` ``{"rate": R}``: at most R
  ``/api`` requests per second per API key, bursts of ``max(1, R)``; over it, a 429 with
  ``Retry-After``. ``null`` lifts the limit.
- ``GET  /_emulator/stats``: what the emulator counted: ``requests`` (to ``/api``),
  ``rate_limited`` (429s sent: the rate limit's and the ``throttle`` faults'), ``delayed``
  and ``latency_ms_total`` (added latency), ``faults`` (injected, by kind) and
  ``faults_by_method``, and ``commands``: the device commands in the database,
  ``total``, ``by_state``, ``most_per_device`` and ``injected_failures``. With several
  workers, the sum of theirs, each counted up to the moment it was asked.

A body that does not fit is a 400 in the Esper error body, naming the field. Every
answer names the process that gave it in ``X-Emulator-Pid`` (one of the workers, with
``--workers``).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from esper_emulator.errors import ApiError, bad_request, not_authenticated, not_found
from esper_emulator.operation import decode
from esper_emulator.services.fleet import OS_PLATFORMS
from esper_emulator.settings import SIDE_DOOR_HEADER, FaultKind
from esper_emulator.store import commands as commands_db
from esper_emulator.store import enterprises as enterprises_db
from esper_emulator.uploads import read_json

if TYPE_CHECKING:
    from esper_emulator.emulator import Emulator

MAX_DEVICES = 100_000
"""Devices one side-door call makes at most (a 400 above): a call is one transaction,
all of its devices or none, and answers with their ids (3.9 MB of JSON at the most);
a million-device fleet is ten calls, about 10 s each."""
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
    os: str = "Android"
    """A key of ``OS_PLATFORMS``."""


class Online(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST .../devices/{device_id}/online``."""

    online: bool


class Advance(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /_emulator/clock/advance``: time only moves forward."""

    seconds: Annotated[float, msgspec.Meta(ge=0, le=HUNDRED_YEARS)]


Probability = Annotated[float, msgspec.Meta(ge=0, le=1)]
Milliseconds = Annotated[float, msgspec.Meta(ge=0, le=60_000)]
Seed = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
CommandCount = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Rate = Annotated[float, msgspec.Meta(gt=0, le=1_000_000)]


class FaultChange(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /_emulator/faults``: the fields given are changed."""

    rate: Probability | UnsetType = UNSET
    latency_ms: Milliseconds | UnsetType = UNSET
    kinds: list[FaultKind] | UnsetType = UNSET
    seed: Seed | UnsetType | None = UNSET
    fail_next_commands: CommandCount | UnsetType = UNSET


class RateLimit(msgspec.Struct, forbid_unknown_fields=True):
    """Body of ``POST /_emulator/rate-limit``: requests per second per key, or ``null``."""

    rate: Rate | None


async def _read(request: Request, model: type[Any]) -> Any:
    emulator: Emulator = request.app.state.emulator
    kept = await read_json(request, emulator.settings.max_json_bytes)
    return decode(await kept.body() or b"{}", model)


def _check_token(request: Request, token: str) -> None:
    """A 401 unless ``request`` carries the side door's token (compared in constant time)."""
    sent = request.headers.get(SIDE_DOOR_HEADER, "")
    if not hmac.compare_digest(sent.encode(), token.encode()):
        raise not_authenticated(f"The side door needs the {SIDE_DOOR_HEADER} header.")


def _json(value: Any, status: int = 200) -> Response:
    return Response(msgspec.json.encode(value), status_code=status, media_type="application/json")


Action = Callable[["Emulator", Request], Awaitable[Response]]
WORKER_HEADER = "X-Emulator-Pid"
"""The header of every side-door answer that names the process (worker) that gave it."""


def _route(path: str, action: Action, method: str = "POST", token: str | None = None) -> Route:
    async def endpoint(request: Request) -> Response:
        try:
            if token is not None:
                _check_token(request, token)
            emulator: Emulator = request.app.state.emulator
            emulator.shared.refresh()
            answer = await action(emulator, request)
        except ApiError as exc:
            answer = exc.response()
        answer.headers[WORKER_HEADER] = str(os.getpid())
        return answer

    return Route(path, endpoint, methods=[method])


async def health(emulator: Emulator, request: Request) -> Response:
    return _json({"status": "ok", "pid": os.getpid()})


async def new_enterprise(emulator: Emulator, request: Request) -> Response:
    body: NewEnterprise = await _read(request, NewEnterprise)
    with emulator.store.transaction():
        made = emulator.seeder.tenant(body.name, body.devices)
    return _json(
        {
            "enterprise_id": made.enterprise_id,
            "api_key": made.api_key,
            "device_ids": made.device_ids,
        },
        201,
    )


async def new_devices(emulator: Emulator, request: Request) -> Response:
    body: NewDevices = await _read(request, NewDevices)
    if body.os not in OS_PLATFORMS:
        raise bad_request("os", f"Must be one of {', '.join(OS_PLATFORMS)}.")
    enterprise_id = request.path_params["enterprise_id"]
    with emulator.store.transaction():
        if enterprises_db.doc(emulator.store, enterprise_id) is None:
            raise not_found("Enterprise")
        ids = emulator.seeder.devices(enterprise_id, body.count, body.online_ratio, os=body.os)
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


def _faults(emulator: Emulator) -> dict[str, Any]:
    return {**emulator.faults.config(), "fail_next_commands": emulator.fleet.fail_next}


async def faults(emulator: Emulator, request: Request) -> Response:
    return _json(_faults(emulator))


async def change_faults(emulator: Emulator, request: Request) -> Response:
    body: FaultChange = await _read(request, FaultChange)
    state = emulator.faults
    with emulator.store.transaction():
        emulator.shared.refresh()  # under the writer lock: no other change is lost
        if body.rate is not UNSET:
            state.rate = body.rate
        if body.latency_ms is not UNSET:
            state.latency_ms = body.latency_ms
        if body.kinds is not UNSET:
            state.set_kinds(body.kinds)
        if body.seed is not UNSET:
            state.reseed(body.seed)
        if body.fail_next_commands is not UNSET:
            emulator.fleet.fail_next = body.fail_next_commands
        emulator.shared.publish(reseeded=body.seed is not UNSET)
    return _json(_faults(emulator))


async def rate_limit(emulator: Emulator, request: Request) -> Response:
    return _json({"rate": emulator.faults.limiter.rate})


async def change_rate_limit(emulator: Emulator, request: Request) -> Response:
    body: RateLimit = await _read(request, RateLimit)
    with emulator.store.transaction():
        emulator.shared.refresh()
        emulator.faults.limiter.rate = body.rate
        emulator.shared.publish()
    return _json({"rate": body.rate})


async def stats(emulator: Emulator, request: Request) -> Response:
    emulator.fleet.advance()
    with emulator.store.transaction(read_only=True):
        by_state = commands_db.count_by_state(emulator.store)
        most = commands_db.most_per_device(emulator.store)
        injected = emulator.fleet.injected_failures()
    commands = {
        "total": sum(by_state.values()),
        "by_state": by_state,
        "most_per_device": most,
        "injected_failures": injected,
    }
    return _json({**await emulator.shared.counters(), "commands": commands})


ACTIONS: list[tuple[str, Action, str]] = [
    ("/health", health, "GET"),
    ("/enterprises", new_enterprise, "POST"),
    ("/enterprises/{enterprise_id}/devices", new_devices, "POST"),
    ("/enterprises/{enterprise_id}/devices/{device_id}/online", set_online, "POST"),
    ("/clock/advance", advance_clock, "POST"),
    ("/reset", reset, "POST"),
    ("/faults", faults, "GET"),
    ("/faults", change_faults, "POST"),
    ("/rate-limit", rate_limit, "GET"),
    ("/rate-limit", change_rate_limit, "POST"),
    ("/stats", stats, "GET"),
]
"""Every side-door route: path under ``/_emulator``, action, method."""


def mount(token: str | None = None) -> Mount:
    """The side door's routes under ``/_emulator``; each needs ``token`` when one is given."""
    return Mount(
        "/_emulator",
        routes=[_route(path, action, method, token) for path, action, method in ACTIONS],
    )
