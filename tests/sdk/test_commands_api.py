"""``esper.commands_api`` (the Commands API) on both clients, against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient import CommandState
from esperclient._generated.v0 import CommandRequest, CommandStatus
from tests.conftest import Tenant
from tests.emulator.conftest import call, json_of
from tests.sdk.test_esper import MODES, aw, collect, run


def _set_online(tenant: Tenant, device_id: str, online: bool) -> None:
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    json_of(call("POST", url, json={"online": online}))


@pytest.fixture
def split(tenant: Tenant) -> tuple[list[str], list[str]]:
    """The tenant's first 4 devices online, the next 2 offline."""
    online, offline = tenant.device_ids[:4], tenant.device_ids[4:6]
    for device_id in online + offline:
        _set_online(tenant, device_id, device_id in online)
    return online, offline


@MODES
def test_create_wait_and_stats(
    mode: str, tenant: Tenant, split: tuple[list[str], list[str]]
) -> None:
    online, _ = split

    async def scenario(esper: Any) -> None:
        sent = await aw(esper.commands_api.create("REBOOT", devices=online, alias="nightly"))
        assert isinstance(sent, CommandRequest)
        assert sent.command_type == "DEVICE" and sent.devices == online
        stats = await aw(esper.commands_api.wait(sent, poll_interval=0.01))
        assert stats == {CommandState.SUCCESS: len(online)}
        assert await aw(esper.commands_api.stats(str(sent.id))) == stats
        assert (await aw(esper.commands_api.get(str(sent.id)))).id == sent.id
        statuses = await collect(esper.commands_api.statuses(request=str(sent.id), page_size=3))
        assert sorted(str(s.device) for s in statuses) == sorted(online)
        one = await aw(esper.commands_api.status(str(statuses[0].id)))
        assert isinstance(one, CommandStatus) and one.state == CommandState.SUCCESS

    run(mode, tenant, scenario)


@MODES
def test_command_args_go_by_their_wire_names(
    mode: str, tenant: Tenant, split: tuple[list[str], list[str]]
) -> None:
    device = split[0][0]

    async def scenario(esper: Any) -> None:
        sent = await aw(
            esper.commands_api.create(
                "SET_TIMEZONE", devices=[device], timezone_string="Asia/Tokyo"
            )
        )
        assert sent.command_args.timezone_string == "Asia/Tokyo"
        await aw(esper.commands_api.wait(sent, poll_interval=0.01))
        found = await aw(esper.devices.get(device))
        assert found.software_info["timezone"] == "Asia/Tokyo"
        with pytest.raises(esperclient.BadRequestError) as missing:
            await aw(esper.commands_api.create("SET_KIOSK_APP", devices=[device]))
        assert "command_args.package_name" in missing.value.message

    run(mode, tenant, scenario)


@MODES
def test_groups_and_devices_make_a_dynamic_request(
    mode: str, tenant: Tenant, server: EmulatorServer, split: tuple[list[str], list[str]]
) -> None:
    online, _ = split
    with server.emulator.store.transaction():
        group = server.emulator.seeder.group(tenant.enterprise_id, "Kiosks", online[:2])

    async def scenario(esper: Any) -> None:
        by_group = await aw(esper.commands_api.create("LOCK", groups=[group]))
        assert by_group.command_type == "GROUP"
        both = await aw(esper.commands_api.create("LOCK", devices=online[2:3], groups=[group]))
        assert both.command_type == "DYNAMIC"
        reached = await collect(esper.commands_api.statuses(request=[str(both.id)]))
        assert sorted(str(s.device) for s in reached) == sorted(online[:3])
        listed = await collect(esper.commands_api.list(command="LOCK", groups=[group]))
        assert [r.id for r in listed] == [by_group.id, both.id]

    run(mode, tenant, scenario)


@MODES
def test_cancel_and_cancel_again(
    mode: str, tenant: Tenant, split: tuple[list[str], list[str]]
) -> None:
    online, offline = split

    async def scenario(esper: Any) -> None:
        sent = await aw(esper.commands_api.create("REBOOT", devices=[offline[0], online[0]]))
        statuses = await collect(esper.commands_api.statuses(request=str(sent.id)))
        by_device = {str(s.device): str(s.id) for s in statuses}
        queued = by_device[offline[0]]
        assert (await aw(esper.commands_api.status(queued))).state == CommandState.QUEUED
        cancelled = await aw(esper.commands_api.cancel(queued, reason="not tonight"))
        assert cancelled.state == CommandState.CANCELLED and cancelled.reason == "not tonight"
        again = await aw(esper.commands_api.cancel(queued))  # a 304: already so
        assert again.state == CommandState.CANCELLED and again.reason == "not tonight"
        await aw(esper.commands_api.wait(sent, poll_interval=0.01))
        ended = await aw(esper.commands_api.cancel(by_device[online[0]]))  # final: a 304
        assert ended.state == CommandState.SUCCESS
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.commands_api.cancel("00000000-0000-4000-8000-000000000000"))

    run(mode, tenant, scenario)


@MODES
def test_wait_times_out_with_the_last_stats(
    mode: str, tenant: Tenant, split: tuple[list[str], list[str]]
) -> None:
    _, offline = split

    async def scenario(esper: Any) -> None:
        sent = await aw(esper.commands_api.create("REBOOT", devices=offline))
        polled: list[dict[str, int]] = []
        with pytest.raises(esperclient.WaitTimeoutError) as late:
            await aw(
                esper.commands_api.wait(
                    str(sent.id), timeout=0.05, poll_interval=0.01, on_poll=polled.append
                )
            )
        assert late.value.last == {CommandState.QUEUED: len(offline)}
        assert polled and polled[0] == late.value.last

    run(mode, tenant, scenario)
