"""The Commands API (/commands/v0/): requests, per-device states on the simulated clock,
schedules, stats, statuses, cancelling, and its envelope."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.services.command_api import NewRequest
from esper_emulator.services.commands import COMMANDS
from esper_emulator.services.fleet import OS_PLATFORMS
from esper_emulator.store import schema
from esperclient import CommandState, DevicePlatform
from esperclient._generated.v0 import CommandArgs, CommandRequestPOST, CommandScheduleArgs
from tests.conftest import new_tenant
from tests.emulator.conftest import call, count, json_of

LATENCY = 60.0
"""Seconds of simulated time per step: far more than a busy machine takes between reads."""
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class Fleet:
    """An emulator of the test's own (each step ``LATENCY`` s), an enterprise and its levers."""

    def __init__(self, server: EmulatorServer, devices: int = 6) -> None:
        self.server = server
        self.tenant = new_tenant(server, devices=devices)
        self.ids = self.tenant.device_ids
        self.esper = esperclient.Esper(
            host=self.tenant.host,
            api_key=self.tenant.api_key,
            enterprise_id=self.tenant.enterprise_id,
            max_retries=0,
        )
        for device_id in self.ids:
            self.online(device_id, True)

    def side(self, path: str, body: Any) -> Any:
        return json_of(call("POST", f"{self.server.url}/_emulator{path}", json=body))

    def online(self, device_id: str, online: bool) -> None:
        path = f"/enterprises/{self.tenant.enterprise_id}/devices/{device_id}/online"
        self.side(path, {"online": online})

    def advance(self, seconds: float) -> None:
        self.side("/clock/advance", {"seconds": seconds})

    def now(self) -> datetime:
        with self.server.emulator.store.transaction():
            return self.server.emulator.clock.utcnow()

    def add(self, platform: str) -> str:
        """A new online device of ``platform``, outside ``ids`` (which are Android's)."""
        os_name = next(os for os, its in OS_PLATFORMS.items() if its == platform)
        with self.server.emulator.store.transaction():
            seeder = self.server.emulator.seeder
            [device_id] = seeder.devices(self.tenant.enterprise_id, 1, os=os_name)
        self.online(device_id, True)
        return device_id

    def raw(self, method: str, path: str, json: Any = None) -> Any:
        return call(method, f"{self.tenant.host}{path}", key=self.tenant.api_key, json=json)

    def send(self, command: str, devices: list[str] | None = None, **body: Any) -> str:
        sent = CommandRequestPOST(
            command_type=body.pop("command_type", "DEVICE"),
            devices=self.ids if devices is None else devices,
            command=command,
            device_type="all",
            **body,
        )
        return str(self.esper.v0.command_request.create(body=sent).id)

    def stats(self, request_id: str) -> dict[str, int]:
        found = self.esper.v0.command_request.get_stats(request_id)
        return {item.state or "": int(item.total or 0) for item in found.status or []}

    def states(self, request_id: str) -> dict[str, str]:
        """Device id -> state of each device of the request."""
        found = self.esper.v0.command_status.list(request=request_id)
        return {str(status.device): str(status.state) for status in found}

    def software(self, device_id: str) -> dict[str, Any]:
        info = self.esper.devices.get(device_id).software_info
        return info if isinstance(info, dict) else {}


@pytest.fixture
def fleet(start_server: Callable[..., EmulatorServer]) -> Iterator[Fleet]:
    own = Fleet(start_server(latency_ms=LATENCY * 1000))
    yield own
    own.esper.close()


@pytest.fixture
def quick(start_server: Callable[..., EmulatorServer]) -> Iterator[Fleet]:
    """A fleet whose commands finish at once (no latency)."""
    own = Fleet(start_server())
    yield own
    own.esper.close()


def _error(response: Any, status: int) -> dict[str, Any]:
    """The enveloped error body of ``response``."""
    assert response.status == status, response.data
    body: dict[str, Any] = msgspec.json.decode(response.data)
    assert body["code"] == status and body["content"] == {}
    assert isinstance(body["message"], str) and body["message"]
    return body


# creating


def test_a_request_runs_on_each_device_through_every_state(fleet: Fleet) -> None:
    request_id = fleet.send("REBOOT")
    created = json_of(fleet.raw("GET", f"/commands/v0/commands/{request_id}/"))["content"]
    assert created["command"] == "REBOOT" and created["device_type"] == "all"
    assert created["schedule"] == "IMMEDIATE" and created["devices"] == fleet.ids
    n = len(fleet.ids)
    seen = [fleet.stats(request_id)]
    for _ in range(3):
        fleet.advance(LATENCY)
        seen.append(fleet.stats(request_id))
    assert seen == [
        {CommandState.INITIATED: n},
        {CommandState.ACKNOWLEDGED: n},
        {CommandState.IN_PROGRESS: n},
        {CommandState.SUCCESS: n},
    ]
    assert "lastRebootOn" in fleet.software(fleet.ids[0])


def test_a_create_answers_201_in_the_envelope(fleet: Fleet) -> None:
    response = fleet.raw(
        "POST",
        "/commands/v0/commands/",
        {"command_type": "DEVICE", "devices": fleet.ids[:1], "command": "LOCK", "alias": "x"},
    )
    body = json_of(response, 201)
    assert body["code"] == 201 and body["message"] == "Created"
    assert body["content"]["command"] == "LOCK" and body["content"]["alias"] == "x"


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("devices", {"devices": [str(uuid.uuid4()) for _ in range(1001)]}),
        ("groups", {"command_type": "GROUP", "groups": [str(uuid.uuid4()) for _ in range(501)]}),
        ("devices", {"devices": [UNKNOWN]}),
        ("groups", {"command_type": "GROUP", "groups": [UNKNOWN]}),
        ("devices", {"devices": []}),
        ("groups", {"command_type": "GROUP", "devices": []}),
        ("command_type", {"command_type": "FLEET"}),
        ("command", {"command": "CAPTURE_SCREENSHOT"}),
        ("device_type", {"device_type": "some"}),
        ("command_args.package_name", {"command": "SET_KIOSK_APP"}),
        (
            "command_args.grant_state",
            {
                "command": "SET_APP_PERMISSION",
                "command_args": {"package_name": "a.b", "permission": "p", "grant_state": "MAYBE"},
            },
        ),
        ("schedule", {"schedule": "SOMETIMES"}),
        ("schedule_args", {"schedule": "WINDOW"}),
        ("schedule_args.end_datetime", {"schedule": "WINDOW", "schedule_args": {}}),
        (
            "schedule_args.days",
            {
                "schedule": "RECURRING",
                "schedule_args": {"end_datetime": "2999-01-01T00:00:00Z", "days": ["Caturday"]},
            },
        ),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field_and_writes_nothing(
    fleet: Fleet, field: str, body: dict[str, Any]
) -> None:
    sent = {"command_type": "DEVICE", "devices": fleet.ids, "command": "REBOOT", **body}
    found = _error(fleet.raw("POST", "/commands/v0/commands/", sent), 400)
    assert found["message"].startswith(f"{field}:")
    if UNKNOWN in str(body):
        assert UNKNOWN in found["message"]
    assert count(fleet.server, schema.command_api_requests) == 0
    assert count(fleet.server, schema.commands) == 0


def test_a_group_request_reaches_the_subgroups(fleet: Fleet) -> None:
    with fleet.server.emulator.store.transaction():
        seeder = fleet.server.emulator.seeder
        top = seeder.group(fleet.tenant.enterprise_id, "Top", fleet.ids[:2])
        seeder.group(fleet.tenant.enterprise_id, "Below", fleet.ids[2:4], top)
    request_id = fleet.send("UPDATE_HEARTBEAT", [], command_type="GROUP", groups=[top])
    assert set(fleet.states(request_id)) == set(fleet.ids[:4])
    dynamic = fleet.send("LOCK", fleet.ids[5:], command_type="DYNAMIC", groups=[top])
    assert set(fleet.states(dynamic)) == set(fleet.ids[:4] + fleet.ids[5:])


def test_devices_of_a_platform_without_the_command_get_none(fleet: Fleet) -> None:
    apple, linux = fleet.add(DevicePlatform.APPLE), fleet.add(DevicePlatform.LINUX)
    every = [*fleet.ids, apple, linux]
    notify = fleet.send("NOTIFY_DEVICE", every, command_args=CommandArgs(title="t", message="m"))
    assert set(fleet.states(notify)) == set(fleet.ids)
    logs = fleet.send("COLLECT_LOGS", every)
    assert set(fleet.states(logs)) == {linux}
    reboot = fleet.send("REBOOT", every)
    assert set(fleet.states(reboot)) == set(every) - {linux}


def test_a_windows_wipe_needs_is_factory_reset(fleet: Fleet) -> None:
    windows = fleet.add(DevicePlatform.WINDOWS)
    sent = {"command_type": "DEVICE", "devices": [windows, fleet.ids[0]], "command": "WIPE"}
    found = _error(fleet.raw("POST", "/commands/v0/commands/", sent), 400)
    assert found["message"].startswith("command_args.is_factory_reset:")
    assert count(fleet.server, schema.command_api_requests) == 0
    android_only = {**sent, "devices": fleet.ids[:1]}
    assert fleet.raw("POST", "/commands/v0/commands/", android_only).status == 201
    sent["command_args"] = {"is_factory_reset": True}
    assert fleet.raw("POST", "/commands/v0/commands/", sent).status == 201


def test_the_command_inbox_gives_the_next_unacknowledged_command(fleet: Fleet) -> None:
    device = fleet.add(DevicePlatform.LINUX)
    fleet.online(device, False)
    path = f"/v2/command-inbox/?device_id={device}"
    _error(fleet.raw("GET", path), 404)
    script = fleet.send(
        "RUN_SHELL_SCRIPT", [device], command_args=CommandArgs(script="uptime", interpreter="sh")
    )
    fleet.send("COLLECT_LOGS", [device])
    content = json_of(fleet.raw("GET", path))["content"]
    assert content["command"] == "RUN_SHELL_SCRIPT" and content["state"] == CommandState.QUEUED
    assert content["command_args"] == {"script": "uptime"}
    assert content["device_meta"] == {"platform": "LINUX"}
    assert content["id"] == next(iter(fleet.esper.v0.command_status.list(request=script))).id
    fleet.online(device, True)
    fleet.advance(LATENCY)
    _error(fleet.raw("GET", path), 404)
    _error(fleet.raw("GET", f"/v2/command-inbox/?device_id={UNKNOWN}"), 404)


# on the clock


def test_an_offline_device_stays_queued_until_it_comes_online(fleet: Fleet) -> None:
    away = fleet.ids[0]
    fleet.online(away, False)
    request_id = fleet.send("REBOOT")
    fleet.advance(3 * LATENCY)
    assert fleet.stats(request_id) == {
        CommandState.QUEUED: 1,
        CommandState.SUCCESS: len(fleet.ids) - 1,
    }
    fleet.advance(7 * 86400)  # a queued command has no timeout: it was never delivered
    assert fleet.states(request_id)[away] == CommandState.QUEUED
    fleet.online(away, True)
    assert fleet.states(request_id)[away] == CommandState.INITIATED
    fleet.advance(3 * LATENCY)
    assert fleet.stats(request_id) == {CommandState.SUCCESS: len(fleet.ids)}
    assert "lastRebootOn" in fleet.software(away)


def test_a_device_gone_offline_mid_command_times_out(fleet: Fleet) -> None:
    gone = fleet.ids[0]
    request_id = fleet.send("REBOOT", [gone])
    fleet.advance(LATENCY)
    assert fleet.states(request_id)[gone] == CommandState.ACKNOWLEDGED
    fleet.online(gone, False)
    fleet.advance(LATENCY)
    assert fleet.states(request_id)[gone] == CommandState.ACKNOWLEDGED
    fleet.advance(COMMANDS["REBOOT"].timeout - LATENCY)
    status = next(iter(fleet.esper.v0.command_status.list(request=request_id)))
    assert status.state == CommandState.TIMEOUT and status.reason
    fleet.online(gone, True)
    fleet.advance(3 * LATENCY)
    assert fleet.states(request_id)[gone] == CommandState.TIMEOUT
    assert "lastRebootOn" not in fleet.software(gone)


def _window(fleet: Fleet, opens_in: timedelta, hours: int = 1, **more: Any) -> dict[str, Any]:
    """Schedule args of one daily window opening ``opens_in`` from now."""
    opens = fleet.now() + opens_in
    closes = opens + timedelta(hours=hours)
    return {
        "start_datetime": (opens - timedelta(days=1)).isoformat(),
        "end_datetime": (opens + timedelta(days=more.pop("days", 1), hours=-2)).isoformat(),
        "window_start_time": opens.strftime("%H:%M:%S"),
        "window_end_time": closes.strftime("%H:%M:%S"),
        "time_type": "console",
        **more,
    }


def test_a_window_schedule_waits_for_its_window_and_times_out_when_it_closes(
    fleet: Fleet,
) -> None:
    ready, away = fleet.ids[0], fleet.ids[1]
    fleet.online(away, False)
    args = _window(fleet, timedelta(hours=2))
    request_id = fleet.send(
        "REBOOT", [ready, away], schedule="WINDOW", schedule_args=CommandScheduleArgs(**args)
    )
    fleet.advance(3600)
    assert fleet.stats(request_id) == {CommandState.SCHEDULED: 2}
    fleet.advance(3600 + 3 * LATENCY)
    assert fleet.states(request_id) == {
        ready: CommandState.SUCCESS,
        away: CommandState.QUEUED,
    }
    fleet.advance(3600)
    assert fleet.states(request_id)[away] == CommandState.TIMEOUT
    fleet.online(away, True)
    fleet.advance(3 * LATENCY)
    assert fleet.states(request_id)[away] == CommandState.TIMEOUT


def test_scheduled_commands_go_to_android_devices_only(fleet: Fleet) -> None:
    windows = fleet.add(DevicePlatform.WINDOWS)
    args = CommandScheduleArgs(**_window(fleet, timedelta(hours=1)))
    request_id = fleet.send("REBOOT", [*fleet.ids, windows], schedule="WINDOW", schedule_args=args)
    assert set(fleet.states(request_id)) == set(fleet.ids)


def test_a_recurring_command_runs_once_in_each_window(fleet: Fleet) -> None:
    device = fleet.ids[0]
    opens = fleet.now() + timedelta(hours=1)
    args = _window(fleet, timedelta(hours=1), days=3)
    request_id = fleet.send(
        "REBOOT",
        [device],
        schedule="RECURRING",
        schedule_args=CommandScheduleArgs(**args),
    )
    beats = []
    for day in range(3):
        fleet.advance(((opens + timedelta(days=day)) - fleet.now()).total_seconds() + 600)
        beats.append(fleet.software(device)["lastRebootOn"])
        assert fleet.states(request_id)[device] == (
            CommandState.SCHEDULED if day < 2 else CommandState.SUCCESS
        )
    assert len(set(beats)) == 3
    fleet.advance(86400)
    assert fleet.software(device)["lastRebootOn"] == beats[-1]
    assert fleet.states(request_id)[device] == CommandState.SUCCESS


# reading


def test_stats_count_every_state_exactly(fleet: Fleet) -> None:
    queued, cancelled, *running = fleet.ids
    fleet.online(queued, False)
    request_id = fleet.send("REBOOT")
    fleet.advance(LATENCY)
    statuses = {s.device: s.id for s in fleet.esper.v0.command_status.list(request=request_id)}
    json_of(
        fleet.raw(
            "PUT",
            f"/commands/v0/status/{statuses[cancelled]}/",
            {"state": CommandState.CANCELLED},
        )
    )
    assert fleet.stats(request_id) == {
        CommandState.QUEUED: 1,
        CommandState.ACKNOWLEDGED: len(running),
        CommandState.CANCELLED: 1,
    }
    body = json_of(fleet.raw("GET", f"/commands/v0/commands/{request_id}/stats/"))
    assert body["content"]["id"] == request_id
    assert [item["state"] for item in body["content"]["status"]] == [
        CommandState.QUEUED,
        CommandState.ACKNOWLEDGED,
        CommandState.CANCELLED,
    ]


def test_statuses_filter_and_page_with_a_previous_link(fleet: Fleet) -> None:
    first = fleet.send("LOCK")
    second = fleet.send("REBOOT", fleet.ids[:2])
    away = fleet.ids[-1]
    fleet.online(away, False)  # its Initiated command waits again: Queued
    third = fleet.send("UPDATE_HEARTBEAT", [away])
    path = f"/commands/v0/status/?request={first},{second}&limit=3&offset=3"
    content = json_of(fleet.raw("GET", path))["content"]
    assert content["count"] == len(fleet.ids) + 2 and len(content["results"]) == 3
    assert "offset=6" in content["next"] and "offset" not in content["previous"]
    assert set(content) == {"count", "next", "previous", "results"}
    mine = fleet.esper.v0.command_status.list(device=f"{fleet.ids[0]},{away}")
    assert sorted(str(s.request) for s in mine) == sorted([first, first, second, third])
    queued = list(fleet.esper.v0.command_status.list(state=CommandState.QUEUED))
    assert [s.request for s in queued] == [first, third]
    assert {s.device for s in queued} == {away}
    listed = [r.id for r in fleet.esper.v0.command_request.list(command="REBOOT")]
    assert listed == [second]
    reached = fleet.esper.v0.command_request.list(devices=fleet.ids[1])
    assert [r.id for r in reached] == [first, second]
    assert list(fleet.esper.v0.command_request.list(schedule="WINDOW")) == []


def test_internal_requests_are_left_out_when_asked(fleet: Fleet) -> None:
    mine = fleet.send("REBOOT", fleet.ids[:1])
    emulator = fleet.server.emulator
    # no API makes an internal request: the emulator's own services do (a converge)
    with emulator.store.transaction():
        sent = NewRequest(command_type="DEVICE", devices=fleet.ids[:1], command="CONVERGE")
        emulator.command_api.create(fleet.tenant.enterprise_id, sent, internal=True)
    listed = fleet.esper.v0.command_request.list(exclude_internal_commands=True)
    assert [r.id for r in listed] == [mine]
    assert len(list(fleet.esper.v0.command_request.list())) == 2
    statuses = fleet.esper.v0.command_status.list(exclude_internal_commands=True)
    assert [s.request for s in statuses] == [mine]


def test_unknown_ids_are_404s_in_the_envelope(fleet: Fleet) -> None:
    for path in (
        f"/commands/v0/commands/{UNKNOWN}/",
        f"/commands/v0/commands/{UNKNOWN}/stats/",
        f"/commands/v0/status/{UNKNOWN}/",
        "/commands/v0/status/not-a-uuid/",
    ):
        _error(fleet.raw("GET", path), 404)
    _error(fleet.raw("PUT", f"/commands/v0/status/{UNKNOWN}/", {"state": "Command Cancelled"}), 404)


def test_another_enterprise_sees_none_of_it(fleet: Fleet) -> None:
    request_id = fleet.send("REBOOT")
    other = new_tenant(fleet.server, devices=1)
    response = call("GET", f"{other.host}/commands/v0/commands/{request_id}/", key=other.api_key)
    _error(response, 404)
    _error(
        call(
            "POST",
            f"{other.host}/commands/v0/commands/",
            key=other.api_key,
            json={"command_type": "DEVICE", "devices": fleet.ids[:1], "command": "REBOOT"},
        ),
        400,
    )


# cancelling


def test_cancel_stops_the_command_and_again_is_a_304(fleet: Fleet) -> None:
    device = fleet.ids[0]
    request_id = fleet.send("LOCK", [device])
    status_id = next(iter(fleet.esper.v0.command_status.list(request=request_id))).id
    path = f"/commands/v0/status/{status_id}/"
    cancel = {"state": CommandState.CANCELLED, "reason": "changed my mind"}
    content = json_of(fleet.raw("PUT", path, cancel))["content"]
    assert content["state"] == CommandState.CANCELLED and content["reason"] == "changed my mind"
    again = fleet.raw("PUT", path, cancel)
    assert again.status == 304 and again.data == b""
    fleet.advance(5 * LATENCY)
    assert fleet.states(request_id)[device] == CommandState.CANCELLED
    assert "lockedOn" not in fleet.software(device)
    assert fleet.raw("PUT", path, {"state": CommandState.SUCCESS}).status == 304


def test_a_final_command_cannot_change(fleet: Fleet) -> None:
    request_id = fleet.send("REBOOT", fleet.ids[:1])
    fleet.advance(3 * LATENCY)
    status_id = next(iter(fleet.esper.v0.command_status.list(request=request_id))).id
    response = fleet.raw("PUT", f"/commands/v0/status/{status_id}/", {"state": "Command Cancelled"})
    assert response.status == 304 and response.data == b""


@pytest.mark.parametrize(
    "state",
    [CommandState.QUEUED, CommandState.INITIATED, CommandState.SUCCESS, "Command Paused", None],
)
def test_a_key_may_only_cancel(fleet: Fleet, state: str | None) -> None:
    request_id = fleet.send("LOCK", fleet.ids[:1])
    status_id = next(iter(fleet.esper.v0.command_status.list(request=request_id))).id
    response = fleet.raw("PUT", f"/commands/v0/status/{status_id}/", {"state": state})
    assert _error(response, 400)["message"].startswith("state:")
    assert fleet.states(request_id)[fleet.ids[0]] == CommandState.INITIATED


# the envelope


def test_a_429_on_this_path_comes_in_the_envelope(
    start_server: Callable[..., EmulatorServer],
) -> None:
    own = start_server(rate_limit=0.001)
    tenant = new_tenant(own, devices=1)
    statuses = [
        call("GET", f"{tenant.host}/commands/v0/commands/", key=tenant.api_key) for _ in range(30)
    ]
    throttled = [response for response in statuses if response.status == 429]
    assert throttled, [response.status for response in statuses]
    body = msgspec.json.decode(throttled[0].data)
    assert body["code"] == 429 and body["content"] == {} and body["message"]


# every command


_ARGS: dict[str, dict[str, Any]] = {
    "ADD_TO_WHITELIST": {"package_name": "io.shoonya.shoonyadpc"},
    "REMOVE_FROM_WHITELIST": {"package_name": "io.shoonya.shoonyadpc"},
    "ADD_WIFI_AP": {"wifi_access_points": {"wifiSsid": "Lobby", "wifiPassword": "x"}},
    "REMOVE_WIFI_AP": {"wifi_access_points": {"wifiSsid": "Nowhere"}},
    "APPLY_APP_CONFIG": {"package_name": "io.shoonya.shoonyadpc", "managed_config": {"a": 1}},
    "CLEAR_APP_DATA": {"package_name": "io.shoonya.shoonyadpc"},  # not clearable
    "INSTALL_CERTIFICATE": {
        "cert_file_type": "pkcs12",
        "cert_data_base64": "AAAA",
        "cert_alias_name": "corp",
        "cert_storage_type": "system",
    },
    "UNINSTALL_CERTIFICATE": {"cert_alias_name": "corp", "cert_storage_type": "system"},
    "INSTALL_PROFILE": {"profile": "PHBsaXN0Lz4="},
    "REMOVE_PROFILE": {"profile_identifier": "com.example.none"},
    "SET_APP_PERMISSION": {
        "package_name": "io.shoonya.shoonyadpc",
        "grant_state": "PERMISSION_GRANT_STATE_GRANTED",
        "permission": "android.permission.CAMERA",
    },
    "SET_APP_STATE": {"package_name": "io.shoonya.shoonyadpc", "app_state": "SHOW"},
    "SET_BLUETOOTH_STATE": {"bluetooth_state": True},
    "SET_BRIGHTNESS_SCALE": {"brightness_value": 50},
    "SET_DEVICE_LOCKDOWN_STATE": {"state": "LOCKED", "message": "m"},
    "SET_GPS_STATE": {"gps_state": 1},
    "SET_KIOSK_APP": {"package_name": "io.shoonya.shoonyadpc"},
    "SET_NEW_POLICY": {"policy_url": "https://example.com/policy/1/"},
    "SET_ROTATION_STATE": {"rotate_state": 1},
    "SET_SCREEN_OFF_TIMEOUT": {"screen_off_timeout": 60000},
    "SET_STREAM_VOLUME": {"stream": 3, "volume_level": 40},
    "SET_TIMEZONE": {"timezone_string": "Europe/Paris"},
    "SET_WIFI_STATE": {"wifi_state": False},
    "UNINSTALL": {"package_name": "com.example.none"},
    "UPDATE_DEVICE_CONFIG": {"device_alias_name": "Front desk"},
    "RESET_LOCKSCREEN_PASSWORD": {"new_lockscreen_password": "1234"},
    "NOTIFY_DEVICE": {"title": "Hello", "message": "World"},
    "SET_DEVICE_LANGUAGE": {"locale": "fr_FR"},
    "SET_ETHERNET_SETTINGS": {"ethernet_auth_mode": "NONE"},
    "SET_STATIC_IP": {"interface": "eth", "dhcp_enabled": "true"},
    "BEEP_DEVICE": {"duration": "10"},
    "SET_APP_NOTIFICATIONS": {
        "package_name": "io.shoonya.shoonyadpc",
        "app_notifications_state": "DISABLED",
    },
    "USE_ONLY_SAVED_WIFI_AP": {"use_only_saved_ap": True},
    "VPP_APP_INSTALL": {"app_id": "1", "bundle_identifier": "com.example.vpp"},
    "APPLE_APP_UNINSTALL": {"app_id": "1", "bundle_identifier": "com.example.none"},
    "RUN_SHELL_SCRIPT": {"script": "echo hi", "interpreter": "bash"},
    "RUN_CUSTOM_ACTION": {"options_key": "restart"},
}
"""Arguments for each command; those that name nothing there fail on the device."""
_FAILS = {
    "CLEAR_APP_DATA",
    "UNINSTALL",
    "REMOVE_WIFI_AP",
    "UNINSTALL_CERTIFICATE",
    "REMOVE_PROFILE",
    "APPLE_APP_UNINSTALL",
}
_API_COMMANDS = sorted(name for name, spec in COMMANDS.items() if "commands" in spec.apis)


def test_the_api_takes_the_50_commands_of_its_description() -> None:
    assert len(_API_COMMANDS) == 50


@pytest.mark.parametrize("name", [name for name in _API_COMMANDS if name != "INSTALL"])
def test_every_command_runs_on_a_device_of_its_platform(quick: Fleet, name: str) -> None:
    fleet = quick
    spec = COMMANDS[name]
    android = DevicePlatform.ANDROID in spec.platforms
    device = fleet.ids[0] if android else fleet.add(sorted(spec.platforms)[0])
    sent = {"command_type": "DEVICE", "devices": [device], "command": name}
    if name in _ARGS:
        sent["command_args"] = _ARGS[name]
    request_id = json_of(fleet.raw("POST", "/commands/v0/commands/", sent), 201)["content"]["id"]
    status = next(iter(fleet.esper.v0.command_status.list(request=request_id)))
    expected = CommandState.FAILURE if name in _FAILS else CommandState.SUCCESS
    assert status.state == expected, status.reason


def test_install_lands_the_app_and_an_unknown_version_is_a_400(
    fleet: Fleet, make_apk: Callable[..., Path]
) -> None:
    app = fleet.esper.applications.upload(make_apk("com.example.kiosk"))
    assert app.versions
    version = app.versions[0].id
    device = fleet.ids[0]
    request_id = fleet.send("INSTALL", [device], command_args=CommandArgs(app_version=version))
    fleet.advance(3 * LATENCY)
    assert fleet.states(request_id) == {device: CommandState.SUCCESS}
    packages = [a.package_name for a in fleet.esper.devices.apps(device)]
    assert "com.example.kiosk" in packages
    sent = {"command_type": "DEVICE", "devices": [device], "command": "INSTALL"}
    sent["command_args"] = {"app_version": UNKNOWN}
    response = fleet.raw("POST", "/commands/v0/commands/", sent)
    assert _error(response, 400)["message"].startswith("command_args.app_version:")
