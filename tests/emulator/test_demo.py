"""The demo enterprise looks like a real fleet: aliases on some devices, nested groups."""

from __future__ import annotations

from esper_emulator import EmulatorServer, Settings
from esper_emulator.services.seed import DEMO_OTHER_PLATFORMS
from esperclient import Esper


def test_the_demo_fleet_has_nested_groups_and_devices_with_and_without_an_alias() -> None:
    with EmulatorServer(Settings(db=":memory:", latency_ms=0)) as server:
        creds = server.seed_demo(devices=25)
        with Esper(
            host=server.host, api_key=creds.api_key, enterprise_id=creds.enterprise_id
        ) as esper:
            devices = list(esper.devices.list())
            groups = {group.path: group for group in esper.groups.list()}
            named = devices[0].device_name
            found = list(esper.devices.list(name=named))

    assert len(devices) == 25
    aliased = [d for d in devices if d.alias_name]
    assert 0 < len(aliased) < len(devices)
    assert all(d.hardware_info and d.hardware_info["model"] for d in devices)
    assert [d.id for d in found] == [devices[0].id]  # ``name`` matches device_name
    assert sorted(groups) == [
        "All devices",
        "All devices/Back office",
        "All devices/Back office/Stockroom",
        "All devices/Front of house",
        "All devices/Front of house/Lobby kiosks",
    ]
    assert groups["All devices"].device_count == 0  # every device is in one of the others
    others = [group for path, group in groups.items() if path != "All devices"]
    # the legacy list is Android's; the groups also hold the demo's other platforms
    assert sum(group.device_count or 0 for group in others) == 25 + len(DEMO_OTHER_PLATFORMS)
    assert all(group.device_count for group in others)
