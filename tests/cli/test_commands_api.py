"""``esper commands`` on the Commands API: sending to devices, groups or both, now or on a
schedule; ``requests``, ``stats``, ``statuses`` and ``cancel``."""

from __future__ import annotations

import re

import esperclient
from esper_cli.output import wire_keys
from esperclient import CommandState
from esperclient._generated.v0 import CommandRequest, CommandStatus
from tests.cli.conftest import offline_devices, online_devices, run_esper
from tests.cli.test_commands import pasted
from tests.conftest import Tenant

FAST = ("--interval", "0.05")


def test_via_commands_sends_one_request_for_several_devices_with_progress(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    devices = online_devices(sdk)[:3]
    args = [part for d in devices for part in ("-d", str(d.device_name))]
    result = run_esper(
        "commands", "run", "reboot", *args, "--via", "commands", "--wait", *FAST, "-o", "json"
    )
    assert result.code == 0, result.everything
    outcomes = result.json()
    assert [o["device_id"] for o in outcomes] == [d.id for d in devices]
    assert {o["status"] for o in outcomes} == {"success"}
    [request_id] = {o["request_id"] for o in outcomes}
    assert sdk.commands_api.get(request_id).devices == [d.id for d in devices]
    assert re.search(r"^REBOOT: 3/3 sent, 3/3 finished$", result.stderr, re.M)
    assert result.stderr.splitlines()[-1] == "REBOOT on 3 devices: 3 succeeded, 0 failed, 0 pending"


def test_a_command_only_the_commands_api_knows_goes_there_by_default(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    device = online_devices(sdk)[0]
    result = run_esper(
        "commands", "run", "SET_TIMEZONE", "-d", str(device.id), "-a",
        "timezone_string=Asia/Tokyo", "--wait", *FAST, "-o", "json",
    )  # fmt: skip
    assert result.code == 0, result.everything
    [outcome] = result.json()
    assert outcome["status"] == "success" and outcome["request_id"]
    assert sdk.devices.get(str(device.id)).software_info["timezone"] == "Asia/Tokyo"


def test_groups_and_devices_together_are_one_request_followed_to_the_end(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    online = online_devices(sdk)
    group = sdk.groups.create("Tills")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(d.id) for d in online[:2]])
    result = run_esper(
        "commands", "run", "LOCK", "-g", "Tills", "-d", str(online[2].device_name),
        "--wait", *FAST, "-o", "json",
    )  # fmt: skip
    assert result.code == 0, result.everything
    statuses = result.json()
    assert all(list(s) == wire_keys(CommandStatus) for s in statuses)
    assert sorted(s["device"] for s in statuses) == sorted(str(d.id) for d in online[:3])
    assert {s["state"] for s in statuses} == {CommandState.SUCCESS}
    assert re.search(r"^LOCK: 3/3 sent, 3/3 finished$", result.stderr, re.M)
    assert result.stderr.splitlines()[-1] == "LOCK on 3 devices: 3 succeeded, 0 failed, 0 pending"
    [request] = [r for r in sdk.commands_api.list() if r.command == "LOCK"]
    assert request.command_type == "DYNAMIC" and request.groups == [group.id]

    sent = run_esper("commands", "run", "REBOOT", "-g", "Tills", "--via", "commands", "-o", "json")
    assert sent.code == 0, sent.everything
    assert list(sent.json()) == wire_keys(CommandRequest)
    assert sent.json()["command_type"] == "GROUP"
    assert pasted(sent.stderr) == ["commands", "statuses", sent.json()["id"]]

    both_by_device = run_esper("commands", "run", "LOCK", "-g", "Tills", "-d", "x", "--via", "v0")
    assert both_by_device.code == 2 and "one Commands API request" in both_by_device.stderr


def test_a_wait_on_an_offline_device_times_out_with_its_status_and_a_hint(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    device = offline_devices(sdk)[0]
    group = sdk.groups.create("Away")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(device.id)])
    result = run_esper(
        "commands", "run", "REBOOT", "-g", "Away", "--via", "commands", "--wait",
        "--timeout", "0.3", *FAST, "-o", "jsonl",
    )  # fmt: skip
    assert result.code == 6
    [status] = result.lines()
    assert status["state"] == CommandState.QUEUED
    assert "REBOOT on 1 devices: 0 succeeded, 0 failed, 1 pending" in result.stderr
    assert pasted(result.stderr.splitlines()[-1]) == ["commands", "statuses", status["request"]]


def test_a_window_schedule_from_its_options(env: Tenant, sdk: esperclient.Esper) -> None:
    devices = online_devices(sdk)[:2]
    result = run_esper(
        "commands", "run", "REBOOT", "-d", str(devices[0].id), "-d", str(devices[1].device_name),
        "--schedule", "window", "--start", "2030-01-01T00:00:00Z", "--end",
        "2030-01-08T00:00:00Z", "--window-start", "01:00:00", "--window-end", "03:00:00",
        "--days", "Monday,Friday", "--time-type", "console", "-o", "json",
    )  # fmt: skip
    assert result.code == 0, result.everything
    request = result.json()
    assert request["schedule"] == "WINDOW"
    given = {key: value for key, value in request["schedule_args"].items() if value is not None}
    assert given == {
        "start_datetime": "2030-01-01T00:00:00Z",
        "end_datetime": "2030-01-08T00:00:00Z",
        "time_type": "console",
        "window_start_time": "01:00:00",
        "window_end_time": "03:00:00",
        "days": ["Monday", "Friday"],
    }
    assert sdk.commands_api.stats(request["id"]) == {CommandState.SCHEDULED: 2}
    not_scheduled = run_esper("commands", "run", "REBOOT", "-d", str(devices[0].id), "--start", "x")
    assert not_scheduled.code == 2 and "need --schedule" in not_scheduled.stderr
    refused = run_esper(
        "commands", "run", "REBOOT", "-d", str(devices[0].id), "--schedule", "recurring",
        "--start", "2030-01-01T00:00:00Z",
    )  # fmt: skip
    assert refused.code == 1 and "end_datetime" in refused.stderr


def test_requests_stats_statuses_and_cancel(env: Tenant, sdk: esperclient.Esper) -> None:
    online, offline = online_devices(sdk)[:2], offline_devices(sdk)[:2]
    ids = [str(d.id) for d in online + offline]
    request = sdk.commands_api.create("UPDATE_HEARTBEAT", devices=ids)
    request_id = str(request.id)

    listed = run_esper("commands", "requests", "--command", "update_heartbeat", "-o", "json")
    assert listed.code == 0, listed.everything
    assert [r["id"] for r in listed.json()] == [request_id]
    table = run_esper("commands", "requests")
    assert table.stdout.split()[:7] == [
        "ID",
        "COMMAND",
        "TYPE",
        "SCHEDULE",
        "DEVICES",
        "GROUPS",
        "CREATED",
    ]

    stats = run_esper("commands", "stats", request_id, "-o", "json")
    assert stats.code == 0, stats.everything
    assert stats.json() == [
        {"state": CommandState.QUEUED, "total": 2},
        {"state": CommandState.SUCCESS, "total": 2},
    ]

    queued = run_esper("commands", "statuses", request_id, "--state", "queued", "-o", "json")
    assert queued.code == 0, queued.everything
    assert sorted(s["device"] for s in queued.json()) == sorted(str(d.id) for d in offline)
    named = run_esper("commands", "statuses", request_id)
    assert all(str(d.device_name) in named.stdout for d in online + offline)
    bad_state = run_esper("commands", "statuses", request_id, "--state", "sleeping")
    assert bad_state.code == 2 and "queued" in bad_state.stderr

    status_ids = [s["id"] for s in queued.json()]
    done = [s.id for s in sdk.commands_api.statuses(request=request_id, state=CommandState.SUCCESS)]
    cancelled = run_esper(
        "commands", "cancel", *status_ids, done[0], "--reason", "not needed", "-o", "json"
    )
    assert cancelled.code == 0, cancelled.everything
    states = [s["state"] for s in cancelled.json()]
    assert states == [CommandState.CANCELLED, CommandState.CANCELLED, CommandState.SUCCESS]
    assert cancelled.json()[0]["reason"] == "not needed"
    assert sdk.commands_api.stats(request_id) == {
        CommandState.SUCCESS: 2,
        CommandState.CANCELLED: 2,
    }
    unknown = run_esper("commands", "stats", "00000000-0000-4000-8000-000000000000")
    assert unknown.code == 4
