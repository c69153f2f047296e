"""The effect of every device and v0 command, seen through the API, and its failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.services import effects
from esper_emulator.services.commands import COMMANDS
from esper_emulator.store import schema
from esperclient import (
    CommandArgs,
    CommandRequest,
    DeviceCommandEnum,
    GroupCommandEnum,
    V0DeviceCommandEnum,
)
from tests.conftest import Tenant
from tests.emulator.conftest import call, esper_error, json_of, wait_for_final

SUCCESS, FAILURE = "Command Success", "Command Failure"
CHROME, SETTINGS = "com.android.chrome", "com.android.settings"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class OneDevice:
    """One online, provisioned device of the tenant, and ways to command it."""

    def __init__(self, server: EmulatorServer, tenant: Tenant, client: esperclient.ApiClient):
        self.server, self.tenant = server, tenant
        self.devices = esperclient.DeviceApi(client)
        self.commands = esperclient.CommandsApi(client)
        self.apps = esperclient.ApplicationApi(client)
        self.device_id = tenant.device_ids[0]

    def run(self, command: str, **args: Any) -> esperclient.DeviceCommand:
        """Run a device command through the API; the command once final."""
        request = CommandRequest(
            command=command, command_args=CommandArgs(**args) if args else None
        )
        sent = self.commands.run_command(self.tenant.enterprise_id, self.device_id, request)
        return wait_for_final(self.commands, self.tenant, self.device_id, sent.id)

    def run_v0(self, command: str, **v0_args: Any) -> esperclient.DeviceCommand:
        """Queue a command the way a v0 command request does; the command once final."""
        emulator = self.server.emulator
        with emulator.store.transaction():
            device = emulator.fleet.device(self.tenant.enterprise_id, self.device_id)
            sent = emulator.fleet.enqueue(
                self.tenant.enterprise_id, device, command, None, v0_args=v0_args
            )
        assert sent.id is not None
        return wait_for_final(self.commands, self.tenant, self.device_id, sent.id)

    def device(self) -> esperclient.Device:
        return self.devices.get_device_by_id(self.tenant.enterprise_id, self.device_id)

    def listed(self, **filters: Any) -> list[str]:
        """The ids of the tenant's devices the device list gives with ``filters``."""
        page = self.devices.get_all_devices(self.tenant.enterprise_id, limit=100, **filters)
        return [device.id for device in page.results]

    def packages(self) -> dict[str, esperclient.DeviceApp]:
        page = self.devices.get_device_apps(self.tenant.enterprise_id, self.device_id, limit=100)
        return {app.package_name: app for app in page.results}

    def installs(self, **filters: Any) -> list[esperclient.AppInstall]:
        page = self.devices.get_app_installs(
            self.tenant.enterprise_id, self.device_id, limit=100, **filters
        )
        return list(page.results)

    def latest_event(self) -> dict[str, Any]:
        page = self.devices.get_device_event(self.tenant.enterprise_id, self.device_id, 1)
        data: dict[str, Any] = json.loads(page.results[0].data)
        return data

    def upload(self, apk: Path) -> esperclient.Application:
        return self.apps.upload(self.tenant.enterprise_id, apk).application

    def installed_count(self, app: esperclient.Application) -> int:
        version = self.apps.get_app_version(app.versions[0].id, app.id, self.tenant.enterprise_id)
        return int(version.installed_count)


@pytest.fixture
def fleet(server: EmulatorServer, tenant: Tenant, api_client: esperclient.ApiClient) -> OneDevice:
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{tenant.device_ids[0]}/online"
    json_of(call("POST", url, json={"online": True}))
    return OneDevice(server, tenant, api_client)


def _when(stamp: str) -> datetime:
    return msgspec.json.decode(json.dumps(stamp), type=datetime)


SPEC = json.loads((Path(__file__).parents[1] / "data" / "esper-api.swagger.json").read_text())
NOT_YET = {("v0", "SET_APP_PERMISSION")}
"""Its ``grant_state`` and ``permission`` are not fields of the spec's ``V0CommandArgs``."""


@pytest.mark.parametrize(
    ("api", "enum"),
    [("device", "DeviceCommandEnum"), ("v0", "V0DeviceCommandEnum"), ("group", "GroupCommandEnum")],
)
def test_the_registry_takes_the_commands_the_api_description_lists(api: str, enum: str) -> None:
    listed = {(api, name) for name in SPEC["definitions"][enum]["enum"]}
    taken = {(api, name) for name, spec in COMMANDS.items() if api in spec.apis}
    assert taken == listed - NOT_YET


def test_every_0_1_3_command_is_taken_by_its_api() -> None:
    for api, enum in (
        ("device", DeviceCommandEnum),
        ("v0", V0DeviceCommandEnum),
        ("group", GroupCommandEnum),
    ):
        assert all(api in COMMANDS[name].apis for name in enum.allowed_values), api


# device state


NETWORK, AUDIO, DISPLAY = "network_info", "audio_constraints", ("displays", "0")
MINUTE = 60_000  # ms


@pytest.mark.parametrize(
    ("command", "args", "path", "expected"),
    [
        ("SET_WIFI_STATE", {"wifi_state": False}, (NETWORK, "wifiEnabled"), False),
        ("SET_WIFI_STATE", {"wifi_state": False}, (NETWORK, "connectionType"), "MOBILE"),
        ("SET_WIFI_STATE", {"wifi_state": True}, (NETWORK, "connectionType"), "WIFI"),
        ("SET_BLUETOOTH_STATE", {"bluetooth_state": True}, (NETWORK, "bluetoothEnabled"), True),
        ("SET_ROTATION_STATE", {"rotate_state": 2}, (*DISPLAY, "rotateState"), 2),
        ("SET_GPS_STATE", {"gps_state": 3}, ("hardware_info", "gpsState"), 3),
        ("SET_BRIGHTNESS_SCALE", {"brightness_value": 40}, (*DISPLAY, "brightnessScale"), 40),
        ("SET_STREAM_VOLUME", {"stream": 2, "volume_level": 70}, (AUDIO, "alarmVolume"), 70),
        ("SET_STREAM_VOLUME", {"stream": 3, "volume_level": 0}, (AUDIO, "musicVolume"), 0),
        (
            "SET_SCREEN_OFF_TIMEOUT",
            {"screen_off_timeout": MINUTE},
            (*DISPLAY, "screenOffTimeout"),
            MINUTE,
        ),
    ],
)
def test_a_setting_lands_on_the_device(
    fleet: OneDevice, command: str, args: dict[str, Any], path: tuple[str, ...], expected: Any
) -> None:
    done = fleet.run(command, **args)
    assert done.state == SUCCESS and done.details is None
    device = fleet.device()
    value = getattr(device, path[0])
    for key in path[1:]:
        value = value[key]
    assert value == expected
    assert device.updated_on == done.updated_on and device.status == 1


def test_one_volume_stream_leaves_the_others(fleet: OneDevice) -> None:
    before = fleet.device().audio_constraints
    fleet.run("SET_STREAM_VOLUME", stream=0, volume_level=55)
    assert fleet.device().audio_constraints == {**before, "ringVolume": 55}


@pytest.mark.parametrize(
    ("command", "key"),
    [("REBOOT", "lastRebootOn"), ("UPDATE_HEARTBEAT", "lastHeartbeatOn"), ("LOCK", "lockedOn")],
)
def test_a_timestamp_records_when_the_command_finished(
    fleet: OneDevice, command: str, key: str
) -> None:
    done = fleet.run(command)
    assert done.state == SUCCESS
    assert _when(fleet.device().software_info[key]) == done.updated_on


# apps


def test_install_records_an_install(fleet: OneDevice, make_apk: Callable[..., Path]) -> None:
    app = fleet.upload(make_apk())
    done = fleet.run("INSTALL", app_version=app.versions[0].id)
    assert done.state == SUCCESS
    assert app.package_name in fleet.packages()
    (install,) = fleet.installs()
    assert install.install_state == "Install Success"
    assert install.application.version.app_version_id == app.versions[0].id
    assert fleet.installed_count(app) == 1


@pytest.mark.parametrize("version_name", ["", "v" * 200], ids=["empty", "long"])
def test_an_app_with_a_version_name_0_1_3_would_refuse_installs_and_uninstalls(
    fleet: OneDevice, make_apk: Callable[..., Path], version_name: str
) -> None:
    """The emulator's answers are built unchecked: a name the APK gives is served as it is."""
    app = fleet.upload(make_apk(version_name=version_name))
    assert app.versions[0].version_name == version_name
    assert fleet.run("INSTALL", app_version=app.versions[0].id).state == SUCCESS
    assert fleet.run("UNINSTALL", package_name=app.package_name).state == SUCCESS
    installed, uninstalled = fleet.installs(package_name=app.package_name)
    assert (installed.install_state, uninstalled.install_state) == (
        "Install Success",
        "Uninstall Success",
    )
    assert installed.application.version.version_name == version_name


def test_install_of_a_version_deleted_meanwhile_fails(
    fleet: OneDevice, make_apk: Callable[..., Path]
) -> None:
    app = fleet.upload(make_apk())
    with fleet.server.emulator.store.transaction():
        device = fleet.server.emulator.fleet.device(fleet.tenant.enterprise_id, fleet.device_id)
        sent = fleet.server.emulator.fleet.enqueue(
            fleet.tenant.enterprise_id,
            device,
            "INSTALL",
            CommandArgs(app_version="00000000-0000-4000-8000-000000000000"),
        )
    assert sent.id is not None
    done = wait_for_final(fleet.commands, fleet.tenant, fleet.device_id, sent.id)
    assert done.state == FAILURE and "not found" in done.details
    assert app.package_name not in fleet.packages()


def test_uninstall_removes_the_app(fleet: OneDevice, make_apk: Callable[..., Path]) -> None:
    app = fleet.upload(make_apk())
    fleet.run("INSTALL", app_version=app.versions[0].id)
    done = fleet.run("UNINSTALL", package_name=app.package_name)
    assert done.state == SUCCESS
    assert app.package_name not in fleet.packages()
    assert [i.install_state for i in fleet.installs(package_name=app.package_name)] == [
        "Install Success",
        "Uninstall Success",
    ]
    assert fleet.installed_count(app) == 0


@pytest.mark.parametrize(
    ("package", "reason"),
    [("com.example.never", "is not installed"), (SETTINGS, "system app")],
)
def test_uninstall_of_what_cannot_go_fails_and_says_why(
    fleet: OneDevice, package: str, reason: str
) -> None:
    done = fleet.run("UNINSTALL", package_name=package)
    assert done.state == FAILURE and reason in done.details
    (failed,) = fleet.installs(install_state="Uninstall Failed")
    assert failed.application.package_name == package and reason in failed.reason_details
    assert (SETTINGS in fleet.packages()) is True


def test_add_to_whitelist(fleet: OneDevice) -> None:
    assert fleet.packages()[CHROME].whitelisted is False
    assert fleet.run("ADD_TO_WHITELIST", package_name=CHROME).state == SUCCESS
    assert fleet.packages()[CHROME].whitelisted is True
    assert fleet.run_v0("REMOVE_FROM_WHITELIST", package_name=CHROME).state == SUCCESS
    assert fleet.packages()[CHROME].whitelisted is False


def test_capture_screenshot_through_the_device_api(fleet: OneDevice) -> None:
    """The API lists CAPTURE_SCREENSHOT for the device API; 0.1.3's enum does not."""
    done = fleet.run("CAPTURE_SCREENSHOT")
    assert done.state == SUCCESS and done.command == "CAPTURE_SCREENSHOT"
    assert fleet.device().software_info["lastScreenshotOn"]


def test_clear_app_data_is_recorded(fleet: OneDevice) -> None:
    done = fleet.run("CLEAR_APP_DATA", package_name=CHROME)
    assert done.state == SUCCESS
    assert fleet.packages()[CHROME].updated_on == done.updated_on
    event = fleet.latest_event()
    assert (event["command"], event["state"]) == ("CLEAR_APP_DATA", SUCCESS)
    assert CHROME in event["result"]


@pytest.mark.parametrize(
    ("command", "package", "reason"),
    [
        ("ADD_TO_WHITELIST", "com.example.never", "not installed"),
        ("CLEAR_APP_DATA", "com.example.never", "not installed"),
        ("CLEAR_APP_DATA", effects.AGENT_PACKAGE, "cannot be cleared"),
    ],
)
def test_app_commands_fail_for_what_they_cannot_touch(
    fleet: OneDevice, command: str, package: str, reason: str
) -> None:
    done = fleet.run(command, package_name=package)
    assert done.state == FAILURE and reason in done.details
    event = fleet.latest_event()
    assert (event["state"], event["result"]) == (FAILURE, done.details)


def test_wipe_resets_the_device(fleet: OneDevice, make_apk: Callable[..., Path]) -> None:
    app = fleet.upload(make_apk())
    fleet.run("INSTALL", app_version=app.versions[0].id)
    for command, args in [
        ("LOCK", {}),
        ("SET_BRIGHTNESS_SCALE", {"brightness_value": 10}),
        ("SET_WIFI_STATE", {"wifi_state": False}),
        ("SET_GPS_STATE", {"gps_state": 3}),
    ]:
        assert fleet.run(command, **args).state == SUCCESS
    before = fleet.device()
    assert before.tags and before.alias_name
    assert fleet.device_id in fleet.listed(tags=before.tags[0])

    done = fleet.run("WIPE", wipe_external_storage=True)
    assert done.state == SUCCESS
    device = fleet.device()
    assert device.tags == [] and device.alias_name is None and device.status == 1
    assert fleet.device_id not in fleet.listed(tags=before.tags[0])  # the filter follows
    assert "lockedOn" not in device.software_info
    assert "brightnessScale" not in device.displays["0"]
    assert "gpsState" not in device.hardware_info
    assert device.network_info["wifiEnabled"] is True
    assert device.network_info["connectionType"] == "WIFI"
    assert _when(device.software_info["lastWipeOn"]) == done.updated_on
    assert device.device_name == before.device_name  # the hardware stays what it was
    apps = fleet.packages()
    assert sorted(apps) == sorted([effects.AGENT_PACKAGE, SETTINGS, CHROME])
    assert not any(a.whitelisted for a in apps.values())
    assert fleet.installed_count(app) == 0


# the event log


def test_every_finished_command_is_an_event(fleet: OneDevice) -> None:
    done = fleet.run("SET_BLUETOOTH_STATE", bluetooth_state=False)
    assert fleet.latest_event() == {
        "command": "SET_BLUETOOTH_STATE",
        "command_id": done.id,
        "state": SUCCESS,
        "result": "Bluetooth turned off.",
    }
    page = fleet.devices.get_device_event(fleet.tenant.enterprise_id, fleet.device_id, 0)
    assert page.count == 2  # and the first, from provisioning
    assert page.results[0].created_on == done.updated_on


# v0 commands


def test_v0_update_device_config(fleet: OneDevice) -> None:
    done = fleet.run_v0(
        "UPDATE_DEVICE_CONFIG",
        device_alias_name="Till 4",
        custom_settings_config={"settings": {"wifi": True}},
    )
    assert done.state == SUCCESS and done.command == "UPDATE_DEVICE_CONFIG"
    device = fleet.device()
    assert device.alias_name == "Till 4"
    assert device.software_info["customSettingsConfig"] == {"settings": {"wifi": True}}
    fleet.run_v0("UPDATE_DEVICE_CONFIG", custom_settings_config={"dpcParams": []})
    assert set(fleet.device().software_info["customSettingsConfig"]) == {"settings", "dpcParams"}


def test_v0_args_are_kept_with_the_command(fleet: OneDevice) -> None:
    done = fleet.run_v0("SET_KIOSK_APP", package_name=CHROME)
    with fleet.server.emulator.store.transaction() as store:
        row = store.one(schema.commands, schema.commands.c.id == done.id)
    assert row is not None and msgspec.json.decode(row.args) == {"package_name": CHROME}


def test_v0_set_new_policy(fleet: OneDevice) -> None:
    with fleet.server.emulator.store.transaction() as store:
        store.insert(
            schema.policies,
            id="5d2c8d7e-0000-4000-8000-000000000001",
            enterprise_id=fleet.tenant.enterprise_id,
            name="Kiosk policy",
            is_active=True,
            doc=b"{}",
        )
        pk = store.one(schema.policies, schema.policies.c.name == "Kiosk policy").pk
    url = f"https://example.esper.cloud/api/enterprise/{fleet.tenant.enterprise_id}/policy/{pk}/"
    assert fleet.run_v0("SET_NEW_POLICY", policy_url=url).state == SUCCESS
    device = fleet.device()
    assert (device.policy, device.policy_name) == (url, "Kiosk policy")


def test_v0_wifi_access_points(fleet: OneDevice) -> None:
    added = fleet.run_v0(
        "ADD_WIFI_AP",
        wifi_access_points=[
            {"wifiSsid": "Store", "wifiPassword": "secret", "wifiSecurityType": "WPA"},
            {"wifiSsid": "Guest"},
        ],
    )
    assert added.state == SUCCESS
    assert fleet.device().network_info["wifiAccessPoints"] == [
        {"wifiSsid": "Store", "wifiSecurityType": "WPA"},
        {"wifiSsid": "Guest"},
    ]
    assert fleet.run_v0("REMOVE_WIFI_AP", wifi_access_points={"wifiSsid": "Guest"}).state == SUCCESS
    assert [p["wifiSsid"] for p in fleet.device().network_info["wifiAccessPoints"]] == ["Store"]
    missing = fleet.run_v0("REMOVE_WIFI_AP", wifi_access_points={"wifiSsid": "Guest"})
    assert missing.state == FAILURE and "Guest" in missing.details


def test_v0_kiosk_lockdown_and_app_state(fleet: OneDevice) -> None:
    assert fleet.run_v0("SET_KIOSK_APP", package_name=CHROME).state == SUCCESS
    lockdown = fleet.run_v0("SET_DEVICE_LOCKDOWN_STATE", state="LOCKED", message="Closed")
    assert lockdown.state == SUCCESS
    assert fleet.run_v0("SET_APP_STATE", package_name=CHROME, app_state="HIDE").state == SUCCESS
    software = fleet.device().software_info
    assert software["kioskApp"] == CHROME
    assert (software["lockdownState"], software["lockdownMessage"]) == ("LOCKED", "Closed")
    assert software["appStates"] == {CHROME: "HIDE"}
    assert fleet.packages()[CHROME].is_active is False


def test_v0_update_latest_dpc(fleet: OneDevice) -> None:
    done = fleet.run_v0("UPDATE_LATEST_DPC")
    assert done.state == SUCCESS
    assert fleet.device().software_info["esperClientVersionName"] == effects.LATEST_DPC_VERSION
    assert fleet.packages()[effects.AGENT_PACKAGE].version_name == effects.LATEST_DPC_VERSION


def test_v0_install_by_package_and_uninstall_by_version(
    fleet: OneDevice, make_apk: Callable[..., Path]
) -> None:
    fleet.upload(make_apk("com.example.v0", version_code=1))
    newer = fleet.upload(make_apk("com.example.v0", version_code=2, version_name="2.0"))
    assert fleet.run_v0("INSTALL", package_name="com.example.v0").state == SUCCESS
    assert fleet.packages()["com.example.v0"].version_name == "2.0"
    version_id = newer.versions[0].id
    assert fleet.run_v0("UNINSTALL", app_version=version_id).state == SUCCESS
    assert "com.example.v0" not in fleet.packages()


@pytest.mark.parametrize(
    ("command", "args", "details"),
    [
        ("SET_KIOSK_APP", {}, "command_args.package_name"),
        ("SET_KIOSK_APP", {"package_name": "com.example.never"}, "not installed"),
        ("SET_DEVICE_LOCKDOWN_STATE", {"state": "SHUT"}, "LOCKED or UNLOCKED"),
        ("SET_APP_STATE", {"package_name": CHROME, "app_state": "GONE"}, "SHOW, HIDE or DISABLE"),
        ("SET_NEW_POLICY", {}, "command_args.policy_url"),
        ("UPDATE_DEVICE_CONFIG", {}, "custom_settings_config"),
        ("ADD_WIFI_AP", {"wifi_access_points": [{"wifiPassword": "x"}]}, "wifiSsid"),
        ("INSTALL", {"package_name": "com.example.never"}, "No version"),
        ("UNINSTALL", {}, "command_args.package_name"),
        ("SET_KIOSK_APP", {"package_name": [CHROME]}, "must be a string"),
        ("SET_NEW_POLICY", {"policy_url": 5}, "must be a string"),
        ("ADD_WIFI_AP", {"wifi_access_points": "Store"}, "wifiSsid"),
    ],
)
def test_v0_commands_fail_without_what_they_need(
    fleet: OneDevice, command: str, args: dict[str, Any], details: str
) -> None:
    before = fleet.device()
    done = fleet.run_v0(command, **args)
    assert done.state == FAILURE and details in done.details
    assert fleet.device().software_info == before.software_info  # nothing changed


# arguments refused up front


def test_uninstall_by_app_version(fleet: OneDevice, make_apk: Callable[..., Path]) -> None:
    """As esper-cli's ``device-command uninstall --version`` sends it (its test records
    Esper's "Command Initiated")."""
    app = fleet.upload(make_apk())
    fleet.run("INSTALL", app_version=app.versions[0].id)
    assert fleet.run("UNINSTALL", app_version=app.versions[0].id).state == SUCCESS
    assert app.package_name not in fleet.packages()
    request = CommandRequest(command="UNINSTALL", command_args=CommandArgs(app_version=UNKNOWN))
    with pytest.raises(esperclient.BadRequestError) as caught:
        fleet.commands.run_command(fleet.tenant.enterprise_id, fleet.device_id, request)
    assert list(caught.value.field_errors) == ["command_args.app_version"]


@pytest.mark.parametrize(
    ("command", "args", "field"),
    [
        ("SET_WIFI_STATE", {}, "command_args.wifi_state"),
        ("SET_BLUETOOTH_STATE", {}, "command_args.bluetooth_state"),
        ("SET_ROTATION_STATE", {}, "command_args.rotate_state"),
        ("SET_ROTATION_STATE", {"rotate_state": 7}, "command_args.rotate_state"),
        ("SET_GPS_STATE", {"wifi_state": True}, "command_args.gps_state"),
        ("SET_BRIGHTNESS_SCALE", {}, "command_args.brightness_value"),
        ("SET_BRIGHTNESS_SCALE", {"brightness_value": 0}, "command_args.brightness_value"),
        ("SET_STREAM_VOLUME", {"volume_level": 5}, "command_args.stream"),
        ("SET_STREAM_VOLUME", {"stream": 1}, "command_args.volume_level"),
        ("SET_SCREEN_OFF_TIMEOUT", {}, "command_args.screen_off_timeout"),
        ("UNINSTALL", {}, "command_args.package_name"),
        ("UNINSTALL", {"package_name": ""}, "command_args.package_name"),
        ("ADD_TO_WHITELIST", {}, "command_args.package_name"),
        ("CLEAR_APP_DATA", None, "command_args.package_name"),
    ],
)
def test_a_command_without_its_arguments_is_400(
    tenant: Tenant, command: str, args: dict[str, Any] | None, field: str
) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}/command/"
    body: dict[str, Any] = {"command": command}
    if args is not None:
        body["command_args"] = args
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert [key for item in error["errors"] for key in item] == [field]


def test_a_failed_command_does_not_hold_up_the_next(fleet: OneDevice) -> None:
    broken = fleet.run_v0("SET_STREAM_VOLUME", stream=[3], volume_level=5)
    assert broken.state == FAILURE and "Invalid command_args" in broken.details
    assert fleet.run("REBOOT").state == SUCCESS
