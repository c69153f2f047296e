"""The simulated fleet: devices, the commands that move through their states, and what
the devices report (their apps, app installs and status events).

A command starts ``Command Initiated``. For an online device it is acknowledged after
the configured latency and finishes after the same latency again, when its effect on
the device is applied (see ``effects``: every command has one) and the outcome is
logged as a ``DeviceStatus`` event. A command to an offline device waits, queued,
until the device comes online; a device that goes offline before acknowledging a
command holds it the same way. State changes happen on the emulator's own clock, each
at the time it was due (however far the clock jumped), and are applied before every
request is served; one sent to a single online device without latency, due as it is
queued, is carried out by the request that sends it (``run_command``).

A Commands API command (one with an ``api_request_id``) goes further through the
same machine: Acknowledged, then "Command In Progress" one latency later, then its
outcome. Held "Command Scheduled" until its window opens (``schedules``), it is then
delivered (or queued, for an offline device). Once delivered it has a deadline, its
command's timeout (``CommandSpec.timeout``) and at most its window's close: a command
not final by then ends "Command TimeOut". A device that goes offline mid-command
stalls it (its deadline still runs); back online, it carries on. A RECURRING command,
once its run in a window ends, is scheduled again for the next window, if any.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services import commands, effects, schedules
from esper_emulator.services.clock import Clock
from esper_emulator.services.urls import api_url, device_url, enterprise_url
from esper_emulator.store import Page, Store
from esper_emulator.store import apps as apps_db
from esper_emulator.store import command_api as command_api_db
from esper_emulator.store import commands as commands_db
from esper_emulator.store import devices as devices_db
from esper_emulator.store import reports as reports_db
from esper_emulator.store import shared as shared_db
from esperclient._generated.v0 import CommandScheduleArgs
from esperclient.models import (
    AppVersion,
    CommandArgs,
    CommandRequest,
    CommandState,
    Device,
    DeviceApp,
    DeviceCommand,
    DevicePlatform,
    DeviceState,
)

INJECTED_FAILURE = "injected failure"

ONLINE = DeviceState.ONLINE
OFFLINE = DeviceState.OFFLINE
DUE_BATCH = 1000
"""State changes applied per query while catching up with the clock."""

_ACTION = {
    CommandState.INITIATED: "acknowledge",
    CommandState.ACKNOWLEDGED: "in_progress",
    CommandState.SUCCESS: "success",
    CommandState.FAILURE: "failed",
}
_RUNNING = (CommandState.INITIATED, CommandState.ACKNOWLEDGED, CommandState.IN_PROGRESS)
"""The states of a delivered command (or a queued one: Initiated, not due)."""
_NEXT = {
    CommandState.INITIATED: CommandState.ACKNOWLEDGED,
    CommandState.ACKNOWLEDGED: CommandState.IN_PROGRESS,
}
"""A Commands API command's steps before its outcome (from In Progress)."""


@dataclass(frozen=True)
class AppFilters:
    """The filters of a device's app list."""

    package_name: str | None = None
    whitelisted: bool | None = None
    search: str | None = None

    def match(self, app: DeviceApp) -> bool:
        """Whether ``app`` passes the ``whitelisted`` and ``search`` (app name) filters."""
        if self.whitelisted is not None and bool(app.whitelisted) != self.whitelisted:
            return False
        return not self.search or self.search.lower() in (app.app_name or "").lower()


@dataclass(frozen=True)
class _Queued:
    """A command being queued, as carrying it out reads its row."""

    enterprise_id: str
    device_id: str
    args: bytes | None
    doomed: bool


class Fleet:
    """Devices and their commands.

    ``fail_next`` (a fault for tests) dooms that many of the next commands queued: each
    ends in ``Command Failure`` with the details ``injected failure``, its effect not
    applied. ``injected_failures`` counts those that ended so. On a database other
    processes share, ``fail_next`` is read from it (see ``esper_emulator.shared``).
    """

    def __init__(self, store: Store, clock: Clock, latency: float = 0.0) -> None:
        self.store = store
        self.clock = clock
        self.latency = latency
        self._next_due: float | None = 0.0
        self.fail_next = 0
        self.on_ended_elsewhere: Callable[[], None] = lambda: None
        """Told when a command ends outside the clock (another worker must notice)."""
        self.followers: list[Callable[[bool], bool]] = []
        """What moves on after each ``advance`` (told whether Commands API commands
        changed: what they follow); each answers whether it sent new commands."""
        self._schedules: dict[str, tuple[str, CommandScheduleArgs | None]] = {}
        """Each Commands API request's schedule, read once per ``advance``."""
        self._ended_elsewhere = False

    # devices

    def device(self, enterprise_id: str, device_id: str) -> Device:
        """A device of the enterprise, or a 404."""
        doc = devices_db.doc(self.store, enterprise_id, device_id)
        if doc is None:
            raise not_found("Device")
        return msgspec.json.decode(doc, type=Device)

    def list_devices(
        self, enterprise_id: str, filters: dict[str, Any], limit: int, offset: int
    ) -> Page:
        """A page of the enterprise's devices matching ``filters`` (the spec's query)."""
        given = filters.get
        return devices_db.page(
            self.store,
            enterprise_id,
            limit,
            offset,
            name=given("name"),
            imei=given("imei"),
            serial=given("serial"),
            state=given("state"),
            is_gms=given("is_gms"),
            brand=given("brand"),
            group=given("group"),
            search=given("search"),
            tags=given("tags"),
        )

    def save_device(self, device: Device, since: dict[str, Any] | None = None) -> None:
        """Write a changed device back: its ``doc`` and its filter columns, only those that
        changed ``since`` when given (``filter_columns`` of the device before the change).

        A column written unchanged still rewrites its indexes.
        """
        assert device.id is not None
        columns = filter_columns(device)
        if since is not None:
            columns = {name: value for name, value in columns.items() if since[name] != value}
        devices_db.save(self.store, device.id, {**columns, "doc": msgspec.json.encode(device)})

    def set_online(self, enterprise_id: str, device_id: str, online: bool) -> Device:
        """Bring a device online (its queued commands start) or take it offline (they wait)."""
        device = self.device(enterprise_id, device_id)
        device.status = device.state = ONLINE if online else OFFLINE
        device.updated_on = self.clock.utcnow()
        self.save_device(device)
        if online:
            commands_db.resume(
                self.store, device_id, CommandState.INITIATED, self.clock.now() + self.latency
            )
            self._resume_api(device_id)
            self._next_due = 0.0
        else:
            commands_db.suspend(self.store, device_id, _RUNNING)
        return device

    def _resume_api(self, device_id: str) -> None:
        """The device's waiting Commands API commands carry on; the queued ones are
        delivered now, and their timeout starts."""
        now = self.clock.now()
        for row in commands_db.api_waiting(self.store, device_id, _RUNNING):
            deadline = row.deadline
            if row.state == CommandState.INITIATED:
                command = msgspec.json.decode(row.doc, type=DeviceCommand)
                deadline = min(deadline or math.inf, now + _timeout(command))
            commands_db.save(self.store, row.pk, row.state, now + self.latency, row.doc, deadline)

    # what the devices report

    def _known_device(self, enterprise_id: str, device_id: str) -> None:
        """Nothing, or a 404 when the enterprise has no such device."""
        if not devices_db.exists(self.store, enterprise_id, device_id):
            raise not_found("Device")

    def device_apps(
        self,
        enterprise_id: str,
        device_id: str,
        filters: AppFilters,
        limit: int,
        offset: int,
    ) -> Page:
        """A page of the device's apps matching ``filters``, in the order they came."""
        self._known_device(enterprise_id, device_id)
        docs = [row.doc for row in reports_db.app_rows(self.store, device_id, filters.package_name)]
        matching = [doc for doc in docs if filters.match(msgspec.json.decode(doc, type=DeviceApp))]
        return Page(len(matching), matching[offset : offset + limit])

    def device_app(self, enterprise_id: str, device_id: str, app_id: str) -> bytes:
        """One app of the device, or a 404."""
        self._known_device(enterprise_id, device_id)
        doc = reports_db.app_doc(self.store, device_id, app_id)
        if doc is None:
            raise not_found("Device app")
        return doc

    def app_installs(
        self, enterprise_id: str, device_id: str, filters: dict[str, Any], limit: int, offset: int
    ) -> Page:
        """A page of the device's app installs (the spec's filters, each an exact match)."""
        self._known_device(enterprise_id, device_id)
        return reports_db.installs_page(
            self.store,
            enterprise_id,
            device_id,
            limit,
            offset,
            device=filters.get("device"),
            package_name=filters.get("package_name"),
            application_name=filters.get("application_name"),
            install_state=filters.get("install_state"),
        )

    def device_events(self, enterprise_id: str, device_id: str, latest_only: bool) -> list[bytes]:
        """The device's ``DeviceStatus`` events, newest first (only the newest if asked)."""
        self._known_device(enterprise_id, device_id)
        rows = reports_db.events(self.store, device_id, latest_only)
        return [b'{"id":%d,' % pk + doc[1:] for pk, doc in rows]

    # commands

    def run_command(self, enterprise_id: str, device_id: str, request: CommandRequest) -> bytes:
        """Accept a command for a device; returns the new ``DeviceCommand``."""
        device = self.device(enterprise_id, device_id)
        spec = commands.accepted(request.command, "device")
        args = request.command_args
        spec.check(msgspec.to_builtins(args) if args else {})
        if spec.name == "INSTALL" or (
            spec.name == "UNINSTALL" and args and args.app_version and not args.package_name
        ):
            self._app_version(enterprise_id, request)
        return msgspec.json.encode(
            self.enqueue(enterprise_id, device, spec.name, request.command_args, settle=True)
        )

    def enqueue(
        self,
        enterprise_id: str,
        device: Device,
        command_name: str,
        command_args: CommandArgs | None = None,
        *,
        group_command_id: str | None = None,
        request_id: str | None = None,
        v0_args: dict[str, Any] | None = None,
        group_command_url: str | None = None,
        api_request_id: str | None = None,
        hold_until: float | None = None,
        settle: bool = False,
    ) -> DeviceCommand:
        """Queue an (already validated) command for ``device``; it starts when online.

        Group commands, v0 command requests and Commands API requests fan out through
        here, one device command each, linked back by ``group_command_id``,
        ``request_id`` or ``api_request_id``. ``v0_args`` (the raw ``command_args`` of a
        v0 or Commands API request) are kept with the command; its effect reads them
        over ``command_args``. A Commands API command is held "Command Scheduled" until
        ``hold_until`` when given, else delivered now to an online device (its timeout
        starts).

        With ``settle``, a command due at once (no latency, an online device) is carried
        out here, in the request's own transaction, as the next request would have done
        (each step at the time it was due); the command returned is still the one queued.
        """
        assert device.id is not None
        now = self.clock.utcnow()
        command = DeviceCommand.construct(
            id=str(uuid.uuid4()),
            current_base_uri=api_url(),
            command_args=command_args,
            action=_ACTION[CommandState.INITIATED],
            command=command_name,
            state=CommandState.INITIATED,
            created_on=now,
            updated_on=now,
            enterprise=enterprise_url(enterprise_id),
            device=device_url(enterprise_id, device.id),
            group_command=group_command_url,
        )
        doomed = self._doom()
        now_s = self.clock.now()
        due = now_s + self.latency if device.status == ONLINE else None
        deadline = None
        if api_request_id is not None and hold_until is not None:
            command = msgspec.structs.replace(command, state=CommandState.SCHEDULED, action=None)
            due = hold_until
        elif api_request_id is not None and due is not None:
            deadline = now_s + _timeout(command)
        args = None if v0_args is None else msgspec.json.encode(v0_args)
        state, stored = str(command.state), command
        if settle and api_request_id is None and due is not None and due <= now_s:
            stored = msgspec.structs.replace(command)
            queued = _Queued(enterprise_id, device.id, args, doomed)
            state, due = self._steps(queued, stored, state, due, now_s, device)
        commands_db.add(
            self.store,
            enterprise_id,
            device.id,
            str(command.id),
            state=state,
            due_at=due,
            doc=msgspec.json.encode(stored),
            group_command_id=group_command_id,
            request_id=request_id,
            args=args,
            api_request_id=api_request_id,
            deadline=deadline,
            doomed=doomed,
        )
        if due is not None and (self._next_due is None or due < self._next_due):
            self._next_due = due
        return command

    def _doom(self) -> bool:
        """Whether the command being queued is doomed: one of ``fail_next`` is spent."""
        if self.fail_next <= 0:
            return False
        if self.store.shared:  # another worker may have spent some: the database counts
            left = int(shared_db.get(self.store, shared_db.FAIL_NEXT) or 0)
            if left <= 0:
                self.fail_next = 0
                return False
            self.fail_next = left
            shared_db.put(self.store, shared_db.FAIL_NEXT, str(left - 1))
        self.fail_next -= 1
        return True

    def injected_failures(self) -> int:
        """How many doomed commands ended in their injected failure."""
        return commands_db.injected_failures(self.store, CommandState.FAILURE)

    def expect(self, due: float | None) -> None:
        """The earliest command state change due, as another worker may have queued it."""
        self._next_due = due

    def command(self, enterprise_id: str, device_id: str, command_id: str) -> bytes:
        """A command of the device, or a 404."""
        doc = commands_db.doc(self.store, enterprise_id, device_id, command_id)
        if doc is None:
            raise not_found("Command")
        return doc

    def _app_version(self, enterprise_id: str, request: CommandRequest) -> AppVersion:
        """The app version ``command_args.app_version`` names; else a 400."""
        version_id = request.command_args.app_version if request.command_args else None
        if not version_id:
            raise bad_request(
                "command_args.app_version", "INSTALL needs the app version to install."
            )
        row = apps_db.version_row(self.store, enterprise_id, version_id)
        if row is None:
            raise bad_request(
                "command_args.app_version", f"No app version {version_id!r} in this enterprise."
            )
        return msgspec.json.decode(row.doc, type=AppVersion)

    def advance(self) -> None:
        """Apply every state change that is due on the clock, then let each follower
        (``followers``) move on; again while a follower sent new commands."""
        changed = self._apply_due() or self._ended_elsewhere
        self._ended_elsewhere = False
        while any([follow(changed) for follow in self.followers]):
            changed = self._apply_due()

    def ended_elsewhere(self) -> None:
        """Note that a command was ended outside the clock (cancelled): the followers
        look at the commands again on the next ``advance``, before the next request."""
        self.look_again()
        self.on_ended_elsewhere()

    def look_again(self) -> None:
        """Let the followers look at the commands on the next ``advance`` (another
        worker ended one outside the clock)."""
        self._ended_elsewhere = True

    def _apply_due(self) -> bool:
        """Apply the due state changes; whether any Commands API command changed."""
        now = self.clock.now()
        if self._next_due is None or self._next_due > now:
            return False
        self._schedules.clear()
        api_changed = False
        with self.store.transaction():
            while True:
                rows = commands_db.due(self.store, now, DUE_BATCH)
                for row in rows:
                    if row.api_request_id is None:
                        self._catch_up(row, now)
                    else:
                        self._catch_up_api(row, now)
                        api_changed = True
                if len(rows) < DUE_BATCH:
                    break
            self._next_due = commands_db.next_due(self.store)
        return api_changed

    def _catch_up(self, row: Any, now: float) -> None:
        """Take one command through every step due by ``now``, each as of its own time.

        The command is written once, in the state it reached.
        """
        command = msgspec.json.decode(row.doc, type=DeviceCommand)
        state, due = self._steps(row, command, row.state, row.due_at, now)
        commands_db.save(self.store, row.pk, state, due, msgspec.json.encode(command))

    def _steps(
        self,
        row: Any,
        command: DeviceCommand,
        state: str,
        due: float | None,
        now: float,
        device: Device | None = None,
    ) -> tuple[str, float | None]:
        """Take ``command`` (changed in place) from ``state`` through every step due by
        ``now``; the state it reached and when its next step is due."""
        while due is not None and due <= now:
            when = self.clock.at(due)
            if state == CommandState.INITIATED:
                state, due = CommandState.ACKNOWLEDGED, due + self.latency
            else:
                state, due = self._apply(row, command, when, device), None
            command.state = state
            command.action = _ACTION[state]
            command.updated_on = when
        return state, due

    def _catch_up_api(self, row: Any, now: float) -> None:
        """``_catch_up`` for a Commands API command: its schedule, steps and deadline."""
        command = msgspec.json.decode(row.doc, type=DeviceCommand)
        state, due, deadline = row.state, row.due_at, row.deadline
        while (step := _first(due, deadline)) is not None and step <= now:
            when = self.clock.at(step)
            if deadline is not None and step == deadline and (due is None or due > deadline):
                command.details = "The command did not finish in time."
                state, due, deadline = self._after_run(row, command, CommandState.TIMEOUT, when)
            elif state == CommandState.SCHEDULED:
                state, due, deadline = self._deliver(row, command, step)
            elif state in _NEXT:
                state, due = _NEXT[state], step + self.latency
            else:
                outcome = self._apply(row, command, when)
                state, due, deadline = self._after_run(row, command, outcome, when)
            # Cancelled and TimeOut are beyond the legacy model's checked choices
            command = msgspec.structs.replace(
                command, state=state, action=_ACTION.get(state), updated_on=when
            )
        encoded = msgspec.json.encode(command)
        commands_db.save(self.store, row.pk, state, due, encoded, deadline)

    def _deliver(
        self, row: Any, command: DeviceCommand, at: float
    ) -> tuple[str, float | None, float | None]:
        """A scheduled command whose window opened: delivered (or queued if offline)."""
        schedule = self._schedule(row.api_request_id)
        window = schedule.window(self.clock.at(at)) if schedule else None
        closes = window[1].timestamp() if window else at
        if self.device(row.enterprise_id, row.device_id).status != ONLINE:
            return CommandState.INITIATED, None, closes
        deadline = min(closes, at + _timeout(command))
        return CommandState.INITIATED, at + self.latency, deadline

    def _after_run(
        self, row: Any, command: DeviceCommand, outcome: str, when: datetime
    ) -> tuple[str, float | None, float | None]:
        """``outcome`` ends the command, unless it recurs: then it waits for its next window."""
        schedule = self._schedule(row.api_request_id, recurring=True)
        following = schedule.next_run(when) if schedule else None
        if following is None:
            return outcome, None, None
        command.details = f"{outcome} in the window of {when:%Y-%m-%d}; {command.details or ''}"
        return CommandState.SCHEDULED, following[0].timestamp(), None

    def _schedule(self, request_id: str, recurring: bool = False) -> schedules.Schedule | None:
        """The schedule of a Commands API request (only a RECURRING one's, if asked)."""
        if request_id not in self._schedules:
            self._schedules[request_id] = command_api_db.schedule(self.store, request_id)
        kind, args = self._schedules[request_id]
        if args is None or (recurring and kind != schedules.RECURRING):
            return None
        return schedules.read(args)

    def _apply(
        self, row: Any, command: DeviceCommand, when: datetime, device: Device | None = None
    ) -> str:
        """Carry out a finishing command on its ``device`` (read when not given); its
        final state (and event)."""
        if device is None:
            device = self.device(row.enterprise_id, row.device_id)
        args = effects.arguments(command, row.args)
        before = filter_columns(device)
        target = effects.Target(self.store, row.enterprise_id, device, command, args, when)
        try:
            result = self._carry_out(target, doomed=row.doomed)
        except effects.CommandFailed as failed:
            command.details = result = failed.details
            state = CommandState.FAILURE
        else:
            device.updated_on = when
            self.save_device(device, since=before)
            state = CommandState.SUCCESS
        data = {"command": command.command, "command_id": command.id, "state": state}
        effects.log_event(
            self.store, row.enterprise_id, row.device_id, {**data, "result": result}, when
        )
        return state

    def _carry_out(self, target: effects.Target, *, doomed: bool) -> str:
        """The command's effect on its device, unless it was doomed to fail."""
        if doomed:
            raise effects.CommandFailed(INJECTED_FAILURE)
        return commands.carry_out(target)


OS_PLATFORMS = {
    "Android": DevicePlatform.ANDROID,
    "iOS": DevicePlatform.APPLE,
    "iPadOS": DevicePlatform.APPLE,
    "tvOS": DevicePlatform.APPLE,
    "Linux": DevicePlatform.LINUX,
    "Windows": DevicePlatform.WINDOWS,
}
"""Each operating system a device runs, and its platform."""


def _first(*times: float | None) -> float | None:
    """The earliest of ``times`` given."""
    return min((t for t in times if t is not None), default=None)


def _timeout(command: DeviceCommand) -> float:
    """Seconds the delivered command may take (``CommandSpec.timeout``)."""
    spec = commands.COMMANDS.get(command.command or "")
    return spec.timeout if spec is not None else commands.HOUR


def device_columns(device: Device) -> dict[str, Any]:
    """The filter columns and ``doc`` of a device row, all derived from the device."""
    return {**filter_columns(device), "doc": msgspec.json.encode(device)}


def filter_columns(device: Device) -> dict[str, Any]:
    """The filter columns of a device row, derived from the device.

    A device's operating system is its ``softwareInfo.os`` (Android when not given, as
    in the legacy, Android-only, device object), its version ``osVersion`` (or
    ``androidVersion``). ``tags`` holds the tag names between commas (``,a,b,``), so that
    a whole name is found by ``,name,``.
    """
    network = device.network_info or {}
    hardware = device.hardware_info or {}
    software = device.software_info or {}
    os_name = software.get("os", "Android")
    return {
        "device_name": device.device_name or "",
        "alias": device.alias_name,
        "imei": network.get("imei1"),
        "serial": hardware.get("serialNumber"),
        "brand": hardware.get("brand"),
        "model": hardware.get("model"),
        "mac": network.get("wifiMacAddress"),
        "state": device.state if device.state is not None else 0,
        "is_gms": bool(device.is_gms),
        "tags": f",{','.join(device.tags)}," if device.tags else "",
        "os": os_name,
        "platform": OS_PLATFORMS[os_name],
        "os_version": software.get("osVersion") or software.get("androidVersion"),
        "last_seen": device.updated_on.timestamp() if device.updated_on else None,
    }
