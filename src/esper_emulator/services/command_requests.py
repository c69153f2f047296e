"""Command requests (v0): one command to many devices, tracked per device.

A request picks its devices by ``command_type``:

- ``DEVICE``: the ``devices`` listed (required);
- ``GROUP``: every device of the ``groups`` listed, and of the groups below them
  (required);
- ``DYNAMIC``: the ``devices`` listed and the devices of the ``groups`` listed (and
  below), or, when neither is given, every device of the enterprise.

then keeps those that ``device_type`` asks for: ``active`` (the default) the online
ones, ``inactive`` the offline ones, ``all`` both. Devices left out get no command.
Each kept device gets one device command (``Fleet.enqueue``, linked by ``request_id``);
one to an offline device waits, "Command Queued", until the device comes online.

``command_args`` are checked before anything is written: an ``INSTALL`` names an app
version of the enterprise (or the package of an uploaded app), and each command that
cannot do without an argument (``UNINSTALL``'s package, ``SET_APP_STATE``'s package and
state, ...) must have it, with ``state`` and ``app_state`` among their choices. What
depends on the device (is the app installed?) fails that device's command instead.

``schedule`` ``IMMEDIATE`` (the default) runs the commands now. ``WINDOW`` and
``RECURRING`` need ``schedule_args``; they are accepted and recorded, each device's
command held as "Command Scheduled", but the emulator never runs them.

The per-device V0 state follows the device command: "Command Queued" while it waits
for an offline device, else the command's own state.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services import commands
from esper_emulator.services.clock import Clock
from esper_emulator.services.fleet import (
    ONLINE,
    Fleet,
)
from esper_emulator.services.groups import (
    Groups,
    check_app_version,
    device_ids_of,
    parse_uuid,
)
from esper_emulator.services.urls import user_url
from esper_emulator.store import Row, Store
from esper_emulator.store import apps as apps_db
from esper_emulator.store import commands as commands_db
from esper_emulator.store import devices as devices_db
from esperclient.models import (
    CommandArgs,
    CommandState,
    DeviceCommand,
    V0CommandArgs,
    V0CommandRequest,
    V0CommandRequestStatus,
    V0CommandStatus,
    V0DeviceCommandEnum,
    id_from_url,
)

COMMAND_TYPES = ("DEVICE", "GROUP", "DYNAMIC")
DEVICE_TYPES = ("active", "inactive", "all")
IMMEDIATE = "IMMEDIATE"
V0_STATES = V0CommandStatus.choices("state")
"""The states a device's part of a request can be in, and a status filter takes."""
MAX_TARGETS = 500


def v0_state(state: str, due_at: float | None) -> str:
    """The V0 state of a device command: queued while it waits for an offline device."""
    if state in CommandState.FINAL or state == CommandState.SCHEDULED:
        return state
    return CommandState.QUEUED if due_at is None else state


def choice(field: str, value: str | None, choices: Sequence[str]) -> str | None:
    """``value`` if it is one of ``choices`` (or ``None``); else a 400 naming ``field``."""
    if value is not None and value not in choices:
        raise bad_request(field, f'"{value}" is not a valid choice: {", ".join(choices)}.')
    return value


class CommandRequests:
    """v0 command requests, and the per-device statuses of their commands."""

    def __init__(self, store: Store, clock: Clock, fleet: Fleet, groups: Groups) -> None:
        self.store = store
        self.clock = clock
        self.fleet = fleet
        self.groups = groups

    # creating

    def create(
        self,
        enterprise_id: str,
        request: V0CommandRequest,
        user_id: str | None = None,
        raw_args: dict[str, Any] | None = None,
    ) -> bytes:
        """Accept a (shape-checked) request and send its commands; returns it, with status.

        ``raw_args`` are the request's ``command_args`` as sent (the spec lists more of
        them than ``V0CommandArgs`` holds): each device command keeps them for its effect.
        """
        request.device_type = request.device_type or "active"
        request.schedule = request.schedule or IMMEDIATE
        targets = self._targets(enterprise_id, request)
        args = self._device_args(enterprise_id, request, raw_args)
        if request.schedule != IMMEDIATE and request.schedule_args is None:
            raise bad_request("schedule_args", f"A {request.schedule} schedule needs its args.")
        assert request.command is not None and request.command_type is not None
        request.id = str(uuid.uuid4())
        request.enterprise = enterprise_id
        request.issued_by = user_url(user_id) if user_id else None
        request.created_on = self.clock.utcnow()
        request.status = None
        commands_db.add_request(
            self.store,
            enterprise_id,
            request.id,
            command_type=request.command_type,
            device_type=request.device_type,
            command=request.command,
            issued_by=user_id,
            doc=msgspec.json.encode(request),
        )
        for device_id in targets:
            device = self.fleet.device(enterprise_id, device_id)
            sent = self.fleet.enqueue(
                enterprise_id,
                device,
                request.command,
                args,
                request_id=request.id,
                v0_args=raw_args,
            )
            if request.schedule != IMMEDIATE:
                self._hold(sent, request.schedule)
        request.status = self._counts([request.id])[request.id]
        return msgspec.json.encode(request)

    def _targets(self, enterprise_id: str, request: V0CommandRequest) -> list[str]:
        """The ids of the devices the request reaches, in the order they were made."""
        devices, groups = _listed(request)
        device_ids = device_ids_of(self.store, enterprise_id, devices, "devices", repeats=True)
        group_ids = self.groups.with_subgroups(
            enterprise_id, self.groups.group_ids_of(enterprise_id, groups, "groups")
        )
        # with neither devices nor groups (DYNAMIC): the whole enterprise
        return devices_db.targets(
            self.store,
            enterprise_id,
            device_ids,
            group_ids,
            state=ONLINE if request.device_type == "active" else None,
            state_not=ONLINE if request.device_type == "inactive" else None,
        )

    def _device_args(
        self, enterprise_id: str, request: V0CommandRequest, raw_args: dict[str, Any] | None
    ) -> CommandArgs | None:
        """The device command's ``command_args``, once the request's (as sent) are checked."""
        spec = commands.accepted(request.command, "v0")
        given = request.command_args or V0CommandArgs()
        spec.check({**msgspec.to_builtins(given), **(raw_args or {})})
        if spec.name == "INSTALL":
            self._check_install(enterprise_id, given)
        if given.app_version is None and given.package_name is None:
            return None
        return CommandArgs(app_version=given.app_version, package_name=given.package_name)

    def _check_install(self, enterprise_id: str, given: V0CommandArgs) -> None:
        """An INSTALL names an app version of the enterprise, or an uploaded app's package."""
        if given.app_version or not given.package_name:
            check_app_version(self.store, enterprise_id, given.app_version)
            return
        if apps_db.latest_version(self.store, enterprise_id, given.package_name) is None:
            raise bad_request(
                "command_args.package_name", f"No app {given.package_name!r} is uploaded."
            )

    def _hold(self, command: DeviceCommand, schedule: str) -> None:
        """Keep a just-queued command from running: it waits for its schedule."""
        held = msgspec.structs.replace(
            command, state=CommandState.SCHEDULED, schedule=schedule, action=None
        )
        assert held.id is not None
        commands_db.hold(self.store, held.id, CommandState.SCHEDULED, msgspec.json.encode(held))

    # reading

    def list_requests(self, enterprise_id: str, filters: dict[str, Any]) -> list[bytes]:
        """Every request of the enterprise matching ``filters`` (the spec has no paging)."""
        rows = commands_db.requests(
            self.store,
            enterprise_id,
            command_type=_checked(filters, "command_type", COMMAND_TYPES, str.upper),
            device_type=_checked(filters, "device_type", DEVICE_TYPES, str.lower),
            command=_checked(filters, "command", V0DeviceCommandEnum.allowed_values, str.upper),
            issued_by=_user_id(filters.get("issued_by")),
            devices=_device_ids(filters.get("devices")),
        )
        counts = self._counts([row.id for row in rows])
        docs = []
        for row in rows:
            request = msgspec.json.decode(row.doc, type=V0CommandRequest)
            request.status = counts[row.id]
            docs.append(msgspec.json.encode(request))
        return docs

    def statuses(
        self, enterprise_id: str, request_id: str, device: str | None, state: str | None
    ) -> list[bytes]:
        """The V0 status of each device command of a request, or a 404."""
        if not commands_db.request_exists(self.store, enterprise_id, request_id):
            raise not_found("Command request")
        device_id = parse_uuid("device", device) if device is not None else None
        state = choice("state", state, V0_STATES)
        return _statuses(commands_db.of_request(self.store, request_id, device_id), state)

    def history(self, enterprise_id: str, device_id: str, state: str | None) -> list[bytes]:
        """The V0 status of every command request's command to one device, or a 404."""
        self.fleet.device(enterprise_id, device_id)
        state = choice("state", state, V0_STATES)
        return _statuses(commands_db.requested_of_device(self.store, device_id), state)

    def _counts(self, request_ids: Iterable[str]) -> dict[str, list[V0CommandRequestStatus]]:
        """How many commands of each request are in each V0 state (those with any)."""
        ids = list(request_ids)
        totals: dict[str, dict[str, int]] = {request_id: {} for request_id in ids}
        for request_id, state, waiting, total in commands_db.state_counts(self.store, ids):
            key = v0_state(state, None if waiting else 0.0)
            totals[request_id][key] = totals[request_id].get(key, 0) + total
        order = {state: n for n, state in enumerate(V0_STATES)}
        return {
            request_id: [
                V0CommandRequestStatus(state=state, total=total)
                for state, total in sorted(found.items(), key=lambda item: order.get(item[0], 99))
            ]
            for request_id, found in totals.items()
        }


def _statuses(rows: list[Row[Any]], state: str | None) -> list[bytes]:
    """The V0 status of each command row, only those in ``state`` if given."""
    docs = []
    for row in rows:
        status = _status(row)
        if state is None or status.state == state:
            docs.append(msgspec.json.encode(status))
    return docs


def _status(row: Any) -> V0CommandStatus:
    command = msgspec.json.decode(row.doc, type=DeviceCommand)
    return V0CommandStatus.construct(
        id=row.id,
        request=row.request_id,
        device=command.device,
        state=v0_state(row.state, row.due_at),
        reason=command.details,
        created_on=command.created_on,
        updated_on=command.updated_on,
    )


def _listed(request: V0CommandRequest) -> tuple[list[str], list[str]]:
    """The ``devices`` and ``groups`` that count for the request's ``command_type``."""
    devices, groups = request.devices or [], request.groups or []
    if request.command_type == "DEVICE":
        if not devices:
            raise bad_request("devices", "A DEVICE request needs devices.")
        return devices, []
    if request.command_type == "GROUP":
        if not groups:
            raise bad_request("groups", "A GROUP request needs groups.")
        return [], groups
    return devices, groups


def _checked(
    filters: dict[str, Any], name: str, choices: Sequence[str], case: Callable[[str], str]
) -> str | None:
    """The list filter ``name`` in ``case``, if given; a 400 unless it is one of ``choices``."""
    value = filters.get(name)
    return None if value is None else choice(name, case(value), choices)


def _user_id(issued_by: str | None) -> str | None:
    """The user id of the ``issued_by`` filter (a user URL or id), if given."""
    return id_from_url(issued_by)


def _device_ids(devices: str | None) -> list[str] | None:
    """The ids of the ``devices`` filter (comma-separated), if given; a 400 for a bad one."""
    if devices is None:
        return None
    parts = [part.strip() for part in devices.split(",") if part.strip()]
    return [parse_uuid("devices", part) for part in parts]
