"""``esper groups``: device groups and their members (groups and devices by id or name)."""

from __future__ import annotations

import dataclasses
import shlex
from typing import Annotated

import typer

from esper_cli import resolve
from esper_cli.devices import DEVICE
from esper_cli.options import LimitOpt, OutputOpt, PageSizeOpt, YesOpt, confirm, show_list
from esper_cli.output import (
    Feed,
    Format,
    View,
    col,
    page_size_for,
    prefetch_for,
    print_list,
    print_one,
)
from esper_cli.state import state_of
from esperclient.models import Device, DeviceGroup

app = typer.Typer(
    help="Device groups: list, show, create, add and remove devices, delete.",
    no_args_is_help=True,
)

GroupArg = Annotated[str, typer.Argument(metavar="GROUP", help="Group id or name.")]
DevicesArg = Annotated[list[str], typer.Argument(metavar="DEVICE...", help="Device ids or names.")]

GROUP = View.of_model(
    DeviceGroup,
    [
        col("ID", "id"),
        col("NAME", "name"),
        col("DEVICES", "device_count"),
        col("CHILDREN", "children_count"),
        col("PATH", "path"),
    ],
    [
        col("ID", "id"),
        col("Name", "name"),
        col("Devices", "device_count"),
        col("Child groups", "children_count"),
        col("Parent", "parent"),
        col("Path", "path"),
        col("Created", "created_on"),
    ],
)

MEMBER = dataclasses.replace(DEVICE, columns=[c for c in DEVICE.columns if c.header != "TAGS"])
"""A member device of a group, as ``groups show`` lists it."""


@app.command("list")
def list_groups(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="Exact group name.", show_default=False)] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List device groups."""
    run = state_of(ctx)
    groups = run.client().groups.list(
        name=name,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), GROUP, Feed(groups, limit), "groups")


MEMBERS_SHOWN = 25
"""How many member devices ``groups show`` lists under the group."""


def _with_parent_name(parent: str | None) -> View:
    """``GROUP`` with its parent group named rather than given by URL."""
    details = [
        col("Parent", lambda _: parent) if column.header == "Parent" else column
        for column in GROUP.details
    ]
    return dataclasses.replace(GROUP, details=details)


@app.command("show")
def show_group(ctx: typer.Context, group: GroupArg, output: OutputOpt = None) -> None:
    """Show one group; in a table, its member devices too."""
    run = state_of(ctx)
    fmt = run.format(output)
    esper = run.client()
    found = resolve.group(esper, group)
    if fmt is not Format.TABLE:
        print_one(fmt, GROUP, found)
        return
    parent = resolve.group_names(esper, [found.parent])[0] if found.parent else None
    print_one(fmt, _with_parent_name(parent), found)
    typer.echo()
    listed = esper.devices.list(group=str(found.id), page_size=MEMBERS_SHOWN)
    members: Feed[Device] = Feed(listed, MEMBERS_SHOWN)
    count = print_list(fmt, MEMBER, members)
    if count == 0:
        run.note("no devices in this group")
    elif members.truncated:
        more = shlex.join(["esper", "devices", "list", "--group", group])
        run.note(f"{count} of {members.total} devices shown (all of them: {more})")


@app.command("create")
def create_group(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The new group's name.")],
    parent: Annotated[
        str | None, typer.Option(help="Parent group id or name.", show_default=False)
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Create an empty group."""
    run = state_of(ctx)
    esper = run.client()
    parent_id = None if parent is None else resolve.group_id(esper, parent)
    print_one(run.format(output), GROUP, esper.groups.create(name, parent=parent_id))


@app.command("add")
def add_devices(
    ctx: typer.Context, group: GroupArg, devices: DevicesArg, output: OutputOpt = None
) -> None:
    """Add devices to a group; each leaves its current group (a device is in one group)."""
    run = state_of(ctx)
    esper = run.client()
    changed = esper.groups.add_devices(
        resolve.group_id(esper, group), resolve.device_ids(esper, devices)
    )
    print_one(run.format(output), GROUP, changed)


@app.command("remove")
def remove_devices(
    ctx: typer.Context, group: GroupArg, devices: DevicesArg, output: OutputOpt = None
) -> None:
    """Take devices out of a group; they go back to its parent group."""
    run = state_of(ctx)
    esper = run.client()
    changed = esper.groups.remove_devices(
        resolve.group_id(esper, group), resolve.device_ids(esper, devices)
    )
    print_one(run.format(output), GROUP, changed)


@app.command("delete")
def delete_group(ctx: typer.Context, group: GroupArg, yes: YesOpt = False) -> None:
    """Delete a group; its devices stay, without it."""
    run = state_of(ctx)
    esper = run.client()
    group_id = resolve.group_id(esper, group)
    confirm(f"Delete group {group}?", yes)
    esper.groups.delete(group_id)
    run.note(f"deleted group {group_id}")
