"""v0 command requests: picking devices, queueing for offline ones, statuses and history."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from esperclient import V0CommandRequest
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, count, esper_error, json_of

QUEUED, INITIATED = "Command Queued", "Command Initiated"
SUCCESS, SCHEDULED = "Command Success", "Command Scheduled"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def v2(api_client: esperclient.ApiClient) -> esperclient.CommandsV2Api:
    return esperclient.CommandsV2Api(api_client)


@pytest.fixture
def split(tenant: Tenant) -> tuple[list[str], list[str]]:
    """The tenant's devices set online (the first 20) and offline (the last 10)."""
    for n, device_id in enumerate(tenant.device_ids):
        _set_online(tenant, device_id, n < 20)
    return tenant.device_ids[:20], tenant.device_ids[20:]


def _set_online(tenant: Tenant, device_id: str, online: bool) -> None:
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    assert json_of(call("POST", url, json={"online": online}))["status"] == (1 if online else 60)


def _counts(request: V0CommandRequest) -> dict[str, int]:
    return {status.state: status.total for status in request.status}


def _device_url(tenant: Tenant, device_id: str) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{device_id}/"


def _states(v2: esperclient.CommandsV2Api, tenant: Tenant, request_id: str) -> dict[str, str]:
    """Device URL -> V0 state of each command of the request."""
    page = v2.get_command_request_status(tenant.enterprise_id, request_id)
    assert page.count == len(page.results) and page.next is None
    return {status.device: status.state for status in page.results}


def _settled(v2: esperclient.CommandsV2Api, tenant: Tenant, request_id: str) -> dict[str, str]:
    """The states once nothing is Initiated or Acknowledged (a bounded number of reads)."""
    for _ in range(20):
        states = _states(v2, tenant, request_id)
        if not {INITIATED, "Command Acknowledged"} & set(states.values()):
            break
    return states


def _group(server: EmulatorServer, tenant: Tenant, name: str, members: list[str]) -> str:
    with server.emulator.store.transaction():
        return server.emulator.seeder.group(tenant.enterprise_id, name, members)


# which devices a request reaches


@pytest.mark.parametrize(
    ("device_type", "online", "offline"),
    [("active", True, False), ("inactive", False, True), ("all", True, True), (None, True, False)],
)
@pytest.mark.parametrize("command_type", ["DEVICE", "GROUP", "DYNAMIC"])
def test_command_and_device_types_pick_the_devices(
    v2: esperclient.CommandsV2Api,
    server: EmulatorServer,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
    command_type: str,
    device_type: str | None,
    online: bool,
    offline: bool,
) -> None:
    on, off = split
    chosen = [*on[:3], *off[:2]]
    body: dict[str, Any] = {"command_type": command_type, "command": "REBOOT"}
    if device_type:
        body["device_type"] = device_type
    if command_type == "DEVICE":
        body["devices"] = chosen
    elif command_type == "GROUP":
        body["groups"] = [_group(server, tenant, "Chosen", chosen)]
    else:
        chosen = tenant.device_ids
    request = v2.create_command(tenant.enterprise_id, body)
    assert (request.command_type, request.device_type) == (command_type, device_type or "active")
    expected_on = [d for d in chosen if d in on] if online else []
    expected_off = [d for d in chosen if d in off] if offline else []
    assert _counts(request) == {
        state: total
        for state, total in ((INITIATED, len(expected_on)), (QUEUED, len(expected_off)))
        if total
    }
    states = _settled(v2, tenant, request.id)
    assert states == {
        **{_device_url(tenant, d): SUCCESS for d in expected_on},
        **{_device_url(tenant, d): QUEUED for d in expected_off},
    }


def test_a_group_request_reaches_the_groups_below(
    v2: esperclient.CommandsV2Api,
    server: EmulatorServer,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
) -> None:
    """As a group command does on Esper: actions on a group cascade to its sub-groups."""
    on, _ = split
    parent = _group(server, tenant, "Parent", on[:2])
    with server.emulator.store.transaction():
        server.emulator.seeder.group(tenant.enterprise_id, "Child", on[2:4], parent)
    request = v2.create_command(
        tenant.enterprise_id,
        V0CommandRequest(command_type="GROUP", groups=[parent], command="UPDATE_HEARTBEAT"),
    )
    assert _counts(request) == {INITIATED: 4}
    assert set(_settled(v2, tenant, request.id)) == {_device_url(tenant, d) for d in on[:4]}


def test_dynamic_with_devices_and_groups_reaches_both(
    v2: esperclient.CommandsV2Api,
    server: EmulatorServer,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
) -> None:
    on, _ = split
    group_id = _group(server, tenant, "G", on[2:5])
    request = v2.create_command(
        tenant.enterprise_id,
        V0CommandRequest(
            command_type="DYNAMIC", devices=on[:3], groups=[group_id], command="UPDATE_HEARTBEAT"
        ),
    )
    assert _counts(request) == {INITIATED: 5}
    assert set(_settled(v2, tenant, request.id)) == {_device_url(tenant, d) for d in on[:5]}


def test_queued_commands_run_when_their_devices_come_online(
    v2: esperclient.CommandsV2Api, tenant: Tenant, split: tuple[list[str], list[str]]
) -> None:
    _, off = split
    request = v2.create_command(
        tenant.enterprise_id,
        {
            "command_type": "DEVICE",
            "devices": off[:3],
            "device_type": "inactive",
            "command": "WIPE",
        },
    )
    assert _counts(request) == {QUEUED: 3}
    for _ in range(3):
        assert set(_states(v2, tenant, request.id).values()) == {QUEUED}
    _set_online(tenant, off[0], True)
    states = _settled(v2, tenant, request.id)
    assert states[_device_url(tenant, off[0])] == SUCCESS
    assert [states[_device_url(tenant, d)] for d in off[1:3]] == [QUEUED, QUEUED]
    listed = v2.list_command_request(tenant.enterprise_id).results
    assert [_counts(r) for r in listed] == [{QUEUED: 2, SUCCESS: 1}]


def test_a_scheduled_request_is_recorded_but_not_run(
    v2: esperclient.CommandsV2Api, tenant: Tenant, split: tuple[list[str], list[str]]
) -> None:
    on, _ = split
    body = {
        "command_type": "DEVICE",
        "devices": on[:2],
        "command": "REBOOT",
        "schedule": "WINDOW",
        "schedule_args": {
            "name": "Nightly",
            "start_datetime": "2030-01-01T00:00:00Z",
            "end_datetime": "2030-01-02T00:00:00Z",
            "time_type": "console",
            "window_start_time": "01:00:00",
            "window_end_time": "03:00:00",
        },
    }
    request = v2.create_command(tenant.enterprise_id, body)
    assert (request.schedule, request.schedule_args.name) == ("WINDOW", "Nightly")
    for _ in range(3):
        assert _counts(v2.list_command_request(tenant.enterprise_id).results[0]) == {SCHEDULED: 2}
    assert set(_states(v2, tenant, request.id).values()) == {SCHEDULED}


# refusals


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"command": "REBOOT", "devices": ["{d0}"]}, "command_type"),
        ({"command_type": "device", "command": "REBOOT", "devices": ["{d0}"]}, "command_type"),
        ({"command_type": "DEVICE", "devices": ["{d0}"]}, "command"),
        ({"command_type": "DEVICE", "command": "SELF_DESTRUCT", "devices": ["{d0}"]}, "command"),
        ({"command_type": "DEVICE", "command": "REBOOT"}, "devices"),
        ({"command_type": "DEVICE", "command": "REBOOT", "devices": []}, "devices"),
        ({"command_type": "DEVICE", "command": "REBOOT", "devices": [UNKNOWN]}, "devices"),
        ({"command_type": "DEVICE", "command": "REBOOT", "devices": ["nope"]}, "devices"),
        ({"command_type": "DEVICE", "command": "REBOOT", "devices": ["{foreign}"]}, "devices"),
        ({"command_type": "GROUP", "command": "REBOOT", "devices": ["{d0}"]}, "groups"),
        ({"command_type": "GROUP", "command": "REBOOT", "groups": [UNKNOWN]}, "groups"),
        (
            {"command_type": "DYNAMIC", "command": "REBOOT", "device_type": "online"},
            "device_type",
        ),
        ({"command_type": "DYNAMIC", "command": "REBOOT", "schedule": "LATER"}, "schedule"),
        ({"command_type": "DYNAMIC", "command": "REBOOT", "schedule": "WINDOW"}, "schedule_args"),
        ({"command_type": "DYNAMIC", "command": "INSTALL"}, "command_args.app_version"),
        (
            {
                "command_type": "DYNAMIC",
                "command": "INSTALL",
                "command_args": {"app_version": UNKNOWN},
            },
            "command_args.app_version",
        ),
        (
            {
                "command_type": "DYNAMIC",
                "command": "INSTALL",
                "command_args": {"package_name": "x.y"},
            },
            "command_args.package_name",
        ),
        ({"command_type": "DYNAMIC", "command": "UNINSTALL"}, "command_args.package_name"),
        ({"command_type": "DYNAMIC", "command": "SET_APP_STATE"}, "command_args.package_name"),
        (
            {
                "command_type": "DYNAMIC",
                "command": "SET_APP_STATE",
                "command_args": {"package_name": "x.y", "app_state": "GONE"},
            },
            "command_args.app_state",
        ),
        (
            {
                "command_type": "DYNAMIC",
                "command": "SET_DEVICE_LOCKDOWN_STATE",
                "command_args": {"state": "locked"},
            },
            "command_args.state",
        ),
        ({"command_type": "DYNAMIC", "command": "SET_NEW_POLICY"}, "command_args.policy_url"),
        (
            {"command_type": "DYNAMIC", "command": "UPDATE_DEVICE_CONFIG", "command_args": {}},
            "command_args.custom_settings_config",
        ),
        ({"command_type": "DYNAMIC", "command": "ADD_WIFI_AP"}, "command_args.wifi_access_points"),
    ],
)
def test_bad_requests_are_400_naming_the_field_and_send_nothing(
    server: EmulatorServer, tenant: Tenant, other: Tenant, body: dict[str, Any], field: str
) -> None:
    fill = {"{d0}": tenant.device_ids[0], "{foreign}": other.device_ids[0]}
    body = dict(body)  # the parameter is shared by each backend's run
    for key in ("devices", "groups"):
        if key in body:
            body[key] = [fill.get(value, value) for value in body[key]]
    url = f"{tenant.host}/v0/enterprise/{tenant.enterprise_id}/command/"
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert [key for item in error["errors"] for key in item] == [field]
    assert count(server, schema.command_requests, enterprise_id=tenant.enterprise_id) == 0
    assert count(server, schema.commands, enterprise_id=tenant.enterprise_id) == 0


@pytest.mark.parametrize("field", ["devices", "groups"])
def test_at_most_500_devices_or_groups(
    v2: esperclient.CommandsV2Api, server: EmulatorServer, tenant: Tenant, field: str
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(501)]
    command_type = "DEVICE" if field == "devices" else "GROUP"
    with pytest.raises(esperclient.BadRequestError) as caught:
        v2.create_command(
            tenant.enterprise_id, {"command_type": command_type, field: ids, "command": "REBOOT"}
        )
    assert list(caught.value.field_errors) == [field]
    assert "500" in caught.value.message
    assert count(server, schema.command_requests, enterprise_id=tenant.enterprise_id) == 0


def test_500_devices_are_accepted(
    v2: esperclient.CommandsV2Api, server: EmulatorServer, tenant: Tenant
) -> None:
    with server.emulator.store.transaction():
        extra = server.emulator.seeder.devices(tenant.enterprise_id, 470, online_ratio=0.0)
    devices = [*tenant.device_ids, *extra]
    assert len(devices) == 500
    request = v2.create_command(
        tenant.enterprise_id,
        {
            "command_type": "DEVICE",
            "devices": devices,
            "device_type": "all",
            "command": "REBOOT",
        },
    )
    assert sum(status.total for status in request.status) == 500
    assert v2.get_command_request_status(tenant.enterprise_id, request.id).count == 500


def test_other_enterprises_are_403(v2: esperclient.CommandsV2Api, other: Tenant) -> None:
    with pytest.raises(esperclient.PermissionDeniedError):
        v2.list_command_request(other.enterprise_id)
    with pytest.raises(esperclient.PermissionDeniedError):
        v2.create_command(other.enterprise_id, {"command_type": "DYNAMIC", "command": "REBOOT"})


def test_the_command_args_reach_each_device(
    v2: esperclient.CommandsV2Api,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
    make_apk: Callable[..., Path],
) -> None:
    on, _ = split
    eid = tenant.enterprise_id
    renamed = v2.create_command(
        eid,
        {
            "command_type": "DEVICE",
            "devices": on[:2],
            "command": "UPDATE_DEVICE_CONFIG",
            "command_args": {"device_alias_name": "Till 7"},
        },
    )
    assert set(_settled(v2, tenant, renamed.id).values()) == {SUCCESS}
    devices = esperclient.DeviceApi(api_client)
    assert [devices.get_device_by_id(eid, d).alias_name for d in on[:2]] == ["Till 7"] * 2
    app = esperclient.ApplicationApi(api_client).upload(eid, make_apk("com.example.v0")).application
    by_package = v2.create_command(
        eid,
        {
            "command_type": "DEVICE",
            "devices": on[:1],
            "command": "INSTALL",
            "command_args": {"package_name": "com.example.v0"},
        },
    )
    assert set(_settled(v2, tenant, by_package.id).values()) == {SUCCESS}
    installed = esperclient.ApplicationApi(api_client).get_app_versions(app.id, eid).results
    assert installed[0].installed_count == 1


# reading requests, statuses and history


def test_list_filters(
    v2: esperclient.CommandsV2Api,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
) -> None:
    on, off = split
    eid = tenant.enterprise_id
    first = v2.create_command(
        eid, {"command_type": "DEVICE", "devices": on[:2], "command": "REBOOT"}
    )
    second = v2.create_command(
        eid,
        {"command_type": "DEVICE", "devices": off[:1], "device_type": "all", "command": "WIPE"},
    )
    third = v2.create_command(
        eid,
        {
            "command_type": "GROUP",
            "groups": [_group(server, tenant, "G", on[1:3])],
            "command": "REBOOT",
        },
    )

    def ids(**filters: str) -> list[str]:
        page = v2.list_command_request(eid, **filters)
        assert page.count == len(page.results) and page.next is page.previous is None
        return [r.id for r in page.results]

    assert ids() == [first.id, second.id, third.id]
    assert ids(command_type="GROUP") == ids(command_type="group") == [third.id]
    assert ids(device_type="all") == [second.id]
    assert ids(command="REBOOT") == [first.id, third.id]
    assert ids(devices=on[1]) == [first.id, third.id]
    assert ids(devices=f"{on[0]}, {off[0]}") == [first.id, second.id]
    assert ids(devices=on[5]) == []
    user = esperclient.TokenApi(api_client).get_token_info().user
    assert ids(issued_by=user) == [first.id, second.id, third.id]
    assert first.issued_by == f"{tenant.host}/user/{user}/"
    assert ids(issued_by=str(uuid.uuid4())) == []
    for name, value in (("command_type", "SOME"), ("devices", "x"), ("command", "NAP")):
        with pytest.raises(esperclient.BadRequestError) as caught:
            v2.list_command_request(eid, **{name: value})
        assert list(caught.value.field_errors) == [name]


def test_status_filters_and_404s(
    v2: esperclient.CommandsV2Api,
    tenant: Tenant,
    other: Tenant,
    split: tuple[list[str], list[str]],
) -> None:
    on, off = split
    eid = tenant.enterprise_id
    request = v2.create_command(
        eid,
        {
            "command_type": "DEVICE",
            "devices": [on[0], off[0]],
            "device_type": "all",
            "command": "REBOOT",
        },
    )
    _settled(v2, tenant, request.id)
    mine = v2.get_command_request_status(eid, request.id, device=on[0])
    assert [(s.device, s.state, s.request) for s in mine.results] == [
        (_device_url(tenant, on[0]), SUCCESS, request.id)
    ]
    queued = v2.get_command_request_status(eid, request.id, state=QUEUED)
    assert [s.device for s in queued.results] == [_device_url(tenant, off[0])]
    assert v2.get_command_request_status(eid, request.id, state="Command Failure").count == 0
    with pytest.raises(esperclient.BadRequestError) as caught:
        v2.get_command_request_status(eid, request.id, state="Done")
    assert list(caught.value.field_errors) == ["state"]
    with pytest.raises(esperclient.BadRequestError) as caught:
        v2.get_command_request_status(eid, request.id, device="nope")
    assert list(caught.value.field_errors) == ["device"]
    with pytest.raises(esperclient.NotFoundError):
        v2.get_command_request_status(eid, UNKNOWN)
    theirs = esperclient.ApiClient(make_configuration(other.host, other.api_key))
    with theirs, pytest.raises(esperclient.NotFoundError):
        esperclient.CommandsV2Api(theirs).get_command_request_status(
            other.enterprise_id, request.id
        )


def test_history_is_per_device_and_only_v0(
    v2: esperclient.CommandsV2Api,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
) -> None:
    on, off = split
    eid = tenant.enterprise_id
    both = v2.create_command(
        eid, {"command_type": "DEVICE", "devices": [on[0], on[1]], "command": "REBOOT"}
    )
    one = v2.create_command(
        eid,
        {
            "command_type": "DEVICE",
            "devices": [on[0], off[0]],
            "device_type": "all",
            "command": "WIPE",
        },
    )
    esperclient.CommandsApi(api_client).run_command(
        eid, on[0], esperclient.CommandRequest(command="LOCK")
    )
    _settled(v2, tenant, one.id)
    history = v2.get_device_command_history(eid, on[0])
    assert [s.request for s in history.results] == [both.id, one.id]
    assert {s.state for s in history.results} == {SUCCESS}
    assert [s.request for s in v2.get_device_command_history(eid, on[1]).results] == [both.id]
    waiting = v2.get_device_command_history(eid, off[0], state=QUEUED)
    assert [(s.request, s.state) for s in waiting.results] == [(one.id, QUEUED)]
    assert v2.get_device_command_history(eid, off[0], state=SUCCESS).count == 0
    assert v2.get_device_command_history(eid, on[5]).count == 0
    with pytest.raises(esperclient.NotFoundError):
        v2.get_device_command_history(eid, UNKNOWN)
    with pytest.raises(esperclient.BadRequestError) as caught:
        v2.get_device_command_history(eid, on[0], state="Nope")
    assert list(caught.value.field_errors) == ["state"]


def test_v0_takes_the_commands_the_api_lists_beyond_0_1_3s_enum(
    v2: esperclient.CommandsV2Api,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    split: tuple[list[str], list[str]],
) -> None:
    """0.1.3's V0DeviceCommandEnum has 13 commands; the API (and the registry) takes 25."""
    on, _ = split
    eid = tenant.enterprise_id

    def run(command: str, **args: Any) -> dict[str, str]:
        body = {"command_type": "DEVICE", "devices": on[:1], "command": command}
        return _settled(v2, tenant, v2.create_command(eid, {**body, "command_args": args}).id)

    assert set(run("LOCK").values()) == {SUCCESS}
    assert set(run("SET_TIMEZONE", timezone_string="Asia/Kolkata").values()) == {SUCCESS}
    device = esperclient.DeviceApi(api_client).get_device_by_id(eid, on[0])
    assert device.software_info["timezone"] == "Asia/Kolkata"
    assert device.software_info["lockedOn"]
    url = f"{tenant.host}/v0/enterprise/{eid}/command/"
    body = {"command_type": "DEVICE", "devices": on[:1], "command": "SET_TIMEZONE"}
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert error["message"] == "command_args.timezone_string: SET_TIMEZONE needs timezone_string."
    body["command"] = "SET_APP_PERMISSION"
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert error["message"] == 'command: "SET_APP_PERMISSION" is not a valid choice.'
