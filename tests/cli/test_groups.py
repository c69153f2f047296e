"""``esper groups``: create, add and remove devices by id or name, list, show, delete."""

from __future__ import annotations

import esperclient
from esper_cli.output import wire_keys
from tests.cli.conftest import run_esper
from tests.conftest import Tenant


def test_create_add_remove_and_delete_by_name(env: Tenant, sdk: esperclient.Esper) -> None:
    created = run_esper("groups", "create", "Front desk", "-o", "json")
    assert created.code == 0, created.everything
    group = created.json()
    assert list(group) == wire_keys(esperclient.DeviceGroup)
    assert group["name"] == "Front desk" and group["device_count"] == 0

    names = [str(sdk.devices.get(device_id).device_name) for device_id in env.device_ids[:2]]
    added = run_esper("groups", "add", "Front desk", names[0], env.device_ids[1], "-o", "json")
    assert added.code == 0, added.everything
    assert added.json()["device_count"] == 2
    members = sdk.devices.list(group=group["id"])
    assert sorted(str(d.id) for d in members) == sorted(env.device_ids[:2])

    removed = run_esper("groups", "remove", group["id"], names[1], "-o", "json")
    assert removed.code == 0, removed.everything
    assert removed.json()["device_count"] == 1

    child = run_esper("groups", "create", "Front desk east", "--parent", "Front desk", "-o", "json")
    assert child.code == 0, child.everything
    assert child.json()["parent"].rstrip("/").endswith(group["id"])

    listed = run_esper("groups", "list", "-o", "json").json()
    assert sorted(g["name"] for g in listed) == ["All devices", "Front desk", "Front desk east"]
    table = run_esper("groups", "list")
    assert table.stdout.splitlines()[0].split() == ["ID", "NAME", "DEVICES", "CHILDREN", "PATH"]
    assert run_esper("groups", "list", "--name", "Front desk", "-o", "json").json() == [
        g for g in listed if g["name"] == "Front desk"
    ]
    shown = run_esper("groups", "show", "Front desk", "-o", "json")
    assert shown.code == 0 and shown.json()["id"] == group["id"]

    refused = run_esper("groups", "delete", "Front desk east")
    assert refused.code == 2 and "pass --yes" in refused.stderr
    assert run_esper("groups", "delete", "Front desk east", "--yes").code == 0
    assert run_esper("groups", "delete", group["id"], "--yes").code == 0
    assert [g["name"] for g in run_esper("groups", "list", "-o", "json").json()] == ["All devices"]


def test_an_unknown_group_or_device_name_is_a_404(env: Tenant) -> None:
    group = run_esper("groups", "show", "Nowhere")
    assert group.code == 4
    assert group.stderr == "error: 404 Not Found: No group named 'Nowhere'.\n"
    created = run_esper("groups", "create", "Somewhere")
    assert created.code == 0
    device = run_esper("groups", "add", "Somewhere", "Nobody-0000")
    assert device.code == 4
    assert device.stderr == "error: 404 Not Found: No device named 'Nobody-0000'.\n"


def test_show_lists_the_member_devices_and_names_the_parent(
    env: Tenant, sdk: esperclient.Esper
) -> None:
    parent = sdk.groups.create("Front of house")
    assert parent.id is not None
    group = sdk.groups.create("Front desk", parent=parent.id)
    assert group.id is not None
    members = [sdk.devices.get(device_id) for device_id in env.device_ids[:2]]
    sdk.groups.add_devices(group.id, [str(d.id) for d in members])
    shown = run_esper("groups", "show", "Front desk")
    assert shown.code == 0, shown.everything
    details, listed = shown.stdout.split("\n\n")
    rows = dict(line.split(None, 1) for line in details.splitlines())
    assert rows["Parent"].strip() == "Front of house"
    lines = listed.splitlines()
    assert lines[0].split()[:3] == ["ID", "NAME", "STATE"]
    assert sorted(line.split()[1] for line in lines[1:]) == sorted(
        str(d.device_name) for d in members
    )
    assert run_esper("groups", "show", "Front of house").stderr == "no devices in this group\n"
    machine = run_esper("groups", "show", "Front desk", "-o", "json")
    assert list(machine.json()) == wire_keys(esperclient.DeviceGroup)  # the group alone
