"""Blueprint converges (``/v2/converge``): bringing a device to its assigned blueprint.

A device's blueprint is assigned by a Commands API ``UPDATE_BLUEPRINT`` request (the
public description has no v2 endpoint for it; Esper's support tool pushes a blueprint
so, ``command_args`` ``{"apply_all": true, "blueprint_revision_id": <id>}``) [guess:
what the console's push does]. ``blueprint_revision_id`` names a blueprint version, or
a blueprint (then its latest published version); each device the request reaches gets
the blueprint as ``assigned_blueprint_id`` (upgrade status ``UPGRADABLE``) and a
converge to that version. Without ``blueprint_revision_id`` the command is carried out
and nothing is assigned [guess]. ``POST /v2/converge`` converges a device to its assigned
blueprint's latest published version; a device with none assigned is a 400.

A converge is ``QUEUED``, ``PROCESSING`` one fleet latency later, then ``IN_PROGRESS``
one more later, when it compares the device with the version's Android settings and
sends, through the Commands API (requests made by the emulator: ``internal``, each
with ``command_args.is_converge``), the commands that close the gap, in this order:

- ``apps[]``: ``INSTALL`` of each app version not installed; ``SET_APP_STATE`` where the
  device's state of the app (``softwareInfo.appStates``, ``SHOW`` when unset) is not the
  entry's ``state`` (``LAUNCHABLE_BUT_HIDDEN`` is ``HIDE`` [guess]).
- ``device_mode_settings``: ``KIOSK`` sets the first app of ``apps[]`` as kiosk app
  (``SET_KIOSK_APP``; the launcher setting names a launcher, not an app [guess]);
  ``MULTI APP`` on a device in kiosk mode sends ``SET_MULTI_APP_MODE``.
- ``brightness_settings``, ``screen_timeout_settings`` (milliseconds, as the command
  takes them [guess]), ``screen_orientation_settings`` (``AUTO`` 0, portrait 1,
  landscape 2, inverted or not), ``timezone_settings``, ``bluetooth_settings`` and
  ``wifi_settings`` (``ENABLE``/``DISABLE``): the setting's command where the device
  differs.

A setting's ``apply_policy`` decides: ``IGNORE`` leaves it alone, ``PROVISION ONLY``
applies it only to a converge ``converge_with_provision_option``, ``ALWAYS APPLY`` (and
no policy) always. Other settings, and other platforms' sections, are not modelled:
they are taken as matching.

With nothing to do the converge ends ``SUCCESS`` at once. Otherwise it ends when every
command is final: ``SUCCESS`` when all succeeded (the device's current blueprint and
version set, upgrade status ``UPGRADED``), else ``FAILURE`` with the first failure's
reason (``UPGRADE_FAILED``). A command that cannot be sent (an app version deleted
since the version was published) fails the converge before any is sent. An offline
device's commands wait queued, and its converge stays ``IN_PROGRESS``. A ``WINDOW``
converge sends its commands scheduled as the Commands API schedules a window command
(its ``schedule_args`` are the Commands API's).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from esper_emulator.errors import ApiError, bad_request, not_found
from esper_emulator.services import schedules
from esper_emulator.services.blueprints import ALWAYS_APPLY, PROVISION_ONLY
from esper_emulator.services.clock import Clock
from esper_emulator.services.command_api import CommandApi, NewRequest, shown_state
from esper_emulator.services.fleet import Fleet
from esper_emulator.services.groups import parse_uuid
from esper_emulator.store import Page, Row, Store
from esper_emulator.store import apps as apps_db
from esper_emulator.store import converge as converge_db
from esper_emulator.store import devices as devices_db
from esper_emulator.store import reports as reports_db
from esperclient._generated.v0 import CommandScheduleArgs
from esperclient._generated.v2 import BlueprintsInfo, Converge, ConvergeCommand, ConvergePOST
from esperclient.models import (
    BlueprintUpgradeStatus,
    CommandState,
    ConvergeStatus,
    Device,
    DeviceApp,
)

SCHEDULE_TYPES = (schedules.IMMEDIATE, schedules.WINDOW)
NO_BLUEPRINT = "The device has no blueprint assigned."
ORIENTATIONS = {
    "AUTO": 0,
    "PORTRAIT": 1,
    "INVERTED PORTRAIT": 1,
    "LANDSCAPE": 2,
    "INVERTED LANDSCAPE": 2,
}
SWITCHES = {"ENABLE": True, "DISABLE": False}
APP_STATES = {"LAUNCHABLE_BUT_HIDDEN": "HIDE"}
"""Blueprint app states that ``SET_APP_STATE`` names otherwise."""

Command = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Setting:
    """A blueprint setting the devices model: where it is, its command and argument,
    how the blueprint's value reads as the argument and what the device has now."""

    section: str
    field: str
    command: str
    arg: str
    value: Callable[[Any], Any]
    current: Callable[[Device], Any]


def _display(key: str) -> Callable[[Device], Any]:
    def current(device: Device) -> Any:
        displays = device.displays if isinstance(device.displays, dict) else {}
        found = [d.get(key) for d in displays.values() if isinstance(d, dict)]
        return found[0] if found else None

    return current


def _info(section: str, key: str) -> Callable[[Device], Any]:
    def current(device: Device) -> Any:
        info = getattr(device, section)
        return info.get(key) if isinstance(info, dict) else None

    return current


SETTINGS = (
    Setting(
        "brightness_settings",
        "brightness_value",
        "SET_BRIGHTNESS_SCALE",
        "brightness_value",
        int,
        _display("brightnessScale"),
    ),
    Setting(
        "screen_timeout_settings",
        "screentimeout_value",
        "SET_SCREEN_OFF_TIMEOUT",
        "screen_off_timeout",
        int,
        _display("screenOffTimeout"),
    ),
    Setting(
        "screen_orientation_settings",
        "orientation_type",
        "SET_ROTATION_STATE",
        "rotate_state",
        ORIENTATIONS.__getitem__,
        _display("rotateState"),
    ),
    Setting(
        "timezone_settings",
        "timezone",
        "SET_TIMEZONE",
        "timezone_string",
        str,
        _info("software_info", "timezone"),
    ),
    Setting(
        "bluetooth_settings",
        "bluetooth_state",
        "SET_BLUETOOTH_STATE",
        "bluetooth_state",
        SWITCHES.__getitem__,
        _info("network_info", "bluetoothEnabled"),
    ),
    Setting(
        "wifi_settings",
        "wifi_state",
        "SET_WIFI_STATE",
        "wifi_state",
        SWITCHES.__getitem__,
        _info("network_info", "wifiEnabled"),
    ),
)
"""The settings a converge applies, in the order it sends their commands."""


class Converges:
    """The enterprise's converges, and the blueprint pushes that start them."""

    def __init__(self, store: Store, clock: Clock, fleet: Fleet, command_api: CommandApi) -> None:
        self.store = store
        self.clock = clock
        self.fleet = fleet
        self.command_api = command_api
        self._next_due: float | None = 0.0
        self._check_running = True
        fleet.followers.append(self.advance)
        command_api.pushes = self

    # starting

    def create(self, enterprise_id: str, body: ConvergePOST, user: str | None) -> bytes:
        """A converge of ``body.device_id`` to its assigned blueprint (a 400 if none)."""
        device_id = parse_uuid("device_id", body.device_id)
        if not devices_db.exists(self.store, enterprise_id, device_id):
            raise bad_request("device_id", f"No device {device_id!r} in this enterprise.")
        schedule_type = body.schedule_type or schedules.IMMEDIATE
        if schedule_type not in SCHEDULE_TYPES:
            choices = ", ".join(SCHEDULE_TYPES)
            raise bad_request("schedule_type", f'"{schedule_type}" is not one of {choices}.')
        window = _window(schedule_type, body.schedule_args)
        if window is not None:
            schedules.parse(window, self.clock.utcnow())
        blueprint_id = converge_db.assigned(self.store, enterprise_id, device_id)
        published = (
            converge_db.latest_published(self.store, enterprise_id, blueprint_id)
            if blueprint_id
            else None
        )
        if published is None:
            raise bad_request("device_id", NO_BLUEPRINT)
        converge = Converge(
            device_id=device_id,
            converge_with_provision_option=body.converge_with_provision_option,
            blueprint_info=BlueprintsInfo(
                blueprint_id=published.blueprint_id, blueprint_version_id=published.id
            ),
            schedule_type=schedule_type,
            schedule_args=body.schedule_args,
            created_by=user,
        )
        return msgspec.json.encode(self._start(enterprise_id, converge))

    def _start(self, enterprise_id: str, converge: Converge) -> Converge:
        now = self.clock.now()
        converge.id = str(uuid.uuid4())
        converge.status = ConvergeStatus.QUEUED
        converge.created_at = converge.updated_at = _iso(self.clock.utcnow())
        due = now + self.fleet.latency
        converge_db.add(
            self.store, enterprise_id, converge.id, converge.device_id or "", converge.status, due
        )
        converge_db.save(
            self.store, converge.id, converge.status, due, msgspec.json.encode(converge)
        )
        if self._next_due is None or due < self._next_due:
            self._next_due = due
        return converge

    def check_push(self, enterprise_id: str, args: Mapping[str, Any]) -> Row[Any] | None:
        """The blueprint version an ``UPDATE_BLUEPRINT`` names (``None`` when it names
        none); a 400 if it names one the enterprise does not have."""
        field = "command_args.blueprint_revision_id"
        revision = args.get("blueprint_revision_id")
        if revision is None:
            return None
        if not isinstance(revision, str):
            raise bad_request(field, "A blueprint or blueprint version id is required.")
        found = converge_db.version(self.store, enterprise_id, revision)
        if found is None:
            found = converge_db.latest_published(self.store, enterprise_id, revision)
        if found is None:
            raise bad_request(field, f"No blueprint or blueprint version {revision!r}.")
        return found

    def push(
        self,
        enterprise_id: str,
        args: Mapping[str, Any],
        device_ids: list[str],
        user: str | None,
    ) -> None:
        """Assign the blueprint of an ``UPDATE_BLUEPRINT`` to the devices; converge each."""
        version = self.check_push(enterprise_id, args)
        if version is None:
            return
        converge_db.set_blueprint(
            self.store,
            device_ids,
            assigned_blueprint_id=version.blueprint_id,
            blueprint_upgrade_status=BlueprintUpgradeStatus.UPGRADABLE,
        )
        for device_id in device_ids:
            converge = Converge(
                device_id=device_id,
                converge_with_provision_option=False,
                blueprint_info=BlueprintsInfo(
                    blueprint_id=version.blueprint_id, blueprint_version_id=version.id
                ),
                schedule_type=schedules.IMMEDIATE,
                created_by=user,
            )
            self._start(enterprise_id, converge)

    # reading

    def get(self, enterprise_id: str, converge_id: str) -> bytes:
        """One converge of the enterprise, or a 404."""
        found = converge_db.row(self.store, enterprise_id, _id(converge_id))
        if found is None:
            raise not_found("Converge")
        return found.doc

    def list_converges(
        self, enterprise_id: str, device_ids: str | None, limit: int, offset: int
    ) -> Page:
        """A page of the enterprise's converges (of the comma-separated ``device_ids``)."""
        ids = None
        if device_ids is not None:
            parts = [part.strip() for part in device_ids.split(",") if part.strip()]
            ids = [parse_uuid("device_ids", part) for part in parts]
        return converge_db.page(self.store, enterprise_id, ids, limit, offset)

    def commands(self, enterprise_id: str, converge_id: str, limit: int, offset: int) -> Page:
        """A page of the commands the converge sent, oldest first."""
        self.get(enterprise_id, converge_id)
        count, rows = converge_db.commands_page(self.store, _id(converge_id), limit, offset)
        return Page(count, [msgspec.json.encode(_command(row)) for row in rows])

    # the clock

    def expect(self, due: float | None) -> None:
        """The earliest converge step due, as another worker may have queued it."""
        self._next_due = due

    def advance(self, fleet_changed: bool) -> bool:
        """Take every converge through the steps due; whether any sent commands."""
        now = self.clock.now()
        due = self._next_due is not None and self._next_due <= now
        if not (due or fleet_changed or self._check_running):
            return False
        sent = False
        with self.store.transaction():
            if due:
                steps = (ConvergeStatus.QUEUED, ConvergeStatus.PROCESSING)
                for row in converge_db.due(self.store, steps, now):
                    sent = self._step(row, now) or sent
                self._next_due = converge_db.next_due(self.store)
            self._finish_running()
        self._check_running = False
        return sent

    def _step(self, row: Row[Any], now: float) -> bool:
        """Take one converge through its due steps; whether it sent commands."""
        converge = msgspec.json.decode(row.doc, type=Converge)
        status, due = row.status, row.due_at
        if status == ConvergeStatus.QUEUED:
            status, due = ConvergeStatus.PROCESSING, due + self.fleet.latency
            converge.status, converge.updated_at = status, _iso(self.clock.at(row.due_at))
        if due > now:
            converge_db.save(self.store, row.id, status, due, msgspec.json.encode(converge))
            return False
        converge.updated_at = _iso(self.clock.at(due))
        try:
            count = self._send(row.enterprise_id, converge)
        except ApiError as refused:
            self._end(row.enterprise_id, converge, ConvergeStatus.FAILURE, refused.message)
            return False
        if count == 0:
            self._end(row.enterprise_id, converge, ConvergeStatus.SUCCESS, None)
            return False
        converge.status = ConvergeStatus.IN_PROGRESS
        converge_db.save(self.store, row.id, converge.status, None, msgspec.json.encode(converge))
        converge_db.set_blueprint(
            self.store,
            [row.device_id],
            blueprint_upgrade_status=BlueprintUpgradeStatus.UPGRADE_INITIATED,
        )
        return True

    def _send(self, enterprise_id: str, converge: Converge) -> int:
        """Send the commands that bring the device to the converge's version; how many."""
        info = converge.blueprint_info or BlueprintsInfo()
        version = converge_db.version(self.store, enterprise_id, info.blueprint_version_id or "")
        if version is None:
            raise ApiError(400, "The blueprint version no longer exists.")
        settings = msgspec.json.decode(version.doc).get("settings") or {}
        device_id = converge.device_id or ""
        device = self.fleet.device(enterprise_id, device_id)
        gap = commands_for(
            settings.get("android") or {},
            device,
            self._installed(device_id),
            bool(converge.converge_with_provision_option),
        )
        for name, args in gap:
            if name == "INSTALL" and not apps_db.version_row(
                self.store, enterprise_id, args["app_version"]
            ):
                raise ApiError(400, f"App version {args['app_version']} no longer exists.")
        window = _window(converge.schedule_type or "", converge.schedule_args)
        for name, args in gap:
            request = NewRequest(
                command_type="DEVICE",
                devices=[device_id],
                command=name,
                command_args={**args, "is_converge": True},
                schedule=converge.schedule_type,
                schedule_args=window,
            )
            sent = self.command_api.create(
                enterprise_id, request, converge.created_by, internal=True
            )
            request_id = msgspec.json.decode(sent)["id"]
            converge_db.add_command(self.store, converge.id or "", request_id)
        return len(gap)

    def _installed(self, device_id: str) -> dict[str, str | None]:
        """Package name -> app version id of each app on the device."""
        found: dict[str, str | None] = {}
        for app in reports_db.app_rows(self.store, device_id):
            package = msgspec.json.decode(app.doc, type=DeviceApp).package_name
            found[package or ""] = app.app_version_id
        return found

    def _finish_running(self) -> None:
        """End each converge in progress whose commands are all final."""
        running = converge_db.running(self.store, ConvergeStatus.IN_PROGRESS)
        if not running:
            return
        outcomes: dict[str, list[tuple[str, str | None]]] = {}
        for command in converge_db.command_rows(self.store, [row.id for row in running]):
            details = msgspec.json.decode(command.doc).get("details")
            outcomes.setdefault(command.converge_id, []).append((command.state, details))
        for row in running:
            states = outcomes.get(row.id, [])
            if not all(state in CommandState.FINAL for state, _ in states):
                continue
            failed = [(s, d) for s, d in states if s != CommandState.SUCCESS]
            converge = msgspec.json.decode(row.doc, type=Converge)
            converge.updated_at = _iso(self.clock.utcnow())
            if failed:
                state, details = failed[0]
                self._end(row.enterprise_id, converge, ConvergeStatus.FAILURE, details or state)
            else:
                self._end(row.enterprise_id, converge, ConvergeStatus.SUCCESS, None)

    def _end(self, enterprise_id: str, converge: Converge, status: str, reason: str | None) -> None:
        converge.status, converge.reason = status, reason
        converge_db.save(self.store, converge.id or "", status, None, msgspec.json.encode(converge))
        device = [converge.device_id or ""]
        if status == ConvergeStatus.FAILURE:
            converge_db.set_blueprint(
                self.store, device, blueprint_upgrade_status=BlueprintUpgradeStatus.UPGRADE_FAILED
            )
            return
        info = converge.blueprint_info or BlueprintsInfo()
        converge_db.set_blueprint(
            self.store,
            device,
            current_blueprint_id=info.blueprint_id,
            current_blueprint_version_id=info.blueprint_version_id,
            blueprint_upgrade_status=BlueprintUpgradeStatus.UPGRADED,
        )


def commands_for(
    android: Mapping[str, Any],
    device: Device,
    installed: Mapping[str, str | None],
    with_provision: bool,
) -> list[Command]:
    """The commands that bring ``device`` to the ``android`` settings of a blueprint."""
    found = _app_commands(android.get("apps") or [], device, installed)
    if _applies(android.get("device_mode_settings"), with_provision):
        found.extend(_mode_commands(android, device))
    for setting in SETTINGS:
        section: dict[str, Any] = android.get(setting.section) or {}
        if not _applies(section, with_provision) or section.get(setting.field) is None:
            continue
        wanted = setting.value(section[setting.field])
        if setting.current(device) != wanted:
            found.append((setting.command, {setting.arg: wanted}))
    return found


def _applies(section: Any, with_provision: bool) -> bool:
    """Whether a settings section is given and its ``apply_policy`` applies it now."""
    if not isinstance(section, dict) or not section:
        return False
    policy = section.get("apply_policy") or ALWAYS_APPLY
    return policy == ALWAYS_APPLY or (policy == PROVISION_ONLY and with_provision)


def _app_commands(
    apps: list[dict[str, Any]], device: Device, installed: Mapping[str, str | None]
) -> list[Command]:
    states = _info("software_info", "appStates")(device) or {}
    found: list[Command] = []
    for app in apps:
        package = app["package_name"]
        if installed.get(package) != app["app_version_id"]:
            found.append(
                ("INSTALL", {"app_version": app["app_version_id"], "package_name": package})
            )
    for app in apps:
        package = app["package_name"]
        wanted = APP_STATES.get(app["state"], app["state"])
        if states.get(package, "SHOW") != wanted:
            found.append(("SET_APP_STATE", {"package_name": package, "app_state": wanted}))
    return found


def _mode_commands(android: Mapping[str, Any], device: Device) -> list[Command]:
    mode = android["device_mode_settings"].get("device_mode")
    kiosk = _info("software_info", "kioskApp")(device)
    apps = android.get("apps") or []
    if mode == "KIOSK" and apps and kiosk != apps[0]["package_name"]:
        return [("SET_KIOSK_APP", {"package_name": apps[0]["package_name"]})]
    if mode == "MULTI APP" and kiosk:
        return [("SET_MULTI_APP_MODE", {})]
    return []


def _command(row: Row[Any]) -> ConvergeCommand:
    command = msgspec.json.decode(row.doc)
    return ConvergeCommand(
        command_request_id=row.request_id,
        command_state=shown_state(row.state, row.due_at),
        reason=command.get("details"),
        created_at=command.get("created_on"),
        updated_at=command.get("updated_on"),
    )


def _window(schedule_type: str, args: dict[str, Any] | None) -> CommandScheduleArgs | None:
    """A ``WINDOW`` converge's ``schedule_args``, read as the Commands API's; a 400 if bad."""
    if schedule_type != schedules.WINDOW:
        return None
    try:
        return msgspec.convert(args or {}, CommandScheduleArgs)
    except msgspec.ValidationError as exc:
        raise bad_request("schedule_args", str(exc)) from None


def _iso(moment: Any) -> str:
    return str(moment.isoformat())


def _id(value: str) -> str:
    """A path id as a canonical UUID; what is not one names nothing (a 404)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise not_found("Converge") from None
