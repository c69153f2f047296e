"""Commands: validation, the state machine on the emulator's clock, and INSTALL's effect."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from esperclient import CommandArgs, CommandRequest
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, count, esper_error, json_of, wait_for_final

INITIATED, ACKNOWLEDGED, SUCCESS = "Command Initiated", "Command Acknowledged", "Command Success"
LATENCY_S = 60.0


@pytest.fixture
def commands(api_client: esperclient.ApiClient) -> esperclient.CommandsApi:
    return esperclient.CommandsApi(api_client)


def _online_and_offline(tenant: Tenant, api_client: esperclient.ApiClient) -> tuple[str, str]:
    page = esperclient.DeviceApi(api_client).get_all_devices(tenant.enterprise_id, limit=100)
    online = next(d.id for d in page.results if d.state == 1)
    offline = next(d.id for d in page.results if d.state == 60)
    return online, offline


def _set_online(tenant: Tenant, device_id: str, online: bool) -> None:
    """Through the side door of the tenant's emulator."""
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    assert json_of(call("POST", url, json={"online": online}))["status"] == (1 if online else 60)


def _upload(
    api_client: esperclient.ApiClient, tenant: Tenant, apk: Path
) -> esperclient.ApplicationVersion:
    app = esperclient.ApplicationApi(api_client).upload(tenant.enterprise_id, apk).application
    return app.versions[0]


def _installed_count(api_client: esperclient.ApiClient, tenant: Tenant, version_id: str) -> int:
    apps = esperclient.ApplicationApi(api_client)
    for app in apps.get_all_applications(tenant.enterprise_id, limit=100).results:
        for version in apps.get_app_versions(app.id, tenant.enterprise_id, limit=100).results:
            if version.id == version_id:
                return int(version.installed_count)
    raise AssertionError(f"no version {version_id}")


# the happy paths


def test_reboot_on_an_online_device_succeeds(
    tenant: Tenant, api_client: esperclient.ApiClient, commands: esperclient.CommandsApi
) -> None:
    device_id, _ = _online_and_offline(tenant, api_client)
    command = commands.run_command(
        tenant.enterprise_id, device_id, CommandRequest(command="REBOOT")
    )
    assert (command.command, command.state) == ("REBOOT", INITIATED)
    assert command.device == f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{device_id}/"
    assert command.current_base_uri == tenant.host
    done = wait_for_final(commands, tenant, device_id, command.id)
    assert (done.id, done.state, done.action) == (command.id, SUCCESS, "success")
    assert done.created_on == command.created_on and done.updated_on >= command.updated_on


def test_install_succeeds_and_counts_each_device_once(
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    commands: esperclient.CommandsApi,
    make_apk: Callable[..., Path],
) -> None:
    version = _upload(api_client, tenant, make_apk())
    first, second = tenant.device_ids[0], tenant.device_ids[1]
    for device_id in (first, second):
        _set_online(tenant, device_id, True)
    install = CommandRequest(command="INSTALL", command_args=CommandArgs(app_version=version.id))

    command = commands.run_command(tenant.enterprise_id, first, install)
    assert command.command_args.app_version == version.id
    assert wait_for_final(commands, tenant, first, command.id).state == SUCCESS
    assert _installed_count(api_client, tenant, version.id) == 1

    again = commands.run_command(tenant.enterprise_id, first, install)
    assert wait_for_final(commands, tenant, first, again.id).state == SUCCESS
    assert _installed_count(api_client, tenant, version.id) == 1

    elsewhere = commands.run_command(tenant.enterprise_id, second, install)
    assert wait_for_final(commands, tenant, second, elsewhere.id).state == SUCCESS
    assert _installed_count(api_client, tenant, version.id) == 2


def test_an_upgrade_moves_the_device_from_the_old_version_count_to_the_new(
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    commands: esperclient.CommandsApi,
    make_apk: Callable[..., Path],
) -> None:
    old = _upload(api_client, tenant, make_apk("com.example.upgrade", version_code=1))
    new = _upload(api_client, tenant, make_apk("com.example.upgrade", version_code=2))
    device_id = tenant.device_ids[0]
    _set_online(tenant, device_id, True)
    for version in (old, new):
        request = CommandRequest(
            command="INSTALL", command_args=CommandArgs(app_version=version.id)
        )
        command = commands.run_command(tenant.enterprise_id, device_id, request)
        assert wait_for_final(commands, tenant, device_id, command.id).state == SUCCESS
    assert _installed_count(api_client, tenant, new.id) == 1
    assert _installed_count(api_client, tenant, old.id) == 0


# refusals


@pytest.mark.parametrize(
    "command_args",
    [None, CommandArgs(), CommandArgs(app_version="")],
    ids=["none", "empty", "blank"],
)
def test_install_without_a_version_is_400(
    server: EmulatorServer,
    tenant: Tenant,
    commands: esperclient.CommandsApi,
    command_args: CommandArgs | None,
) -> None:
    request = CommandRequest(command="INSTALL", command_args=command_args)
    with pytest.raises(esperclient.BadRequestError) as caught:
        commands.run_command(tenant.enterprise_id, tenant.device_ids[0], request)
    assert list(caught.value.field_errors) == ["command_args.app_version"]
    assert count(server, schema.commands, enterprise_id=tenant.enterprise_id) == 0


def test_install_of_an_unknown_or_foreign_version_is_400(
    server: EmulatorServer,
    tenant: Tenant,
    other: Tenant,
    commands: esperclient.CommandsApi,
    make_apk: Callable[..., Path],
) -> None:
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        foreign = _upload(client, other, make_apk())
    for version_id in ("00000000-0000-4000-8000-000000000000", foreign.id, "not-a-uuid"):
        request = CommandRequest(
            command="INSTALL", command_args=CommandArgs(app_version=version_id)
        )
        with pytest.raises(esperclient.BadRequestError) as caught:
            commands.run_command(tenant.enterprise_id, tenant.device_ids[0], request)
        assert list(caught.value.field_errors) == ["command_args.app_version"]
        assert foreign.id not in caught.value.message or version_id == foreign.id
    assert count(server, schema.commands, enterprise_id=tenant.enterprise_id) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"command": "SELF_DESTRUCT"}, "command"),
        ({"command": "reboot"}, "command"),
        ({}, "command"),
        ({"command": None}, "command"),
        ({"command": 5}, "command"),
        ({"command": ["REBOOT"]}, "command"),
        ({"command": "INSTALL", "command_args": {"app_version": 5}}, "command_args.app_version"),
        ({"command": "INSTALL", "command_args": "v1"}, "command_args"),
        (
            {"command": "SET_WIFI_STATE", "command_args": {"wifi_state": "on"}},
            "command_args.wifi_state",
        ),
        ([], "body"),
        ("REBOOT", "body"),
    ],
)
def test_bad_command_bodies_are_400_naming_the_field(
    server: EmulatorServer, tenant: Tenant, body: object, field: str
) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}/command/"
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert [key for item in error["errors"] for key in item] == [field]
    assert error["message"].startswith(f"{field}: ")
    assert count(server, schema.commands, enterprise_id=tenant.enterprise_id) == 0


@pytest.mark.parametrize("raw", [b"", b"{", b"command=REBOOT", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_400(tenant: Tenant, raw: bytes) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}/command/"
    response = call(
        "POST", url, key=tenant.api_key, body=raw, headers={"Content-Type": "application/json"}
    )
    esper_error(response, 400)


def test_a_command_to_an_unknown_device_is_404(
    tenant: Tenant, commands: esperclient.CommandsApi
) -> None:
    with pytest.raises(esperclient.NotFoundError):
        commands.run_command(
            tenant.enterprise_id,
            "00000000-0000-4000-8000-000000000000",
            CommandRequest(command="LOCK"),
        )


def test_a_command_is_read_only_through_its_own_device(
    tenant: Tenant, commands: esperclient.CommandsApi
) -> None:
    mine, another = tenant.device_ids[:2]
    command = commands.run_command(tenant.enterprise_id, mine, CommandRequest(command="LOCK"))
    with pytest.raises(esperclient.NotFoundError) as caught:
        commands.get_command(command.id, another, tenant.enterprise_id)
    assert caught.value.message == "Command not found."
    with pytest.raises(esperclient.NotFoundError):
        commands.get_command("00000000-0000-4000-8000-000000000000", mine, tenant.enterprise_id)
    assert commands.get_command(command.id, mine, tenant.enterprise_id).id == command.id


# offline devices and time


def test_a_command_to_an_offline_device_waits_until_it_comes_online(
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    commands: esperclient.CommandsApi,
) -> None:
    _, device_id = _online_and_offline(tenant, api_client)
    command = commands.run_command(
        tenant.enterprise_id, device_id, CommandRequest(command="REBOOT")
    )
    for _ in range(5):
        assert commands.get_command(command.id, device_id, tenant.enterprise_id).state == INITIATED
    _set_online(tenant, device_id, True)
    assert wait_for_final(commands, tenant, device_id, command.id).state == SUCCESS
    device = esperclient.DeviceApi(api_client).get_device_by_id(tenant.enterprise_id, device_id)
    assert device.status == device.state == 1


def test_without_latency_a_command_is_carried_out_as_it_is_queued(
    tenant: Tenant, api_client: esperclient.ApiClient, commands: esperclient.CommandsApi
) -> None:
    """Due at once, it is done before the next request: taking the device offline (the
    side door, which catches nothing up) comes after it."""
    device_id = tenant.device_ids[0]
    _set_online(tenant, device_id, True)
    command = commands.run_command(
        tenant.enterprise_id, device_id, CommandRequest(command="REBOOT")
    )
    assert command.state == INITIATED
    _set_online(tenant, device_id, False)
    done = commands.get_command(command.id, device_id, tenant.enterprise_id)
    assert (done.state, done.action) == (SUCCESS, "success")
    device = esperclient.DeviceApi(api_client).get_device_by_id(tenant.enterprise_id, device_id)
    assert device.software_info.get("lastRebootOn") is not None


@pytest.fixture
def slow(start_server: Callable[..., EmulatorServer]) -> tuple[EmulatorServer, Tenant]:
    """An emulator whose devices take LATENCY_S (on its clock) for each command step."""
    own = start_server(latency_ms=LATENCY_S * 1000)
    created = json_of(call("POST", f"{own.url}/_emulator/enterprises", json={"devices": 5}), 201)
    return own, Tenant(
        own.host, created["enterprise_id"], created["api_key"], created["device_ids"]
    )


def _advance(server: EmulatorServer, seconds: float) -> None:
    json_of(call("POST", f"{server.url}/_emulator/clock/advance", json={"seconds": seconds}))


def _states_with_latency(slow: tuple[EmulatorServer, Tenant], steps: list[float]) -> list[str]:
    """Run a REBOOT on an online device of ``slow``; its state after each clock step."""
    own, tenant = slow
    with esperclient.ApiClient(make_configuration(tenant.host, tenant.api_key)) as client:
        commands = esperclient.CommandsApi(client)
        device_id = tenant.device_ids[0]
        _set_online(tenant, device_id, True)
        command = commands.run_command(
            tenant.enterprise_id, device_id, CommandRequest(command="REBOOT")
        )
        states = [commands.get_command(command.id, device_id, tenant.enterprise_id).state]
        for seconds in steps:
            _advance(own, seconds)
            states.append(commands.get_command(command.id, device_id, tenant.enterprise_id).state)
    return states


def test_with_latency_the_states_come_in_order(slow: tuple[EmulatorServer, Tenant]) -> None:
    steps = [LATENCY_S / 2, LATENCY_S / 2, LATENCY_S / 2, LATENCY_S / 2, LATENCY_S]
    assert _states_with_latency(slow, steps) == [
        INITIATED,
        INITIATED,
        ACKNOWLEDGED,
        ACKNOWLEDGED,
        SUCCESS,
        SUCCESS,
    ]


def test_a_long_wait_passes_both_steps_at_once(slow: tuple[EmulatorServer, Tenant]) -> None:
    assert _states_with_latency(slow, [2 * LATENCY_S]) == [INITIATED, SUCCESS]


def test_an_offline_device_holds_its_command_whatever_the_clock(
    slow: tuple[EmulatorServer, Tenant],
) -> None:
    own, tenant = slow
    device_id = tenant.device_ids[1]
    _set_online(tenant, device_id, False)
    with esperclient.ApiClient(make_configuration(tenant.host, tenant.api_key)) as client:
        commands = esperclient.CommandsApi(client)
        command = commands.run_command(
            tenant.enterprise_id, device_id, CommandRequest(command="LOCK")
        )
        _advance(own, 100 * LATENCY_S)
        assert commands.get_command(command.id, device_id, tenant.enterprise_id).state == INITIATED
        _set_online(tenant, device_id, True)
        _advance(own, LATENCY_S)
        assert (
            commands.get_command(command.id, device_id, tenant.enterprise_id).state == ACKNOWLEDGED
        )
        _advance(own, LATENCY_S)
        assert commands.get_command(command.id, device_id, tenant.enterprise_id).state == SUCCESS


def test_a_device_that_goes_offline_before_acknowledging_holds_the_command(
    slow: tuple[EmulatorServer, Tenant],
) -> None:
    own, tenant = slow
    device_id = tenant.device_ids[2]
    _set_online(tenant, device_id, True)
    with esperclient.ApiClient(make_configuration(tenant.host, tenant.api_key)) as client:
        commands = esperclient.CommandsApi(client)
        command = commands.run_command(
            tenant.enterprise_id, device_id, CommandRequest(command="LOCK")
        )
        _set_online(tenant, device_id, False)
        _advance(own, 10 * LATENCY_S)
        assert commands.get_command(command.id, device_id, tenant.enterprise_id).state == INITIATED
        _set_online(tenant, device_id, True)
        _advance(own, 2 * LATENCY_S)
        assert commands.get_command(command.id, device_id, tenant.enterprise_id).state == SUCCESS


def test_a_reboot_refreshes_the_device_as_of_when_it_finished(
    slow: tuple[EmulatorServer, Tenant],
) -> None:
    own, tenant = slow
    device_id = tenant.device_ids[3]
    _set_online(tenant, device_id, True)
    with esperclient.ApiClient(make_configuration(tenant.host, tenant.api_key)) as client:
        devices = esperclient.DeviceApi(client)
        before = devices.get_device_by_id(tenant.enterprise_id, device_id).updated_on
        esperclient.CommandsApi(client).run_command(
            tenant.enterprise_id, device_id, CommandRequest(command="REBOOT")
        )
        _advance(own, 3600)
        after = devices.get_device_by_id(tenant.enterprise_id, device_id).updated_on
    assert 2 * LATENCY_S <= (after - before).total_seconds() < 3600  # when due, not when seen
