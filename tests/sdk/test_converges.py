"""``esper.blueprints.push``/``converge`` and ``esper.converges`` on both clients."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient import CommandState
from esperclient._generated.v2 import Converge, ConvergeCommand
from esperclient.models import ConvergeStatus
from tests.conftest import Tenant
from tests.emulator.conftest import call, json_of
from tests.sdk.test_esper import MODES, aw, collect, run

TIMEZONE = {"timezone_settings": {"apply_policy": "ALWAYS APPLY", "timezone": "Europe/Oslo"}}


def _set_online(tenant: Tenant, device_id: str, online: bool) -> None:
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    json_of(call("POST", url, json={"online": online}))


def _app(tenant: Tenant, apk: Path) -> dict[str, Any]:
    with esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    ) as esper:
        app = esper.applications.upload(apk)
    return {
        "app_id": app.id,
        "app_version_id": app.versions[0].id,
        "package_name": app.package_name,
        "installation_rule": "POST PROVISIONING",
        "state": "SHOW",
        "type": "ENTERPRISE",
        "auto_update_mode": "autoUpdateDefault",
    }


@MODES
def test_push_then_wait_for_every_converge_with_one_list_call_a_round(
    mode: str, tenant: Tenant, server: EmulatorServer, make_apk: Callable[..., Path]
) -> None:
    devices = tenant.device_ids[:3]
    away = devices[2]
    for device_id in devices:
        _set_online(tenant, device_id, device_id != away)
    settings = {"android": {"apps": [_app(tenant, make_apk())], **TIMEZONE}}
    rounds: list[dict[str, int]] = []

    def progress(counts: dict[str, int]) -> None:
        rounds.append(counts)
        if len(rounds) == 2:  # the offline device comes back while the wait goes on
            _set_online(tenant, away, True)

    async def scenario(esper: Any) -> None:
        blueprint = await aw(esper.blueprints.create(f"rollout {mode}", settings=settings))
        sent = await aw(esper.blueprints.push(str(blueprint.id), devices=devices))
        assert sent.command == "UPDATE_BLUEPRINT"
        started = await collect(esper.converges.list(device_ids=devices))
        assert sorted(str(c.device_id) for c in started) == sorted(devices)
        before = server.emulator.faults.counters.requests
        done = await aw(
            esper.converges.wait(started, timeout=60, poll_interval=0.05, on_progress=progress)
        )
        assert server.emulator.faults.counters.requests - before == len(rounds)
        assert [c.id for c in done] == [c.id for c in started]
        assert {c.status for c in done} == {ConvergeStatus.SUCCESS}
        assert len(rounds) >= 2 and rounds[-1] == {ConvergeStatus.SUCCESS: 3}
        one = await aw(esper.converges.get(str(done[0].id)))
        assert isinstance(one, Converge) and one.status == ConvergeStatus.SUCCESS
        commands = await collect(esper.converges.commands(str(one.id)))
        assert all(isinstance(c, ConvergeCommand) for c in commands)
        assert [c.command_state for c in commands] == [CommandState.SUCCESS] * 2
        device = await aw(esper.devices.get(away))
        assert device.software_info["timezone"] == "Europe/Oslo"

    run(mode, tenant, scenario)


@MODES
def test_converge_one_device_and_push_to_a_group(mode: str, tenant: Tenant) -> None:
    device = tenant.device_ids[3]
    _set_online(tenant, device, True)

    async def scenario(esper: Any) -> None:
        with pytest.raises(esperclient.BadRequestError, match="no blueprint"):
            await aw(esper.blueprints.converge(device))
        blueprint = await aw(esper.blueprints.create(f"one {mode}", settings={"android": TIMEZONE}))
        group = await aw(esper.groups.create(f"converging {mode}"))
        await aw(esper.groups.add_devices(str(group.id), [device]))
        await aw(esper.blueprints.push(str(blueprint.id), groups=[str(group.id)]))
        [pushed] = await collect(esper.converges.list(device_ids=[device]))
        await aw(esper.converges.wait([str(pushed.id)], timeout=60, poll_interval=0.05))
        again = await aw(esper.blueprints.converge(device, with_provision=True))
        assert again.converge_with_provision_option is True
        assert again.blueprint_info.blueprint_id == blueprint.id
        [done] = await aw(esper.converges.wait([again], timeout=60, poll_interval=0.05))
        assert done.status == ConvergeStatus.SUCCESS
        assert await collect(esper.converges.commands(str(done.id))) == []

    run(mode, tenant, scenario)


def test_a_wait_that_runs_out_names_the_statuses(tenant: Tenant) -> None:
    device = tenant.device_ids[4]
    _set_online(tenant, device, False)
    with esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    ) as esper:
        blueprint = esper.blueprints.create("stuck", settings={"android": TIMEZONE})
        esper.blueprints.push(str(blueprint.id), devices=[device])
        started = esper.converges.list(device_ids=[device]).to_list()
        with pytest.raises(esperclient.WaitTimeoutError, match="IN_PROGRESS") as raised:
            esper.converges.wait(started, timeout=0.2, poll_interval=0.05)
        assert [c.status for c in raised.value.last] == [ConvergeStatus.IN_PROGRESS]
    with pytest.raises(ValueError, match="groups or devices"):
        esper.blueprints.push(str(blueprint.id))
