"""Every command the simulated devices know, written once: what it needs and what it does.

A ``CommandSpec`` names a command, the APIs that take it (the device API, v0 command
requests, group commands: as the API description lists them, which is more than
esperclient 0.1.3's enums for v0), the ``command_args`` it cannot do without, the
choices some of them are limited to, and its effect on the device (``effects``). The
request checks, the v0 checks and the fleet all read this table; adding a command is one
``CommandSpec`` and its effect function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from esper_emulator.errors import bad_request
from esper_emulator.services import effects

Api = Literal["device", "v0", "group"]

Needs = tuple[tuple[str, ...], ...]
"""Arguments a command cannot do without: of each tuple, at least one must be given."""


@dataclass(frozen=True)
class CommandSpec:
    """One command: its name, the arguments it needs and their choices, its effect."""

    name: str
    apis: frozenset[Api]
    effect: effects.Effect
    needs: Needs = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def check(self, args: Mapping[str, Any]) -> None:
        """A 400 naming ``command_args.<field>`` for a missing argument or a bad choice."""
        for names in self.needs:
            if all(args.get(name) in (None, "") for name in names):
                needed = " or ".join(names)
                raise bad_request(f"command_args.{names[0]}", f"{self.name} needs {needed}.")
        for name, choices in self.choices.items():
            value = args.get(name)
            if value not in (None, "") and value not in choices:
                listed = ", ".join(choices)
                raise bad_request(
                    f"command_args.{name}", f'"{value}" is not a valid choice: {listed}.'
                )


def _spec(
    name: str,
    apis: frozenset[Api],
    effect: effects.Effect,
    *needs: tuple[str, ...],
    **choices: tuple[str, ...],
) -> CommandSpec:
    return CommandSpec(name, apis, effect, needs, choices)


_APP = ("package_name",)
_ALL: frozenset[Api] = frozenset({"device", "v0", "group"})
_SINGLE: frozenset[Api] = frozenset({"device", "v0"})
_V0: frozenset[Api] = frozenset({"v0"})
_DEVICE: frozenset[Api] = frozenset({"device"})

COMMANDS: Mapping[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        _spec("REBOOT", _ALL, effects.reboot),
        _spec("LOCK", _ALL, effects.lock),
        # an app version; a v0 request may name only an uploaded app's package (see Fleet)
        _spec("INSTALL", _ALL, effects.install, ("app_version", "package_name")),
        _spec("UPDATE_HEARTBEAT", _ALL, effects.heartbeat),
        _spec("WIPE", _SINGLE, effects.wipe),
        _spec("SET_WIFI_STATE", _SINGLE, effects.set_wifi, ("wifi_state",)),
        _spec("SET_BLUETOOTH_STATE", _SINGLE, effects.set_bluetooth, ("bluetooth_state",)),
        _spec("SET_ROTATION_STATE", _SINGLE, effects.set_rotation, ("rotate_state",)),
        _spec("SET_GPS_STATE", _SINGLE, effects.set_gps, ("gps_state",)),
        _spec("SET_BRIGHTNESS_SCALE", _SINGLE, effects.set_brightness, ("brightness_value",)),
        _spec("SET_STREAM_VOLUME", _SINGLE, effects.set_volume, ("stream",), ("volume_level",)),
        _spec(
            "SET_SCREEN_OFF_TIMEOUT",
            _SINGLE,
            effects.set_screen_off_timeout,
            ("screen_off_timeout",),
        ),
        # the app by package, or by one of its versions as esper-cli sends it
        _spec("UNINSTALL", _SINGLE, effects.uninstall, ("package_name", "app_version")),
        _spec("ADD_TO_WHITELIST", _SINGLE, effects.whitelist, _APP),
        _spec("CLEAR_APP_DATA", _SINGLE, effects.clear_app_data, _APP),
        _spec(
            "UPDATE_DEVICE_CONFIG",
            _V0,
            effects.update_config,
            ("custom_settings_config", "device_alias_name"),
        ),
        _spec("SET_NEW_POLICY", _V0, effects.set_policy, ("policy_url",)),
        _spec("ADD_WIFI_AP", _V0, effects.add_wifi_ap, ("wifi_access_points",)),
        _spec("REMOVE_WIFI_AP", _V0, effects.remove_wifi_ap, ("wifi_access_points",)),
        _spec("SET_KIOSK_APP", _V0, effects.set_kiosk_app, _APP),
        _spec(
            "SET_DEVICE_LOCKDOWN_STATE",
            _V0,
            effects.set_lockdown,
            ("state",),
            state=effects.LOCKDOWN_STATES,
        ),
        _spec(
            "SET_APP_STATE",
            _V0,
            effects.set_app_state,
            _APP,
            ("app_state",),
            app_state=effects.APP_STATES,
        ),
        _spec("UPDATE_LATEST_DPC", _V0, effects.update_dpc),
        _spec("REMOVE_FROM_WHITELIST", _V0, effects.unwhitelist, _APP),
        _spec("SET_TIMEZONE", _V0, effects.set_timezone, ("timezone_string",)),
        _spec("CAPTURE_SCREENSHOT", _DEVICE, effects.capture_screenshot),
    )
}
"""Every command the devices know, by name."""


def accepted(name: str | None, api: Api) -> CommandSpec:
    """The spec of command ``name`` sent through ``api``; a 400 when it is not one of its."""
    if name is None:
        raise bad_request("command", "This field is required.")
    spec = COMMANDS.get(name)
    if spec is None or api not in spec.apis:
        raise bad_request("command", f'"{name}" is not a valid choice.')
    return spec


def carry_out(target: effects.Target) -> str:
    """Carry out the command on its device; a summary, or ``effects.CommandFailed``."""
    spec = COMMANDS.get(target.name)
    if spec is None:
        raise effects.CommandFailed(f"The device does not know the command {target.name!r}.")
    try:
        return spec.effect(target)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        # malformed raw (v0) arguments fail their command, never the whole queue
        raise effects.CommandFailed(f"Invalid command_args for {target.name}: {exc}") from None
