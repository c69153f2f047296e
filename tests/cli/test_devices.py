"""``esper devices``: lists with filters, one device by id or name, apps, installs, events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import esperclient
from esper_cli.output import wire_keys
from esper_emulator.server import EmulatorServer
from esper_emulator.store import devices as devices_db
from esperclient import DeviceState
from tests.cli.conftest import offline_devices, online_devices, run_esper
from tests.conftest import Tenant


def test_list_is_a_table_of_every_device(env: Tenant, sdk: esperclient.Esper) -> None:
    result = run_esper("devices", "list")
    assert result.code == 0, result.everything
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "STATE", "PLATFORM", "BRAND", "MODEL", "OS", "TAGS"]
    assert len(lines) == 1 + len(env.device_ids)
    assert {line.split()[0] for line in lines[1:]} == set(env.device_ids)
    assert all(line == line.rstrip() for line in lines)  # no padding at the ends


def test_state_search_and_limit_filter_the_list(env: Tenant, sdk: esperclient.Esper) -> None:
    online = run_esper("devices", "list", "--state", "online", "-o", "json").json()
    assert [d["id"] for d in online] == [d.id for d in online_devices(sdk)]
    assert {d["state"] for d in online} == {1}
    offline = run_esper("devices", "list", "--state", "OFFLINE", "-o", "json").json()
    assert [d["id"] for d in offline] == [d.id for d in offline_devices(sdk)]
    assert run_esper("devices", "list", "--state", "60", "-o", "json").json() == offline

    name = online[0]["device_name"]
    found = run_esper("devices", "list", "--search", name.lower(), "-o", "json").json()
    assert [d["device_name"] for d in found] == [name]
    assert run_esper("devices", "list", "--name", name, "-o", "json").json() == found

    limited = run_esper("devices", "list", "--limit", "3")
    assert limited.code == 0
    assert len(limited.stdout.splitlines()) == 1 + 3
    assert limited.stderr == f"3 of {len(env.device_ids)} devices shown (see more with --limit)\n"
    assert len(run_esper("devices", "list", "-n", "4", "-o", "jsonl").lines()) == 4

    bad = run_esper("devices", "list", "--state", "sleepy")
    assert bad.code == 2
    assert bad.stderr.startswith("error: unknown state 'sleepy'")


def test_an_empty_list_says_so(env: Tenant) -> None:
    result = run_esper("devices", "list", "--search", "no-such-device-anywhere")
    assert result.code == 0
    assert result.stderr == "no devices\n"
    assert run_esper("devices", "list", "--search", "nothing-here", "-o", "json").stdout == "[]\n"


def test_show_takes_an_id_or_a_name(env: Tenant, sdk: esperclient.Esper) -> None:
    device = sdk.devices.get(env.device_ids[0])
    by_id = run_esper("devices", "show", env.device_ids[0], "-o", "json")
    by_name = run_esper("devices", "show", str(device.device_name), "-o", "json")
    assert by_id.code == by_name.code == 0
    assert by_id.json() == by_name.json()
    assert list(by_id.json()) == wire_keys(esperclient.Device)
    assert by_id.json()["id"] == env.device_ids[0]
    table = run_esper("devices", "show", str(device.device_name))
    assert table.code == 0
    rows = dict(line.split(None, 1) for line in table.stdout.splitlines() if " " in line.strip())
    assert rows["ID"].strip() == env.device_ids[0]
    assert rows["Name"].strip() == device.device_name


def test_show_names_the_group_of_a_device(env: Tenant, sdk: esperclient.Esper) -> None:
    for name in ("Lobby", "Kiosks"):  # a device is in one group: the last it was added to
        group = sdk.groups.create(name)
        assert group.id is not None
        sdk.groups.add_devices(group.id, [env.device_ids[0]])
    table = run_esper("devices", "show", env.device_ids[0])
    assert table.code == 0, table.everything
    rows = dict(line.split(None, 1) for line in table.stdout.splitlines() if " " in line.strip())
    assert rows["Groups"].strip() == "Kiosks"
    machine = run_esper("devices", "show", env.device_ids[0], "-o", "json").json()
    assert all(url.startswith("http") for url in machine["groups"])  # the API's URLs


def test_apps_installs_and_events_of_a_device(
    env: Tenant, sdk: esperclient.Esper, make_apk: Callable[..., Path]
) -> None:
    device = online_devices(sdk)[0]
    assert device.id is not None and device.device_name is not None
    uploaded = sdk.applications.upload(make_apk("com.example.devicecli"))
    version = (uploaded.versions or [])[0].id
    sdk.commands.wait(
        sdk.commands.run(device.id, "INSTALL", app_version=version), poll_interval=0.05
    )

    apps = run_esper("devices", "apps", device.device_name, "-o", "json")
    assert apps.code == 0, apps.everything
    assert "com.example.devicecli" in [a["package_name"] for a in apps.json()]
    assert list(apps.json()[0]) == wire_keys(esperclient.DeviceApp)
    only = run_esper(
        "devices", "apps", device.id, "--package", "com.example.devicecli", "-o", "json"
    )
    assert [a["package_name"] for a in only.json()] == ["com.example.devicecli"]

    installs = run_esper("devices", "installs", device.device_name, "-o", "json")
    assert installs.code == 0, installs.everything
    assert "com.example.devicecli" in [i["application"]["package_name"] for i in installs.json()]
    for state in ("install_success", "Install Success"):  # a name or the API's value
        succeeded = run_esper(
            "devices", "installs", device.id, "--state", state, "-o", "json"
        ).json()
        assert succeeded and {i["install_state"] for i in succeeded} == {"Install Success"}
    table = run_esper("devices", "installs", device.device_name)
    assert table.stdout.splitlines()[0].split() == [
        "ID",
        "APP",
        "PACKAGE",
        "VERSION",
        "STATE",
        "UPDATED",
    ]

    events = run_esper("devices", "events", device.device_name, "-o", "json")
    assert events.code == 0, events.everything
    assert events.json() and list(events.json()[0]) == wire_keys(esperclient.DeviceStatus)
    latest = run_esper("devices", "events", device.id, "--latest", "-o", "json").json()
    assert latest == events.json()[:1]


def test_list_by_group_name(env: Tenant, sdk: esperclient.Esper) -> None:
    group = sdk.groups.create("Lobby screens")
    assert group.id is not None
    sdk.groups.add_devices(group.id, env.device_ids[:2])
    by_name = run_esper("devices", "list", "--group", "Lobby screens", "-o", "json")
    by_id = run_esper("devices", "list", "-g", group.id, "-o", "json")
    assert by_name.code == by_id.code == 0
    assert sorted(d["id"] for d in by_name.json()) == sorted(env.device_ids[:2])
    assert by_name.json() == by_id.json()


# Devices v2: every platform


def _other_platforms(server: EmulatorServer, env: Tenant) -> dict[str, list[str]]:
    """Two iOS, two Linux and two Windows devices beside the tenant's Android ones."""
    with server.emulator.store.transaction():
        seeder = server.emulator.seeder
        return {
            os: seeder.devices(env.enterprise_id, 2, os=os) for os in ("iOS", "Linux", "Windows")
        }


def test_platform_filters_through_devices_v2_with_a_platform_column(
    server: EmulatorServer, env: Tenant
) -> None:
    others = _other_platforms(server, env)
    legacy = run_esper("devices", "list", "-o", "json").json()
    assert len(legacy) == len(env.device_ids)  # the legacy list is Android's
    result = run_esper("devices", "list", "--platform", "linux", "--platform", "WINDOWS")
    assert result.code == 0, result.everything
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "STATE", "PLATFORM", "BRAND", "MODEL", "OS", "TAGS"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert set(rows) == {*others["Linux"], *others["Windows"]}
    assert {rows[device_id][3] for device_id in others["Linux"]} == {"LINUX"}
    assert all(rows[d][2] in ("online", "offline") for d in rows)
    apple = run_esper("devices", "list", "--platform", "apple", "-o", "json").json()
    assert [d["id"] for d in apple] == others["iOS"]
    assert {d["platform"] for d in apple} == {"APPLE"} and all(d["udid"] for d in apple)
    bad = run_esper("devices", "list", "--platform", "palm")
    assert bad.code == 2 and bad.stderr.startswith("error: unknown platform 'palm'")


def test_state_by_any_name_and_the_state_column(
    server: EmulatorServer, env: Tenant, sdk: esperclient.Esper
) -> None:
    others = _other_platforms(server, env)
    disabled = env.device_ids[0]
    with server.emulator.store.transaction():
        fleet = server.emulator.fleet
        device = fleet.device(env.enterprise_id, disabled)
        device.state = device.status = DeviceState.DISABLED
        fleet.save_device(device)
    found = run_esper("devices", "list", "--state", "disabled", "-o", "json").json()
    assert [d["id"] for d in found] == [disabled]
    table = run_esper("devices", "list", "--state", "Disabled").stdout.splitlines()
    assert table[1].split()[2] == "disabled"
    online_linux = run_esper(
        "devices", "list", "--state", "online", "--platform", "linux", "-o", "json"
    ).json()
    expected = [d.id for d in sdk.devices_v2.list(state="online", platform="LINUX")]
    assert [d["id"] for d in online_linux] == expected
    assert {d["id"] for d in online_linux} <= set(others["Linux"])
    assert all(d["state"] == DeviceState.ONLINE for d in online_linux)


def test_tag_filters_by_tag_name_and_the_table_names_tags(
    server: EmulatorServer, env: Tenant, sdk: esperclient.Esper
) -> None:
    others = _other_platforms(server, env)
    sdk.devices_v2.set_tags(others["Windows"][0], ["Floor 2", "Kiosk"])
    sdk.devices_v2.set_tags(env.device_ids[0], ["Kiosk"])
    kiosks = run_esper("devices", "list", "--tag", "Kiosk", "-o", "json").json()
    assert [d["id"] for d in kiosks] == [env.device_ids[0], others["Windows"][0]]
    table = run_esper("devices", "list", "--tag", "Floor 2").stdout.splitlines()
    assert len(table) == 2 and table[1].endswith("Floor 2, Kiosk")
    missing = run_esper("devices", "list", "--tag", "Nowhere")
    assert missing.code == 4 and missing.stderr.startswith("error: no tag named 'Nowhere'")


def test_group_takes_the_groups_below_and_blueprint_filters(
    server: EmulatorServer, env: Tenant, sdk: esperclient.Esper
) -> None:
    others = _other_platforms(server, env)
    parent = sdk.groups.create("Stores")
    child = sdk.groups.create("Store 7", parent=parent.id)
    assert parent.id and child.id
    sdk.groups.add_devices(parent.id, env.device_ids[:2])
    sdk.groups.add_devices(child.id, [env.device_ids[2], others["iOS"][0]])
    found = run_esper("devices", "list", "--group", "Stores", "-o", "json").json()
    assert {d["id"] for d in found} == {*env.device_ids[:3], others["iOS"][0]}
    blueprint = str(uuid.uuid4())
    with server.emulator.store.transaction() as store:
        devices_db.save(store, env.device_ids[1], {"assigned_blueprint_id": blueprint})
    assigned = run_esper("devices", "list", "--blueprint", blueprint, "-o", "json").json()
    assert [d["id"] for d in assigned] == [env.device_ids[1]]
    assert assigned[0]["blueprint_info"]["assigned_blueprint_id"] == blueprint
    mixed = run_esper("devices", "list", "--blueprint", blueprint, "--brand", "samsung")
    assert mixed.code == 2 and "--brand cannot be combined" in mixed.stderr


def test_a_v2_list_cut_by_limit_says_so(server: EmulatorServer, env: Tenant) -> None:
    _other_platforms(server, env)
    limited = run_esper("devices", "list", "--platform", "windows", "--limit", "1")
    assert limited.code == 0 and len(limited.stdout.splitlines()) == 2
    assert limited.stderr == "1 devices shown (see more with --limit)\n"
    whole = run_esper("devices", "list", "--platform", "windows", "--limit", "2")
    assert whole.stderr == ""
