"""A walkthrough of the Esper API against a local emulator: ``make demo``.

Starts ``esper-emulator serve`` in a subprocess (free port, temporary SQLite file,
25 demo devices, 300 ms latency), then uses the SDK exactly as code written for
esperclient 0.1.3 does: token, enterprise, devices, applications, an APK upload,
and an INSTALL and a REBOOT command followed until they finish.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TypeVar

import esperclient
from esper_emulator.apk import build_apk
from esperclient.rest import ApiException

T = TypeVar("T")

ONLINE, OFFLINE = 1, 60
READY_TIMEOUT = 20.0
COMMAND_TIMEOUT = 30.0
POLL_INTERVAL = 0.2


class DemoError(Exception):
    """A step of the walkthrough could not be done; the message says which."""


def need(value: T | None, what: str) -> T:
    """``value``, or a DemoError naming what the server left out."""
    if value is None:
        raise DemoError(f"the server's answer has no {what}")
    return value


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 66 - len(title)))


def start_emulator(workdir: Path) -> subprocess.Popen[bytes]:
    """Start ``esper-emulator serve`` on a free port; its output goes to server.log."""
    command = [
        sys.executable, "-m", "esper_emulator", "serve",
        "--port", "0", "--db", str(workdir / "demo.db"),
        "--seed", "demo", "--devices", "25", "--latency-ms", "300",
        "--credentials", str(workdir / "credentials.json"),
    ]  # fmt: skip
    with (workdir / "server.log").open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def wait_until_ready(proc: subprocess.Popen[bytes], workdir: Path) -> dict[str, str]:
    """Wait for the credentials file the emulator writes once it serves; return it."""
    credentials = workdir / "credentials.json"
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = (workdir / "server.log").read_text(errors="replace").strip()
            raise DemoError(f"the emulator exited with code {proc.returncode}:\n{output}")
        if credentials.exists():
            try:
                data = json.loads(credentials.read_text())
                return {key: str(data[key]) for key in ("host", "api_key", "enterprise_id")}
            except (ValueError, KeyError):
                pass  # still being written
        time.sleep(0.1)
    raise DemoError(f"the emulator did not write {credentials} within {READY_TIMEOUT:.0f} s")


def stop_emulator(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def hardware(device: esperclient.Device) -> str:
    info: Any = device.hardware_info
    if not isinstance(info, dict):
        return "-"
    brand = info.get("brand") or info.get("manufacturer") or ""
    return f"{brand} {info.get('model') or ''}".strip() or "-"


def status_text(device: esperclient.Device) -> str:
    return {ONLINE: "online", OFFLINE: "offline"}.get(device.status or 0, f"status {device.status}")


def show_devices(devices: list[esperclient.Device], count: int) -> None:
    print(f"{count} devices; the first {min(len(devices), 8)}:")
    print(f"  {'NAME':<24} {'STATUS':<8} HARDWARE")
    for device in devices[:8]:
        print(f"  {device.device_name or device.id or '-':<24} {status_text(device):<8} "
              f"{hardware(device)}")  # fmt: skip


def wait_for_command(
    api: esperclient.CommandsApi,
    enterprise_id: str,
    device_id: str,
    label: str,
    command_id: str,
    sent_at: float,
) -> str:
    """Poll a command until it finishes; print each state with the time since it was sent."""
    state = ""
    while time.monotonic() - sent_at < COMMAND_TIMEOUT:
        current = api.get_command(command_id, device_id, enterprise_id).state or "?"
        if current != state:
            state = current
            print(f"  {label:<8} {time.monotonic() - sent_at:6.2f} s  {state}")
        if state in esperclient.CommandState.FINAL:
            return state
        time.sleep(POLL_INTERVAL)
    raise DemoError(f"{label} did not finish within {COMMAND_TIMEOUT:.0f} s (last: {state})")


def walkthrough(host: str, api_key: str, enterprise_id: str, apk_path: Path) -> None:
    configuration = esperclient.Configuration()
    configuration.host = host
    configuration.api_key["Authorization"] = api_key
    configuration.api_key_prefix["Authorization"] = "Bearer"
    api_client = esperclient.ApiClient(configuration)

    section("Token")
    token = esperclient.TokenApi(api_client).get_token_info()
    print(f"  enterprise  {token.enterprise}\n  scope       {', '.join(token.scope or [])}")
    print(f"  expires on  {token.expires_on}")

    section("Enterprise")
    enterprise = esperclient.EnterpriseApi(api_client).get_enterprise(enterprise_id)
    print(f"  {enterprise.name} ({enterprise.short_code}), id {enterprise.id}")

    section("Devices")
    page = esperclient.DeviceApi(api_client).get_all_devices(enterprise_id, limit=100)
    devices = page.results or []
    show_devices(devices, page.count or len(devices))

    section("Applications")
    app_api = esperclient.ApplicationApi(api_client)
    apps = app_api.get_all_applications(enterprise_id)
    print(f"{apps.count or 0} application(s)")
    for app in apps.results or []:
        print(f"  {app.application_name or '-':<24} {app.package_name}")

    section(f"Upload {apk_path.name}")
    application = need(app_api.upload(enterprise_id, str(apk_path)).application, "application")
    application_id = need(application.id, "application id")
    version_id = need(need(application.versions, "versions")[0].id, "version id")
    print(f"  application {application_id}  {application.package_name}\n  version     {version_id}")
    for version in app_api.get_app_versions(application_id, enterprise_id).results or []:
        print(
            f"  version {version.version_code} (build {version.build_number}), "
            f"{version.size_in_mb} MB, installed on {version.installed_count}"
        )

    online = [d for d in devices if d.status == ONLINE and d.id]
    if not online:
        raise DemoError("no online device to send commands to")
    device_id = need(online[0].id, "device id")
    section(f"Commands to {online[0].device_name or device_id}")
    commands_api = esperclient.CommandsApi(api_client)
    install = esperclient.CommandRequest(
        command="INSTALL", command_args=esperclient.CommandArgs(app_version=version_id)
    )
    sent = []
    for request in (install, esperclient.CommandRequest(command="REBOOT")):
        command = commands_api.run_command(enterprise_id, device_id, request)
        sent.append((request.command or "?", need(command.id, "command id"), time.monotonic()))
    results = [wait_for_command(commands_api, enterprise_id, device_id, *s) for s in sent]

    section("After the install")
    for version in app_api.get_app_versions(application_id, enterprise_id).results or []:
        print(f"  version {version.version_name}: installed on {version.installed_count} device(s)")
    if any(state != esperclient.CommandState.SUCCESS for state in results):
        raise DemoError(f"not every command succeeded: {', '.join(results)}")
    print("\nDone.")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="esper-demo-") as tmp:
        workdir = Path(tmp)
        apk = build_apk(workdir / "demo-app.apk", package_name="com.example.demo")
        print("Starting the emulator...")
        proc = start_emulator(workdir)
        try:
            creds = wait_until_ready(proc, workdir)
            print(f"Emulator at {creds['host']}, enterprise {creds['enterprise_id']}")
            walkthrough(creds["host"], creds["api_key"], creds["enterprise_id"], apk)
            return 0
        except ApiException as exc:
            print(f"demo failed: API error {exc.status}: {exc.message}", file=sys.stderr)
            return 1
        except DemoError as exc:
            print(f"demo failed: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        finally:
            stop_emulator(proc)


if __name__ == "__main__":
    raise SystemExit(main())
