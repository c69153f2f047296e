"""Every command the simulated devices know, written once: what it needs and what it does.

A ``CommandSpec`` names a command, the APIs that take it (the device API, v0 command
requests, group commands, the Commands API: as the API description lists them, which is
more than esperclient 0.1.3's enums for v0), the ``command_args`` it cannot do without,
the choices some of them are limited to, its effect on the device (``effects``,
``api_effects``), the platforms that carry it out and how long a delivered command may
take before it times out (Commands API). The request checks, the v0 checks and the
fleet all read this table; adding a command is one ``CommandSpec`` and its effect.

Platforms are those the command's description names (LOCK and REBOOT: Android, iOS and
Windows; the profile, VPP and passcode commands: iOS; RUN_SHELL_SCRIPT: Linux and
Windows; RUN_CUSTOM_ACTION and COLLECT_LOGS: Linux; heartbeat, device information,
converge and blueprint updates: every platform); a command whose description names none
is Android's, the platform Esper's device commands started on.

Timeouts (help.esper.io gives 2 minutes to 3 days by command, not which is which):
2 minutes for what a device answers at once (heartbeat, lock, beep, notify, device
information), 1 day for what downloads or installs (apps, certificates, profiles, agent
and blueprint updates, logs, scripts), 3 days for a wipe, 1 hour for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from typing import Any, Literal

from esper_emulator.errors import bad_request
from esper_emulator.services import api_effects, effects
from esperclient.models import DevicePlatform

Api = Literal["device", "v0", "group", "commands"]

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
    platforms: frozenset[str] = frozenset({DevicePlatform.ANDROID})
    timeout: float = 3600.0
    """Seconds a delivered Commands API command may take before it times out."""
    platform_needs: Mapping[str, Needs] = field(default_factory=dict)
    """Arguments a platform's devices cannot do without (a Windows wipe's reset flag)."""

    def check_platforms(self, platforms: set[str], args: Mapping[str, Any]) -> None:
        """A 400 naming ``command_args.<field>`` that a targeted platform needs and lacks."""
        for platform in sorted(platforms & set(self.platform_needs)):
            for names in self.platform_needs[platform]:
                if all(args.get(name) in (None, "") for name in names):
                    needed = " or ".join(names)
                    raise bad_request(
                        f"command_args.{names[0]}",
                        f"{self.name} needs {needed} for {platform} devices.",
                    )

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
    return CommandSpec(name, apis, effect, needs, choices, timeout=_TIMEOUTS.get(name, HOUR))


def _new(
    name: str,
    effect: effects.Effect,
    *needs: tuple[str, ...],
    platforms: frozenset[str] = frozenset({DevicePlatform.ANDROID}),
    **choices: tuple[str, ...],
) -> CommandSpec:
    """A command only the Commands API sends."""
    timeout = _TIMEOUTS.get(name, HOUR)
    return CommandSpec(name, _API, effect, needs, choices, platforms, timeout)


HOUR = 3600.0
_TIMEOUTS = {
    **dict.fromkeys(
        ("UPDATE_HEARTBEAT", "LOCK", "BEEP_DEVICE", "NOTIFY_DEVICE", "DEVICE_INFORMATION"), 120.0
    ),
    **dict.fromkeys(
        (
            "INSTALL",
            "UNINSTALL",
            "APPLY_APP_CONFIG",
            "INSTALL_CERTIFICATE",
            "INSTALL_PROFILE",
            "VPP_APP_INSTALL",
            "APPLE_APP_UNINSTALL",
            "UPDATE_LATEST_DPC",
            "CONVERGE",
            "UPDATE_BLUEPRINT",
            "COLLECT_LOGS",
            "RUN_SHELL_SCRIPT",
            "RUN_CUSTOM_ACTION",
        ),
        24 * HOUR,
    ),
    "WIPE": 72 * HOUR,
}

_APP = ("package_name",)
_ALL: frozenset[Api] = frozenset({"device", "v0", "group", "commands"})
_SINGLE: frozenset[Api] = frozenset({"device", "v0", "commands"})
_V0: frozenset[Api] = frozenset({"v0", "commands"})
_DEVICE: frozenset[Api] = frozenset({"device"})
_API: frozenset[Api] = frozenset({"commands"})
_EVERY = frozenset(DevicePlatform.ALL)
_APPLE = frozenset({DevicePlatform.APPLE})
_LINUX = frozenset({DevicePlatform.LINUX})
_NOT_LINUX = _EVERY - _LINUX
_SYSTEM = ("system",)

COMMANDS: Mapping[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        _replace(_spec("REBOOT", _ALL, effects.reboot), platforms=_NOT_LINUX),
        _replace(_spec("LOCK", _ALL, effects.lock), platforms=_NOT_LINUX),
        # an app version; a v0 request may name only an uploaded app's package (see Fleet)
        _spec("INSTALL", _ALL, effects.install, ("app_version", "package_name")),
        _replace(_spec("UPDATE_HEARTBEAT", _ALL, effects.heartbeat), platforms=_EVERY),
        _replace(
            _spec("WIPE", _SINGLE, effects.wipe),
            platforms=_NOT_LINUX,
            platform_needs={DevicePlatform.WINDOWS: (("is_factory_reset",),)},
        ),
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
        # only through the Commands API
        _new("APPLY_APP_CONFIG", api_effects.apply_app_config, _APP),
        _new("CONVERGE", api_effects.converge, platforms=_EVERY),
        _new("UPDATE_BLUEPRINT", api_effects.converge, platforms=_EVERY),
        _new(
            "INSTALL_CERTIFICATE",
            api_effects.install_certificate,
            ("cert_file_type",),
            ("cert_data_base64",),
            ("cert_alias_name",),
            ("cert_storage_type",),
            cert_file_type=("pkcs12",),
            cert_storage_type=_SYSTEM,
        ),
        _new(
            "UNINSTALL_CERTIFICATE",
            api_effects.uninstall_certificate,
            ("cert_alias_name",),
            ("cert_storage_type",),
            cert_storage_type=_SYSTEM,
        ),
        _new("LIST_INSTALLED_PROFILES", api_effects.list_profiles, platforms=_APPLE),
        _new("INSTALL_PROFILE", api_effects.install_profile, ("profile",), platforms=_APPLE),
        _new(
            "REMOVE_PROFILE",
            api_effects.remove_profile,
            ("profile_identifier",),
            platforms=_APPLE,
        ),
        _new(
            "SET_APP_PERMISSION",
            api_effects.set_app_permission,
            _APP,
            ("grant_state",),
            ("permission",),
            grant_state=tuple(
                f"PERMISSION_GRANT_STATE_{s}" for s in ("DEFAULT", "DENIED", "GRANTED")
            ),
        ),
        _new("SET_MULTI_APP_MODE", api_effects.set_multi_app_mode),
        _new(
            "RESET_LOCKSCREEN_PASSWORD",
            api_effects.reset_lockscreen_password,
            ("new_lockscreen_password",),
        ),
        _new("NOTIFY_DEVICE", api_effects.notify, ("message",), ("title",)),
        _new("SET_DEVICE_LANGUAGE", api_effects.set_language, ("locale",)),
        _new(
            "SET_ETHERNET_SETTINGS",
            api_effects.set_ethernet,
            ("ethernet_auth_mode",),
            ethernet_auth_mode=("NONE", "EAP_TLS"),
        ),
        _new(
            "SET_STATIC_IP",
            api_effects.set_static_ip,
            ("interface",),
            ("dhcp_enabled",),
            interface=("wlan", "eth"),
            dhcp_enabled=("true", "false"),
        ),
        _new("BEEP_DEVICE", api_effects.beep, ("duration",)),
        _new(
            "SET_APP_NOTIFICATIONS",
            api_effects.set_app_notifications,
            ("app_notifications_state",),
            _APP,
            app_notifications_state=("ENABLED", "DISABLED"),
        ),
        _new("USE_ONLY_SAVED_WIFI_AP", api_effects.use_only_saved_wifi, ("use_only_saved_ap",)),
        _new("DEVICE_INFORMATION", api_effects.device_information, platforms=_EVERY),
        _new(
            "VPP_APP_INSTALL",
            api_effects.vpp_install,
            ("app_id",),
            ("bundle_identifier",),
            platforms=_APPLE,
        ),
        _new(
            "APPLE_APP_UNINSTALL",
            api_effects.apple_uninstall,
            ("app_id",),
            ("bundle_identifier",),
            platforms=_APPLE,
        ),
        _new("CLEAR_PASSCODE", api_effects.clear_passcode, platforms=_APPLE),
        _new(
            "RUN_SHELL_SCRIPT",
            api_effects.run_script,
            ("script",),
            ("interpreter",),
            platforms=frozenset({DevicePlatform.LINUX, DevicePlatform.WINDOWS}),
        ),
        _new("RUN_CUSTOM_ACTION", api_effects.run_custom_action, platforms=_LINUX),
        _new("COLLECT_LOGS", api_effects.collect_logs, platforms=_LINUX),
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
