"""``esper geofences``: named circles around a point, and what devices do on leaving them."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from esper_cli.options import (
    LimitOpt,
    NameSearchOpt,
    OutputOpt,
    PageSizeOpt,
    YesOpt,
    confirm,
    show_list,
)
from esper_cli.output import Feed, View, col, page_size_for, prefetch_for, print_one
from esper_cli.state import state_of
from esperclient.models import Geofence

app = typer.Typer(help="Geofences: list, show, create, delete.", no_args_is_help=True)

GeofenceArg = Annotated[str, typer.Argument(metavar="GEOFENCE", help="Geofence id.")]


class Unit(str, enum.Enum):
    """The unit of a geofence's radius."""

    METERS = "METERS"
    KILOMETERS = "KILOMETERS"
    MILES = "MILES"


class Action(str, enum.Enum):
    """What a device does when it leaves the geofence."""

    LOCK_DOWN = "LOCK_DOWN"
    BEEP = "BEEP"


GEOFENCE = View.of_model(
    Geofence,
    [
        col("ID", "id"),
        col("NAME", "name"),
        col("LATITUDE", "latitude"),
        col("LONGITUDE", "longitude"),
        col("RADIUS", lambda g: f"{g.radius} {g.radius_unit or ''}".strip() if g.radius else None),
        col("ACTIONS", "device_actions"),
        col("DEVICES", "device_count"),
    ],
    [
        col("ID", "id"),
        col("Name", "name"),
        col("Description", "description"),
        col("Latitude", "latitude"),
        col("Longitude", "longitude"),
        col("Radius", "radius"),
        col("Radius unit", "radius_unit"),
        col("Actions", "device_actions"),
        col("Devices", "device_count"),
        col("Created", "created_on"),
        col("Updated", "updated_on"),
    ],
)


@app.command("list")
def list_geofences(
    ctx: typer.Context,
    search: NameSearchOpt = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List geofences."""
    run = state_of(ctx)
    fences = run.client().geofences.list(
        search=search,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), GEOFENCE, Feed(fences, limit), "geofences")


@app.command("show")
def show_geofence(ctx: typer.Context, geofence: GeofenceArg, output: OutputOpt = None) -> None:
    """Show one geofence."""
    run = state_of(ctx)
    print_one(run.format(output), GEOFENCE, run.client().geofences.get(geofence))


@app.command("create")
def create_geofence(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The geofence's name.")],
    latitude: Annotated[
        str, typer.Option("--latitude", "--lat", help="Latitude of the centre, e.g. 38.72.")
    ],
    longitude: Annotated[
        str, typer.Option("--longitude", "--lon", help="Longitude of the centre, e.g. -9.14.")
    ],
    radius: Annotated[
        int | None,
        typer.Option(min=1, help="Radius (the server's default: 100).", show_default=False),
    ] = None,
    unit: Annotated[
        Unit | None, typer.Option(case_sensitive=False, help="Radius unit.", show_default=False)
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="A description.", show_default=False)
    ] = None,
    action: Annotated[
        list[Action] | None,
        typer.Option(
            case_sensitive=False, help="What devices do on leaving; repeatable.", show_default=False
        ),
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Create a geofence."""
    run = state_of(ctx)
    fields: dict[str, Any] = {}
    if radius is not None:
        fields["radius"] = radius
    if unit is not None:
        fields["radius_unit"] = unit.value
    if description is not None:
        fields["description"] = description
    if action:
        fields["device_actions"] = [a.value for a in action]
    fence = run.client().geofences.create(name, latitude, longitude, **fields)
    print_one(run.format(output), GEOFENCE, fence)


@app.command("delete")
def delete_geofence(ctx: typer.Context, geofence: GeofenceArg, yes: YesOpt = False) -> None:
    """Delete a geofence."""
    run = state_of(ctx)
    confirm(f"Delete geofence {geofence}?", yes)
    run.client().geofences.delete(geofence)
    run.note(f"deleted geofence {geofence}")
