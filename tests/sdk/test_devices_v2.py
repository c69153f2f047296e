"""``esper.devices_v2`` on both clients, against the emulator: the cursor paginator, one
device per platform, filters by state name, platform, group, tag and blueprint, tags."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import devices as devices_db
from esperclient import DeviceState
from esperclient._generated import v2
from tests.conftest import Tenant, new_tenant
from tests.sdk.test_esper import MODES, aw, collect, run

ANDROID = 9


@pytest.fixture
def mixed(server: EmulatorServer) -> tuple[Tenant, dict[str, list[str]]]:
    """A tenant with Android, iOS, Linux and Windows devices."""
    tenant = new_tenant(server, devices=ANDROID)
    by_os = {"Android": list(tenant.device_ids)}
    with server.emulator.store.transaction():
        for os_name in ("iOS", "Linux", "Windows"):
            by_os[os_name] = server.emulator.seeder.devices(tenant.enterprise_id, 2, os=os_name)
    return tenant, by_os


@MODES
def test_the_list_pages_by_cursor_through_every_platform(
    mode: str, mixed: tuple[Tenant, dict[str, list[str]]]
) -> None:
    tenant, by_os = mixed
    everyone = [device_id for ids in by_os.values() for device_id in ids]

    async def scenario(esper: Any) -> None:
        devices = await collect(esper.devices_v2.list(page_size=4))
        assert [device.id for device in devices] == everyone
        pages = await collect(esper.devices_v2.list(page_size=4).pages())
        assert [len(page.results) for page in pages] == [4, 4, 4, 3]
        assert pages[0].cursor == "start" and pages[-1].next_cursor is None
        kinds = {type(device) for device in devices}
        assert kinds == {
            v2.AndroidDeviceV2,
            v2.AppleDeviceV2,
            v2.LinuxDeviceV2,
            v2.WindowsDeviceV2,
        }
        first = await aw(esper.devices_v2.list(ordering="-name").first())
        assert first.name == max(device.name for device in devices)

    run(mode, tenant, scenario)


@MODES
def test_filters_by_state_name_or_number_platform_and_os(
    mode: str, mixed: tuple[Tenant, dict[str, list[str]]]
) -> None:
    tenant, by_os = mixed

    async def scenario(esper: Any) -> None:
        everyone = await collect(esper.devices_v2.list())
        online = {d.id for d in everyone if d.state == DeviceState.ONLINE}
        for state in ("online", "ACTIVE", 1, [DeviceState.ONLINE]):
            found = await collect(esper.devices_v2.list(state=state))
            assert {device.id for device in found} == online, state
        both = await collect(esper.devices_v2.list(state=["online", "offline"]))
        assert len(both) == len(everyone)
        with pytest.raises(ValueError, match="not a device state"):
            esper.devices_v2.list(state="sleepy")
        others = await collect(esper.devices_v2.list(platform=["LINUX", "WINDOWS"]))
        assert {d.id for d in others} == {*by_os["Linux"], *by_os["Windows"]}
        ios = await collect(esper.devices_v2.list(os="iOS"))
        assert {d.id for d in ios} == set(by_os["iOS"])

    run(mode, tenant, scenario)


@MODES
def test_filters_by_group_blueprint_and_any_other_query_parameter(
    mode: str, server: EmulatorServer, mixed: tuple[Tenant, dict[str, list[str]]]
) -> None:
    tenant, by_os = mixed
    android, linux = by_os["Android"], by_os["Linux"]
    blueprint = str(uuid.uuid4())
    with server.emulator.store.transaction() as store:
        parent = server.emulator.seeder.group(tenant.enterprise_id, "Parent", android[:2])
        server.emulator.seeder.group(tenant.enterprise_id, "Child", linux, parent)
        devices_db.save(store, android[0], {"assigned_blueprint_id": blueprint})
        devices_db.save(store, android[1], {"battery_level": 3.0})

    async def scenario(esper: Any) -> None:
        grouped = await collect(esper.devices_v2.list(group=parent))
        assert {d.id for d in grouped} == {*android[:2], *linux}
        own = await collect(esper.devices_v2.list(group_immediate=[parent]))
        assert {d.id for d in own} == set(android[:2])
        assigned = await collect(esper.devices_v2.list(blueprint=blueprint))
        assert [d.id for d in assigned] == [android[0]]
        assert assigned[0].blueprint_info.assigned_blueprint_id == blueprint
        low = await collect(esper.devices_v2.list(battery_level_lte="4"))  # seeded: 5 to 100
        assert [d.id for d in low] == [android[1]]
        with pytest.raises(TypeError, match="colour"):
            esper.devices_v2.list(colour="red")
        with pytest.raises(TypeError, match="group_multi"):
            esper.devices_v2.list(group_multi=parent)
        with pytest.raises(esperclient.BadRequestError, match="platform"):
            await collect(esper.devices_v2.list(platform="PALM"))

    run(mode, tenant, scenario)


@MODES
def test_get_apps_and_set_tags_then_filter_by_their_ids(
    mode: str, mixed: tuple[Tenant, dict[str, list[str]]]
) -> None:
    tenant, by_os = mixed
    windows = by_os["Windows"][0]

    async def scenario(esper: Any) -> None:
        device = await aw(esper.devices_v2.get(windows))
        assert isinstance(device, v2.WindowsDeviceV2) and device.os == "Windows"
        assert await collect(esper.devices_v2.apps(windows, app_type=["TENANT_WINDOWS"])) == []
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.devices_v2.get(str(uuid.uuid4())))
        tagged = await aw(esper.devices_v2.set_tags(windows, ["Floor 2", "Kiosk"]))
        assert tagged.tags == ["Floor 2", "Kiosk"]
        tags = {tag.tag: tag.id for tag in await collect(esper.devices_v2.tags(search="floor"))}
        assert list(tags) == ["Floor 2"]
        found = await collect(esper.devices_v2.list(tags=[tags["Floor 2"]]))
        assert [d.id for d in found] == [windows]
        assert (await aw(esper.devices_v2.get(windows))).tags == [
            tags["Floor 2"],
            *[tag.id for tag in await collect(esper.devices_v2.tags(search="kiosk"))],
        ]
        with pytest.raises(esperclient.BadRequestError):
            await aw(esper.devices_v2.set_tags(windows, ["a,b"]))

    run(mode, tenant, scenario)


def test_device_states_read_by_number_or_name() -> None:
    for value in ("online", "ACTIVE", "active", 1, "1"):
        assert DeviceState.of(value) == DeviceState.ONLINE == 1, value
    assert DeviceState.of("offline") == DeviceState.INACTIVE == 60
    assert DeviceState.of("provisioning-begin") == DeviceState.PROVISIONING_BEGIN == 30
    assert DeviceState.name_of(200) == "REGISTERED" and DeviceState.name_of(7) == "7"
    assert DeviceState.NON_ANDROID.issubset(DeviceState.NAMES)
    for bad in ("sleepy", 7, "7", True):
        with pytest.raises(ValueError, match="not a device state"):
            DeviceState.of(bad)
