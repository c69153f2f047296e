"""A list filtered by state alone is counted from the counts kept beside the devices:
they follow every device added and every change of state, on either database."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from esper_emulator.server import EmulatorServer
from esperclient import DeviceState
from tests.conftest import Tenant, new_tenant
from tests.emulator.conftest import call, json_of

ANDROID = 12
WINDOWS = 3


def _legacy_count(tenant: Tenant, **query: object) -> int:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?" + urlencode(query)
    return int(json_of(call("GET", url, key=tenant.api_key))["count"])


def _v2_count(tenant: Tenant, **query: object) -> int:
    url = f"{tenant.host}/v2/devices/?" + urlencode(query)
    return int(json_of(call("GET", url, key=tenant.api_key))["content"]["count"])


def _states(tenant: Tenant) -> Counter[tuple[str, int]]:
    """Each (platform, state) of the enterprise's devices, counted from the whole list."""
    url = f"{tenant.host}/v2/devices/?limit=1000"
    devices = json_of(call("GET", url, key=tenant.api_key))["content"]["results"]
    return Counter((device["platform"], device["state"]) for device in devices)


def test_counts_by_state_follow_new_devices_and_every_change_of_state(
    server: EmulatorServer,
) -> None:
    tenant = new_tenant(server, devices=ANDROID)
    emulator = server.emulator
    with emulator.store.transaction():
        windows = emulator.seeder.devices(tenant.enterprise_id, WINDOWS, os="Windows")
    side_door = f"{tenant.host.removesuffix('/api')}/_emulator/enterprises/{tenant.enterprise_id}"
    for device_id, online in [
        (tenant.device_ids[0], False),
        (tenant.device_ids[1], True),
        (tenant.device_ids[0], True),
        (tenant.device_ids[2], False),
        (windows[0], False),
        (windows[1], True),
    ]:
        json_of(call("POST", f"{side_door}/devices/{device_id}/online", json={"online": online}))
    states = _states(tenant)
    assert sum(states.values()) == ANDROID + WINDOWS
    for state in (DeviceState.ONLINE, DeviceState.OFFLINE):
        android = states["ANDROID", state]
        assert _legacy_count(tenant, state=state) == android
        assert _v2_count(tenant, state=state) == android + states["WINDOWS", state]
        assert _v2_count(tenant, state=state, platform="WINDOWS") == states["WINDOWS", state]
    both = f"{DeviceState.ONLINE},{DeviceState.OFFLINE}"
    assert _v2_count(tenant, state=both) == ANDROID + WINDOWS
