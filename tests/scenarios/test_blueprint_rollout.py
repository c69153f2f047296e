"""The rollout of a blueprint to a fleet, end to end: create a blueprint with an app and
settings, publish it, push it to a group of 200 devices (some offline), watch every
online device converge, bring the offline ones online, and find every device matching.

The SDK part runs on an emulator of its own whose every step takes a minute of simulated
time; the watch moves that clock on after each round it reads, so the converges pass
through their states as they would on a real fleet. The CLI part runs
``esper blueprints converge --wait`` on a smaller group.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient.models import ConvergeStatus
from tests.cli.conftest import run_esper
from tests.conftest import Tenant, new_tenant
from tests.emulator.conftest import call, json_of

FLEET = 200
OFFLINE = 15
STEP = 60.0
"""Seconds of simulated time per step of a converge and of its commands."""
ANDROID = {
    "brightness_settings": {"apply_policy": "ALWAYS APPLY", "brightness_value": "55"},
    "timezone_settings": {"apply_policy": "ALWAYS APPLY", "timezone": "Asia/Kolkata"},
    "bluetooth_settings": {
        "apply_policy": "ALWAYS APPLY",
        "allow_bluetooth": True,
        "bluetooth_state": "DISABLE",
    },
}


class SideDoor:
    """The emulator's control routes for one tenant."""

    def __init__(self, server: EmulatorServer, tenant: Tenant) -> None:
        self.url = f"{server.url}/_emulator"
        self.enterprise_id = tenant.enterprise_id

    def online(self, device_id: str, online: bool) -> None:
        path = f"{self.url}/enterprises/{self.enterprise_id}/devices/{device_id}/online"
        json_of(call("POST", path, json={"online": online}))

    def advance(self, seconds: float = STEP) -> None:
        json_of(call("POST", f"{self.url}/clock/advance", json={"seconds": seconds}))


def _app_entry(app: esperclient.Application) -> dict[str, Any]:
    return {
        "app_id": app.id,
        "app_version_id": app.versions[0].id,
        "package_name": app.package_name,
        "installation_rule": "POST PROVISIONING",
        "state": "SHOW",
        "type": "ENTERPRISE",
        "auto_update_mode": "autoUpdateDefault",
    }


def _matches(device: esperclient.Device) -> bool:
    displays = device.displays if isinstance(device.displays, dict) else {}
    return (
        device.software_info.get("timezone") == "Asia/Kolkata"
        and device.network_info.get("bluetoothEnabled") is False
        and all(d.get("brightnessScale") == 55 for d in displays.values())
    )


def test_a_blueprint_rolls_out_to_200_devices_some_offline(
    start_server: Callable[..., EmulatorServer], make_apk: Callable[..., Path]
) -> None:
    server = start_server(latency_ms=STEP * 1000)
    tenant = new_tenant(server, devices=FLEET)
    side = SideDoor(server, tenant)
    away = set(tenant.device_ids[-OFFLINE:])
    for device_id in tenant.device_ids:
        side.online(device_id, device_id not in away)
    esper = esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    )
    with esper:
        app = esper.applications.upload(make_apk())
        blueprint = esper.blueprints.create("Store fleet", settings={"android": ANDROID})
        published = esper.blueprints.publish(
            str(blueprint.id), settings={"android": {**ANDROID, "apps": [_app_entry(app)]}}
        )
        group = esper.groups.create("Stores")
        esper.groups.add_devices(str(group.id), tenant.device_ids)

        esper.blueprints.push(str(blueprint.id), groups=[str(group.id)])
        started = esper.converges.list(device_ids=tenant.device_ids, page_size=1000).to_list()
        assert len(started) == FLEET
        assert {c.blueprint_info.blueprint_version_id for c in started} == {published.version_id}
        present = [c for c in started if c.device_id not in away]
        absent = [c for c in started if c.device_id in away]

        seen: list[dict[str, int]] = []

        def watch(counts: dict[str, int]) -> None:
            seen.append(counts)
            side.advance()

        done = esper.converges.wait(present, timeout=300, poll_interval=0, on_progress=watch)
        assert {c.status for c in done} == {ConvergeStatus.SUCCESS}
        assert any(ConvergeStatus.IN_PROGRESS in counts for counts in seen)
        stuck = [esper.converges.get(str(c.id)).status for c in absent]
        assert set(stuck) == {ConvergeStatus.IN_PROGRESS}

        for device_id in away:
            side.online(device_id, True)
        caught_up = esper.converges.wait(absent, timeout=300, poll_interval=0, on_progress=watch)
        assert {c.status for c in caught_up} == {ConvergeStatus.SUCCESS}

        upgraded = esper.devices_v2.list(
            current_blueprint_version_id=published.version_id, page_size=FLEET
        ).to_list()
        assert len(upgraded) == FLEET
        devices = esper.devices.list(page_size=FLEET).to_list()
        assert len(devices) == FLEET and all(_matches(device) for device in devices)
        version = esper.applications.version(str(app.id), str(app.versions[0].id))
        assert version.installed_count == FLEET


def test_the_cli_converges_a_group_and_waits(env: Tenant) -> None:
    devices = env.device_ids[:12]
    with esperclient.Esper(
        host=env.host, api_key=env.api_key, enterprise_id=env.enterprise_id
    ) as esper:
        blueprint = esper.blueprints.create("Kiosks", settings={"android": ANDROID})
        group = esper.groups.create("Kiosk stands")
        esper.groups.add_devices(str(group.id), devices)
    side_door = env.host.removesuffix("/api") + "/_emulator"
    for device_id in devices:
        url = f"{side_door}/enterprises/{env.enterprise_id}/devices/{device_id}/online"
        json_of(call("POST", url, json={"online": True}))
    done = run_esper("blueprints", "converge", str(blueprint.id), "--group", "Kiosk stands",
                     "--wait", "--interval", "0.05", "-o", "json")  # fmt: skip
    assert done.code == 0, done.everything
    assert [c["status"] for c in done.json()] == [ConvergeStatus.SUCCESS] * len(devices)
    with esperclient.Esper(
        host=env.host, api_key=env.api_key, enterprise_id=env.enterprise_id
    ) as esper:
        assert all(_matches(esper.devices.get(device_id)) for device_id in devices)
