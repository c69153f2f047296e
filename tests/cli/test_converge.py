"""``esper blueprints push`` and ``esper blueprints converge [--wait]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import esperclient
from esperclient.models import ConvergeStatus
from tests.cli.conftest import run_esper
from tests.conftest import Tenant
from tests.emulator.conftest import call, json_of

TIMEZONE = {"timezone_settings": {"apply_policy": "ALWAYS APPLY", "timezone": "America/Lima"}}


def _client(tenant: Tenant) -> esperclient.Esper:
    return esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    )


def _set_online(tenant: Tenant, device_id: str, online: bool = True) -> None:
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    json_of(call("POST", url, json={"online": online}))


def _group(tenant: Tenant, name: str, devices: list[str]) -> str:
    with _client(tenant) as esper:
        group = esper.groups.create(name)
        esper.groups.add_devices(str(group.id), devices)
    for device_id in devices:
        _set_online(tenant, device_id)
    return str(group.id)


def _blueprint(tenant: Tenant, name: str, android: dict[str, Any]) -> str:
    with _client(tenant) as esper:
        return str(esper.blueprints.create(name, settings={"android": android}).id)


def test_converge_a_group_and_wait(env: Tenant) -> None:
    devices = env.device_ids[:5]
    _group(env, "Front desks", devices)
    blueprint = _blueprint(env, "Desk", TIMEZONE)
    done = run_esper("blueprints", "converge", blueprint, "--group", "Front desks", "--wait",
                     "--interval", "0.05", "-o", "json")  # fmt: skip
    assert done.code == 0, done.everything
    converges = done.json()
    assert sorted(c["device_id"] for c in converges) == sorted(devices)
    assert {c["status"] for c in converges} == {ConvergeStatus.SUCCESS}
    assert {c["blueprint_info"]["blueprint_id"] for c in converges} == {blueprint}
    assert "converge of 5 devices: 5 SUCCESS" in done.stderr
    with _client(env) as esper:
        assert all(
            esper.devices.get(d).software_info["timezone"] == "America/Lima" for d in devices
        )
    table = run_esper("blueprints", "converge", blueprint, "--device", devices[0])
    assert table.code == 0, table.everything
    header, row = table.stdout.splitlines()
    assert header.split() == ["ID", "DEVICE", "VERSION", "STATUS", "REASON"]
    assert row.split()[1] == devices[0]


def test_a_wait_that_runs_out_exits_6_and_shows_where_they_are(env: Tenant) -> None:
    device = env.device_ids[5]
    _group(env, "Stockroom", [device])
    _set_online(env, device, False)
    blueprint = _blueprint(env, "Stock", TIMEZONE)
    late = run_esper("blueprints", "converge", blueprint, "--device", device, "--wait",
                     "--timeout", "0.3", "--interval", "0.05", "-o", "json")  # fmt: skip
    assert late.code == 6, late.everything
    assert "not final after 0.3 s" in late.stderr
    assert [c["status"] for c in late.json()] == [ConvergeStatus.IN_PROGRESS]


def test_a_failed_converge_exits_1(env: Tenant, make_apk: Any) -> None:
    device = env.device_ids[6]
    _set_online(env, device)
    with _client(env) as esper:
        app = esper.applications.upload(make_apk())
        entry = {
            "app_id": app.id,
            "app_version_id": app.versions[0].id,
            "package_name": app.package_name,
            "installation_rule": "POST PROVISIONING",
            "state": "SHOW",
            "type": "ENTERPRISE",
            "auto_update_mode": "autoUpdateDefault",
        }
        blueprint = str(esper.blueprints.create("Gone", settings={"android": {"apps": [entry]}}).id)
        esper.applications.delete_version(str(app.id), str(app.versions[0].id))
    failed = run_esper("blueprints", "converge", blueprint, "-d", device, "--wait",
                       "--interval", "0.05")  # fmt: skip
    assert failed.code == 1, failed.everything
    assert "1 of 1 converges failed" in failed.stderr
    assert ConvergeStatus.FAILURE in failed.stdout


def test_push_prints_the_request_and_needs_targets(env: Tenant, tmp_path: Path) -> None:
    device = env.device_ids[7]
    blueprint = _blueprint(env, "Pushed", TIMEZONE)
    pushed = run_esper("blueprints", "push", blueprint, "--device", device, "-o", "json")
    assert pushed.code == 0, pushed.everything
    request = pushed.json()
    assert request["command"] == "UPDATE_BLUEPRINT" and request["devices"] == [device]
    with _client(env) as esper:
        [converge] = esper.converges.list(device_ids=[device])
        assert converge.blueprint_info.blueprint_id == blueprint
    missing = run_esper("blueprints", "push", blueprint)
    assert missing.code == 2 and "--group G or --device D" in missing.stderr
