"""Blueprint converges (/v2/converge) over HTTP on the simulated clock: each state,
apply_policy, offline catch-up, failures, the commands a converge sends, 404s, and the
UPDATE_BLUEPRINT push that assigns a blueprint and starts converges."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient import CommandState
from esperclient._generated.v2 import BlueprintCreate, SettingsV2
from esperclient.models import ConvergeStatus
from tests.conftest import new_tenant
from tests.emulator.conftest import call, json_of

LATENCY = 60.0
"""Seconds of simulated time per step: far more than a busy machine takes between reads."""
UNKNOWN = "00000000-0000-4000-8000-000000000000"
SCREEN = {"brightness_settings": {"apply_policy": "ALWAYS APPLY", "brightness_value": "40"}}


class Rig:
    """An emulator of the test's own (each step ``LATENCY`` s), an enterprise, an app."""

    def __init__(self, server: EmulatorServer, apk: Path) -> None:
        self.server = server
        self.tenant = new_tenant(server, devices=4)
        self.ids = self.tenant.device_ids
        self.esper = esperclient.Esper(
            host=self.tenant.host,
            api_key=self.tenant.api_key,
            enterprise_id=self.tenant.enterprise_id,
            max_retries=0,
        )
        for device_id in self.ids:
            self.online(device_id, True)
        self.app = self.esper.applications.upload(apk)
        self._names = itertools.count(1)

    def side(self, path: str, body: Any) -> Any:
        return json_of(call("POST", f"{self.server.url}/_emulator{path}", json=body))

    def online(self, device_id: str, online: bool) -> None:
        path = f"/enterprises/{self.tenant.enterprise_id}/devices/{device_id}/online"
        self.side(path, {"online": online})

    def advance(self, seconds: float = LATENCY) -> None:
        self.side("/clock/advance", {"seconds": seconds})

    def raw(self, method: str, path: str, json: Any = None) -> Any:
        return call(method, f"{self.tenant.host}{path}", key=self.tenant.api_key, json=json)

    def app_entry(self, state: str = "SHOW") -> dict[str, Any]:
        return {
            "app_id": self.app.id,
            "app_version_id": self.app.versions[0].id,
            "package_name": self.app.package_name,
            "installation_rule": "POST PROVISIONING",
            "state": state,
            "type": "ENTERPRISE",
            "auto_update_mode": "autoUpdateDefault",
        }

    def blueprint(self, **android: Any) -> str:
        settings = msgspec.convert({"android": android}, SettingsV2)
        made = self.esper.v2.blueprints.create(
            body=BlueprintCreate(name=f"blueprint {next(self._names)}", settings=settings)
        )
        return str(made.id)

    def push(self, revision: str, devices: list[str]) -> str:
        sent = self.esper.commands_api.create(
            "UPDATE_BLUEPRINT", devices=devices, apply_all=True, blueprint_revision_id=revision
        )
        return str(sent.id)

    def converges(self, device_id: str) -> list[Any]:
        body = json_of(self.raw("GET", f"/v2/converge?device_ids={device_id}"))
        return list(body["content"]["results"])

    def converge(self, converge_id: str) -> dict[str, Any]:
        found: dict[str, Any] = json_of(self.raw("GET", f"/v2/converge/{converge_id}"))["content"]
        return found

    def commands(self, converge_id: str) -> list[dict[str, Any]]:
        body = json_of(self.raw("GET", f"/v2/converge/{converge_id}/commands"))
        return list(body["content"]["results"])

    def settle(self, converge_id: str, rounds: int = 20) -> dict[str, Any]:
        """The converge once final, moving the clock one step at a time."""
        for _ in range(rounds):
            found = self.converge(converge_id)
            if found["status"] in ConvergeStatus.FINAL:
                return found
            self.advance()
        raise AssertionError(f"converge {converge_id} never ended: {found}")

    def device(self, device_id: str) -> esperclient.Device:
        return self.esper.devices.get(device_id)

    def blueprint_info(self, device_id: str) -> dict[str, Any]:
        body = json_of(self.raw("GET", f"/v2/devices/{device_id}"))
        info: dict[str, Any] = body["content"]["blueprint_info"]
        return info

    def package_versions(self, device_id: str) -> dict[str, str | None]:
        apps = self.esper.devices.apps(device_id)
        return {str(app.package_name): app.version_name for app in apps}


@pytest.fixture
def rig(
    start_server: Callable[..., EmulatorServer], make_apk: Callable[..., Path]
) -> Iterator[Rig]:
    own = Rig(start_server(latency_ms=LATENCY * 1000), make_apk())
    yield own
    own.esper.close()


def _only(rig: Rig, device_id: str) -> dict[str, Any]:
    [converge] = rig.converges(device_id)
    return dict(converge)


def test_a_push_assigns_the_blueprint_and_the_converge_goes_through_every_state(
    rig: Rig,
) -> None:
    blueprint_id = rig.blueprint(apps=[rig.app_entry()], **SCREEN)
    device = rig.ids[0]
    rig.push(blueprint_id, [device])
    converge = _only(rig, device)
    assert converge["status"] == ConvergeStatus.QUEUED
    assert converge["blueprint_info"]["blueprint_id"] == blueprint_id
    assert rig.blueprint_info(device)["assigned_blueprint_id"] == blueprint_id
    assert rig.blueprint_info(device)["blueprint_upgrade_status"] == "UPGRADABLE"
    rig.advance()
    assert rig.converge(converge["id"])["status"] == ConvergeStatus.PROCESSING
    rig.advance()
    assert rig.converge(converge["id"])["status"] == ConvergeStatus.IN_PROGRESS
    sent = rig.commands(converge["id"])
    assert len(sent) == 2 and all(c["command_state"] != CommandState.SUCCESS for c in sent)
    done = rig.settle(converge["id"])
    assert done["status"] == ConvergeStatus.SUCCESS and done.get("reason") is None
    assert {c["command_state"] for c in rig.commands(converge["id"])} == {CommandState.SUCCESS}
    info = rig.blueprint_info(device)
    version = rig.esper.v2.blueprints.get(blueprint_id).version_id
    assert info["current_blueprint_id"] == blueprint_id
    assert info["current_blueprint_version_id"] == version
    assert info["blueprint_upgrade_status"] == "UPGRADED"
    assert rig.package_versions(device)[rig.app.package_name] is not None
    assert rig.device(device).displays["0"]["brightnessScale"] == 40


def test_the_converge_commands_are_internal_and_say_so(rig: Rig) -> None:
    blueprint_id = rig.blueprint(apps=[rig.app_entry()])
    rig.push(blueprint_id, [rig.ids[0]])
    converge = rig.settle(_only(rig, rig.ids[0])["id"])
    [sent] = rig.commands(converge["id"])
    request = rig.esper.commands_api.get(sent["command_request_id"])
    assert request.command == "INSTALL"
    assert msgspec.to_builtins(request)["command_args"]["is_converge"] is True
    visible = rig.esper.commands_api.list(exclude_internal_commands=True)
    assert [r.command for r in visible] == ["UPDATE_BLUEPRINT"]


def test_a_device_already_matching_converges_with_no_commands(rig: Rig) -> None:
    blueprint_id = rig.blueprint(apps=[rig.app_entry()], **SCREEN)
    device = rig.ids[0]
    rig.push(blueprint_id, [device])
    rig.settle(_only(rig, device)["id"])
    again = rig.raw(
        "POST", "/v2/converge", {"device_id": device, "converge_with_provision_option": False}
    )
    converge = json_of(again, 201)["content"]
    assert converge["status"] == ConvergeStatus.QUEUED
    done = rig.settle(converge["id"])
    assert done["status"] == ConvergeStatus.SUCCESS
    assert rig.commands(converge["id"]) == []


def test_app_states_kiosk_mode_and_settings_are_brought_to_the_blueprint(rig: Rig) -> None:
    android = {
        "apps": [rig.app_entry(state="HIDE")],
        "device_mode_settings": {"apply_policy": "ALWAYS APPLY", "device_mode": "KIOSK"},
        "timezone_settings": {"apply_policy": "ALWAYS APPLY", "timezone": "Europe/Paris"},
        "bluetooth_settings": {
            "apply_policy": "ALWAYS APPLY",
            "allow_bluetooth": True,
            "bluetooth_state": "DISABLE",
        },
        "screen_orientation_settings": {
            "apply_policy": "ALWAYS APPLY",
            "orientation_type": "LANDSCAPE",
        },
    }
    device = rig.ids[1]
    rig.push(rig.blueprint(**android), [device])
    converge = rig.settle(_only(rig, device)["id"])
    assert converge["status"] == ConvergeStatus.SUCCESS, converge
    names = [
        rig.esper.commands_api.get(c["command_request_id"]).command
        for c in rig.commands(converge["id"])
    ]
    assert names == [
        "INSTALL",
        "SET_APP_STATE",
        "SET_KIOSK_APP",
        "SET_ROTATION_STATE",
        "SET_TIMEZONE",
        "SET_BLUETOOTH_STATE",
    ]
    found = rig.device(device)
    assert found.software_info["kioskApp"] == rig.app.package_name
    assert found.software_info["appStates"] == {rig.app.package_name: "HIDE"}
    assert found.software_info["timezone"] == "Europe/Paris"
    assert found.network_info["bluetoothEnabled"] is False
    assert found.displays["0"]["rotateState"] == 2


@pytest.mark.parametrize(
    ("policy", "with_provision", "applied"),
    [
        ("IGNORE", True, False),
        ("PROVISION ONLY", False, False),
        ("PROVISION ONLY", True, True),
        ("ALWAYS APPLY", False, True),
    ],
)
def test_apply_policy_decides_whether_a_setting_is_applied(
    rig: Rig, policy: str, with_provision: bool, applied: bool
) -> None:
    blueprint_id = rig.blueprint(
        timezone_settings={"apply_policy": policy, "timezone": "Asia/Tokyo"}
    )
    device = rig.ids[0]
    rig.push(blueprint_id, [device])
    rig.settle(_only(rig, device)["id"])
    rig.online(device, True)
    before = rig.device(device).software_info.get("timezone")
    body = {"device_id": device, "converge_with_provision_option": with_provision}
    converge = json_of(rig.raw("POST", "/v2/converge", body), 201)["content"]
    assert converge["converge_with_provision_option"] is with_provision
    assert rig.settle(converge["id"])["status"] == ConvergeStatus.SUCCESS
    timezone = rig.device(device).software_info.get("timezone")
    if policy == "ALWAYS APPLY":
        assert timezone == "Asia/Tokyo"  # the push's own converge applied it already
    elif applied:
        assert before != "Asia/Tokyo" and timezone == "Asia/Tokyo"
    else:
        assert timezone == before != "Asia/Tokyo"


def test_an_offline_device_converges_once_it_comes_online(rig: Rig) -> None:
    device = rig.ids[2]
    rig.online(device, False)
    rig.push(rig.blueprint(apps=[rig.app_entry()], **SCREEN), [device])
    converge_id = _only(rig, device)["id"]
    for _ in range(10):
        rig.advance(3600)
    assert rig.converge(converge_id)["status"] == ConvergeStatus.IN_PROGRESS
    assert {c["command_state"] for c in rig.commands(converge_id)} == {CommandState.QUEUED}
    rig.online(device, True)
    assert rig.settle(converge_id)["status"] == ConvergeStatus.SUCCESS
    assert rig.device(device).displays["0"]["brightnessScale"] == 40


def test_a_failed_command_fails_the_converge_with_its_reason(rig: Rig) -> None:
    blueprint_id = rig.blueprint(apps=[rig.app_entry()], **SCREEN)
    device = rig.ids[0]
    rig.push(blueprint_id, [device])
    converge_id = _only(rig, device)["id"]
    rig.advance()  # PROCESSING: its commands are sent at the next step
    rig.side("/faults", {"fail_next_commands": 1})  # the first of them, the INSTALL
    done = rig.settle(converge_id)
    assert done["status"] == ConvergeStatus.FAILURE
    assert done["reason"] == "injected failure"
    states = [c["command_state"] for c in rig.commands(converge_id)]
    assert states == [CommandState.FAILURE, CommandState.SUCCESS]
    assert rig.blueprint_info(device)["blueprint_upgrade_status"] == "UPGRADE_FAILED"
    assert rig.blueprint_info(device).get("current_blueprint_id") is None


def test_a_command_cancelled_through_the_commands_api_fails_the_converge(rig: Rig) -> None:
    device = rig.ids[1]
    rig.online(device, False)
    rig.push(rig.blueprint(**SCREEN), [device])
    converge_id = _only(rig, device)["id"]
    rig.advance()
    rig.advance()
    [sent] = rig.commands(converge_id)
    [status] = rig.esper.commands_api.statuses(request=sent["command_request_id"])
    rig.esper.commands_api.cancel(str(status.id), reason="not today")
    done = rig.converge(converge_id)
    assert done["status"] == ConvergeStatus.FAILURE and done["reason"] == "not today"


def test_an_app_version_deleted_after_publishing_fails_the_converge(rig: Rig) -> None:
    blueprint_id = rig.blueprint(apps=[rig.app_entry()])
    version_id = rig.app.versions[0].id
    rig.esper.applications.delete_version(rig.app.id, version_id)
    rig.push(blueprint_id, [rig.ids[0]])
    converge = rig.settle(_only(rig, rig.ids[0])["id"])
    assert converge["status"] == ConvergeStatus.FAILURE
    assert version_id in converge["reason"]
    assert rig.commands(converge["id"]) == []
    assert rig.blueprint_info(rig.ids[0])["blueprint_upgrade_status"] == "UPGRADE_FAILED"


def test_a_window_converge_holds_its_commands_until_the_window(rig: Rig) -> None:
    device = rig.ids[3]
    blueprint_id = rig.blueprint(**SCREEN)
    rig.push(blueprint_id, [device])
    rig.settle(_only(rig, device)["id"])
    brighter = {"brightness_settings": {"apply_policy": "ALWAYS APPLY", "brightness_value": "70"}}
    rig.esper.blueprints.publish(blueprint_id, settings={"android": brighter})
    with rig.server.emulator.store.transaction():
        opens = rig.server.emulator.clock.utcnow() + timedelta(hours=3)
    window = {
        "start_datetime": (opens - timedelta(days=1)).isoformat(),
        "end_datetime": (opens + timedelta(hours=12)).isoformat(),
        "window_start_time": opens.strftime("%H:%M:%S"),
        "window_end_time": (opens + timedelta(hours=1)).strftime("%H:%M:%S"),
        "time_type": "console",
    }
    body = {
        "device_id": device,
        "converge_with_provision_option": False,
        "schedule_type": "WINDOW",
        "schedule_args": window,
    }
    converge = json_of(rig.raw("POST", "/v2/converge", body), 201)["content"]
    assert converge["schedule_type"] == "WINDOW" and converge["schedule_args"] == window
    for _ in range(3):
        rig.advance()
    assert rig.converge(converge["id"])["status"] == ConvergeStatus.IN_PROGRESS
    [held] = rig.commands(converge["id"])
    assert held["command_state"] == CommandState.SCHEDULED
    rig.advance(3 * 3600)
    assert rig.settle(converge["id"])["status"] == ConvergeStatus.SUCCESS
    assert rig.device(device).displays["0"]["brightnessScale"] == 70


def test_a_bad_window_is_refused(rig: Rig) -> None:
    rig.push(rig.blueprint(**SCREEN), [rig.ids[0]])
    body = {
        "device_id": rig.ids[0],
        "converge_with_provision_option": False,
        "schedule_type": "WINDOW",
        "schedule_args": {},
    }
    assert rig.raw("POST", "/v2/converge", body).status == 400
    assert rig.raw("POST", "/v2/converge", {**body, "schedule_type": "SOMETIME"}).status == 400


def test_unknown_converges_are_404s_and_a_device_without_a_blueprint_is_a_400(rig: Rig) -> None:
    for path in (f"/v2/converge/{UNKNOWN}", f"/v2/converge/{UNKNOWN}/commands", "/v2/converge/x"):
        response = rig.raw("GET", path)
        assert response.status == 404, path
        assert msgspec.json.decode(response.data)["code"] == 404
    body = {"device_id": rig.ids[0], "converge_with_provision_option": False}
    refused = rig.raw("POST", "/v2/converge", body)
    assert refused.status == 400
    assert "no blueprint" in msgspec.json.decode(refused.data)["message"]
    unknown = rig.raw("POST", "/v2/converge", {**body, "device_id": UNKNOWN})
    assert unknown.status == 400


def test_a_push_of_an_unknown_blueprint_is_refused(rig: Rig) -> None:
    with pytest.raises(esperclient.BadRequestError, match="blueprint_revision_id"):
        rig.push(UNKNOWN, [rig.ids[0]])
    assert rig.converges(rig.ids[0]) == []


def test_a_push_of_a_version_pins_that_version(rig: Rig) -> None:
    blueprint_id = rig.blueprint(**SCREEN)
    first = str(rig.esper.v2.blueprints.get(blueprint_id).version_id)
    rig.esper.blueprints.publish(blueprint_id, description="v2")
    rig.push(first, [rig.ids[0]])
    converge = _only(rig, rig.ids[0])
    assert converge["blueprint_info"] == {
        "blueprint_id": blueprint_id,
        "blueprint_version_id": first,
    }
    rig.push(blueprint_id, [rig.ids[1]])
    latest = rig.esper.v2.blueprints.get(blueprint_id).version_id
    assert _only(rig, rig.ids[1])["blueprint_info"]["blueprint_version_id"] == latest
