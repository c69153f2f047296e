"""What a finished command does to its device, one function per command name.

``services.commands.COMMANDS`` gives every command its effect, one of these functions.
An effect changes the ``Device`` it is given (``Fleet`` saves it when the command
succeeds), writes the device's apps and install records, and returns a short summary of
what happened; it raises ``CommandFailed`` (before changing anything but an
"Uninstall Failed" record) when the command cannot be carried out, and the command
ends ``Command Failure`` with the reason as its ``details``. Every finished command is
logged as a ``DeviceStatus`` event.

Effects, as seen through the API (``softwareInfo``, ``hardwareInfo``, ``networkInfo``,
``displays`` and ``audioConstraints`` of the device; its apps; its app installs):

- ``REBOOT``: ``softwareInfo.lastRebootOn``.
- ``UPDATE_HEARTBEAT``: ``softwareInfo.lastHeartbeatOn``.
- ``LOCK``: ``softwareInfo.lockedOn``.
- ``INSTALL``: the app version is installed (any other version of it replaced), the
  version's ``installed_count`` follows, an "Install Success" app install is recorded.
  A v0 ``INSTALL`` may name only ``package_name``: its latest uploaded version.
- ``UNINSTALL``: the device app is removed, its version's ``installed_count`` follows,
  "Uninstall Success" is recorded; an app that is not installed, or a system app,
  fails (and "Uninstall Failed" is recorded). It may name ``app_version`` instead.
- ``WIPE``: a factory reset: installed apps removed (system apps stay, un-whitelisted),
  tags and alias cleared, every setting below back to its default,
  ``softwareInfo.lastWipeOn`` and ``lastRebootOn`` set; the device stays online.
- ``SET_WIFI_STATE``: ``networkInfo.wifiEnabled``; ``connectionType`` ``WIFI`` when on,
  else ``MOBILE`` (a device with an IMEI) or ``NONE``.
- ``SET_BLUETOOTH_STATE``: ``networkInfo.bluetoothEnabled``.
- ``SET_ROTATION_STATE``: ``rotateState`` of every display.
- ``SET_GPS_STATE``: ``hardwareInfo.gpsState``.
- ``SET_BRIGHTNESS_SCALE``: ``brightnessScale`` of every display.
- ``SET_STREAM_VOLUME``: the stream's volume in ``audioConstraints`` (``ringVolume``,
  ``notificationVolume``, ``alarmVolume``, ``musicVolume``).
- ``SET_SCREEN_OFF_TIMEOUT``: ``screenOffTimeout`` of every display.
- ``ADD_TO_WHITELIST`` / ``REMOVE_FROM_WHITELIST`` (v0): ``whitelisted`` on the device app.
- ``SET_TIMEZONE`` (v0): ``softwareInfo.timezone`` is ``timezone_string``.
- ``CAPTURE_SCREENSHOT``: ``softwareInfo.lastScreenshotOn`` (no image is kept).
- ``CLEAR_APP_DATA``: the device app's ``updated_on`` and the event log record it;
  fails for an app not installed or whose data is not clearable.
- ``UPDATE_DEVICE_CONFIG`` (v0): ``device_alias_name`` becomes the alias,
  ``custom_settings_config`` is merged into ``softwareInfo.customSettingsConfig``.
- ``SET_NEW_POLICY`` (v0): the device's ``policy`` is ``policy_url`` (and
  ``policy_name`` the policy's name when the URL names one of the enterprise's).
- ``ADD_WIFI_AP`` / ``REMOVE_WIFI_AP`` (v0): ``networkInfo.wifiAccessPoints`` (by
  ``wifiSsid``; passwords are not kept).
- ``SET_KIOSK_APP`` (v0): ``softwareInfo.kioskApp`` (the app must be installed).
- ``SET_DEVICE_LOCKDOWN_STATE`` (v0): ``softwareInfo.lockdownState`` (``LOCKED`` or
  ``UNLOCKED``) and ``lockdownMessage``.
- ``SET_APP_STATE`` (v0): ``softwareInfo.appStates[package]`` (``SHOW``, ``HIDE`` or
  ``DISABLE``); the device app is active only when shown.
- ``UPDATE_LATEST_DPC`` (v0): ``softwareInfo.esperClientVersionName`` becomes
  ``LATEST_DPC_VERSION``, ``softwareInfo.dpcUpdatedOn`` set.

No command is state-only. Arguments come from ``command_args`` and, for a v0 request,
its raw arguments kept on the command row; a missing or malformed one fails the command
(never the queue). ``Enrollment`` makes what a newly seeded device reports at once: its
system apps and first status event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

import msgspec

from esper_emulator.services.urls import device_url, enterprise_url
from esper_emulator.store import Row, Store
from esper_emulator.store import apps as apps_db
from esper_emulator.store import records as records_db
from esper_emulator.store import reports as reports_db
from esper_emulator.store.reports import NewApp, StoredApp
from esperclient.models import (
    AppInstall,
    AppInstallApplication,
    AppInstallStateEnum,
    AppInstallVersion,
    AppVersion,
    Device,
    DeviceApp,
    DeviceCommand,
    DeviceStatus,
    id_from_url,
)
from esperclient.models._applications import INSTALL_STATES

LATEST_DPC_VERSION = "7.10.2"

INSTALL_SUCCESS = INSTALL_STATES[AppInstallStateEnum.INSTALL_SUCCESS]
UNINSTALL_SUCCESS = INSTALL_STATES[AppInstallStateEnum.UNINSTALL_SUCCESS]
UNINSTALL_FAILED = INSTALL_STATES[AppInstallStateEnum.UNINSTALL_FAILED]

VOLUME_KEYS = {0: "ringVolume", 1: "notificationVolume", 2: "alarmVolume", 3: "musicVolume"}
"""``audioConstraints`` key of each ``SettingsVolumeStreamEnum`` value."""

LOCKDOWN_STATES = ("LOCKED", "UNLOCKED")
APP_STATES = ("SHOW", "HIDE", "DISABLE")

_SETTINGS: dict[str, tuple[str, ...]] = {
    "software_info": (
        "lockedOn",
        "kioskApp",
        "lockdownState",
        "lockdownMessage",
        "customSettingsConfig",
        "appStates",
        "timezone",
    ),
    "network_info": ("wifiAccessPoints", "bluetoothEnabled"),
    "hardware_info": ("gpsState",),
}
"""The settings commands write, per device section; a wipe removes them."""

_DISPLAY_SETTINGS = ("brightnessScale", "rotateState", "screenOffTimeout")

AGENT_PACKAGE = "io.shoonya.shoonyadpc"


class CommandFailed(Exception):
    """The command could not be carried out; ``details`` says why."""

    def __init__(self, details: str) -> None:
        super().__init__(details)
        self.details = details


@dataclass
class Target:
    """One finishing command: its device (changed in place), arguments and time."""

    store: Store
    enterprise_id: str
    device: Device
    command: DeviceCommand
    args: dict[str, Any]
    when: datetime

    @property
    def device_id(self) -> str:
        """The device's id."""
        assert self.device.id is not None
        return self.device.id

    @property
    def name(self) -> str:
        """The command's name."""
        return self.command.command or ""

    def arg(self, name: str) -> Any:
        """The argument ``name``, which the command's spec made sure was sent.

        Only a command queued around those checks (a test's) can lack it: it fails.
        """
        value = self.args.get(name)
        if value is None:
            raise CommandFailed(f"{self.name} needs command_args.{name}.")
        return value

    def text(self, name: str) -> str:
        """The string argument ``name``; the command fails when it is not a string."""
        value = self.arg(name)
        if not isinstance(value, str):
            raise CommandFailed(f"command_args.{name} must be a string.")
        return value

    def optional_text(self, name: str) -> str | None:
        """The string argument ``name``, or ``None`` when it is not given."""
        return self.text(name) if self.args.get(name) not in (None, "") else None


Effect = Callable[[Target], str]


def arguments(command: DeviceCommand, v0_args: bytes | None) -> dict[str, Any]:
    """The command's arguments by wire name: its ``command_args``, then the raw v0 ones."""
    args: dict[str, Any] = msgspec.to_builtins(command.command_args) or {}
    if v0_args:
        args.update(msgspec.json.decode(v0_args))
    return args


def log_event(
    store: Store, enterprise_id: str, device_id: str, data: dict[str, Any], when: datetime
) -> None:
    """Record a ``DeviceStatus`` event of the device (``data`` becomes a JSON string)."""
    reports_db.add_event(
        store, enterprise_id, device_id, _event(enterprise_id, device_id, data, when)
    )


def _event(enterprise_id: str, device_id: str, data: dict[str, Any], when: datetime) -> bytes:
    """The stored ``DeviceStatus`` of an event (its ``id`` is its row's ``pk``)."""
    event = DeviceStatus.construct(
        data=msgspec.json.encode(data).decode(),
        created_on=when,
        device=device_url(enterprise_id, device_id),
        enterprise=enterprise_url(enterprise_id),
    )
    return msgspec.json.encode(event)


def _stamp(when: datetime) -> str:
    """``when`` as the API writes times."""
    text: str = msgspec.json.decode(msgspec.json.encode(when))
    return text


def _section(device: Device, name: str) -> dict[str, Any]:
    """A dict section of the device (``software_info``...), created when missing."""
    value = getattr(device, name)
    if not isinstance(value, dict):
        value = {}
        setattr(device, name, value)
    return value


def _displays(device: Device) -> list[dict[str, Any]]:
    """Every display of the device (one is created when it has none)."""
    displays = _section(device, "displays")
    if not displays:
        displays["0"] = {}
    return [d for d in displays.values() if isinstance(d, dict)]


# device state


def reboot(target: Target) -> str:
    _section(target.device, "software_info")["lastRebootOn"] = _stamp(target.when)
    return "Rebooted."


def heartbeat(target: Target) -> str:
    _section(target.device, "software_info")["lastHeartbeatOn"] = _stamp(target.when)
    return "Heartbeat sent."


def lock(target: Target) -> str:
    _section(target.device, "software_info")["lockedOn"] = _stamp(target.when)
    return "Screen locked."


def set_wifi(target: Target) -> str:
    enabled = bool(target.arg("wifi_state"))
    network = _section(target.device, "network_info")
    network["wifiEnabled"] = enabled
    fallback = "MOBILE" if network.get("imei1") else "NONE"
    network["connectionType"] = "WIFI" if enabled else fallback
    return f"Wi-Fi turned {'on' if enabled else 'off'}."


def set_bluetooth(target: Target) -> str:
    enabled = bool(target.arg("bluetooth_state"))
    _section(target.device, "network_info")["bluetoothEnabled"] = enabled
    return f"Bluetooth turned {'on' if enabled else 'off'}."


def set_gps(target: Target) -> str:
    state = target.arg("gps_state")
    _section(target.device, "hardware_info")["gpsState"] = state
    return f"Location mode set to {state}."


def _set_display(target: Target, arg: str, key: str) -> str:
    value = target.arg(arg)
    for display in _displays(target.device):
        display[key] = value
    return f"{key} set to {value}."


def set_rotation(target: Target) -> str:
    return _set_display(target, "rotate_state", "rotateState")


def set_brightness(target: Target) -> str:
    return _set_display(target, "brightness_value", "brightnessScale")


def set_screen_off_timeout(target: Target) -> str:
    return _set_display(target, "screen_off_timeout", "screenOffTimeout")


def set_volume(target: Target) -> str:
    stream, level = target.arg("stream"), target.arg("volume_level")
    key = VOLUME_KEYS.get(stream)
    if key is None:
        raise CommandFailed(f"Unknown volume stream {stream!r}.")
    _section(target.device, "audio_constraints")[key] = level
    return f"{key} set to {level}."


def update_dpc(target: Target) -> str:
    software = _section(target.device, "software_info")
    software["esperClientVersionName"] = LATEST_DPC_VERSION
    software["dpcUpdatedOn"] = _stamp(target.when)
    row = _app_row(target, AGENT_PACKAGE)
    if row is not None:
        agent = msgspec.json.decode(row.doc, type=DeviceApp)
        agent.version_name = LATEST_DPC_VERSION
        agent.version_code = LATEST_DPC_VERSION.replace(".", "")
        _save_app(target, row, agent)
    return f"Esper Agent updated to {LATEST_DPC_VERSION}."


def update_config(target: Target) -> str:
    alias = target.optional_text("device_alias_name")
    config = target.args.get("custom_settings_config")
    if not alias and not isinstance(config, dict):
        raise CommandFailed(
            "UPDATE_DEVICE_CONFIG needs command_args.custom_settings_config "
            "or command_args.device_alias_name."
        )
    if alias:
        target.device.alias_name = alias
    if isinstance(config, dict):
        software = _section(target.device, "software_info")
        software["customSettingsConfig"] = {
            **(software.get("customSettingsConfig") or {}),
            **config,
        }
    return "Device config updated."


def set_policy(target: Target) -> str:
    url = target.text("policy_url")
    target.device.policy = url
    name = _policy_name(target.store, target.enterprise_id, url)
    if name is not None:
        target.device.policy_name = name
    return f"Policy set to {name or url}."


def _policy_name(store: Store, enterprise_id: str, url: str) -> str | None:
    """The name of the enterprise's policy that ``url`` ends with the id of."""
    last = id_from_url(url) or ""
    if not last.isdigit():
        return None
    row = records_db.policy(store, enterprise_id, int(last))
    return None if row is None else str(row.name)


def set_lockdown(target: Target) -> str:
    state = target.text("state")
    if state not in LOCKDOWN_STATES:
        raise CommandFailed(f"command_args.state must be LOCKED or UNLOCKED, not {state!r}.")
    software = _section(target.device, "software_info")
    software["lockdownState"] = state
    software["lockdownMessage"] = target.optional_text("message") or ""
    return f"Device {state.lower()}."


# Wi-Fi access points


def _access_points(target: Target) -> list[dict[str, Any]]:
    """The command's access points, each with an SSID (as ``wifiSsid``), no password."""
    given = target.arg("wifi_access_points")
    items = given if isinstance(given, list) else [given]
    points = []
    for item in items:
        ssid = (item.get("wifiSsid") or item.get("ssid")) if isinstance(item, dict) else None
        if not ssid:
            raise CommandFailed("Every Wi-Fi access point needs a wifiSsid.")
        kept = {k: v for k, v in item.items() if "password" not in k.lower() and k != "ssid"}
        points.append({**kept, "wifiSsid": ssid})
    return points


def add_wifi_ap(target: Target) -> str:
    points = _access_points(target)
    network = _section(target.device, "network_info")
    added = {p["wifiSsid"] for p in points}
    kept = [p for p in network.get("wifiAccessPoints") or [] if p.get("wifiSsid") not in added]
    network["wifiAccessPoints"] = kept + points
    return f"Added Wi-Fi {', '.join(sorted(added))}."


def remove_wifi_ap(target: Target) -> str:
    removed = {p["wifiSsid"] for p in _access_points(target)}
    network = _section(target.device, "network_info")
    known = network.get("wifiAccessPoints") or []
    missing = removed - {p.get("wifiSsid") for p in known}
    if missing:
        raise CommandFailed(f"Wi-Fi {', '.join(sorted(missing))} is not configured.")
    network["wifiAccessPoints"] = [p for p in known if p.get("wifiSsid") not in removed]
    return f"Removed Wi-Fi {', '.join(sorted(removed))}."


# apps


def _app_row(target: Target, package: str) -> StoredApp | None:
    return reports_db.app_row(target.store, target.device_id, package)


def _installed(target: Target, package: str) -> tuple[StoredApp, DeviceApp]:
    """The device's app ``package``; the command fails when it is not installed."""
    row = _app_row(target, package)
    if row is None:
        raise CommandFailed(f"{package} is not installed on the device.")
    return row, msgspec.json.decode(row.doc, type=DeviceApp)


def _save_app(target: Target, row: StoredApp, app: DeviceApp) -> None:
    app.updated_on = target.when
    reports_db.save_app(target.store, row.pk, msgspec.json.encode(app))


def whitelist(target: Target) -> str:
    return f"{_set_whitelisted(target, True)} whitelisted."


def unwhitelist(target: Target) -> str:
    return f"{_set_whitelisted(target, False)} removed from the whitelist."


def _set_whitelisted(target: Target, whitelisted: bool) -> str:
    """Set ``whitelisted`` on the installed app ``package_name``; its package."""
    package = target.text("package_name")
    row, app = _installed(target, package)
    app.whitelisted = whitelisted
    _save_app(target, row, app)
    return package


def set_timezone(target: Target) -> str:
    zone = target.text("timezone_string")
    _section(target.device, "software_info")["timezone"] = zone
    return f"Timezone set to {zone}."


def capture_screenshot(target: Target) -> str:
    _section(target.device, "software_info")["lastScreenshotOn"] = _stamp(target.when)
    return "Screenshot captured."


def clear_app_data(target: Target) -> str:
    package = target.text("package_name")
    row, app = _installed(target, package)
    if app.is_data_clearable is False:
        raise CommandFailed(f"The data of {package} cannot be cleared.")
    _save_app(target, row, app)
    return f"Data of {package} cleared."


def set_kiosk_app(target: Target) -> str:
    package = target.text("package_name")
    _installed(target, package)
    _section(target.device, "software_info")["kioskApp"] = package
    return f"Kiosk app set to {package}."


def set_app_state(target: Target) -> str:
    package, state = target.text("package_name"), target.text("app_state")
    if state not in APP_STATES:
        raise CommandFailed(f"command_args.app_state must be SHOW, HIDE or DISABLE, not {state!r}.")
    row, app = _installed(target, package)
    app.is_active = state == "SHOW"
    _save_app(target, row, app)
    states = _section(target.device, "software_info").setdefault("appStates", {})
    states[package] = state
    return f"{package} set to {state}."


def _count_install(store: Store, version_id: str | None, change: int) -> None:
    """Add ``change`` to the ``installed_count`` of an app version (if it still exists)."""
    row = None if version_id is None else apps_db.version_by_id(store, version_id)
    if row is None:
        return
    version = msgspec.json.decode(row.doc, type=AppVersion)
    version.installed_count = max(0, (version.installed_count or 0) + change)
    apps_db.save_version(store, row.pk, msgspec.json.encode(version))


def _record(
    target: Target,
    state: str,
    app: AppInstallApplication,
    version_id: str | None = None,
    reason: str | None = None,
) -> None:
    """Record an ``AppInstall`` of the device."""
    assert app.package_name is not None and app.application_name is not None
    install_id = str(uuid.uuid4())
    install = AppInstall.construct(
        id=install_id,
        application=app,
        install_state=state,
        reason_details=reason,
        created_on=target.when,
        updated_on=target.when,
        is_active=True,
        enterprise=enterprise_url(target.enterprise_id),
        device=device_url(target.enterprise_id, target.device_id),
    )
    reports_db.add_install(
        target.store,
        target.enterprise_id,
        target.device_id,
        install_id,
        app_version_id=version_id,
        package_name=app.package_name,
        application_name=app.application_name,
        install_state=state,
        doc=msgspec.json.encode(install),
    )


def _installed_app(app: DeviceApp) -> AppInstallApplication:
    """The ``application`` of an app install, from what the device has."""
    return AppInstallApplication(
        application_name=app.app_name,
        package_name=app.package_name,
        version=AppInstallVersion.construct(
            version_code=app.version_code, version_name=app.version_name
        ),
        is_enabled=True,
    )


def _app_name(target: Target, package: str) -> str:
    """The enterprise's name for the app ``package`` (the package when it has none)."""
    row = apps_db.app_by_package(target.store, target.enterprise_id, package)
    return package if row is None else str(row.application_name)


def _uninstall_package(target: Target) -> str:
    """The package an ``UNINSTALL`` names, or the package of the app version it names."""
    package = target.optional_text("package_name")
    version_id = target.optional_text("app_version")
    if not package and version_id:
        package = apps_db.package_of_version(target.store, target.enterprise_id, version_id)
    return package or target.text("package_name")


def uninstall(target: Target) -> str:
    package = _uninstall_package(target)
    row = _app_row(target, package)
    app = None if row is None else msgspec.json.decode(row.doc, type=DeviceApp)
    if row is None or app is None:
        _uninstall_failed(target, package, _app_name(target, package), "is not installed")
    elif app.is_uninstallable is False:
        _uninstall_failed(
            target, package, app.app_name, "is a system app and cannot be uninstalled"
        )
    assert row is not None and app is not None
    _remove_app(target.store, row)
    _record(target, UNINSTALL_SUCCESS, _installed_app(app), row.app_version_id)
    return f"{package} uninstalled."


def _uninstall_failed(target: Target, package: str, name: str | None, why: str) -> NoReturn:
    """Record an "Uninstall Failed" app install, and fail the command."""
    problem = f"{package} {why}."
    app = AppInstallApplication(application_name=name, package_name=package, is_enabled=True)
    _record(target, UNINSTALL_FAILED, app, reason=problem)
    raise CommandFailed(problem)


def _remove_app(store: Store, row: StoredApp) -> None:
    """Remove a device app; its version counts one install less."""
    reports_db.delete_app(store, row.pk)
    _count_install(store, row.app_version_id, -1)


def _version_row(target: Target) -> Row[Any]:
    """The app version to install: ``app_version``, or the latest of ``package_name``."""
    version_id = target.optional_text("app_version")
    if version_id:
        row = apps_db.version_row(target.store, target.enterprise_id, version_id)
        if row is None:
            raise CommandFailed(f"App version {version_id} not found.")
        return row
    package = target.optional_text("package_name") or target.text("app_version")
    latest = apps_db.latest_version(target.store, target.enterprise_id, package)
    if latest is None:
        raise CommandFailed(f"No version of {package} is uploaded.")
    return latest


def install(target: Target) -> str:
    row = _version_row(target)
    app_row = apps_db.app_row(target.store, target.enterprise_id, row.application_id)
    assert app_row is not None
    version = msgspec.json.decode(row.doc, type=AppVersion)
    existing = _app_row(target, app_row.package_name)
    if existing is None or existing.app_version_id != row.id:
        _put_app(target, app_row, version, existing)
    installed = AppInstallApplication(
        application_name=app_row.application_name,
        package_name=app_row.package_name,
        version=AppInstallVersion.construct(
            app_version_id=version.id,
            version_code=version.version_code,
            version_name=version.version_name,
            build_number=version.build_number,
            hash_string=version.hash_string,
        ),
        is_enabled=True,
    )
    _record(target, INSTALL_SUCCESS, installed, row.id)
    return f"{app_row.package_name} {version.version_code} installed."


def _put_app(
    target: Target, app_row: Row[Any], version: AppVersion, existing: StoredApp | None
) -> None:
    """Install ``version`` on the device, replacing the ``existing`` version of the app."""
    before = msgspec.json.decode(existing.doc, type=DeviceApp) if existing else None
    app = DeviceApp.construct(
        id=before.id if before else str(uuid.uuid4()),
        permissions=[],
        app_name=app_row.application_name,
        package_name=app_row.package_name,
        whitelisted=before.whitelisted if before else False,
        is_data_clearable=True,
        is_uninstallable=True,
        version_code=version.build_number or version.version_code,
        version_name=version.version_name or version.version_code,
        created_on=before.created_on if before else target.when,
        updated_on=target.when,
        is_active=True,
        device=target.device_id,
    )
    assert app.id is not None and version.id is not None
    doc = msgspec.json.encode(app)
    if existing is None:
        new = NewApp(app.id, target.device_id, app_row.package_name, version.id, doc)
        reports_db.add_apps(target.store, [new])
    else:
        reports_db.move_app(target.store, existing.pk, version.id, doc)
        _count_install(target.store, existing.app_version_id, -1)
    _count_install(target.store, version.id, +1)


# the factory reset


def wipe(target: Target) -> str:
    removed = _wipe_apps(target)
    device = target.device
    device.tags = []
    device.alias_name = None
    for name, keys in _SETTINGS.items():
        section = _section(device, name)
        for key in keys:
            section.pop(key, None)
    network = _section(device, "network_info")
    if "wifiEnabled" in network:
        network["wifiEnabled"] = True
        network["connectionType"] = "WIFI"
    for display in _displays(device):
        for key in _DISPLAY_SETTINGS:
            display.pop(key, None)
    software = _section(device, "software_info")
    software["lastWipeOn"] = software["lastRebootOn"] = _stamp(target.when)
    external = " and external storage" if target.args.get("wipe_external_storage") else ""
    return f"Wiped{external}: {removed} apps removed."


def _wipe_apps(target: Target) -> int:
    """Remove the installed apps, reset the system apps; how many were removed."""
    removed = 0
    for row in reports_db.app_rows(target.store, target.device_id):
        app = msgspec.json.decode(row.doc, type=DeviceApp)
        if app.is_uninstallable is False:
            app.whitelisted, app.is_active = False, True
            _save_app(target, row, app)
        else:
            _remove_app(target.store, row)
            removed += 1
    return removed


# what a seeded device starts with


SYSTEM_APPS = 3
"""How many preinstalled apps a new device has (``Enrollment.reports`` takes an id for each)."""


def _system_apps(device: Device, when: datetime, app_ids: Sequence[str]) -> list[DeviceApp]:
    """The preinstalled apps of ``device``: the Esper Agent, Settings and Chrome."""
    software = device.software_info if isinstance(device.software_info, dict) else {}
    agent = str(software.get("esperClientVersionName") or LATEST_DPC_VERSION)
    android = str(software.get("androidVersion") or "13")
    sdk = str(software.get("sdkVersion") or device.api_level or 33)
    specs = (
        (AGENT_PACKAGE, "Esper Agent", agent.replace(".", ""), agent, True, False),
        ("com.android.settings", "Settings", sdk, android, False, True),
        ("com.android.chrome", "Chrome", "609914433", "120.0.6099.144", False, True),
    )
    return [
        DeviceApp.construct(
            id=app_id,
            permissions=[],
            app_name=name,
            package_name=package,
            whitelisted=whitelisted,
            is_data_clearable=clearable,
            is_uninstallable=False,
            version_code=code,
            version_name=version_name,
            created_on=when,
            updated_on=when,
            is_active=True,
            device=device.id,
        )
        for app_id, (package, name, code, version_name, whitelisted, clearable) in zip(
            app_ids, specs, strict=True
        )
    ]


_APP_ID = "@@app-id@@"
_DEVICE_ID = "@@device-id@@"
_APP_ID_MARK = _APP_ID.encode()
_DEVICE_ID_MARK = _DEVICE_ID.encode()


def _put(doc: bytes, app_id: bytes, device_id: bytes) -> bytes:
    """``doc`` with the ids put where their marks are."""
    return doc.replace(_APP_ID_MARK, app_id).replace(_DEVICE_ID_MARK, device_id)


class Enrollment:
    """What new devices of an enterprise report at once, all at ``when``: their system
    apps and first status event. These docs differ between devices only by the ids in
    them, so each kind is encoded once, with marks where the ids go (an id is plain
    ASCII, encoded as it is), and each device's docs are copies with its ids put in."""

    def __init__(self, enterprise_id: str, when: datetime) -> None:
        self.enterprise_id = enterprise_id
        self.when = when
        self._apps: dict[tuple[Any, ...], list[tuple[str, bytes]]] = {}
        self._events: dict[int | None, bytes] = {}

    def reports(self, device: Device, app_ids: Sequence[str]) -> tuple[list[NewApp], bytes]:
        """``device``'s system apps (with ``app_ids``, one for each of ``SYSTEM_APPS``) and
        the ``doc`` of its first status event."""
        device_id = device.id
        assert device_id is not None
        mark = device_id.encode()
        apps = [
            NewApp(app_id, device_id, package, None, _put(doc, app_id.encode(), mark))
            for app_id, (package, doc) in zip(app_ids, self._app_docs(device), strict=True)
        ]
        return apps, _put(self._event_doc(device), b"", mark)

    def _app_docs(self, device: Device) -> list[tuple[str, bytes]]:
        software = device.software_info if isinstance(device.software_info, dict) else {}
        versions = ("esperClientVersionName", "androidVersion", "sdkVersion")
        key = (*(software.get(name) for name in versions), device.api_level)
        if key not in self._apps:
            marked = msgspec.structs.replace(device, id=_DEVICE_ID)
            apps = _system_apps(marked, self.when, [_APP_ID] * SYSTEM_APPS)
            self._apps[key] = [(str(app.package_name), msgspec.json.encode(app)) for app in apps]
        return self._apps[key]

    def _event_doc(self, device: Device) -> bytes:
        if device.status not in self._events:
            data = {"event": "ENROLLED", "status": device.status}
            doc = _event(self.enterprise_id, _DEVICE_ID, data, self.when)
            self._events[device.status] = doc
        return self._events[device.status]


def _new_app(device_id: str, app: DeviceApp) -> NewApp:
    """A system app of the device, to insert (it is at no uploaded version)."""
    assert app.id is not None and app.package_name is not None
    return NewApp(app.id, device_id, app.package_name, None, msgspec.json.encode(app))
