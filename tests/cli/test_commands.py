"""``esper commands``: one device, several (with progress), a group; waiting; status."""

from __future__ import annotations

import re

import esperclient
from esper_cli.output import wire_keys
from esper_emulator.server import EmulatorServer
from tests.cli.conftest import offline_devices, online_devices, run_esper, side_door
from tests.conftest import Tenant

FAST = ("--interval", "0.05")


def test_run_on_one_device_by_name_and_wait(env: Tenant, sdk: esperclient.Esper) -> None:
    device = online_devices(sdk)[0]
    result = run_esper(
        "commands",
        "run",
        "reboot",
        "--device",
        str(device.device_name),
        "--wait",
        *FAST,
        "-o",
        "json",
    )
    assert result.code == 0, result.everything
    command = result.json()
    assert list(command) == wire_keys(esperclient.DeviceCommand)
    assert command["command"] == "REBOOT"
    assert command["state"] == "Command Success"
    assert command["device"].rstrip("/").endswith(str(device.id))

    status = run_esper(
        "commands", "status", command["id"], "--device", str(device.id), "-o", "json"
    )
    assert status.code == 0, status.everything
    assert status.json()["state"] == "Command Success"


def test_without_wait_the_command_is_shown_as_sent(env: Tenant, sdk: esperclient.Esper) -> None:
    device = offline_devices(sdk)[0]
    result = run_esper("commands", "run", "LOCK", "-d", str(device.id))
    assert result.code == 0, result.everything
    rows = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert rows["Command"].strip() == "LOCK"
    assert rows["State"].strip() == "Command Initiated"


def test_wait_gives_up_after_the_timeout_with_exit_6(env: Tenant, sdk: esperclient.Esper) -> None:
    device = offline_devices(sdk)[0]  # its command waits for it to come online
    result = run_esper(
        "commands", "run", "REBOOT", "-d", str(device.id), "--wait", "--timeout", "0.2", *FAST,
        "-o", "json",
    )  # fmt: skip
    assert result.code == 6
    assert result.json()["state"] == "Command Initiated"  # the last state seen
    first, hint = result.stderr.splitlines()
    assert first.startswith("error: command ") and "still 'Command Initiated'" in first
    assert "esper commands status" in hint


def test_a_command_that_fails_exits_1(
    env: Tenant, sdk: esperclient.Esper, server: EmulatorServer
) -> None:
    device = online_devices(sdk)[0]
    side_door(server, "/faults", {"fail_next_commands": 1})
    result = run_esper("commands", "run", "REBOOT", "-d", str(device.id), "--wait", *FAST)
    assert result.code == 1
    assert "Command Failure" in result.stdout
    assert result.stderr.splitlines() == [
        f"error: command {result.stdout.split()[1]} ended 'Command Failure': injected failure"
    ]


def test_several_devices_show_progress_and_one_outcome_each(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    devices = online_devices(sdk)[:3]
    refs = [str(devices[0].device_name), str(devices[1].id), str(devices[2].device_name)]
    args = [part for ref in refs for part in ("--device", ref)]
    result = run_esper("commands", "run", "UPDATE_HEARTBEAT", *args, "--wait", *FAST, "-o", "json")
    assert result.code == 0, result.everything
    outcomes = result.json()
    assert [o["device_id"] for o in outcomes] == [d.id for d in devices]
    assert all(
        list(o) == ["device_id", "status", "command_id", "request_id", "state", "details", "error"]
        for o in outcomes
    )
    assert {o["status"] for o in outcomes} == {"success"}
    progress = re.findall(r"^UPDATE_HEARTBEAT: (\d+)/(\d+) devices done$", result.stderr, re.M)
    assert progress and progress[-1] == ("3", "3")
    assert [int(done) for done, _ in progress] == sorted(int(done) for done, _ in progress)
    assert result.stderr.splitlines()[-1] == (
        "UPDATE_HEARTBEAT on 3 devices: 3 succeeded, 0 failed, 0 pending"
    )


def test_a_bulk_command_with_a_failure_reports_it_and_exits_1(
    env: Tenant, sdk: esperclient.Esper, server: EmulatorServer
) -> None:
    ids = [str(d.id) for d in online_devices(sdk)[:4]]
    side_door(server, "/faults", {"fail_next_commands": 1})
    args = [part for device_id in ids for part in ("-d", device_id)]
    result = run_esper("commands", "run", "REBOOT", *args, "--wait", *FAST)
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DEVICE", "STATUS", "STATE", "COMMAND", "ID", "DETAILS"]
    statuses = sorted(line.split()[1] for line in lines[1:])
    assert statuses == ["failure", "success", "success", "success"]
    assert "injected failure" in result.stdout
    assert re.search(r"^REBOOT: 4/4 devices done$", result.stderr, re.M)
    assert result.stderr.splitlines()[-1] == "REBOOT on 4 devices: 3 succeeded, 1 failed, 0 pending"


def test_v0_requests_are_followed_by_their_id(env: Tenant, sdk: esperclient.Esper) -> None:
    ids = [str(d.id) for d in online_devices(sdk)[:2]]
    sent = run_esper(
        "commands", "run", "UPDATE_HEARTBEAT", "-d", ids[0], "-d", ids[1], "--via", "v0",
        "-o", "json",
    )  # fmt: skip
    assert sent.code == 0, sent.everything
    requests = {o["request_id"] for o in sent.json()}
    assert len(requests) == 1 and None not in requests
    request_id = requests.pop()
    status = run_esper("commands", "status", request_id, "--wait", *FAST, "-o", "json")
    assert status.code == 0, status.everything
    assert sorted(s["device"].rstrip("/").rsplit("/", 1)[1] for s in status.json()) == sorted(ids)
    assert {s["state"] for s in status.json()} == {"Command Success"}
    unknown = run_esper("commands", "status", "00000000-0000-0000-0000-000000000000")
    assert unknown.code == 4
    assert unknown.stderr.splitlines() == [
        "error: 404 Not Found: Command request not found.",
        "hint: a device command needs --device DEVICE, a group command --group GROUP",
    ]


def test_group_commands_run_and_are_followed(env: Tenant, sdk: esperclient.Esper) -> None:
    group = sdk.groups.create("Online ones")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(d.id) for d in online_devices(sdk)[:3]])
    sent = run_esper(
        "commands", "run", "REBOOT", "--group", "Online ones", "--wait", *FAST, "-o", "json"
    )
    assert sent.code == 0, sent.everything
    command = sent.json()
    assert list(command) == wire_keys(esperclient.GroupCommand)
    assert command["state"] == "Command Success"
    status = run_esper("commands", "status", command["id"], "-g", "Online ones", "-o", "json")
    assert status.code == 0 and status.json()["id"] == command["id"]

    wipe = run_esper("commands", "run", "WIPE", "--group", "Online ones")
    assert wipe.code == 2
    assert wipe.stderr.startswith(
        "error: a group runs only REBOOT, LOCK, INSTALL, UPDATE_HEARTBEAT"
    )


def test_arguments_are_typed_and_checked(env: Tenant, sdk: esperclient.Esper) -> None:
    device = online_devices(sdk)[0]
    result = run_esper(
        "commands", "run", "SET_BRIGHTNESS_SCALE", "-d", str(device.id),
        "--arg", "brightness_value=42", "-o", "json",
    )  # fmt: skip
    assert result.code == 0, result.everything
    assert result.json()["command_args"]["brightness_value"] == 42
    wifi = run_esper(
        "commands", "run", "SET_WIFI_STATE", "-d", str(device.id), "-a", "wifi_state=false",
        "-o", "json",
    )  # fmt: skip
    assert wifi.json()["command_args"]["wifi_state"] is False
    unknown = run_esper("commands", "run", "REBOOT", "-d", str(device.id), "--arg", "colour=red")
    assert unknown.code == 2 and "bad --arg 'colour=red'" in unknown.stderr
    wrong_type = run_esper(
        "commands", "run", "SET_BRIGHTNESS_SCALE", "-d", str(device.id), "-a", "brightness_value=x"
    )
    assert wrong_type.code == 2 and "brightness_value" in wrong_type.stderr
    no_target = run_esper("commands", "run", "REBOOT")
    assert no_target.code == 2 and "give --device" in no_target.stderr
    bad_command = run_esper("commands", "run", "DANCE", "-d", str(device.id))
    assert bad_command.code == 2


def test_status_waits_for_a_command_queued_on_an_offline_device(
    env: Tenant, sdk: esperclient.Esper, server: EmulatorServer
) -> None:
    device = offline_devices(sdk)[0]
    sent = run_esper("commands", "run", "REBOOT", "-d", str(device.device_name), "-o", "json")
    assert sent.code == 0 and sent.json()["state"] == "Command Initiated"
    side_door(
        server, f"/enterprises/{env.enterprise_id}/devices/{device.id}/online", {"online": True}
    )
    done = run_esper(
        "commands", "status", sent.json()["id"], "--device", str(device.device_name), "--wait",
        *FAST, "-o", "json",
    )  # fmt: skip
    assert done.code == 0, done.everything
    assert done.json()["state"] == "Command Success"
