"""``esper devices``: list and show devices, their apps, app installs and status events."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer

from esper_cli import resolve
from esper_cli.errors import EXIT_USAGE, CliError
from esper_cli.options import LimitOpt, OutputOpt, PageSizeOpt, show_list
from esper_cli.output import Feed, Format, View, col, page_size_for, print_one
from esper_cli.state import state_of
from esperclient.models import AppInstall, Device, DeviceApp, DeviceStatus
from esperclient.models._applications import INSTALL_STATES

app = typer.Typer(
    help="Devices: list, show, their apps, installs and events.", no_args_is_help=True
)

STATES = {"online": 1, "offline": 60}
"""Device states by name (``--state`` also takes the API's number)."""
_STATE_NAMES = {number: name for name, number in STATES.items()}

DeviceArg = Annotated[str, typer.Argument(help="Device id or name.", show_default=False)]


def state_number(text: str) -> int:
    """The API's number for ``--state``: ``online``, ``offline`` or a number."""
    value = text.strip().lower()
    if value in STATES:
        return STATES[value]
    if value.isdigit():
        return int(value)
    raise CliError(f"unknown state {text!r}: use online, offline or a number", EXIT_USAGE)


def _starting_with(choices: Iterable[str]) -> Callable[[str], list[str]]:
    """Shell completion of an option: the ``choices`` that start with what is typed."""
    return lambda incomplete: [c for c in choices if c.lower().startswith(incomplete.lower())]


def _install_state(state: str | None) -> str | None:
    """What the API filters by for ``state``: a name (``install_failed``) or its value."""
    if state is None:
        return None
    return INSTALL_STATES.get(state.upper(), state)


def state_name(device: Device) -> str | None:
    """``online``, ``offline``, or the state's number."""
    if device.state is None:
        return None
    return _STATE_NAMES.get(device.state, str(device.state))


def _info(field: str, key: str) -> Any:
    def get(device: Device) -> Any:
        info = getattr(device, field, None)
        return info.get(key) if isinstance(info, dict) else None

    return get


DEVICE = View.of_model(
    Device,
    [
        col("ID", "id"),
        col("NAME", "device_name"),
        col("STATE", state_name),
        col("BRAND", _info("hardware_info", "brand")),
        col("MODEL", _info("hardware_info", "model")),
        col("ANDROID", _info("software_info", "androidVersion")),
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
            help="online, offline, or a state number.",
            show_default=False,
            autocompletion=_starting_with(STATES),
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(help="Part of the name, IMEI or MAC address.", show_default=False),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Exact device name.", show_default=False)] = None,
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="Group id or name.", show_default=False)
    ] = None,
    brand: Annotated[str | None, typer.Option(help="Brand (any case).", show_default=False)] = None,
    tag: Annotated[str | None, typer.Option(help="Part of a tag.", show_default=False)] = None,
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
    devices = esper.devices.list(
        state=None if state is None else state_number(state),
        search=search,
        name=name,
        group=None if group is None else resolve.group_id(esper, group),
        brand=brand,
        tags=tag,
        is_gms=gms,
        page_size=page_size_for(limit, page_size),
    )
    show_list(run, run.format(output), DEVICE, Feed(devices, limit), "devices")


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
