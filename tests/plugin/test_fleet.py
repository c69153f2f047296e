"""A test module written the way a user of the ``esper`` pytest plugin writes one.

It uses nothing but the plugin's fixtures and the public SDK: no project conftest
fixture, no emulator internals.
"""

from __future__ import annotations

import asyncio

import pytest

import esperclient
from esper_emulator.testing import RunningEmulator, Sandbox
from esperclient import CommandFailedError, Esper, PermissionDeniedError

ONLINE, OFFLINE = 1, 60
FAST = {"timeout": 30, "poll_interval": 0.05}


def test_the_enterprise_has_its_devices_all_online(esper: Esper, esper_emulator: Sandbox) -> None:
    devices = list(esper.devices.list())
    assert [device.id for device in devices] == esper_emulator.device_ids
    assert len(devices) == 5
    assert {device.status for device in devices} == {ONLINE}


def test_a_reboot_runs_and_leaves_its_mark(esper: Esper, esper_emulator: Sandbox) -> None:
    device_id = esper_emulator.device_ids[0]
    command = esper.commands.run(device_id, "REBOOT")
    assert command.state == "Command Initiated"
    done = esper.commands.wait(command, **FAST)
    assert done.state == "Command Success"
    assert "lastRebootOn" in esper.devices.get(device_id).software_info


def test_an_offline_device_holds_its_commands(esper: Esper, esper_emulator: Sandbox) -> None:
    device_id = esper_emulator.device_ids[1]
    esper_emulator.set_online(device_id, False)
    assert esper.devices.get(device_id).status == OFFLINE
    assert [device.id for device in esper.devices.list(state=OFFLINE)] == [device_id]

    command = esper.commands.run(device_id, "LOCK")
    esper.enterprise.get()  # a request later, a command to an online device would be done
    assert esper.commands.get(device_id, command.id).state == "Command Initiated"

    esper_emulator.set_online(device_id)
    assert esper.commands.wait(command, **FAST).state == "Command Success"


def test_the_next_command_fails(esper: Esper, esper_emulator: Sandbox) -> None:
    device_id = esper_emulator.device_ids[0]
    esper_emulator.fail_next_commands(1)
    doomed = esper.commands.run(device_id, "REBOOT")
    with pytest.raises(CommandFailedError) as failed:
        esper.commands.wait(doomed, **FAST)
    assert failed.value.last.state == "Command Failure"
    assert failed.value.last.details == "injected failure"
    assert "lastRebootOn" not in esper.devices.get(device_id).software_info

    again = esper.commands.run(device_id, "REBOOT")
    assert esper.commands.wait(again, **FAST).state == "Command Success"
    assert esper_emulator.stats()["commands"]["injected_failures"] == 1


@pytest.mark.esper_emulator(latency_ms=60_000)
def test_the_clock_moves_a_slow_device_on(esper: Esper, esper_emulator: Sandbox) -> None:
    device_id = esper_emulator.device_ids[0]
    command = esper.commands.run(device_id, "REBOOT")
    assert esper.commands.get(device_id, command.id).state == "Command Initiated"
    esper_emulator.advance_clock(60)
    assert esper.commands.get(device_id, command.id).state == "Command Acknowledged"
    esper_emulator.advance_clock(60)
    assert esper.commands.get(device_id, command.id).state == "Command Success"


@pytest.mark.esper_emulator(devices=3, online_ratio=0, name="Night Shift")
def test_the_marker_shapes_the_enterprise(esper: Esper, esper_emulator: Sandbox) -> None:
    assert esper.enterprise.get().name == "Night Shift"
    assert esper.devices.list(state=OFFLINE).total() == 3
    added = esper_emulator.add_devices(2)
    assert esper_emulator.device_ids[3:] == added
    assert [device.id for device in esper.devices.list(state=ONLINE)] == added


def test_the_0_1_3_client_reaches_the_same_enterprise(
    esper_api_client: esperclient.ApiClient, esper_emulator: Sandbox
) -> None:
    assert esper_api_client.configuration.api_key_prefix["Authorization"] == "Bearer"
    api = esperclient.DeviceApi(esper_api_client)
    page = api.get_all_devices(esper_emulator.enterprise_id, limit=2)
    assert page.count == 5
    assert [device.id for device in page.results] == esper_emulator.device_ids[:2]


def test_the_async_client(esper_emulator: Sandbox) -> None:
    async def main() -> list[str]:
        async with esper_emulator.async_client() as esper:
            command = await esper.commands.run(esper_emulator.device_ids[2], "UPDATE_HEARTBEAT")
            done = await esper.commands.wait(command, **FAST)
            return [done.state or ""] + [d.id async for d in esper.devices.list() if d.id]

    state, *ids = asyncio.run(main())
    assert state == "Command Success"
    assert ids == esper_emulator.device_ids


def test_enterprises_of_the_session_emulator_are_apart(
    esper_emulator_session: RunningEmulator,
) -> None:
    ours = esper_emulator_session.sandbox(devices=2)
    theirs = esper_emulator_session.sandbox(devices=1)
    with ours.client() as esper:
        assert [device.id for device in esper.devices.list()] == ours.device_ids
        with pytest.raises(PermissionDeniedError):
            esper.request("GET", f"/enterprise/{theirs.enterprise_id}/device/")
