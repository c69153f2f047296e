"""The Commands API (``/commands/v0/``): one command to many devices, tracked per device.

A request picks its devices by ``command_type``: ``DEVICE`` the ``devices`` listed (at
most 1,000), ``GROUP`` every device of the ``groups`` listed (at most 500) and of the
groups below them, as legacy group commands reach them; ``DYNAMIC`` both, at least one
of them given. An unknown device or group is a 400 naming it; a failed check writes
nothing. ``device_type`` may be ``all`` (the default, and what the create description
asks for), ``active`` or ``inactive``: the list description says the latter two are
accepted and ignored, so every device is targeted whatever it says.

Each device gets one device command (``Fleet.enqueue``, linked by ``api_request_id``),
if its platform (``devices.platform``) carries the command out (``CommandSpec.platforms``)
and, for a ``WINDOW`` or ``RECURRING`` schedule, if it is an Android device: the
descriptions say devices "will only receive commands if supported" and that scheduled
commands are Android only, so the request is accepted and the other devices get no
command (and no status) [guess]. ``command_args`` are checked against the command's
``CommandSpec`` (what it needs, the choices of some arguments); an ``INSTALL`` must name
an app version of the enterprise.

Per-device states are the fleet's (see ``Fleet``), shown as the API names them: a
command stored "Command Initiated" that waits for its device (not due) is "Command
Queued". ``stats`` counts them by state.

``PUT /commands/v0/status/{id}/`` takes a state of ``CommandStatus_PUT``'s enum, but an
API key may only cancel: ``Command Cancelled`` on a command not final cancels it (its
effect never lands; a RECURRING command runs no more); the same state again, or any
state for a final command, is a 304 with no body; ``Command Queued`` and ``Command
Initiated`` (not in the enum) are a 400, and so are the other states of the enum,
which only the device's agent reports [guess].

The statuses list takes ``request`` and ``device`` (comma-separated ids) and
``state``; with neither ``request`` nor ``device`` it lists every status of the
enterprise (esper-cli's annotations say one is required; nothing in Esper's own text
does) [guess]. A Windows device's ``WIPE`` needs ``is_factory_reset``, as documented.

``exclude_internal_commands`` leaves out the requests the emulator makes on its own
(``create(..., internal=True)``), not any a user sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import msgspec
from starlette.responses import Response

from esper_emulator.errors import ApiError, bad_request, not_found
from esper_emulator.services import commands, schedules
from esper_emulator.services.clock import Clock
from esper_emulator.services.fleet import Fleet
from esper_emulator.services.groups import Groups, check_app_version, device_ids_of, parse_uuid
from esper_emulator.store import Page, Row, Store
from esper_emulator.store import command_api as command_api_db
from esper_emulator.store import commands as commands_db
from esper_emulator.store import devices as devices_db
from esperclient._generated.v0 import (
    CommandRequest,
    CommandRequestStats,
    CommandRequestStatsStatusItem,
    CommandScheduleArgs,
    CommandStatus,
    CommandStatusPUT,
)
from esperclient._generated.v2 import (
    CommandInbox,
    CommandInboxCommandArgs,
    CommandInboxDeviceMeta,
)
from esperclient.models import CommandArgs, CommandState, DeviceCommand, DevicePlatform

COMMAND_TYPES = ("DEVICE", "GROUP", "DYNAMIC")
DEVICE_TYPES = ("all", "active", "inactive")
MAX_DEVICES = 1000
MAX_GROUPS = 500
STATES = (
    CommandState.QUEUED,
    CommandState.SCHEDULED,
    CommandState.INITIATED,
    CommandState.ACKNOWLEDGED,
    CommandState.IN_PROGRESS,
    CommandState.SUCCESS,
    CommandState.FAILURE,
    CommandState.TIMEOUT,
    CommandState.CANCELLED,
)
"""The states a status shows, in the order ``stats`` lists them."""
USER_STATES = (CommandState.CANCELLED,)
"""The states an API key may set."""
NOT_SETTABLE = (CommandState.QUEUED, CommandState.INITIATED)


class NewRequest(msgspec.Struct, kw_only=True):
    """``CommandRequest_POST`` as sent: its ``command_args`` kept as they are (the
    descriptions of the commands name more arguments than ``CommandArgs`` holds)."""

    command_type: str | None = None
    alias: str | None = None
    devices: list[str] | None = None
    groups: list[str] | None = None
    device_type: str | None = None
    command: str | None = None
    command_args: dict[str, Any] | None = None
    schedule: str | None = None
    schedule_args: CommandScheduleArgs | None = None


class NotModified(ApiError):
    """A 304: the status is already so, or final; answered with no body."""

    def __init__(self) -> None:
        super().__init__(304, "Not Modified")

    def response(self, *, enveloped: bool = False) -> Response:
        """The 304, with no body."""
        return Response(status_code=304)


def shown_state(state: str, due_at: float | None) -> str:
    """The state a status shows: Queued while a command waits for its device."""
    return CommandState.QUEUED if state == CommandState.INITIATED and due_at is None else state


class Pushes(Protocol):
    """What an ``UPDATE_BLUEPRINT`` request does beyond its commands (see ``converge``)."""

    def check_push(self, enterprise_id: str, args: Mapping[str, Any]) -> object:
        """A 400 when the arguments name no blueprint to push."""

    def push(
        self, enterprise_id: str, args: Mapping[str, Any], device_ids: list[str], user: str | None
    ) -> None:
        """Assign the blueprint to the devices and converge them."""


class CommandApi:
    """Commands API requests, and the per-device statuses of their commands.

    ``pushes``, when set, assigns the blueprint of each ``UPDATE_BLUEPRINT`` request.
    """

    def __init__(self, store: Store, clock: Clock, fleet: Fleet, groups: Groups) -> None:
        self.store = store
        self.clock = clock
        self.fleet = fleet
        self.groups = groups
        self.pushes: Pushes | None = None

    # creating

    def create(
        self,
        enterprise_id: str,
        sent: NewRequest,
        user_id: str | None = None,
        *,
        internal: bool = False,
    ) -> bytes:
        """Check ``sent``, write it and send its commands; the stored request."""
        command_type = _required("command_type", sent.command_type, COMMAND_TYPES)
        device_type = _choice("device_type", sent.device_type, DEVICE_TYPES) or "all"
        schedule = _choice("schedule", sent.schedule, schedules.SCHEDULES) or schedules.IMMEDIATE
        spec = commands.accepted(sent.command, "commands")
        args = sent.command_args or {}
        spec.check(args)
        if spec.name == "INSTALL":
            check_app_version(self.store, enterprise_id, args.get("app_version"))
        pushes = self.pushes if spec.name == "UPDATE_BLUEPRINT" else None
        if pushes is not None:
            pushes.check_push(enterprise_id, args)
        targets = self._targets(enterprise_id, command_type, sent)
        now = self.clock.utcnow()
        hold_until = _first_window(schedule, sent.schedule_args, now)
        reached = self._reached(spec, schedule, targets)
        spec.check_platforms(set(reached.values()), args)
        request = CommandRequest(
            id=str(uuid.uuid4()),
            command_type=command_type,
            devices=sent.devices or [],
            groups=sent.groups or [],
            device_type=device_type,
            command=spec.name,
            schedule=schedule,
            schedule_args=sent.schedule_args,
            created_by=user_id,
            created_at=now.isoformat(),
        )
        stored = _with_extra(request, args, sent.alias)
        request_id = str(request.id)
        command_api_db.add(
            self.store,
            enterprise_id,
            request_id,
            command=spec.name,
            schedule=schedule,
            internal=internal,
            doc=stored,
        )
        for device_id in reached:
            self._send(enterprise_id, device_id, spec.name, args, request_id, hold_until)
        if pushes is not None:
            pushes.push(enterprise_id, args, list(reached), user_id)
        return stored

    def _reached(
        self, spec: commands.CommandSpec, schedule: str, targets: list[str]
    ) -> dict[str, str]:
        """The platform of each target that gets the command (see ``_platforms``)."""
        platforms = _platforms(spec, schedule)
        found = devices_db.platforms(self.store, targets)
        return {device_id: found[device_id] for device_id in found if found[device_id] in platforms}

    def _targets(self, enterprise_id: str, command_type: str, sent: NewRequest) -> list[str]:
        """The ids of the devices the request reaches, in the order they were made."""
        devices, groups = sent.devices or [], sent.groups or []
        if len(devices) > MAX_DEVICES:
            raise bad_request(
                "devices", f"Ensure this field has no more than {MAX_DEVICES} elements."
            )
        if len(groups) > MAX_GROUPS:
            raise bad_request(
                "groups", f"Ensure this field has no more than {MAX_GROUPS} elements."
            )
        if command_type == "DEVICE" and not devices:
            raise bad_request("devices", "A DEVICE request needs devices.")
        if command_type == "GROUP" and not groups:
            raise bad_request("groups", "A GROUP request needs groups.")
        if command_type == "DYNAMIC" and not devices and not groups:
            raise bad_request("devices", "A DYNAMIC request needs devices or groups.")
        if command_type == "DEVICE":
            groups = []
        if command_type == "GROUP":
            devices = []
        device_ids = device_ids_of(self.store, enterprise_id, devices, "devices", repeats=True)
        group_ids = self.groups.with_subgroups(
            enterprise_id, self.groups.group_ids_of(enterprise_id, groups, "groups")
        )
        return devices_db.targets(self.store, enterprise_id, device_ids, group_ids)

    def _send(
        self,
        enterprise_id: str,
        device_id: str,
        name: str,
        args: dict[str, Any],
        request_id: str,
        hold_until: float | None,
    ) -> None:
        device = self.fleet.device(enterprise_id, device_id)
        legacy = CommandArgs(
            app_version=args.get("app_version"), package_name=args.get("package_name")
        )
        self.fleet.enqueue(
            enterprise_id,
            device,
            name,
            legacy if legacy.app_version or legacy.package_name else None,
            v0_args=args,
            api_request_id=request_id,
            hold_until=hold_until,
        )

    # reading

    def request(self, enterprise_id: str, request_id: str) -> bytes:
        """A request of the enterprise, or a 404."""
        found = command_api_db.doc(self.store, _id(request_id), enterprise_id)
        if found is None:
            raise not_found("Command request")
        return found

    def list_requests(
        self, enterprise_id: str, filters: dict[str, Any], limit: int, offset: int
    ) -> Page:
        """A page of the enterprise's requests matching ``filters``, oldest first."""
        return command_api_db.page(
            self.store,
            enterprise_id,
            limit,
            offset,
            devices=_ids("devices", filters.get("devices")),
            groups=_ids("groups", filters.get("groups")),
            command=filters.get("command"),
            schedule=_choice("schedule", filters.get("schedule"), schedules.SCHEDULES),
            exclude_internal=bool(filters.get("exclude_internal_commands")),
        )

    def stats(self, enterprise_id: str, request_id: str) -> CommandRequestStats:
        """How many of the request's devices are in each state (those with any)."""
        self.request(enterprise_id, request_id)
        totals: dict[str, int] = {}
        for state, waiting, total in command_api_db.state_counts(self.store, _id(request_id)):
            shown = shown_state(state, None if waiting else 0.0)
            totals[shown] = totals.get(shown, 0) + total
        return CommandRequestStats(
            id=_id(request_id),
            status=[
                CommandRequestStatsStatusItem(state=state, total=totals[state])
                for state in STATES
                if state in totals
            ],
        )

    def statuses(
        self, enterprise_id: str, filters: dict[str, Any], limit: int, offset: int
    ) -> Page:
        """A page of the per-device statuses matching ``filters``, oldest first."""
        count, rows = command_api_db.statuses(
            self.store,
            enterprise_id,
            limit,
            offset,
            requests=_ids("request", filters.get("request")),
            devices=_ids("device", filters.get("device")),
            state=_choice("state", filters.get("state"), STATES),
            exclude_internal=bool(filters.get("exclude_internal_commands")),
        )
        return Page(count, [msgspec.json.encode(_status(row)) for row in rows])

    def status(self, enterprise_id: str, status_id: str) -> CommandStatus:
        """One per-device status, or a 404."""
        return _status(self._status_row(enterprise_id, status_id))

    def _status_row(self, enterprise_id: str, status_id: str) -> Row[Any]:
        row = command_api_db.status(self.store, enterprise_id, _id(status_id))
        if row is None:
            raise not_found("Command status")
        return row

    def inbox(self, enterprise_id: str, device_id: str) -> CommandInbox:
        """The next command the device is to carry out (``/v2/command-inbox/``), or a 404.

        The oldest one it has not acknowledged yet, shown as its status shows it [guess:
        the description gives one command, "Command Queued" in its example].
        """
        device = parse_uuid("device_id", device_id)
        if not devices_db.exists(self.store, enterprise_id, device):
            raise not_found("Device")
        platform = devices_db.platforms(self.store, [device])[device]
        row = command_api_db.inbox(self.store, enterprise_id, device)
        if row is None:
            raise not_found("Queued command")
        command = msgspec.json.decode(row.doc, type=DeviceCommand)
        script = msgspec.json.decode(row.args).get("script") if row.args else None
        return CommandInbox(
            id=row.id,
            command=command.command,
            command_args=CommandInboxCommandArgs(script=script),
            device_meta=CommandInboxDeviceMeta(platform=platform),
            state=shown_state(row.state, row.due_at),
            created_on=_iso(command.created_on),
            updated_on=_iso(command.updated_on),
        )

    # changing

    def update_status(
        self, enterprise_id: str, status_id: str, change: CommandStatusPUT
    ) -> CommandStatus:
        """Set a status's state (an API key may only cancel); a 304 when nothing changes."""
        state = _required("state", change.state, STATES)
        if state in NOT_SETTABLE:
            raise bad_request("state", f'"{state}" cannot be set.')
        row = self._status_row(enterprise_id, status_id)
        shown = shown_state(row.state, row.due_at)
        if shown in CommandState.FINAL or shown == state:
            raise NotModified()
        if state not in USER_STATES:
            raise bad_request("state", f'Only the device reports "{state}"; a key may cancel.')
        command = msgspec.structs.replace(
            msgspec.json.decode(row.doc, type=DeviceCommand),
            state=state,
            action=None,
            details=change.reason or "Cancelled.",
            updated_on=self.clock.utcnow(),
        )
        commands_db.save(self.store, row.pk, state, None, msgspec.json.encode(command))
        self.fleet.ended_elsewhere()
        return self.status(enterprise_id, status_id)


def _status(row: Any) -> CommandStatus:
    command = msgspec.json.decode(row.doc, type=DeviceCommand)
    return CommandStatus(
        id=row.id,
        request=row.api_request_id,
        device=row.device_id,
        state=shown_state(row.state, row.due_at),
        reason=command.details,
        created_at=_iso(command.created_on),
        updated_at=_iso(command.updated_on),
    )


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _first_window(schedule: str, args: CommandScheduleArgs | None, now: datetime) -> float | None:
    """When a scheduled request's first window opens (``None`` for an immediate one)."""
    if schedule == schedules.IMMEDIATE:
        return None
    window = schedules.parse(args, now).window(now)
    assert window is not None  # parse refuses a schedule with none left
    return window[0].timestamp()


def _with_extra(request: CommandRequest, args: dict[str, Any], alias: str | None) -> bytes:
    """The stored request: with its ``command_args`` as sent (they name more than
    ``CommandArgs`` holds) and its ``alias`` (which ``CommandRequest`` does not name)."""
    extra = {"command_args": args, **({"alias": alias} if alias else {})}
    return msgspec.json.encode(request)[:-1] + b"," + msgspec.json.encode(extra)[1:]


def _platforms(spec: commands.CommandSpec, schedule: str) -> frozenset[str]:
    """The platforms that get the command: Android alone for a scheduled one."""
    if schedule == schedules.IMMEDIATE:
        return spec.platforms
    return spec.platforms & {DevicePlatform.ANDROID}


def _choice(field: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    """``value`` if one of ``choices`` or not given; else a 400 naming ``field``."""
    if value is not None and value not in choices:
        raise bad_request(field, f'"{value}" is not a valid choice: {", ".join(choices)}.')
    return value


def _required(field: str, value: str | None, choices: tuple[str, ...]) -> str:
    """``value``, which must be one of ``choices``; else a 400 naming ``field``."""
    if value is None:
        raise bad_request(field, "This field is required.")
    return str(_choice(field, value, choices))


def _id(value: str) -> str:
    """A path id as a canonical UUID; what is not one names nothing (a 404)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise not_found("Command") from None


def _ids(field: str, csv: str | None) -> list[str] | None:
    """The UUIDs of a comma-separated filter, if given; a 400 naming ``field`` for a bad one."""
    if csv is None:
        return None
    return [parse_uuid(field, part.strip()) for part in csv.split(",") if part.strip()]
