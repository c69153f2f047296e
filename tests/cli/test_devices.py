"""``esper devices``: lists with filters, one device by id or name, apps, installs, events."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import esperclient
from esper_cli.output import wire_keys
from tests.cli.conftest import offline_devices, online_devices, run_esper
from tests.conftest import Tenant


def test_list_is_a_table_of_every_device(env: Tenant, sdk: esperclient.Esper) -> None:
    result = run_esper("devices", "list")
    assert result.code == 0, result.everything
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "STATE", "BRAND", "MODEL", "ANDROID", "TAGS"]
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
