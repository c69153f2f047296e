"""The simulated fleet: devices, and the commands that move through their states.

A command starts ``Command Initiated``. For an online device it is acknowledged after
the configured latency and finishes after the same latency again, when its effect on
the device is applied (``INSTALL`` installs the app, ``REBOOT`` and
``UPDATE_HEARTBEAT`` refresh the device's last-seen time; the other commands change
only the command's state for now). A command to an offline device waits, queued,
until the device comes online; a device that goes offline before acknowledging a
command holds it the same way. State changes happen on the emulator's own clock, each
at the time it was due (however far the clock jumped), and are applied before every
request is served.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, and_, func, or_, select

from esper_emulator.errors import ApiError, bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.store import Page, Store, schema
from esper_emulator.store.schema import BASE_URL_MARK
from esperclient.models import (
    AppVersion,
    CommandArgs,
    CommandRequest,
    Device,
    DeviceApp,
    DeviceCommand,
    DeviceCommandEnum,
)

INITIATED = "Command Initiated"
ACKNOWLEDGED = "Command Acknowledged"
SUCCESS = "Command Success"
FAILURE = "Command Failure"
FINAL_STATES = frozenset({SUCCESS, FAILURE, "Command TimeOut"})

ONLINE = 1
OFFLINE = 60

_ACTION = {
    INITIATED: "acknowledge",
    ACKNOWLEDGED: "in_progress",
    SUCCESS: "success",
    FAILURE: "failed",
}


def enterprise_url(enterprise_id: str) -> str:
    """The URL of an enterprise, as it appears inside other objects."""
    return f"{BASE_URL_MARK}/api/v1/enterprise/{enterprise_id}/"


def device_url(enterprise_id: str, device_id: str) -> str:
    """The URL of a device, as it appears inside other objects."""
    return f"{BASE_URL_MARK}/api/enterprise/{enterprise_id}/device/{device_id}/"


class Fleet:
    """Devices and their commands."""

    def __init__(self, store: Store, clock: Clock, latency: float = 0.0) -> None:
        self.store = store
        self.clock = clock
        self.latency = latency
        self._next_due: float | None = 0.0

    # devices

    def device(self, enterprise_id: str, device_id: str) -> Device:
        """A device of the enterprise, or a 404."""
        d = schema.devices.c
        doc = self.store.doc(schema.devices, d.id == device_id, d.enterprise_id == enterprise_id)
        if doc is None:
            raise not_found("Device")
        return msgspec.json.decode(doc, type=Device)

    def list_devices(
        self, enterprise_id: str, filters: dict[str, Any], limit: int, offset: int
    ) -> Page:
        """A page of the enterprise's devices matching ``filters`` (the spec's query)."""
        d = schema.devices.c
        where: list[ColumnElement[bool]] = [d.enterprise_id == enterprise_id]
        for name, column in (
            ("name", d.device_name),
            ("imei", d.imei),
            ("serial", d.serial),
            ("state", d.state),
            ("is_gms", d.is_gms),
        ):
            if filters.get(name) is not None:
                where.append(column == filters[name])
        if filters.get("brand") is not None:
            where.append(func.lower(d.brand) == filters["brand"].lower())
        if filters.get("group") is not None:
            m = schema.group_members.c
            where.append(d.id.in_(select(m.device_id).where(m.group_id == filters["group"])))
        if filters.get("search"):
            term = f"%{like_escape(filters['search'])}%"
            where.append(or_(*(c.ilike(term, escape="\\") for c in (d.device_name, d.imei, d.mac))))
        if filters.get("tags"):
            where.append(d.tags.ilike(f"%{like_escape(filters['tags'])}%", escape="\\"))
        return self.store.page(schema.devices, where, limit, offset)

    def save_device(self, device: Device) -> None:
        """Write a changed device back, its filter columns included."""
        assert device.id is not None
        self.store.update(
            schema.devices, schema.devices.c.id == device.id, **device_columns(device)
        )

    def set_online(self, enterprise_id: str, device_id: str, online: bool) -> Device:
        """Bring a device online (its queued commands start) or take it offline (they wait)."""
        device = self.device(enterprise_id, device_id)
        device.status = device.state = ONLINE if online else OFFLINE
        device.updated_on = self.clock.utcnow()
        self.save_device(device)
        c = schema.commands.c
        waiting = and_(c.device_id == device_id, c.state == INITIATED)
        if online:
            due = self.clock.now() + self.latency
            self.store.update(schema.commands, and_(waiting, c.due_at.is_(None)), due_at=due)
            self._next_due = 0.0
        else:
            self.store.update(schema.commands, waiting, due_at=None)
        return device

    # commands

    def run_command(self, enterprise_id: str, device_id: str, request: CommandRequest) -> bytes:
        """Accept a command for a device; returns the new ``DeviceCommand``."""
        device = self.device(enterprise_id, device_id)
        if request.command is None:
            raise bad_request("command", "This field is required.")
        if request.command not in DeviceCommandEnum.allowed_values:
            raise bad_request("command", f'"{request.command}" is not a valid choice.')
        if request.command == "INSTALL":
            self._install_target(enterprise_id, request)
        return msgspec.json.encode(
            self.enqueue(enterprise_id, device, request.command, request.command_args)
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
    ) -> DeviceCommand:
        """Queue an (already validated) command for ``device``; it starts when online.

        Group commands and v0 command requests fan out through here, one device command
        each, linked back by ``group_command_id`` or ``request_id``.
        """
        assert device.id is not None
        now = self.clock.utcnow()
        command = DeviceCommand(
            id=str(uuid.uuid4()),
            current_base_uri=f"{BASE_URL_MARK}/api",
            command_args=command_args,
            action=_ACTION[INITIATED],
            command=command_name,
            state=INITIATED,
            created_on=now,
            updated_on=now,
            enterprise=enterprise_url(enterprise_id),
            device=device_url(enterprise_id, device.id),
            group_command=(
                f"{BASE_URL_MARK}/api/enterprise/{enterprise_id}/devicegroup/command/"
                f"{group_command_id}/"
                if group_command_id
                else None
            ),
        )
        due = self.clock.now() + self.latency if device.status == ONLINE else None
        self.store.insert(
            schema.commands,
            id=command.id,
            enterprise_id=enterprise_id,
            device_id=device.id,
            state=INITIATED,
            due_at=due,
            group_command_id=group_command_id,
            request_id=request_id,
            doc=msgspec.json.encode(command),
        )
        if due is not None and (self._next_due is None or due < self._next_due):
            self._next_due = due
        return command

    def command(self, enterprise_id: str, device_id: str, command_id: str) -> bytes:
        """A command of the device, or a 404."""
        c = schema.commands.c
        doc = self.store.doc(
            schema.commands,
            c.id == command_id,
            c.device_id == device_id,
            c.enterprise_id == enterprise_id,
        )
        if doc is None:
            raise not_found("Command")
        return doc

    def _install_target(self, enterprise_id: str, request: CommandRequest) -> AppVersion:
        version_id = request.command_args.app_version if request.command_args else None
        if not version_id:
            raise bad_request(
                "command_args.app_version", "INSTALL needs the app version to install."
            )
        v = schema.app_versions.c
        doc = self.store.doc(
            schema.app_versions, v.id == version_id, v.enterprise_id == enterprise_id
        )
        if doc is None:
            raise bad_request(
                "command_args.app_version", f"No app version {version_id!r} in this enterprise."
            )
        return msgspec.json.decode(doc, type=AppVersion)

    def advance(self) -> None:
        """Apply every state change that is due on the clock."""
        now = self.clock.now()
        if self._next_due is None or self._next_due > now:
            return
        with self.store.transaction():
            while rows := self.store.due_commands(now):
                for row in rows:
                    self._step(row)
            self._next_due = self.store.next_due()

    def _step(self, row: Any) -> None:
        """Move one command on by a state, as of the time that step was due."""
        command = msgspec.json.decode(row.doc, type=DeviceCommand)
        when = self.clock.at(row.due_at)
        if row.state == INITIATED:
            state, due = ACKNOWLEDGED, row.due_at + self.latency
        else:
            state, due = self._apply(row.enterprise_id, row.device_id, command, when), None
        command.state = state
        command.action = _ACTION[state]
        command.updated_on = when
        self.store.update(
            schema.commands,
            schema.commands.c.pk == row.pk,
            state=state,
            due_at=due,
            doc=msgspec.json.encode(command),
        )

    def _apply(
        self, enterprise_id: str, device_id: str, command: DeviceCommand, when: datetime
    ) -> str:
        device = self.device(enterprise_id, device_id)
        device.updated_on = when
        if command.command == "INSTALL":
            try:
                self._install(device, command, when)
            except ApiError as exc:
                command.details = exc.message
                return FAILURE
        self.save_device(device)
        return SUCCESS

    def _install(self, device: Device, command: DeviceCommand, when: datetime) -> None:
        """Install the command's app version on the device, replacing any other version."""
        version_id = command.command_args.app_version if command.command_args else None
        v, a = schema.app_versions.c, schema.device_apps.c
        row = self.store.one(schema.app_versions, v.id == version_id)
        if row is None:
            raise not_found("App version")
        app_row = self.store.one(
            schema.applications, schema.applications.c.id == row.application_id
        )
        assert app_row is not None
        existing = self.store.one(
            schema.device_apps, a.device_id == device.id, a.package_name == app_row.package_name
        )
        if existing is not None and existing.app_version_id == row.id:
            return
        version = msgspec.json.decode(row.doc, type=AppVersion)
        app = _device_app(device, app_row, version, existing.id if existing else None, when)
        values = {"app_version_id": row.id, "doc": msgspec.json.encode(app)}
        if existing is None:
            self.store.insert(
                schema.device_apps,
                id=app.id,
                device_id=device.id,
                package_name=app_row.package_name,
                **values,
            )
        else:
            self.store.update(schema.device_apps, a.pk == existing.pk, **values)
            self._count_install(existing.app_version_id, -1)
        self._count_install(row.id, +1)

    def _count_install(self, version_id: str | None, change: int) -> None:
        """Add ``change`` to the ``installed_count`` of an app version (if it still exists)."""
        v = schema.app_versions.c
        row = self.store.one(schema.app_versions, v.id == version_id)
        if row is None:
            return
        version = msgspec.json.decode(row.doc, type=AppVersion)
        version.installed_count = max(0, (version.installed_count or 0) + change)
        self.store.update(schema.app_versions, v.pk == row.pk, doc=msgspec.json.encode(version))


def _device_app(
    device: Device, app_row: Any, version: AppVersion, app_id: str | None, when: datetime
) -> DeviceApp:
    """The ``DeviceApp`` of ``version`` installed on ``device``."""
    return DeviceApp(
        id=app_id or str(uuid.uuid4()),
        permissions=[],
        app_name=app_row.application_name,
        package_name=app_row.package_name,
        whitelisted=False,
        is_data_clearable=True,
        is_uninstallable=True,
        version_code=version.version_code,
        version_name=version.version_name,
        created_on=when,
        updated_on=when,
        is_active=True,
        device=device.id,
    )


def device_columns(device: Device) -> dict[str, Any]:
    """The filter columns and ``doc`` of a device row, all derived from the device."""
    network = device.network_info or {}
    hardware = device.hardware_info or {}
    return {
        "device_name": device.device_name or "",
        "imei": network.get("imei1"),
        "serial": hardware.get("serialNumber"),
        "brand": hardware.get("brand"),
        "mac": network.get("wifiMacAddress"),
        "state": device.state if device.state is not None else 0,
        "is_gms": bool(device.is_gms),
        "tags": ",".join(device.tags or []),
        "doc": msgspec.json.encode(device),
    }


def like_escape(text: str) -> str:
    """``text`` with the LIKE wildcards escaped (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
