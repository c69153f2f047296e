"""Device groups (tree, members, counts, device ``groups`` URLs) and group commands."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from esperclient import DeviceGroup, DeviceGroupUpdate
from tests.conftest import Tenant
from tests.emulator.conftest import call, count, esper_error, json_of

INITIATED, SUCCESS, FAILURE = "Command Initiated", "Command Success", "Command Failure"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
ROOT = "All devices"
UNIQUE_NAME = "The fields name, enterprise must make a unique set."


@pytest.fixture
def groups(api_client: esperclient.ApiClient) -> esperclient.DeviceGroupApi:
    return esperclient.DeviceGroupApi(api_client)


@pytest.fixture
def group_commands(api_client: esperclient.ApiClient) -> esperclient.GroupCommandsApi:
    return esperclient.GroupCommandsApi(api_client)


def _url(tenant: Tenant, group_id: str) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/devicegroup/{group_id}/"


def _root_id(api_client: esperclient.ApiClient, tenant: Tenant) -> str:
    page = esperclient.DeviceGroupApi(api_client).get_all_groups(tenant.enterprise_id, name=ROOT)
    return str(page.results[0].id)


def _all_groups_of(api_client: esperclient.ApiClient, tenant: Tenant, device_id: str) -> list[str]:
    device = esperclient.DeviceApi(api_client).get_device_by_id(tenant.enterprise_id, device_id)
    return list(device.groups)


def _device_groups(api_client: esperclient.ApiClient, tenant: Tenant, device_id: str) -> list[str]:
    """The device's group unless it is the root group, where devices start."""
    root = _url(tenant, _root_id(api_client, tenant))
    return [url for url in _all_groups_of(api_client, tenant, device_id) if url != root]


def _members(api_client: esperclient.ApiClient, tenant: Tenant, group_id: str) -> list[str]:
    page = esperclient.DeviceApi(api_client).get_all_devices(
        tenant.enterprise_id, group=group_id, limit=100
    )
    return [d.id for d in page.results]


def _check(
    groups: esperclient.DeviceGroupApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    group_id: str,
    members: list[str],
) -> None:
    """The group counts ``members`` exactly, and the devices' docs say so."""
    group = groups.get_group_by_id(group_id, tenant.enterprise_id)
    assert group.device_count == len(members)
    assert sorted(_members(api_client, tenant, group_id)) == sorted(members)
    url = _url(tenant, group_id)
    for device_id in tenant.device_ids:
        assert (url in _all_groups_of(api_client, tenant, device_id)) == (device_id in members)


def _set_online(tenant: Tenant, device_id: str, online: bool) -> None:
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    assert json_of(call("POST", url, json={"online": online}))["status"] == (1 if online else 60)


# creating and reading


def test_create_a_group_with_devices(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    members = tenant.device_ids[:3]
    group = groups.create_group(
        tenant.enterprise_id, DeviceGroupUpdate(name="Kiosks", device_ids=members)
    )
    assert (group.name, group.device_count, group.children_count) == ("Kiosks", 3, 0)
    assert (group.path, group.parent) == (
        f"{ROOT}/Kiosks",
        _url(tenant, _root_id(api_client, tenant)),
    )
    assert group.enterprise == f"{tenant.host}/v1/enterprise/{tenant.enterprise_id}/"
    assert groups.get_group_by_id(group.id, tenant.enterprise_id) == group
    _check(groups, api_client, tenant, group.id, members)


def test_create_takes_a_plain_dict_and_no_devices(
    groups: esperclient.DeviceGroupApi, tenant: Tenant
) -> None:
    group = groups.create_group(tenant.enterprise_id, {"name": "Empty"})
    assert (group.device_count, group.path) == (0, f"{ROOT}/Empty")


def test_nested_groups_have_paths_and_children_counts(
    groups: esperclient.DeviceGroupApi, tenant: Tenant
) -> None:
    eid = tenant.enterprise_id
    top = groups.create_group(eid, DeviceGroup(name="Stores"))
    middle = groups.create_group(eid, {"name": "West", "parent": top.id})
    leaf = groups.create_group(eid, {"name": "SF", "parent": _url(tenant, middle.id)})
    assert (middle.path, middle.parent) == (f"{ROOT}/Stores/West", _url(tenant, top.id))
    assert leaf.path == f"{ROOT}/Stores/West/SF"
    assert groups.get_group_by_id(top.id, eid).children_count == 1
    assert groups.get_group_by_id(middle.id, eid).children_count == 1
    assert groups.get_group_by_id(leaf.id, eid).children_count == 0


def test_groups_made_without_a_parent_are_children_of_the_root(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    """As Esper answers (esper-cli's README: a top group's parent_id is All devices' id)."""
    eid = tenant.enterprise_id
    root_id = _root_id(api_client, tenant)
    for name in ("Front", "Back"):
        group = groups.create_group(eid, {"name": name})
        assert (group.parent, group.path) == (_url(tenant, root_id), f"{ROOT}/{name}")
    root = groups.get_group_by_id(root_id, eid)
    assert (root.parent, root.path, root.children_count) == (None, ROOT, 2)


def test_list_filters_by_exact_name_and_pages(
    groups: esperclient.DeviceGroupApi, tenant: Tenant
) -> None:
    for name in ("Alpha", "Beta", "Gamma", "Alphabet"):
        groups.create_group(tenant.enterprise_id, {"name": name})
    page = groups.get_all_groups(tenant.enterprise_id, limit=2)
    assert page.count == 5 and [g.name for g in page.results] == [ROOT, "Alpha"]
    assert page.next is not None and page.previous is None
    rest = groups.get_all_groups(tenant.enterprise_id, limit=2, offset=3)
    assert [g.name for g in rest.results] == ["Gamma", "Alphabet"] and rest.next is None
    named = groups.get_all_groups(tenant.enterprise_id, name="Alpha")
    assert [g.name for g in named.results] == ["Alpha"]
    assert groups.get_all_groups(tenant.enterprise_id, name="alpha").count == 0


def test_unknown_and_foreign_groups_are_404_and_other_enterprises_403(
    groups: esperclient.DeviceGroupApi, tenant: Tenant, other: Tenant, server: EmulatorServer
) -> None:
    with server.emulator.store.transaction():
        theirs = server.emulator.seeder.group(other.enterprise_id, "Theirs", other.device_ids)
    for group_id in (UNKNOWN, theirs):
        with pytest.raises(esperclient.NotFoundError):
            groups.get_group_by_id(group_id, tenant.enterprise_id)
        with pytest.raises(esperclient.NotFoundError):
            groups.delete_group(group_id, tenant.enterprise_id)
        with pytest.raises(esperclient.NotFoundError):
            groups.partial_update_group(group_id, tenant.enterprise_id, {"name": "Mine"})
    with pytest.raises(esperclient.PermissionDeniedError):
        groups.get_all_groups(other.enterprise_id)
    with pytest.raises(esperclient.PermissionDeniedError):
        groups.create_group(other.enterprise_id, {"name": "Sneaky"})


# refusals


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 5}, "name"),
        ({"name": "G", "device_ids": ["not-a-uuid"]}, "device_ids"),
        ({"name": "G", "device_ids": [UNKNOWN]}, "device_ids"),
        ({"name": "G", "device_ids": "abc"}, "device_ids"),
        ({"name": "G", "parent": UNKNOWN}, "parent"),
        ({"name": "G", "parent": "nonsense"}, "parent"),
    ],
)
def test_bad_create_bodies_are_400_naming_the_field(
    server: EmulatorServer, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/devicegroup/"
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert [key for item in error["errors"] for key in item] == [field]
    assert count(server, schema.device_groups, enterprise_id=tenant.enterprise_id) == 1


def test_repeated_own_and_foreign_devices_are_400_and_nothing_is_written(
    groups: esperclient.DeviceGroupApi,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
    other: Tenant,
) -> None:
    mine = tenant.device_ids[0]
    for device_ids in ([mine, mine], [mine, other.device_ids[0]]):
        with pytest.raises(esperclient.BadRequestError) as caught:
            groups.create_group(tenant.enterprise_id, {"name": "G", "device_ids": device_ids})
        assert list(caught.value.field_errors) == ["device_ids"]
    assert count(server, schema.device_groups, enterprise_id=tenant.enterprise_id) == 1
    assert _device_groups(api_client, tenant, mine) == []


def test_a_duplicate_name_is_400(
    groups: esperclient.DeviceGroupApi, server: EmulatorServer, tenant: Tenant, other: Tenant
) -> None:
    groups.create_group(tenant.enterprise_id, {"name": "Lobby"})
    with pytest.raises(esperclient.BadRequestError) as caught:
        groups.create_group(tenant.enterprise_id, {"name": "Lobby"})
    assert caught.value.message == UNIQUE_NAME  # Esper's text, as esper-cli's tests record it
    assert count(server, schema.device_groups, enterprise_id=tenant.enterprise_id) == 2
    with server.emulator.store.transaction():  # the same name elsewhere is no clash
        server.emulator.seeder.group(other.enterprise_id, "Lobby", [])
    renamed = groups.create_group(tenant.enterprise_id, {"name": "Back"})
    with pytest.raises(esperclient.BadRequestError) as caught:
        groups.partial_update_group(renamed.id, tenant.enterprise_id, {"name": "Lobby"})
    assert caught.value.message == UNIQUE_NAME


def test_the_same_name_may_be_used_under_another_parent(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    """Esper's nested groups take one name at several levels (esper-cli's README shows it)."""
    eid = tenant.enterprise_id
    top = groups.create_group(eid, {"name": "TestBB"})
    nested = groups.create_group(eid, {"name": "TestBB", "parent": top.id})
    assert nested.path == f"{ROOT}/TestBB/TestBB"
    assert [g.id for g in groups.get_all_groups(eid, name="TestBB").results] == [top.id, nested.id]
    other = groups.create_group(eid, {"name": "Other"})
    moved_in = groups.create_group(eid, {"name": "Other", "parent": top.id})
    with pytest.raises(esperclient.BadRequestError) as caught:  # a sibling of the same name
        groups.partial_update_group(moved_in.id, eid, {"parent": _root_id(api_client, tenant)})
    assert caught.value.message == UNIQUE_NAME
    assert groups.get_group_by_id(other.id, eid).path == f"{ROOT}/Other"
    with pytest.raises(esperclient.BadRequestError) as caught:  # the root's name, anywhere
        groups.create_group(eid, {"name": ROOT, "parent": top.id})
    assert caught.value.message == UNIQUE_NAME


def test_a_group_from_another_enterprise_cannot_be_a_parent(
    groups: esperclient.DeviceGroupApi, server: EmulatorServer, tenant: Tenant, other: Tenant
) -> None:
    with server.emulator.store.transaction():
        theirs = server.emulator.seeder.group(other.enterprise_id, "Theirs", [])
    with pytest.raises(esperclient.BadRequestError) as caught:
        groups.create_group(tenant.enterprise_id, {"name": "G", "parent": theirs})
    assert list(caught.value.field_errors) == ["parent"]


# changing members


def test_put_sets_the_full_membership(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    eid, ids = tenant.enterprise_id, tenant.device_ids
    group = groups.create_group(eid, {"name": "G", "device_ids": ids[:3]})
    updated = groups.update_group(
        group.id, eid, DeviceGroupUpdate(name="G2", device_ids=[ids[2], ids[3]])
    )
    assert (updated.name, updated.path, updated.device_count) == ("G2", f"{ROOT}/G2", 2)
    _check(groups, api_client, tenant, group.id, [ids[2], ids[3]])
    kept = groups.update_group(group.id, eid, {"name": "G3"})  # no device_ids: unchanged
    assert kept.device_count == 2
    emptied = groups.update_group(group.id, eid, {"name": "G3", "device_ids": []})
    assert emptied.device_count == 0
    _check(groups, api_client, tenant, group.id, [])


def test_put_needs_a_name(groups: esperclient.DeviceGroupApi, tenant: Tenant) -> None:
    group = groups.create_group(tenant.enterprise_id, {"name": "G"})
    with pytest.raises(esperclient.BadRequestError) as caught:
        groups.update_group(group.id, tenant.enterprise_id, {"device_ids": []})
    assert list(caught.value.field_errors) == ["name"]


def test_patch_add_remove_and_replace(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    eid, ids = tenant.enterprise_id, tenant.device_ids
    group = groups.create_group(eid, {"name": "G", "device_ids": ids[:2]})
    added = groups.partial_update_group(
        group.id, eid, {"device_ids": [ids[1], ids[2], ids[3]]}, action="add"
    )
    assert added.device_count == 4
    _check(groups, api_client, tenant, group.id, ids[:4])
    removed = groups.partial_update_group(
        group.id, eid, {"device_ids": [ids[0], ids[3], ids[9]]}, action="remove"
    )
    assert removed.device_count == 2
    _check(groups, api_client, tenant, group.id, ids[1:3])
    replaced = groups.partial_update_group(group.id, eid, {"device_ids": [ids[5]]})
    assert (replaced.device_count, replaced.name) == (1, "G")
    _check(groups, api_client, tenant, group.id, [ids[5]])


def test_a_device_is_in_exactly_one_group(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    """As on Esper: a device joining a group leaves its own; one removed goes to the parent."""
    eid, ids = tenant.enterprise_id, tenant.device_ids
    root_id = _root_id(api_client, tenant)
    a = groups.create_group(eid, {"name": "A", "device_ids": ids[:3]})
    b = groups.create_group(eid, {"name": "B", "device_ids": ids[2:4]})  # takes ids[2] from A
    _check(groups, api_client, tenant, a.id, ids[:2])
    child = groups.create_group(eid, {"name": "Child", "parent": b.id})
    groups.partial_update_group(child.id, eid, {"device_ids": [ids[0]]}, action="add")
    assert _all_groups_of(api_client, tenant, ids[0]) == [_url(tenant, child.id)]
    moved = groups.partial_update_group(child.id, eid, {"device_ids": ids[1:3]}, action="move")
    assert moved.device_count == 3
    _check(groups, api_client, tenant, a.id, [])
    _check(groups, api_client, tenant, b.id, [ids[3]])
    groups.partial_update_group(child.id, eid, {"device_ids": ids[:2]}, action="remove")
    _check(groups, api_client, tenant, child.id, [ids[2]])
    _check(groups, api_client, tenant, b.id, [ids[0], ids[1], ids[3]])
    _check(groups, api_client, tenant, root_id, ids[4:])
    for device_id in ids:
        assert len(_all_groups_of(api_client, tenant, device_id)) == 1


def test_rename_changes_only_the_name_and_the_paths_below(
    groups: esperclient.DeviceGroupApi, tenant: Tenant
) -> None:
    eid = tenant.enterprise_id
    top = groups.create_group(eid, {"name": "Top", "device_ids": tenant.device_ids[:2]})
    child = groups.create_group(eid, {"name": "Child", "parent": top.id})
    renamed = groups.partial_update_group(top.id, eid, {"name": "Head"}, action="rename")
    assert (renamed.name, renamed.path, renamed.device_count) == ("Head", f"{ROOT}/Head", 2)
    assert groups.get_group_by_id(child.id, eid).path == f"{ROOT}/Head/Child"


@pytest.mark.parametrize(
    ("body", "action", "field"),
    [
        ({"device_ids": []}, "shuffle", "action"),
        ({"name": "X"}, "add", "device_ids"),
        ({"name": "X"}, "remove", "device_ids"),
        ({"name": "X"}, "move", "device_ids"),
        ({"device_ids": []}, "rename", "name"),
        ({"name": "X", "device_ids": []}, "rename", "device_ids"),
        ({"device_ids": [UNKNOWN]}, "add", "device_ids"),
        ({"device_ids": ["nope"]}, None, "device_ids"),
        ({"name": ""}, None, "name"),
    ],
)
def test_bad_patches_are_400_and_change_nothing(
    groups: esperclient.DeviceGroupApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    body: dict[str, Any],
    action: str | None,
    field: str,
) -> None:
    eid, ids = tenant.enterprise_id, tenant.device_ids
    group = groups.create_group(eid, {"name": "G", "device_ids": ids[:2]})
    kwargs = {"action": action} if action else {}
    with pytest.raises(esperclient.BadRequestError) as caught:
        groups.partial_update_group(group.id, eid, body, **kwargs)
    assert list(caught.value.field_errors) == [field]
    assert groups.get_group_by_id(group.id, eid) == group
    _check(groups, api_client, tenant, group.id, ids[:2])


def test_moving_a_group_under_another_rewrites_paths_and_counts(
    groups: esperclient.DeviceGroupApi, tenant: Tenant
) -> None:
    eid = tenant.enterprise_id
    a = groups.create_group(eid, {"name": "A"})
    b = groups.create_group(eid, {"name": "B", "parent": a.id})
    c = groups.create_group(eid, {"name": "C", "parent": b.id})
    other = groups.create_group(eid, {"name": "O"})
    moved = groups.partial_update_group(b.id, eid, {"parent": other.id})
    assert (moved.path, moved.parent) == (f"{ROOT}/O/B", _url(tenant, other.id))
    assert groups.get_group_by_id(c.id, eid).path == f"{ROOT}/O/B/C"
    assert groups.get_group_by_id(a.id, eid).children_count == 0
    assert groups.get_group_by_id(other.id, eid).children_count == 1
    for parent in (b.id, c.id):  # under itself or its own child
        with pytest.raises(esperclient.BadRequestError) as caught:
            groups.partial_update_group(b.id, eid, {"parent": parent})
        assert list(caught.value.field_errors) == ["parent"]
    assert groups.get_group_by_id(b.id, eid).path == f"{ROOT}/O/B"


# the root group


def test_every_enterprise_has_the_root_group_holding_every_device(
    groups: esperclient.DeviceGroupApi,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
) -> None:
    eid = tenant.enterprise_id
    root_id = _root_id(api_client, tenant)
    _check(groups, api_client, tenant, root_id, tenant.device_ids)
    with server.emulator.store.transaction():
        newcomer = server.emulator.seeder.devices(eid, 1)[0]
    assert groups.get_group_by_id(root_id, eid).device_count == len(tenant.device_ids) + 1
    assert _members(api_client, tenant, root_id)[-1] == newcomer
    with pytest.raises(esperclient.BadRequestError) as caught:
        groups.create_group(eid, {"name": ROOT})
    assert caught.value.message == UNIQUE_NAME


def test_the_root_group_cannot_be_deleted_renamed_moved_or_emptied(
    groups: esperclient.DeviceGroupApi, api_client: esperclient.ApiClient, tenant: Tenant
) -> None:
    eid, ids = tenant.enterprise_id, tenant.device_ids
    root_id = _root_id(api_client, tenant)
    other = groups.create_group(eid, {"name": "Other"})
    refused: list[tuple[Callable[[], object], str]] = [
        (lambda: groups.delete_group(root_id, eid), "The group All devices cannot be deleted."),
        (
            lambda: groups.partial_update_group(root_id, eid, {"name": "X"}, action="rename"),
            "name: The group All devices cannot be renamed.",
        ),
        (
            lambda: groups.partial_update_group(root_id, eid, {"parent": other.id}),
            "parent: The group All devices cannot be moved under another group.",
        ),
        (
            lambda: groups.partial_update_group(
                root_id, eid, {"device_ids": ids[:1]}, action="remove"
            ),
            "device_ids: Devices cannot be removed from the group All devices.",
        ),
        (
            lambda: groups.update_group(root_id, eid, {"name": ROOT, "device_ids": ids[1:]}),
            "device_ids: Devices cannot be removed from the group All devices.",
        ),
    ]
    for attempt, message in refused:
        with pytest.raises(esperclient.BadRequestError) as caught:
            attempt()
        assert caught.value.message == message
    groups.partial_update_group(other.id, eid, {"device_ids": ids[:2]}, action="move")
    _check(groups, api_client, tenant, root_id, ids[2:])
    kept = groups.update_group(root_id, eid, {"name": ROOT, "device_ids": ids})  # back to root
    assert (kept.name, kept.device_count, kept.parent) == (ROOT, len(ids), None)
    _check(groups, api_client, tenant, other.id, [])


# deleting


def test_delete_gives_the_devices_to_the_parent(
    groups: esperclient.DeviceGroupApi,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
) -> None:
    eid, ids = tenant.enterprise_id, tenant.device_ids
    keep = groups.create_group(eid, {"name": "Keep", "device_ids": ids[:2]})
    gone = groups.create_group(eid, {"name": "Gone", "parent": keep.id, "device_ids": ids[2:4]})
    _, status, _ = groups.delete_group_with_http_info(gone.id, eid)
    assert status == 204
    with pytest.raises(esperclient.NotFoundError):
        groups.get_group_by_id(gone.id, eid)
    assert [g.name for g in groups.get_all_groups(eid).results] == [ROOT, "Keep"]
    assert count(server, schema.group_members, group_id=gone.id) == 0
    _check(groups, api_client, tenant, keep.id, ids[:4])
    groups.delete_group(keep.id, eid)
    _check(groups, api_client, tenant, _root_id(api_client, tenant), ids)


def test_a_group_with_children_cannot_be_deleted(
    groups: esperclient.DeviceGroupApi, tenant: Tenant
) -> None:
    eid = tenant.enterprise_id
    parent = groups.create_group(eid, {"name": "P", "device_ids": tenant.device_ids[:1]})
    child = groups.create_group(eid, {"name": "C", "parent": parent.id})
    with pytest.raises(esperclient.BadRequestError):
        groups.delete_group(parent.id, eid)
    again = groups.get_group_by_id(parent.id, eid)
    assert (again.device_count, again.children_count) == (1, 1)
    groups.delete_group(child.id, eid)
    assert groups.get_group_by_id(parent.id, eid).children_count == 0
    groups.delete_group(parent.id, eid)
    assert [g.name for g in groups.get_all_groups(eid).results] == [ROOT]


# group commands


def _group_of(
    groups: esperclient.DeviceGroupApi, tenant: Tenant, members: list[str], online: bool = True
) -> str:
    for device_id in members:
        _set_online(tenant, device_id, online)
    return str(groups.create_group(tenant.enterprise_id, {"name": "Cmd", "device_ids": members}).id)


def _details(command: esperclient.GroupCommand) -> dict[str, list[str]]:
    """The device names in each list of a group command's ``details``, the lists not empty.

    ``details`` is a Python dict's text, as on Esper: esper-cli, written by Esper, reads it
    with ``ast.literal_eval`` and takes each device's ``name``.
    """
    assert command.details is not None
    listed = ast.literal_eval(command.details)
    keys = ("success", "failed", "inactive", "acknowledge", "initiate", "in_progress", "timeout")
    assert tuple(listed) == keys
    return {key: [d["name"] for d in devices] for key, devices in listed.items() if devices}


def _names(api_client: esperclient.ApiClient, tenant: Tenant, device_ids: list[str]) -> list[str]:
    devices = esperclient.DeviceApi(api_client)
    return [devices.get_device_by_id(tenant.enterprise_id, d).device_name for d in device_ids]


def _poll(
    group_commands: esperclient.GroupCommandsApi, tenant: Tenant, group_id: str, command_id: str
) -> esperclient.GroupCommand:
    """The group command once it is no longer Initiated (a bounded number of reads)."""
    for _ in range(20):
        command = group_commands.get_group_command(command_id, group_id, tenant.enterprise_id)
        if command.state != INITIATED:
            break
    return command


def test_a_group_command_reaches_every_member(
    groups: esperclient.DeviceGroupApi,
    group_commands: esperclient.GroupCommandsApi,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
) -> None:
    members = tenant.device_ids[:3]
    group_id = _group_of(groups, tenant, members)
    command = group_commands.run_group_command(
        tenant.enterprise_id, group_id, esperclient.GroupCommandRequest(command="REBOOT")
    )
    assert (command.command, command.group) == ("REBOOT", _url(tenant, group_id))
    assert command.state == INITIATED and command.issued_by
    assert count(server, schema.commands, group_command_id=command.id) == 3
    done = _poll(group_commands, tenant, group_id, command.id)
    assert (done.state, _details(done)) == (
        SUCCESS,
        {"success": _names(api_client, tenant, members)},
    )
    assert done.updated_on >= done.created_on
    commands = esperclient.CommandsApi(api_client)
    with server.emulator.store.transaction() as store:
        rows = store.conn.execute(
            schema.commands.select().where(schema.commands.c.group_command_id == command.id)
        ).all()
    for row in rows:
        sent = commands.get_command(row.id, row.device_id, tenant.enterprise_id)
        assert sent.group_command == f"{_url(tenant, group_id)}command/{command.id}/"
        assert sent.state == SUCCESS


def test_a_group_command_reaches_the_groups_below(
    groups: esperclient.DeviceGroupApi,
    group_commands: esperclient.GroupCommandsApi,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
) -> None:
    """Esper's help: "any action intended for a parent group will be cascaded to all
    sub-groups"; so a command to All devices reaches the whole fleet."""
    eid, ids = tenant.enterprise_id, tenant.device_ids
    for device_id in ids[:4]:
        _set_online(tenant, device_id, True)
    parent = groups.create_group(eid, {"name": "Parent", "device_ids": ids[:1]})
    child = groups.create_group(eid, {"name": "Child", "parent": parent.id, "device_ids": ids[1:3]})
    groups.create_group(eid, {"name": "Grandchild", "parent": child.id, "device_ids": ids[3:4]})
    command = group_commands.run_group_command(
        eid, str(parent.id), esperclient.GroupCommandRequest(command="LOCK")
    )
    assert count(server, schema.commands, group_command_id=command.id) == 4
    done = _poll(group_commands, tenant, str(parent.id), command.id)
    assert (done.state, _details(done)) == (
        SUCCESS,
        {"success": _names(api_client, tenant, ids[:4])},
    )
    root_id = _root_id(api_client, tenant)
    everyone = group_commands.run_group_command(
        eid, root_id, esperclient.GroupCommandRequest(command="UPDATE_HEARTBEAT")
    )
    assert count(server, schema.commands, group_command_id=everyone.id) == len(ids)


def test_a_group_command_to_an_empty_group_succeeds_at_once(
    groups: esperclient.DeviceGroupApi,
    group_commands: esperclient.GroupCommandsApi,
    tenant: Tenant,
) -> None:
    group_id = _group_of(groups, tenant, [])
    command = group_commands.run_group_command(tenant.enterprise_id, group_id, {"command": "LOCK"})
    assert (command.state, _details(command)) == (SUCCESS, {})


def test_a_group_command_waits_for_an_offline_member(
    groups: esperclient.DeviceGroupApi,
    group_commands: esperclient.GroupCommandsApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
) -> None:
    members = tenant.device_ids[:3]
    group_id = _group_of(groups, tenant, members)
    _set_online(tenant, members[2], False)
    command = group_commands.run_group_command(tenant.enterprise_id, group_id, {"command": "LOCK"})
    for _ in range(5):
        waiting = group_commands.get_group_command(command.id, group_id, tenant.enterprise_id)
        assert waiting.state == INITIATED
    assert _details(waiting) == {
        "success": _names(api_client, tenant, members[:2]),
        "inactive": _names(api_client, tenant, members[2:]),  # offline: the command waits
    }
    _set_online(tenant, members[2], True)
    done = _poll(group_commands, tenant, group_id, command.id)
    assert (done.state, _details(done)) == (
        SUCCESS,
        {"success": _names(api_client, tenant, members)},
    )


def test_a_failed_member_fails_the_group_command(
    groups: esperclient.DeviceGroupApi,
    group_commands: esperclient.GroupCommandsApi,
    api_client: esperclient.ApiClient,
    server: EmulatorServer,
    tenant: Tenant,
    make_apk: Callable[..., Path],
) -> None:
    app = esperclient.ApplicationApi(api_client).upload(tenant.enterprise_id, make_apk())
    version_id = app.application.versions[0].id
    members = tenant.device_ids[:2]
    group_id = _group_of(groups, tenant, members, online=False)
    install = {"command": "INSTALL", "command_args": {"app_version": version_id}}
    command = group_commands.run_group_command(tenant.enterprise_id, group_id, install)
    with server.emulator.store.transaction() as store:  # the version vanishes meanwhile
        store.conn.execute(
            schema.app_versions.delete().where(schema.app_versions.c.id == version_id)
        )
    for device_id in members:
        _set_online(tenant, device_id, True)
    done = _poll(group_commands, tenant, group_id, command.id)
    assert (done.state, _details(done)) == (
        FAILURE,
        {"failed": _names(api_client, tenant, members)},
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "command"),
        ({"command": "WIPE"}, "command"),
        ({"command": "INSTALL"}, "command_args.app_version"),
        (
            {"command": "INSTALL", "command_args": {"app_version": UNKNOWN}},
            "command_args.app_version",
        ),
    ],
)
def test_bad_group_commands_are_400_and_send_nothing(
    groups: esperclient.DeviceGroupApi,
    server: EmulatorServer,
    tenant: Tenant,
    body: dict[str, Any],
    field: str,
) -> None:
    group_id = _group_of(groups, tenant, tenant.device_ids[:2])
    url = f"{_url(tenant, group_id)}command/"
    error = esper_error(call("POST", url, key=tenant.api_key, json=body), 400)
    assert [key for item in error["errors"] for key in item] == [field]
    assert count(server, schema.commands, enterprise_id=tenant.enterprise_id) == 0
    assert count(server, schema.group_commands, enterprise_id=tenant.enterprise_id) == 0


def test_group_commands_are_read_through_their_own_group(
    groups: esperclient.DeviceGroupApi,
    group_commands: esperclient.GroupCommandsApi,
    tenant: Tenant,
) -> None:
    eid = tenant.enterprise_id
    group_id = _group_of(groups, tenant, tenant.device_ids[:1])
    another = groups.create_group(eid, {"name": "Another"}).id
    command = group_commands.run_group_command(eid, group_id, {"command": "REBOOT"})
    with pytest.raises(esperclient.NotFoundError):
        group_commands.get_group_command(command.id, another, eid)
    with pytest.raises(esperclient.NotFoundError):
        group_commands.get_group_command(UNKNOWN, group_id, eid)
    with pytest.raises(esperclient.NotFoundError):
        group_commands.run_group_command(eid, UNKNOWN, {"command": "REBOOT"})
