"""``esper devices``: list and show devices, their apps, app installs and status events.

``devices list`` reads Esper's legacy device list (Android's) unless a filter only
Devices v2 has is given (``--platform``, ``--tag``, ``--blueprint``, ``--group``, which
takes the groups below too): then it reads Devices v2, which holds every platform.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import msgspec
import typer

from esper_cli import resolve
from esper_cli.errors import EXIT_NOT_FOUND, EXIT_USAGE, CliError
from esper_cli.options import LimitOpt, OutputOpt, PageSizeOpt, show_list
from esper_cli.output import (
    Feed,
    Format,
    View,
    col,
    page_size_for,
    prefetch_for,
    print_one,
    wire_keys,
)
from esper_cli.state import state_of
from esperclient import Esper
from esperclient._generated import v2
from esperclient.models import (
    AppInstall,
    Device,
    DeviceApp,
    DevicePlatform,
    DeviceState,
    DeviceStatus,
)
from esperclient.models._applications import INSTALL_STATES

app = typer.Typer(
    help="Devices: list, show, their apps, installs and events.", no_args_is_help=True
)

STATE_NAMES = {number: name.lower() for number, name in DeviceState.NAMES.items()} | {
    number: name.lower() for name, number in DeviceState.ALIASES.items()
}
"""Each device state's name on the command line: ``online`` and ``offline`` for 1 and 60."""
_STATE_CHOICES = list(dict.fromkeys([*map(str.lower, DeviceState.ALIASES), *STATE_NAMES.values()]))
PLATFORMS = [platform.lower() for platform in DevicePlatform.ALL]

DeviceArg = Annotated[str, typer.Argument(help="Device id or name.", show_default=False)]


def state_number(text: str) -> int:
    """The API's number for ``--state``: a state's name (``online``, ``disabled``...) or number."""
    try:
        return DeviceState.of(text)
    except ValueError:
        names = ", ".join(dict.fromkeys(STATE_NAMES.values()))
        raise CliError(
            f"unknown state {text!r}: use one of {names}, or a number", EXIT_USAGE
        ) from None


def _starting_with(choices: Iterable[str]) -> Callable[[str], list[str]]:
    """Shell completion of an option: the ``choices`` that start with what is typed."""
    return lambda incomplete: [c for c in choices if c.lower().startswith(incomplete.lower())]


def _install_state(state: str | None) -> str | None:
    """What the API filters by for ``state``: a name (``install_failed``) or its value."""
    if state is None:
        return None
    return INSTALL_STATES.get(state.upper(), state)


def state_name(device: Device | DeviceV2) -> str | None:
    """The device's state by name (``online``, ``offline``, ``disabled``...)."""
    if device.state is None:
        return None
    return STATE_NAMES.get(device.state, str(device.state))


def _info(field: str, key: str) -> Any:
    def get(device: Device) -> Any:
        info = getattr(device, field, None)
        return info.get(key) if isinstance(info, dict) else None

    return get


def _android(device: Device) -> str | None:
    version = _info("software_info", "androidVersion")(device)
    return f"Android {version}" if version else None


DEVICE = View.of_model(
    Device,
    [
        col("ID", "id"),
        col("NAME", "device_name"),
        col("STATE", state_name),
        col("PLATFORM", lambda _: DevicePlatform.ANDROID),  # the legacy API's are Android's
        col("BRAND", _info("hardware_info", "brand")),
        col("MODEL", _info("hardware_info", "model")),
        col("OS", _android),
        col("TAGS", "tags"),
    ],
    [
        col("ID", "id"),
        col("Name", "device_name"),
        col("Alias", "alias_name"),
        col("State", state_name),
        col("Policy", "policy_name"),
        col("Brand", _info("hardware_info", "brand")),
        col("Model", _info("hardware_info", "model")),
        col("Serial", _info("hardware_info", "serialNumber")),
        col("IMEI", _info("network_info", "imei1")),
        col("IP address", _info("network_info", "ipAddress")),
        col("Android", _info("software_info", "androidVersion")),
        col("API level", "api_level"),
        col("GMS", "is_gms"),
        col("Groups", "groups"),
        col("Tags", "tags"),
        col("Provisioned", "provisioned_on"),
        col("Updated", "updated_on"),
    ],
)
DeviceV2 = v2.AndroidDeviceV2 | v2.AppleDeviceV2 | v2.LinuxDeviceV2 | v2.WindowsDeviceV2
_V2_MODELS = (v2.AndroidDeviceV2, v2.AppleDeviceV2, v2.LinuxDeviceV2, v2.WindowsDeviceV2)


def _platform(device: DeviceV2) -> str:
    return str(type(device).__struct_config__.tag)


def _hardware(key: str) -> Callable[[DeviceV2], Any]:
    return lambda device: getattr(device.hardware_info, key, None)


def _os(device: DeviceV2) -> str | None:
    return " ".join(part for part in (device.os, device.os_version) if part) or None


def device_v2_view(tag_names: Callable[[list[str]], list[str]]) -> View:
    """How a Devices v2 device prints: its record is the wire object, ``platform`` first;
    the table names its tags with ``tag_names`` (the API gives their ids)."""
    keys = list(dict.fromkeys(["platform", *(k for m in _V2_MODELS for k in wire_keys(m))]))
    columns = [
        col("ID", "id"),
        col("NAME", "name"),
        col("STATE", state_name),
        col("PLATFORM", _platform),
        col("BRAND", _hardware("brand")),
        col("MODEL", _hardware("model")),
        col("OS", _os),
        col("TAGS", lambda device: tag_names(device.tags or [])),
    ]
    return View(columns, keys, msgspec.to_builtins)


DEVICE_APP = View.of_model(
    DeviceApp,
    [
        col("ID", "id"),
        col("NAME", "app_name"),
        col("PACKAGE", "package_name"),
        col("VERSION", "version_name"),
        col("VERSION CODE", "version_code"),
        col("WHITELISTED", "whitelisted"),
    ],
)


def _install_app(field: str) -> Any:
    def get(install: AppInstall) -> Any:
        return getattr(install.application, field, None) if install.application else None

    return get


def _install_version(install: AppInstall) -> Any:
    application = install.application
    return application.version.version_name if application and application.version else None


APP_INSTALL = View.of_model(
    AppInstall,
    [
        col("ID", "id"),
        col("APP", _install_app("application_name")),
        col("PACKAGE", _install_app("package_name")),
        col("VERSION", _install_version),
        col("STATE", "install_state"),
        col("UPDATED", "updated_on"),
    ],
)
EVENT = View.of_model(
    DeviceStatus, [col("ID", "id"), col("CREATED", "created_on"), col("DATA", "data")]
)


@app.command("list")
def list_devices(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            "-s",
            help="online, offline, another state's name (disabled, provisioning_begin...) "
            "or number.",
            show_default=False,
            autocompletion=_starting_with(_STATE_CHOICES),
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(help="Part of the name, IMEI or MAC address.", show_default=False),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Exact device name.", show_default=False)] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group", "-g", help="Group id or name (and the groups below).", show_default=False
        ),
    ] = None,
    brand: Annotated[str | None, typer.Option(help="Brand (any case).", show_default=False)] = None,
    platform: Annotated[
        list[str] | None,
        typer.Option(
            "--platform",
            help="android, apple, linux or windows (repeat for any of several).",
            show_default=False,
            autocompletion=_starting_with(PLATFORMS),
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Tag name (repeat for any of several).", show_default=False),
    ] = None,
    blueprint: Annotated[
        str | None, typer.Option(help="Id of the blueprint assigned.", show_default=False)
    ] = None,
    gms: Annotated[
        bool | None, typer.Option("--gms/--no-gms", help="Only GMS or only non-GMS devices.")
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List devices, page by page, with filters."""
    run = state_of(ctx)
    esper = run.client()
    if platform or tag or blueprint or group:
        legacy_only = [f"--{name}" for name, given in (("name", name), ("brand", brand)) if given]
        if legacy_only:
            raise CliError(
                f"{' and '.join(legacy_only)} cannot be combined with --platform, --tag, "
                "--blueprint or --group (they filter Devices v2, which has no such filter)",
                EXIT_USAGE,
            )
        tags = _Tags(esper)
        devices_v2 = esper.devices_v2.list(
            state=None if state is None else state_number(state),
            platform=[_platform_name(value) for value in platform or []] or None,
            group=None if group is None else resolve.group_id(esper, group),
            tags=None if not tag else tags.ids(tag),
            blueprint=blueprint,
            search=search,
            is_gms=gms,
            page_size=page_size_for(limit, page_size),
            prefetch=prefetch_for(limit, page_size),
        )
        view = device_v2_view(tags.names)
        show_list(run, run.format(output), view, Feed(devices_v2, limit), "devices")
        return
    devices = esper.devices.list(
        state=None if state is None else state_number(state),
        search=search,
        name=name,
        brand=brand,
        is_gms=gms,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), DEVICE, Feed(devices, limit), "devices")


def _platform_name(text: str) -> str:
    value = text.strip().lower()
    if value not in PLATFORMS:
        raise CliError(f"unknown platform {text!r}: use one of {', '.join(PLATFORMS)}", EXIT_USAGE)
    return value.upper()


class _Tags:
    """The enterprise's tags, read once when first needed: names to ids and back."""

    def __init__(self, esper: Esper) -> None:
        self._esper = esper
        self._by_id: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._by_id is None:
            self._by_id = {t.id: t.tag for t in self._esper.devices_v2.tags() if t.id and t.tag}
        return self._by_id

    def ids(self, names: list[str]) -> list[str]:
        """The ids of the tags ``names``; exit 4 naming those the enterprise lacks."""
        by_name = {tag: tag_id for tag_id, tag in self._all().items()}
        missing = [name for name in names if name not in by_name]
        if missing:
            raise CliError(f"no tag named {', '.join(map(repr, missing))}", EXIT_NOT_FOUND)
        return [by_name[name] for name in names]

    def names(self, tag_ids: list[str]) -> list[str]:
        """The names of ``tag_ids`` (an id the enterprise does not list stays an id)."""
        by_id = self._all() if tag_ids else {}
        return [by_id.get(tag_id, tag_id) for tag_id in tag_ids]


@app.command("show")
def show_device(ctx: typer.Context, device: DeviceArg, output: OutputOpt = None) -> None:
    """Show one device (in a table, its groups by name)."""
    run = state_of(ctx)
    fmt = run.format(output)
    esper = run.client()
    found = resolve.device(esper, device)
    view = DEVICE
    if fmt is Format.TABLE:
        names = resolve.group_names(esper, found.groups or [])
        details = [
            col("Groups", lambda _: names) if column.header == "Groups" else column
            for column in DEVICE.details
        ]
        view = dataclasses.replace(DEVICE, details=details)
    print_one(fmt, view, found)


@app.command("apps")
def device_apps(
    ctx: typer.Context,
    device: DeviceArg,
    search: Annotated[
        str | None, typer.Option(help="Part of the app name.", show_default=False)
    ] = None,
    package: Annotated[
        str | None, typer.Option(help="Exact package name.", show_default=False)
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List the apps on a device."""
    run = state_of(ctx)
    esper = run.client()
    apps = esper.devices.apps(
        resolve.device_id(esper, device),
        search=search,
        package_name=package,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), DEVICE_APP, Feed(apps, limit), "apps")


@app.command("installs")
def device_installs(
    ctx: typer.Context,
    device: DeviceArg,
    package: Annotated[
        str | None, typer.Option(help="Exact package name.", show_default=False)
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            "-s",
            help="Install state, by name or value: "
            + ", ".join(f"{name} ({value!r})" for name, value in INSTALL_STATES.items()),
            show_default=False,
            autocompletion=_starting_with(INSTALL_STATES),
        ),
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List the app install and uninstall records of a device."""
    run = state_of(ctx)
    esper = run.client()
    installs = esper.devices.installs(
        resolve.device_id(esper, device),
        package_name=package,
        install_state=_install_state(state),
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), APP_INSTALL, Feed(installs, limit), "installs")


@app.command("events")
def device_events(
    ctx: typer.Context,
    device: DeviceArg,
    latest: Annotated[bool, typer.Option("--latest", help="Only the newest event.")] = False,
    limit: LimitOpt = None,
    output: OutputOpt = None,
) -> None:
    """List a device's status events, newest first."""
    run = state_of(ctx)
    esper = run.client()
    events = esper.devices.events(resolve.device_id(esper, device), latest=latest)
    show_list(run, run.format(output), EVENT, [events[:limit] if limit else events], "events")
