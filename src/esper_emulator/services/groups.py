"""Device groups: a tree of named groups per enterprise, their members, and group commands.

A group's stored ``doc`` is always its full, current wire object: ``device_count``
(its own devices), ``children_count`` and ``path`` ("All devices/Parent/Child") are
rewritten whenever a membership, a name or a parent changes, and so is the ``groups``
list (the URL of its one group) in the doc of every device whose group changed.

As on Esper with nested groups (esper-cli's README records its answers), every
enterprise has the root group ``ROOT_GROUP`` ("All devices"), the parent of every group
created without one; the same name may be used again under another parent. Each device
is in exactly one group: new devices in the root; a device added to a group leaves its
group, and one removed from a group goes to that group's parent. The root cannot be
deleted, renamed or moved, and devices cannot be removed from it.

Membership changes (``UPDATE_GROUP`` and ``PARTIAL_UPDATE_GROUP``, whose query
``action`` is "add / remove / rename / move"):

- no action: ``device_ids``, when given, is the group's full membership (left out, the
  members stay as they are; members left out go to the parent);
- ``add`` and ``move``: the devices leave their group and join this one;
- ``remove``: the devices leave the group for its parent;
- ``rename``: only ``name`` changes (it is required; ``device_ids`` is refused).

``name`` and ``parent`` (a group URL or id of the same enterprise) change with any
action but ``rename``, which changes only the name. ``add``, ``remove`` and ``move``
need ``device_ids``. Every device id must be a device of this enterprise: otherwise
the request is a 400 naming ``device_ids`` and nothing is written.

A group command fans out one device command to each device of the group and of the
groups below it ("any action intended for a parent group will be cascaded to all
sub-groups", Esper's help says); its ``state`` is worked out from those commands.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from esper_emulator.errors import ApiError, bad_request, not_found
from esper_emulator.services import commands
from esper_emulator.services.auth import Auth
from esper_emulator.services.clock import Clock
from esper_emulator.services.fleet import (
    Fleet,
)
from esper_emulator.services.urls import enterprise_url, group_command_url, group_url, user_url
from esper_emulator.store import Page, Store
from esper_emulator.store import apps as apps_db
from esper_emulator.store import commands as commands_db
from esper_emulator.store import devices as devices_db
from esper_emulator.store import groups as groups_db
from esper_emulator.store.groups import ROOT_GROUP
from esperclient.models import (
    CommandArgs,
    CommandState,
    Device,
    DeviceGroup,
    DeviceGroupPartialUpdate,
    DeviceGroupUpdate,
    GroupCommand,
    GroupCommandRequest,
    TokenInfoV1,
    id_from_url,
)

ACTIONS = ("add", "remove", "rename", "move")
UNIQUE_NAME = "The fields name, enterprise must make a unique set."
ROOT_NOT_DELETED = f"The group {ROOT_GROUP} cannot be deleted."
ROOT_NOT_RENAMED = f"The group {ROOT_GROUP} cannot be renamed."
ROOT_NOT_MOVED = f"The group {ROOT_GROUP} cannot be moved under another group."
ROOT_KEEPS_DEVICES = f"Devices cannot be removed from the group {ROOT_GROUP}."
GroupBody = DeviceGroupUpdate | DeviceGroupPartialUpdate


def token_user(auth: Auth, token: str) -> str | None:
    """The id of the user an API key was issued to."""
    return msgspec.json.decode(auth.token_info(token), type=TokenInfoV1).user


def refresh_device_groups(store: Store, enterprise_id: str, device_ids: Iterable[str]) -> None:
    """Rewrite the ``groups`` URLs in the docs of ``device_ids`` from the membership table."""
    ids = sorted(set(device_ids))
    urls: dict[str, list[str]] = {device_id: [] for device_id in ids}
    for device_id, group_id in groups_db.memberships(store, ids):
        urls[device_id].append(group_url(enterprise_id, group_id))
    for row in devices_db.rows(store, ids):
        device = msgspec.json.decode(row.doc, type=Device)
        if device.groups != urls[row.id]:
            device.groups = urls[row.id]
            devices_db.save(store, row.id, {"doc": msgspec.json.encode(device)})


def check_app_version(store: Store, enterprise_id: str, version_id: str | None) -> str:
    """``version_id`` if it is an app version of the enterprise; else a 400."""
    field = "command_args.app_version"
    if not version_id:
        raise bad_request(field, "INSTALL needs the app version to install.")
    if apps_db.version_row(store, enterprise_id, version_id) is None:
        raise bad_request(field, f"No app version {version_id!r} in this enterprise.")
    return version_id


def device_ids_of(
    store: Store, enterprise_id: str, ids: Sequence[str], field: str, *, repeats: bool = False
) -> list[str]:
    """``ids`` as canonical device ids of the enterprise, each once, in order.

    A 400 names ``field`` when one is not a device of the enterprise, or (unless
    ``repeats``) when one is listed twice.
    """
    canonical = list(dict.fromkeys(parse_uuid(field, value) for value in ids))
    if len(canonical) != len(ids) and not repeats:
        raise bad_request(field, "Each device may be listed only once.")
    found = devices_db.known_ids(store, enterprise_id, canonical)
    unknown = [value for value in canonical if value not in found]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise bad_request(field, f"No such devices in this enterprise: {shown}.")
    return canonical


def parse_uuid(field: str, value: str) -> str:
    """``value`` as a canonical UUID; else a 400 naming ``field``."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise bad_request(field, f"{value!r} is not a valid UUID.") from None


@dataclass
class _Node:
    """What the tree needs of one stored group."""

    doc: bytes
    group: DeviceGroup
    parent_id: str | None


def _parent_id_of(group: DeviceGroup) -> str | None:
    return id_from_url(group.parent)


class Groups:
    """The enterprise's device groups and their members."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # reading

    def group(self, enterprise_id: str, group_id: str) -> DeviceGroup:
        """A group of the enterprise, or a 404."""
        return msgspec.json.decode(self.group_doc(enterprise_id, group_id), type=DeviceGroup)

    def group_doc(self, enterprise_id: str, group_id: str) -> bytes:
        """The stored ``DeviceGroup`` of the enterprise, or a 404."""
        doc = groups_db.doc(self.store, enterprise_id, group_id)
        if doc is None:
            raise not_found("Group")
        return doc

    def list_groups(self, enterprise_id: str, name: str | None, limit: int, offset: int) -> Page:
        """A page of the enterprise's groups, optionally those named exactly ``name``."""
        return groups_db.page(self.store, enterprise_id, limit, offset, name)

    def member_ids(self, group_ids: Iterable[str]) -> list[str]:
        """The devices in any of ``group_ids``, each once, in the order they were made."""
        return groups_db.member_ids(self.store, list(group_ids))

    def with_subgroups(self, enterprise_id: str, group_ids: Iterable[str]) -> list[str]:
        """``group_ids`` and every group below them: where a group's commands go, as on Esper."""
        below: dict[str, list[str]] = {}
        for group_id, node in self._tree(enterprise_id).items():
            if node.parent_id is not None:
                below.setdefault(node.parent_id, []).append(group_id)
        found: list[str] = []
        pending = list(group_ids)
        while pending:
            group_id = pending.pop()
            if group_id not in found:
                found.append(group_id)
                pending += below.get(group_id, [])
        return found

    def subgroups(
        self, enterprise_id: str, group_ids: Iterable[str], *, immediate: bool = False
    ) -> list[str]:
        """The groups below ``group_ids`` (only their children when ``immediate``)."""
        parents = list(group_ids)
        if immediate:
            tree = self._tree(enterprise_id)
            return [gid for gid, node in tree.items() if node.parent_id in parents]
        below = self.with_subgroups(enterprise_id, parents)
        return [gid for gid in below if gid not in parents]

    def group_ids_of(self, enterprise_id: str, ids: Sequence[str], field: str) -> list[str]:
        """``ids`` as canonical group ids of the enterprise; a 400 naming ``field``."""
        canonical = list(dict.fromkeys(parse_uuid(field, value) for value in ids))
        found = groups_db.known_ids(self.store, enterprise_id, canonical)
        unknown = [value for value in canonical if value not in found]
        if unknown:
            raise bad_request(field, f"No such groups in this enterprise: {', '.join(unknown)}.")
        return canonical

    # writing

    def create(self, enterprise_id: str, body: DeviceGroupUpdate) -> DeviceGroup:
        """A new group (with ``device_ids`` as its members); returns the ``DeviceGroup``."""
        parent_id = self._parent(enterprise_id, body.parent) if body.parent else None
        parent_id = parent_id or self.root_id(enterprise_id)
        name = self._free_name(enterprise_id, body.name, None, parent_id)
        members = self._devices(enterprise_id, body.device_ids or [])
        return self.group(enterprise_id, self.insert(enterprise_id, name, members, parent_id))

    def insert(
        self,
        enterprise_id: str,
        name: str,
        device_ids: Sequence[str],
        parent_id: str | None = None,
    ) -> str:
        """Write a new (already validated) group and its members; returns its id.

        Without ``parent_id`` the group goes under the root group, if there is one yet.
        """
        group_id = str(uuid.uuid4())
        parent_id = parent_id or self.root_id(enterprise_id)
        doc = DeviceGroup.construct(
            id=group_id,
            name=name,
            created_on=self.clock.utcnow(),
            enterprise=enterprise_url(enterprise_id),
            parent=group_url(enterprise_id, parent_id) if parent_id else None,
            device_count=0,
            path=name,
            children_count=0,
        )
        groups_db.add(self.store, enterprise_id, group_id, name, msgspec.json.encode(doc))
        self._place(group_id, device_ids)
        refresh_device_groups(self.store, enterprise_id, device_ids)
        self.refresh(enterprise_id)
        return group_id

    def create_root(self, enterprise_id: str) -> str:
        """Give a new enterprise its root group; returns its id."""
        return self.insert(enterprise_id, ROOT_GROUP, [])

    def update(
        self, enterprise_id: str, group_id: str, body: GroupBody, action: str | None
    ) -> DeviceGroup:
        """Apply a PUT or PATCH (see the module docstring); returns the ``DeviceGroup``."""
        group = self.group(enterprise_id, group_id)
        action = _action(action, body)
        if group.name == ROOT_GROUP:
            self._check_root_change(group_id, body, action)
        parent_id = _parent_id_of(group)
        if body.parent and action != "rename":
            parent_id = self._new_parent(enterprise_id, group_id, body.parent)
        name = group.name
        if body.name is not None or parent_id != _parent_id_of(group):
            new_name = body.name if body.name is not None else name
            name = self._free_name(enterprise_id, new_name, group_id, parent_id)
        members = None
        if body.device_ids is not None:
            members = self._devices(enterprise_id, body.device_ids)
        # everything is valid: write
        group.name = name
        group.parent = group_url(enterprise_id, parent_id) if parent_id else None
        groups_db.save(self.store, group_id, name, msgspec.json.encode(group))
        if members is not None:
            self._change_members(enterprise_id, group_id, parent_id, members, action)
        self.refresh(enterprise_id)
        return self.group(enterprise_id, group_id)

    def delete(self, enterprise_id: str, group_id: str) -> None:
        """Delete a group without children; its devices go to its parent."""
        group = self.group(enterprise_id, group_id)
        if group.name == ROOT_GROUP:
            raise ApiError(400, ROOT_NOT_DELETED)
        children = sum(
            1 for node in self._tree(enterprise_id).values() if node.parent_id == group_id
        )
        if children:
            raise ApiError(
                400,
                f"This group has {children} child group(s): delete or move them first.",
            )
        members = self.member_ids([group_id])
        groups_db.delete(self.store, group_id)
        self._place(_parent_id_of(group), members)
        refresh_device_groups(self.store, enterprise_id, members)
        self.refresh(enterprise_id)

    # checks

    def root_id(self, enterprise_id: str) -> str | None:
        """The id of the enterprise's root group (``None`` while it has none)."""
        root = groups_db.named(self.store, enterprise_id, ROOT_GROUP)
        return str(root.id) if root is not None else None

    def _check_root_change(self, group_id: str, body: GroupBody, action: str | None) -> None:
        """Refuse a change the root group does not allow: a new name or parent, fewer members."""
        if body.name is not None and body.name != ROOT_GROUP:
            raise bad_request("name", ROOT_NOT_RENAMED)
        if body.parent:
            raise bad_request("parent", ROOT_NOT_MOVED)
        if body.device_ids is None or action in ("add", "move"):
            return
        given = {parse_uuid("device_ids", value) for value in body.device_ids}
        members = set(self.member_ids([group_id]))
        if (action == "remove" and given & members) or (action is None and members - given):
            raise bad_request("device_ids", ROOT_KEEPS_DEVICES)

    def _free_name(
        self, enterprise_id: str, name: str | None, group_id: str | None, parent_id: str | None
    ) -> str:
        """``name`` unless blank, the root's, or another group's under ``parent_id``."""
        if name is None or not name.strip():
            raise bad_request("name", "This field may not be blank.")
        for other_id, node in self._tree(enterprise_id).items():
            clash = node.parent_id == parent_id or name == ROOT_GROUP
            if other_id != group_id and node.group.name == name and clash:
                raise ApiError(400, UNIQUE_NAME, [{"non_field_errors": [UNIQUE_NAME]}])
        return name

    def _parent(self, enterprise_id: str, value: str) -> str:
        """The id of the group that ``value`` (a group URL or id) names; else a 400."""
        raw = id_from_url(value) or ""
        try:
            parent_id = str(uuid.UUID(raw))
        except ValueError:
            raise bad_request("parent", f"{value!r} is not a group URL or id.") from None
        if not groups_db.exists(self.store, enterprise_id, parent_id):
            raise bad_request("parent", f"No group {parent_id!r} in this enterprise.")
        return parent_id

    def _new_parent(self, enterprise_id: str, group_id: str, value: str) -> str:
        """The parent to move ``group_id`` under, refusing itself and its descendants."""
        parent_id = self._parent(enterprise_id, value)
        tree = self._tree(enterprise_id)
        ancestor: str | None = parent_id
        while ancestor is not None:
            if ancestor == group_id:
                raise bad_request("parent", "A group cannot be moved under itself.")
            ancestor = tree[ancestor].parent_id if ancestor in tree else None
        return parent_id

    def _devices(self, enterprise_id: str, ids: Sequence[str]) -> list[str]:
        return device_ids_of(self.store, enterprise_id, ids, "device_ids")

    # membership and the derived fields

    def _change_members(
        self,
        enterprise_id: str,
        group_id: str,
        parent_id: str | None,
        device_ids: list[str],
        action: str | None,
    ) -> None:
        current = set(self.member_ids([group_id]))
        given = set(device_ids)
        joining: set[str] = set() if action == "remove" else given - current
        leaving: set[str] = set()
        if action == "remove":
            leaving = current & given
        elif action is None:
            leaving = current - given
        self._place(group_id, joining)
        self._place(parent_id, leaving)
        refresh_device_groups(self.store, enterprise_id, joining | leaving)

    def _place(self, group_id: str | None, device_ids: Iterable[str]) -> None:
        """Move ``device_ids`` out of their group into ``group_id`` (``None``: out of any)."""
        moving = sorted(device_ids)
        groups_db.remove_from_others(self.store, {group_id} if group_id else set(), moving)
        if group_id is not None:
            groups_db.add_members(self.store, group_id, moving)

    def _tree(self, enterprise_id: str) -> dict[str, _Node]:
        nodes: dict[str, _Node] = {}
        for row in groups_db.rows(self.store, enterprise_id):
            group = msgspec.json.decode(row.doc, type=DeviceGroup)
            nodes[row.id] = _Node(row.doc, group, _parent_id_of(group))
        return nodes

    def refresh(self, enterprise_id: str) -> None:
        """Rewrite ``device_count``, ``children_count`` and ``path`` of every group."""
        tree = self._tree(enterprise_id)
        counts = groups_db.member_counts(self.store, enterprise_id)
        children: dict[str, int] = {}
        for node in tree.values():
            if node.parent_id is not None:
                children[node.parent_id] = children.get(node.parent_id, 0) + 1
        for group_id, node in tree.items():
            node.group.device_count = counts.get(group_id, 0)
            node.group.children_count = children.get(group_id, 0)
            node.group.path = _path(tree, group_id)
            doc = msgspec.json.encode(node.group)
            if doc != node.doc:
                groups_db.save(self.store, group_id, node.group.name, doc)


def _path(tree: dict[str, _Node], group_id: str) -> str:
    names: list[str] = []
    seen: set[str] = set()
    current: str | None = group_id
    while current is not None and current in tree and current not in seen:
        seen.add(current)
        names.append(tree[current].group.name or "")
        current = tree[current].parent_id
    return "/".join(reversed(names))


def _action(action: str | None, body: GroupBody) -> str | None:
    """The query ``action`` checked against the body; ``None`` when not given."""
    if action is None or action == "":
        return None
    if action not in ACTIONS:
        raise bad_request("action", f'"{action}" is not a valid choice: {", ".join(ACTIONS)}.')
    if action == "rename":
        if body.name is None:
            raise bad_request("name", "action=rename needs the new name.")
        if body.device_ids is not None:
            raise bad_request("device_ids", "action=rename changes only the name.")
    elif body.device_ids is None:
        raise bad_request("device_ids", f"action={action} needs the devices to {action}.")
    return action


class GroupCommands:
    """Commands sent to every member of a group, and their aggregate state."""

    def __init__(self, store: Store, clock: Clock, fleet: Fleet, groups: Groups) -> None:
        self.store = store
        self.clock = clock
        self.fleet = fleet
        self.groups = groups

    def run(
        self,
        enterprise_id: str,
        group_id: str,
        request: GroupCommandRequest,
        user_id: str | None = None,
    ) -> GroupCommand:
        """Fan ``request`` out to the group's members; returns the ``GroupCommand``."""
        self.groups.group(enterprise_id, group_id)
        spec = commands.accepted(request.command, "group")
        args = None
        if spec.name == "INSTALL":
            version = request.command_args.app_version if request.command_args else None
            args = CommandArgs(app_version=check_app_version(self.store, enterprise_id, version))
        now = self.clock.utcnow()
        command = GroupCommand.construct(
            id=str(uuid.uuid4()),
            command=request.command,
            command_args=request.command_args,
            state=CommandState.INITIATED,
            created_on=now,
            updated_on=now,
            is_active=True,
            enterprise=enterprise_url(enterprise_id),
            group=group_url(enterprise_id, group_id),
            issued_by=user_url(user_id) if user_id else None,
        )
        assert command.id is not None
        url = group_command_url(enterprise_id, group_id, command.id)
        for device_id in self.groups.member_ids(
            self.groups.with_subgroups(enterprise_id, [group_id])
        ):
            device = self.fleet.device(enterprise_id, device_id)
            self.fleet.enqueue(
                enterprise_id,
                device,
                spec.name,
                args,
                group_command_id=command.id,
                group_command_url=url,
            )
        doc = msgspec.json.encode(command)
        commands_db.add_group_command(
            self.store, enterprise_id, group_id, command.id, CommandState.INITIATED, doc
        )
        return self.command(enterprise_id, group_id, command.id)

    def get(self, enterprise_id: str, group_id: str, command_id: str) -> bytes:
        """The stored ``GroupCommand`` with its aggregate ``state`` brought up to date."""
        return msgspec.json.encode(self.command(enterprise_id, group_id, command_id))

    def command(self, enterprise_id: str, group_id: str, command_id: str) -> GroupCommand:
        """The ``GroupCommand`` with its aggregate ``state`` (kept when it changed), or a 404."""
        self.groups.group(enterprise_id, group_id)
        row = commands_db.group_command(self.store, enterprise_id, group_id, command_id)
        if row is None:
            raise not_found("Group command")
        command = msgspec.json.decode(row.doc, type=GroupCommand)
        _aggregate(command, self._member_commands(command_id))
        doc = msgspec.json.encode(command)
        if doc != row.doc:
            commands_db.save_group_command(self.store, row.pk, command.state, doc)
        return command

    def _member_commands(self, command_id: str) -> list[_Member]:
        rows = commands_db.of_group_command(self.store, command_id)
        return [
            _Member(row.state, _updated_on(row.doc), row.device_id, row.device_name, row.due_at)
            for row in rows
        ]


@dataclass
class _Member:
    """One device command of a group command, as its ``details`` tell it."""

    state: str
    updated_on: datetime | None
    device_id: str
    device_name: str | None
    due_at: float | None

    @property
    def detail(self) -> str:
        """The ``details`` list this device is in (an offline device's: ``inactive``)."""
        if self.state == CommandState.INITIATED and self.due_at is None:
            return "inactive"
        return _DETAIL_OF_STATE.get(self.state, "in_progress")


_DETAIL_OF_STATE = {
    CommandState.SUCCESS: "success",
    CommandState.FAILURE: "failed",
    CommandState.TIMEOUT: "timeout",
    CommandState.ACKNOWLEDGED: "acknowledge",
    CommandState.INITIATED: "initiate",
}
DETAIL_KEYS = ("success", "failed", "inactive", "acknowledge", "initiate", "in_progress", "timeout")
"""The lists of a group command's ``details``, as esper-cli (written by Esper) reads them."""


class _Updated(msgspec.Struct):
    updated_on: datetime | None = None


def _updated_on(doc: bytes) -> datetime | None:
    return msgspec.json.decode(doc, type=_Updated).updated_on


def _aggregate(command: GroupCommand, members: list[_Member]) -> None:
    """Set ``state``, ``details`` and ``updated_on`` from the member commands.

    ``details`` is the text of a Python dict, as on Esper (esper-cli reads it with
    ``ast.literal_eval``): for each of ``DETAIL_KEYS``, the devices (``id``, ``name``) in
    that state.
    """
    states = [member.state for member in members]
    pending = [state for state in states if state not in CommandState.FINAL]
    if pending:
        command.state = CommandState.INITIATED
    else:
        command.state = (
            CommandState.SUCCESS
            if all(state == CommandState.SUCCESS for state in states)
            else CommandState.FAILURE
        )
    listed: dict[str, list[dict[str, str | None]]] = {key: [] for key in DETAIL_KEYS}
    for member in members:
        listed[member.detail].append({"id": member.device_id, "name": member.device_name})
    command.details = repr(listed)
    times: list[Any] = [member.updated_on for member in members if member.updated_on]
    if command.created_on is not None:
        times.append(command.created_on)
    command.updated_on = max(times) if times else command.updated_on
