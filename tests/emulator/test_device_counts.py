"""A list filtered by state alone, or by group alone, is counted from the counts kept
beside the devices and groups: they follow every device added, every change of state,
every device joining or leaving a group, on either database."""

from __future__ import annotations

import sys
from collections import Counter
from urllib.parse import urlencode

import pytest

from esper_emulator.server import EmulatorServer
from esper_emulator.services import effects, seed
from esper_emulator.store import devices as devices_db
from esper_emulator.store import groups as groups_db
from esper_emulator.store import schema
from esperclient import DeviceState
from tests.conftest import Tenant, new_tenant
from tests.emulator.conftest import call, count, json_of

ANDROID = 12
WINDOWS = 3


def _legacy_count(tenant: Tenant, **query: object) -> int:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?" + urlencode(query)
    return int(json_of(call("GET", url, key=tenant.api_key))["count"])


def _v2_count(tenant: Tenant, **query: object) -> int:
    url = f"{tenant.host}/v2/devices/?" + urlencode(query)
    return int(json_of(call("GET", url, key=tenant.api_key))["content"]["count"])


def _device_ids(tenant: Tenant) -> list[str]:
    """The ids of the enterprise's devices, in the legacy list's order."""
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?limit=1000"
    return [device["id"] for device in json_of(call("GET", url, key=tenant.api_key))["results"]]


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


def _members(server: EmulatorServer, group_id: str) -> tuple[int, int]:
    """How many Android devices, and how many devices in all, the store has in the group."""
    with server.emulator.store.transaction() as store:
        platforms = devices_db.platforms(store, groups_db.member_ids(store, [group_id]))
    return list(platforms.values()).count("ANDROID"), len(platforms)


def test_counts_by_group_follow_devices_joining_and_leaving(server: EmulatorServer) -> None:
    tenant = new_tenant(server, devices=ANDROID)
    emulator = server.emulator
    eid, ids = tenant.enterprise_id, tenant.device_ids
    with emulator.store.transaction():
        windows = emulator.seeder.devices(eid, WINDOWS, os="Windows")
        front = emulator.seeder.group(eid, "Front", [*ids[:5], windows[0]])
        child = emulator.seeder.group(eid, "Desk", [ids[5], windows[1]], parent_id=front)
        emulator.seeder.group(eid, "Back", ids[3:7])  # takes ids[3:5] from Front, ids[5] from Desk
        root = emulator.groups.root_id(eid)
    assert root is not None
    for group_id in (front, child, root):
        android, everyone = _members(server, group_id)
        assert _legacy_count(tenant, group=group_id) == android
        assert _v2_count(tenant, group_multi_immediate=group_id) == everyone
    assert _v2_count(tenant, group_multi=front) == sum(
        _members(server, g)[1] for g in (front, child)
    )


def test_a_fleet_made_in_several_batches_is_whole_and_counted(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # batches of 5: on PostgreSQL each is made while the one before is written
    monkeypatch.setattr(seed, "SEED_BATCH", 5)
    usual = sys.getswitchinterval()
    tenant = new_tenant(server, devices=ANDROID)
    assert sys.getswitchinterval() == usual  # shortened while the batches were made
    emulator = server.emulator
    with emulator.store.transaction():
        root = emulator.groups.root_id(tenant.enterprise_id)
    assert root is not None
    assert len(set(tenant.device_ids)) == ANDROID
    assert _legacy_count(tenant) == _v2_count(tenant) == ANDROID
    assert _legacy_count(tenant, group=root) == ANDROID
    assert _members(server, root) == (ANDROID, ANDROID)
    listed = _device_ids(tenant)
    assert listed == tenant.device_ids  # every place taken once, in the order made
    for device_id in tenant.device_ids:
        assert count(server, schema.device_events, device_id=device_id) == 1
        assert count(server, schema.device_apps, device_id=device_id) == effects.SYSTEM_APPS
