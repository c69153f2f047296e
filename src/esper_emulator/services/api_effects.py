"""The effects of the commands only the Commands API sends (see ``effects`` for the rest).

Each leaves a mark the API shows on the device, in ``softwareInfo`` unless said:

- ``APPLY_APP_CONFIG``: ``appConfigs[package]`` is ``managed_config`` (the app must be
  installed); ``SET_APP_PERMISSION``: ``appPermissions[package][permission]``;
  ``SET_APP_NOTIFICATIONS``: ``appNotifications[package]``.
- ``CONVERGE`` / ``UPDATE_BLUEPRINT``: ``blueprintAppliedOn`` (and
  ``blueprintRevisionId`` when ``blueprint_revision_id`` is sent).
- ``INSTALL_CERTIFICATE`` / ``UNINSTALL_CERTIFICATE``: ``certificates`` (by alias; the
  data and password are not kept). Removing one that is not there fails.
- ``INSTALL_PROFILE`` / ``REMOVE_PROFILE`` / ``LIST_INSTALLED_PROFILES`` (iOS):
  ``profiles``, by identifier (``profile_identifier``, else a digest of ``profile``).
- ``SET_MULTI_APP_MODE``: ``kioskApp`` removed.
- ``RESET_LOCKSCREEN_PASSWORD``: ``lockscreenPasswordChangedOn`` (never the password);
  ``CLEAR_PASSCODE``: ``passcodeClearedOn``.
- ``NOTIFY_DEVICE``: ``lastNotification`` (title, message, url); ``BEEP_DEVICE``:
  ``lastBeep`` (when, seconds).
- ``SET_DEVICE_LANGUAGE``: ``locale``; ``SET_ETHERNET_SETTINGS``: ``ethernetSettings``;
  ``SET_STATIC_IP``: ``networkInfo.staticIp[interface]``;
  ``USE_ONLY_SAVED_WIFI_AP``: ``networkInfo.useOnlySavedWifiAp``.
- ``DEVICE_INFORMATION``: ``deviceInformationOn``; ``COLLECT_LOGS``: ``logsCollectedOn``.
- ``VPP_APP_INSTALL`` / ``APPLE_APP_UNINSTALL``: ``appleApps`` by bundle identifier.
- ``RUN_SHELL_SCRIPT`` / ``RUN_CUSTOM_ACTION``: ``lastScript`` (interpreter, a digest of
  the script, when) / ``lastCustomAction`` (the arguments sent, when).
"""

from __future__ import annotations

import hashlib
from typing import Any

from esper_emulator.services.effects import CommandFailed, Target, _installed, _section, _stamp


def _software(target: Target) -> dict[str, Any]:
    return _section(target.device, "software_info")


def _keyed(target: Target, key: str) -> dict[str, Any]:
    """The dict ``softwareInfo[key]``, created when missing."""
    found = _software(target).setdefault(key, {})
    assert isinstance(found, dict)
    return found


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def apply_app_config(target: Target) -> str:
    package = target.text("package_name")
    _installed(target, package)
    _keyed(target, "appConfigs")[package] = target.args.get("managed_config") or {}
    return f"App config applied to {package}."


def set_app_permission(target: Target) -> str:
    package, permission = target.text("package_name"), target.text("permission")
    _installed(target, package)
    grant = target.text("grant_state")
    _keyed(target, "appPermissions").setdefault(package, {})[permission] = grant
    return f"{permission} of {package} set to {grant}."


def set_app_notifications(target: Target) -> str:
    package, state = target.text("package_name"), target.text("app_notifications_state")
    _installed(target, package)
    _keyed(target, "appNotifications")[package] = state
    return f"Notifications of {package} {state.lower()}."


def converge(target: Target) -> str:
    software = _software(target)
    software["blueprintAppliedOn"] = _stamp(target.when)
    revision = target.args.get("blueprint_revision_id")
    if revision is not None:
        software["blueprintRevisionId"] = revision
    return "Blueprint applied."


def install_certificate(target: Target) -> str:
    alias = target.text("cert_alias_name")
    _keyed(target, "certificates")[alias] = {
        "type": target.text("cert_file_type"),
        "storage": target.text("cert_storage_type"),
        "installedOn": _stamp(target.when),
    }
    return f"Certificate {alias} installed."


def uninstall_certificate(target: Target) -> str:
    alias = target.text("cert_alias_name")
    if _keyed(target, "certificates").pop(alias, None) is None:
        raise CommandFailed(f"No certificate {alias!r} is installed.")
    return f"Certificate {alias} removed."


def install_profile(target: Target) -> str:
    identifier = target.optional_text("profile_identifier") or _digest(target.text("profile"))
    _keyed(target, "profiles")[identifier] = {"installedOn": _stamp(target.when)}
    return f"Profile {identifier} installed."


def remove_profile(target: Target) -> str:
    identifier = target.text("profile_identifier")
    if _keyed(target, "profiles").pop(identifier, None) is None:
        raise CommandFailed(f"No profile {identifier!r} is installed.")
    return f"Profile {identifier} removed."


def list_profiles(target: Target) -> str:
    found = sorted(_keyed(target, "profiles"))
    return f"Installed profiles: {', '.join(found) or 'none'}."


def set_multi_app_mode(target: Target) -> str:
    _software(target).pop("kioskApp", None)
    return "Multi-app mode set."


def reset_lockscreen_password(target: Target) -> str:
    target.text("new_lockscreen_password")
    _software(target)["lockscreenPasswordChangedOn"] = _stamp(target.when)
    return "Lock screen password changed."


def clear_passcode(target: Target) -> str:
    _software(target)["passcodeClearedOn"] = _stamp(target.when)
    return "Passcode cleared."


def notify(target: Target) -> str:
    title, message = target.text("title"), target.text("message")
    _software(target)["lastNotification"] = {
        "title": title,
        "message": message,
        "url": target.optional_text("url"),
        "on": _stamp(target.when),
    }
    return f"Notified: {title}."


def beep(target: Target) -> str:
    seconds = target.arg("duration")
    _software(target)["lastBeep"] = {"on": _stamp(target.when), "seconds": seconds}
    return f"Beeped for {seconds} s."


def set_language(target: Target) -> str:
    locale = target.text("locale")
    _software(target)["locale"] = locale
    return f"Language set to {locale}."


def set_ethernet(target: Target) -> str:
    names = ("ethernet_auth_mode", "ethernet_ca_cert_alias", "ethernet_client_cert_alias")
    settings = {name: target.args.get(name) for name in (*names, "ethernet_eap_identity")}
    _software(target)["ethernetSettings"] = settings
    return f"Ethernet set to {settings['ethernet_auth_mode']}."


def set_static_ip(target: Target) -> str:
    interface = target.text("interface")
    names = ("dhcp_enabled", "static_ip", "primary_dns", "secondary_dns", "subnet_mask")
    settings = {name: target.args.get(name) for name in (*names, "gateway")}
    network = _section(target.device, "network_info")
    network.setdefault("staticIp", {})[interface] = settings
    return f"IP settings of {interface} set."


def use_only_saved_wifi(target: Target) -> str:
    only = bool(target.arg("use_only_saved_ap"))
    _section(target.device, "network_info")["useOnlySavedWifiAp"] = only
    return f"Only saved Wi-Fi networks: {'on' if only else 'off'}."


def device_information(target: Target) -> str:
    _software(target)["deviceInformationOn"] = _stamp(target.when)
    return "Device information updated."


def collect_logs(target: Target) -> str:
    _software(target)["logsCollectedOn"] = _stamp(target.when)
    return "Logs collected and uploaded."


def vpp_install(target: Target) -> str:
    bundle = target.text("bundle_identifier")
    _keyed(target, "appleApps")[bundle] = {"app_id": target.text("app_id")}
    return f"{bundle} installed."


def apple_uninstall(target: Target) -> str:
    bundle = target.text("bundle_identifier")
    if _keyed(target, "appleApps").pop(bundle, None) is None:
        raise CommandFailed(f"{bundle} is not installed on the device.")
    return f"{bundle} uninstalled."


def run_script(target: Target) -> str:
    interpreter = target.text("interpreter")
    _software(target)["lastScript"] = {
        "interpreter": interpreter,
        "script": _digest(target.text("script")),
        "execute_as": target.optional_text("execute_as"),
        "on": _stamp(target.when),
    }
    return f"Script run with {interpreter}."


def run_custom_action(target: Target) -> str:
    sent = {k: v for k, v in target.args.items() if v is not None}
    _software(target)["lastCustomAction"] = {"args": sent, "on": _stamp(target.when)}
    return "Custom action run."
