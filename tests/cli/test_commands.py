"""``esper commands``: one device, several (with progress), a group; waiting; status."""

from __future__ import annotations

import re
import shlex

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


def pasted(hint: str) -> list[str]:
    """The arguments of the ``esper ...`` command a hint gives, as a shell would split them."""
    found = re.search(r"`esper (.+)`", hint)
    assert found, hint
    return shlex.split(found.group(1))


def test_wait_gives_up_after_the_timeout_with_exit_6(
    env: Tenant, sdk: esperclient.Esper, server: EmulatorServer
) -> None:
    device = offline_devices(sdk)[0]  # its command waits for it to come online
    result = run_esper(
        "commands", "run", "REBOOT", "-d", str(device.device_name), "--wait", "--timeout", "0.2",
        *FAST, "-o", "json",
    )  # fmt: skip
    assert result.code == 6
    command = result.json()
    assert command["state"] == "Command Initiated"  # the last state seen
    *progress, first, hint = result.stderr.splitlines()
    assert progress == [f"REBOOT on {device.device_name}: Command Initiated"]
    assert first == f"error: command {command['id']} still 'Command Initiated' after 0.2 s"
    assert pasted(hint) == [
        "commands", "status", command["id"], "--device", str(device.device_name), "--wait"
    ]  # fmt: skip
    side_door(
        server, f"/enterprises/{env.enterprise_id}/devices/{device.id}/online", {"online": True}
    )
    followed = run_esper(*pasted(hint), *FAST, "-o", "json")
    assert followed.code == 0, followed.everything
    assert followed.json()["state"] == "Command Success"


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
    assert [o["device_name"] for o in outcomes] == [d.device_name for d in devices]
    keys = ["device_id", "device_name", "status", "command_id", "request_id", "state", "details"]
    assert all(list(o) == [*keys, "error"] for o in outcomes)
    assert {o["status"] for o in outcomes} == {"success"}
    progress = re.findall(
        r"^UPDATE_HEARTBEAT: (\d+)/3 sent, (\d+)/3 finished$", result.stderr, re.M
    )
    assert progress and progress[-1] == ("3", "3")
    assert [int(s) + int(f) for s, f in progress] == sorted(int(s) + int(f) for s, f in progress)
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
    assert re.search(r"^REBOOT: 4/4 sent, 4/4 finished$", result.stderr, re.M)
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
    assert status.json()["details"].startswith("{'success': [{'id': ")  # the API's text
    shown = run_esper("commands", "status", command["id"], "-g", "Online ones")
    rows = dict(line.split(None, 1) for line in shown.stdout.splitlines())
    names = [str(d.device_name) for d in sdk.devices.list(group=str(group.id))]
    assert rows["Details"].strip() == "success: " + ", ".join(names)

    wifi = run_esper("commands", "run", "SET_WIFI_STATE", "--group", "Online ones")
    assert wifi.code == 2
    assert wifi.stderr.startswith(
        "error: SET_WIFI_STATE cannot be sent to a group: that takes a group command "
        "(REBOOT, LOCK, INSTALL, UPDATE_HEARTBEAT) or a v0 command request (REBOOT, "
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


def test_a_bulk_command_counts_sent_and_finished_and_names_the_pending_devices(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    devices = offline_devices(sdk)[:3]  # they never run it: it stays pending
    args = [part for d in devices for part in ("-d", str(d.id))]
    result = run_esper("commands", "run", "LOCK", *args, "--wait", "--timeout", "0.5", *FAST)
    assert result.code == 6
    names = [str(d.device_name) for d in devices]
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [row[:2] for row in rows] == [[name, "pending"] for name in names]
    assert str(devices[0].id) not in result.stdout  # a table names devices
    lines = result.stderr.splitlines()
    assert "LOCK: 3/3 sent, 0/3 finished" in lines
    assert not any("3/3 finished" in line for line in lines)
    assert lines[-2:] == [
        "LOCK on 3 devices: 0 succeeded, 0 failed, 3 pending",
        "pending: " + ", ".join(names),
    ]
    machine = run_esper("commands", "run", "LOCK", *args, "-o", "jsonl")
    assert [(o["device_id"], o["device_name"]) for o in machine.lines()] == [
        (d.id, d.device_name) for d in devices
    ]


def test_status_tables_name_devices_and_groups(env: Tenant, sdk: esperclient.Esper) -> None:
    device = online_devices(sdk)[0]
    sent = sdk.commands.run(str(device.id), "UPDATE_HEARTBEAT")
    shown = run_esper("commands", "status", str(sent.id), "--device", str(device.id))
    assert shown.code == 0, shown.everything
    rows = dict(line.split(None, 1) for line in shown.stdout.splitlines())
    assert rows["Device"].strip() == device.device_name
    group = sdk.groups.create("Named group")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(device.id)])
    group_command = sdk.group_commands.run(group.id, "UPDATE_HEARTBEAT")
    grouped = run_esper("commands", "status", str(group_command.id), "--group", group.id)
    rows = dict(line.split(None, 1) for line in grouped.stdout.splitlines())
    assert rows["Group"].strip() == "Named group"
    request = sdk.command_requests.create("UPDATE_HEARTBEAT", devices=[str(device.id)])
    statuses = run_esper("commands", "status", str(request.id))
    assert statuses.stdout.splitlines()[1].split()[1] == device.device_name
    machine = run_esper("commands", "status", str(request.id), "-o", "json").json()
    assert machine[0]["device"].rstrip("/").endswith(str(device.id))  # ids stay ids


def test_status_of_a_group_waits_with_progress_and_a_hint_that_works(
    env: Tenant, sdk: esperclient.Esper, server: EmulatorServer
) -> None:
    devices = offline_devices(sdk)[:2]
    group = sdk.groups.create("Back office")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(d.id) for d in devices])
    sent = sdk.group_commands.run(group.id, "LOCK")
    result = run_esper(
        "commands", "status", str(sent.id), "--group", "Back office", "--wait",
        "--timeout", "0.5", *FAST, "-o", "json",
    )  # fmt: skip
    assert result.code == 6
    assert result.json()["id"] == sent.id  # the last state, on stdout
    *progress, error, hint = result.stderr.splitlines()
    assert progress and progress[0].startswith("LOCK on group Back office: Command ")
    assert progress[-1].endswith("(2 inactive)")  # details summed up: its devices are offline
    assert error.startswith(f"error: group command {sent.id} still ")
    assert pasted(hint) == ["commands", "status", str(sent.id), "--group", "Back office", "--wait"]
    for device in devices:
        side_door(
            server, f"/enterprises/{env.enterprise_id}/devices/{device.id}/online", {"online": True}
        )
    followed = run_esper(*pasted(hint), *FAST, "-o", "json")
    assert followed.code == 0, followed.everything
    assert followed.json()["state"] == "Command Success"


def test_a_request_wait_that_times_out_still_writes_the_states(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    devices = offline_devices(sdk)[:2]
    request = sdk.command_requests.create(
        "REBOOT", devices=[str(d.id) for d in devices], device_type="all"
    )
    result = run_esper(
        "commands", "status", str(request.id), "--wait", "--timeout", "0.3", *FAST, "-o", "jsonl"
    )
    assert result.code == 6
    assert {line["state"] for line in result.lines()} == {"Command Queued"}
    assert len(result.lines()) == 2
    assert f"request {request.id}: 2 Command Queued" in result.stderr
    assert pasted(result.stderr.splitlines()[-1]) == [
        "commands", "status", str(request.id), "--wait"
    ]  # fmt: skip


def test_v0_only_commands_run_in_any_case_with_json_arguments(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    devices = online_devices(sdk)[:2]
    wifi = '[{"wifiSsid": "Guest"}]'
    result = run_esper(
        "commands", "run", "add_wifi_ap", "-d", str(devices[0].device_name),
        "--arg", f"wifi_access_points={wifi}", "--wait", *FAST, "-o", "json",
    )  # fmt: skip
    assert result.code == 0, result.everything
    (outcome,) = result.json()
    assert outcome["status"] == "success" and outcome["request_id"]
    points = sdk.devices.get(str(devices[0].id)).network_info["wifiAccessPoints"]
    assert [p["wifiSsid"] for p in points] == ["Guest"]

    group = sdk.groups.create("Renamed")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(d.id) for d in devices])
    renamed = run_esper(
        "commands", "run", "UPDATE_DEVICE_CONFIG", "--group", "Renamed",
        "-a", "device_alias_name=Till", "--wait", *FAST, "-o", "json",
    )  # fmt: skip
    assert renamed.code == 0, renamed.everything
    assert {s["state"] for s in renamed.json()} == {"Command Success"}
    assert {sdk.devices.get(str(d.id)).alias_name for d in devices} == {"Till"}

    refused = run_esper("commands", "run", "SET_KIOSK_APP", "-d", str(devices[0].id))
    assert refused.code == 1
    assert "package_name" in refused.stdout  # the server's reason, in the outcome


def test_a_command_can_be_scheduled(env: Tenant, sdk: esperclient.Esper) -> None:
    devices = online_devices(sdk)[:2]
    window = [
        "name=Nightly", "start_datetime=2030-01-01T00:00:00Z",
        "end_datetime=2030-01-02T00:00:00Z", "time_type=console",
        "window_start_time=01:00:00", "window_end_time=03:00:00", "days=Monday,Friday",
    ]  # fmt: skip
    args = [part for arg in window for part in ("--schedule-arg", arg)]
    result = run_esper(
        "commands", "run", "REBOOT", "-d", str(devices[0].id), "-d", str(devices[1].device_name),
        "--schedule", "window", *args, "-o", "json",
    )  # fmt: skip
    assert result.code == 0, result.everything
    request = result.json()
    assert request["schedule"] == "WINDOW"
    assert request["schedule_args"]["name"] == "Nightly"
    assert request["schedule_args"]["days"] == ["Monday", "Friday"]
    assert sorted(request["devices"]) == sorted(str(d.id) for d in devices)
    states = {s.state for s in sdk.command_requests.statuses(request["id"])}
    assert states == {"Command Scheduled"}
    needs_args = run_esper(
        "commands", "run", "REBOOT", "-d", str(devices[0].id), "--schedule", "WINDOW"
    )
    assert needs_args.code == 1 and "schedule_args" in needs_args.stderr
    no_wait = run_esper(
        "commands", "run", "REBOOT", "-d", str(devices[0].id), "--schedule", "WINDOW", *args,
        "--wait",
    )  # fmt: skip
    assert no_wait.code == 2


def test_help_lists_every_command_in_upper_case_and_flags_have_no_type(env: Tenant) -> None:
    helped = run_esper("commands", "run", "--help", env={"COLUMNS": "300"})
    assert helped.code == 0
    names = [
        *esperclient.DeviceCommandEnum.allowed_values,
        *esperclient.V0DeviceCommandEnum.allowed_values,
    ]
    assert all(name in helped.stdout for name in names)
    assert "reboot" not in helped.stdout
    wait_line = next(line for line in helped.stdout.splitlines() if "--wait" in line)
    assert "<bool>" not in wait_line


def test_an_argument_out_of_range_is_a_usage_error_with_the_model_message(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    device = online_devices(sdk)[0]
    result = run_esper(
        "commands", "run", "SET_BRIGHTNESS_SCALE", "-d", str(device.id), "-a", "brightness_value=0"
    )
    message = "Invalid value for `brightness_value`, must be a value greater than or equal to `1`"
    assert result.code == 2 and f"error: bad --arg: {message}" in result.stderr
