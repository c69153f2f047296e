"""``esper blueprints``: versioned device settings (Blueprints v2) and what changed between
two versions."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer

from esper_cli import resolve
from esper_cli.errors import (
    EXIT_FAILURE,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    EXIT_WAIT_TIMEOUT,
    CliError,
)
from esper_cli.options import (
    IntervalOpt,
    LimitOpt,
    OutputOpt,
    PageSizeOpt,
    TimeoutOpt,
    YesOpt,
    confirm,
    show_list,
)
from esper_cli.output import Feed, Format, View, col, page_size_for, prefetch_for, print_one
from esper_cli.progress import Changes
from esper_cli.state import State, state_of
from esperclient import Esper, WaitTimeoutError
from esperclient._generated.v0 import CommandRequest
from esperclient._generated.v2 import BlueprintV2, Converge
from esperclient.models import ConvergeStatus

app = typer.Typer(
    help="Blueprints: list, show, versions, diff, create, publish, delete, push, converge.",
    no_args_is_help=True,
)

BlueprintArg = Annotated[str, typer.Argument(metavar="BLUEPRINT", help="Blueprint id.")]
NEWEST_FIRST = "-version_number,-minor_version_number"
DEVICES_PER_LIST = 100
"""Device ids per converge list call: their comma-separated list stays within a URL."""


def version_label(blueprint: BlueprintV2) -> str:
    """``2.1``: the version and minor version numbers."""
    return f"{blueprint.version_number}.{blueprint.minor_version_number}"


BLUEPRINT = View.of_model(
    BlueprintV2,
    [
        col("ID", "id"),
        col("NAME", "name"),
        col("VERSION", version_label),
        col("PUBLISHED", "publish"),
        col("UPDATED", "updated_at"),
    ],
    [
        col("ID", "id"),
        col("Name", "name"),
        col("Description", "description"),
        col("Comments", "comments"),
        col("Version", version_label),
        col("Version id", "version_id"),
        col("Published", "publish"),
        col("Settings", "settings"),
        col("Created", "created_at"),
        col("Created by", "created_by"),
        col("Updated", "updated_at"),
        col("Updated by", "updated_by"),
    ],
)
VERSION = View.of_model(
    BlueprintV2,
    [
        col("VERSION", version_label),
        col("VERSION ID", "version_id"),
        col("PUBLISHED", "publish"),
        col("UPDATED", "updated_at"),
        col("BY", "updated_by"),
        col("COMMENTS", "comments"),
    ],
)
CHANGE = View.of_records(["path", "from", "to"])
PUSH = View.of_model(
    CommandRequest,
    [
        col("ID", "id"),
        col("COMMAND", "command"),
        col("TYPE", "command_type"),
        col("GROUPS", "groups"),
        col("DEVICES", "devices"),
    ],
)
CONVERGE = View.of_model(
    Converge,
    [
        col("ID", "id"),
        col("DEVICE", "device_id"),
        col(
            "VERSION", lambda c: c.blueprint_info.blueprint_version_id if c.blueprint_info else None
        ),
        col("STATUS", "status"),
        col("REASON", "reason"),
    ],
)
GroupsOpt = Annotated[
    list[str] | None,
    typer.Option("--group", "-g", help="A group (id or name), with its subgroups; repeatable."),
]
DevicesOpt = Annotated[
    list[str] | None,
    typer.Option("--device", "-d", help="A device (id or name); repeatable."),
]


@app.command("list")
def list_blueprints(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Option(help="Part of the name (any case).", show_default=False)
    ] = None,
    app_id: Annotated[
        str | None,
        typer.Option("--app", help="Only blueprints installing this Android app (its id)."),
    ] = None,
    ordering: Annotated[
        str | None,
        typer.Option(help="Fields to sort by, e.g. -updated_at,name.", show_default=False),
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List blueprints, each as its latest version."""
    run = state_of(ctx)
    blueprints = run.client().blueprints.list(
        name=name,
        ordering=ordering,
        app_id=app_id,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), BLUEPRINT, Feed(blueprints, limit), "blueprints")


@app.command("show")
def show_blueprint(ctx: typer.Context, blueprint: BlueprintArg, output: OutputOpt = None) -> None:
    """Show one blueprint (its latest version) with its settings."""
    run = state_of(ctx)
    print_one(run.format(output), BLUEPRINT, run.client().blueprints.get(blueprint))


@app.command("versions")
def list_versions(
    ctx: typer.Context,
    blueprint: BlueprintArg,
    published: Annotated[
        bool | None,
        typer.Option("--published/--drafts", help="Only published versions, or only drafts."),
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List a blueprint's versions, newest first."""
    run = state_of(ctx)
    versions = run.client().blueprints.versions(
        blueprint,
        ordering=NEWEST_FIRST,
        published=published,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), VERSION, Feed(versions, limit), "versions")


@app.command("diff")
def diff_versions(
    ctx: typer.Context,
    blueprint: BlueprintArg,
    first: Annotated[str, typer.Argument(metavar="V1", help="Version id, or number (1.0).")],
    second: Annotated[str, typer.Argument(metavar="V2", help="Version id, or number (2.0).")],
    output: OutputOpt = None,
) -> None:
    """Show the settings that differ between two versions: path, value in V1, value in V2."""
    run = state_of(ctx)
    esper = run.client()
    a, b = find_version(esper, blueprint, first), find_version(esper, blueprint, second)
    old, new = msgspec.to_builtins(a.settings), msgspec.to_builtins(b.settings)
    changes = [
        {"path": path, "from": value_at(old, path), "to": value_at(new, path)}
        for path in esper.blueprints.diff(a, b)
    ]
    show_list(run, run.format(output), CHANGE, [changes], "differences")


@app.command("create")
def create_blueprint(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The blueprint's name.")],
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            "-f",
            metavar="SETTINGS.JSON",
            help='Its settings as JSON ({"android": {...}, "ios": {...}}); - reads stdin.',
            show_default=False,
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="A description.", show_default=False)
    ] = None,
    comments: Annotated[str | None, typer.Option(help="Comments.", show_default=False)] = None,
    output: OutputOpt = None,
) -> None:
    """Create a blueprint: its published version 1.0."""
    run = state_of(ctx)
    settings = read_settings(file) if file is not None else None
    created = run.client().blueprints.create(
        name, settings=settings, description=description, comments=comments
    )
    print_one(run.format(output), BLUEPRINT, created)


@app.command("publish")
def publish_blueprint(
    ctx: typer.Context,
    blueprint: BlueprintArg,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            "-f",
            metavar="SETTINGS.JSON",
            help="New settings as JSON (default: the latest version's); - reads stdin.",
            show_default=False,
        ),
    ] = None,
    comments: Annotated[str | None, typer.Option(help="Comments.", show_default=False)] = None,
    output: OutputOpt = None,
) -> None:
    """Publish the blueprint's latest settings (or --file's) as its next version."""
    run = state_of(ctx)
    fields: dict[str, Any] = {}
    if file is not None:
        fields["settings"] = read_settings(file)
    if comments is not None:
        fields["comments"] = comments
    print_one(run.format(output), BLUEPRINT, run.client().blueprints.publish(blueprint, **fields))


@app.command("delete")
def delete_blueprint(ctx: typer.Context, blueprint: BlueprintArg, yes: YesOpt = False) -> None:
    """Delete a blueprint and all its versions."""
    run = state_of(ctx)
    confirm(f"Delete blueprint {blueprint} and all its versions?", yes)
    run.client().blueprints.delete(blueprint)
    run.note(f"deleted blueprint {blueprint}")


@app.command("push")
def push_blueprint(
    ctx: typer.Context,
    blueprint: Annotated[
        str, typer.Argument(metavar="BLUEPRINT", help="Blueprint id, or one version's id.")
    ],
    group: GroupsOpt = None,
    device: DevicesOpt = None,
    output: OutputOpt = None,
) -> None:
    """Assign a blueprint to devices and converge each (UPDATE_BLUEPRINT, as the console's
    push); a blueprint's id pushes its latest published version."""
    run = state_of(ctx)
    sent = _push(run, blueprint, group, device)
    print_one(run.format(output), PUSH, sent)


@app.command("converge")
def converge_blueprint(
    ctx: typer.Context,
    blueprint: Annotated[
        str, typer.Argument(metavar="BLUEPRINT", help="Blueprint id, or one version's id.")
    ],
    group: GroupsOpt = None,
    device: DevicesOpt = None,
    wait: Annotated[
        bool,
        typer.Option("--wait", "-w", help="Wait until every converge ends; fail if one failed."),
    ] = False,
    timeout: TimeoutOpt = 600.0,
    interval: IntervalOpt = 2.0,
    output: OutputOpt = None,
) -> None:
    """Bring devices to a blueprint: push it to them and show (or, --wait, follow) the
    converge of each."""
    run = state_of(ctx)
    fmt = run.format(output)
    sent = _push(run, blueprint, group, device)
    converges = _started(run.client(), str(sent.id))
    if wait:
        converges = _follow_converges(run, fmt, converges, timeout, interval)
    show_list(run, fmt, CONVERGE, [converges], "converges")
    failed = [c for c in converges if c.status == ConvergeStatus.FAILURE]
    if failed:
        raise CliError(f"{len(failed)} of {len(converges)} converges failed", EXIT_FAILURE)


def _push(
    run: State, blueprint: str, groups: list[str] | None, devices: list[str] | None
) -> CommandRequest:
    if not groups and not devices:
        raise CliError("give the devices: --group G or --device D (repeatable)", EXIT_USAGE)
    esper = run.client()
    return esper.blueprints.push(
        blueprint,
        groups=[resolve.group_id(esper, ref) for ref in groups or []],
        devices=resolve.device_ids(esper, devices or []),
    )


def _started(esper: Esper, request_id: str) -> list[Converge]:
    """The converges a push started: the newest of each device its request reached."""
    reached = sorted({str(s.device) for s in esper.commands_api.statuses(request=request_id)})
    newest: dict[str, Converge] = {}
    for start in range(0, len(reached), DEVICES_PER_LIST):
        part = reached[start : start + DEVICES_PER_LIST]
        for converge in esper.converges.list(device_ids=part, page_size=1000):
            newest[str(converge.device_id)] = converge
    return [newest[device_id] for device_id in reached if device_id in newest]


def _follow_converges(
    run: State, fmt: Format, converges: list[Converge], timeout: float, interval: float
) -> list[Converge]:
    """Wait for the converges, a line on stderr whenever their tally changes."""
    changes = Changes(f"converge of {len(converges)} devices", quiet=run.quiet)
    try:
        return run.client().converges.wait(
            converges,
            timeout=timeout,
            poll_interval=interval,
            on_progress=lambda counts: changes(_tally(counts)),
        )
    except WaitTimeoutError as exc:
        show_list(run, fmt, CONVERGE, [exc.last], "converges")
        raise CliError(
            f"converges not final after {timeout:g} s",
            EXIT_WAIT_TIMEOUT,
            hint="they keep running on the devices",
        ) from None


def _tally(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[status]} {status}" for status in sorted(counts))


def read_settings(file: str) -> dict[str, Any]:
    """The settings JSON object in ``file`` (``-``: stdin); exit 2 unless it is one."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        settings = json.loads(text)
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror or exc}", EXIT_USAGE) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(f"{file} is not JSON: {exc}", EXIT_USAGE) from None
    if not isinstance(settings, dict):
        raise CliError(f'{file} must hold a JSON object: {{"android": {{...}}}}', EXIT_USAGE)
    return settings


_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")


def find_version(esper: Esper, blueprint: str, ref: str) -> BlueprintV2:
    """The version of ``blueprint`` that ``ref`` names: a number (``2``, ``2.1``) or an id."""
    number = _NUMBER.fullmatch(ref)
    if number is None:
        return esper.blueprints.version(blueprint, ref)
    major, minor = int(number[1]), int(number[2] or 0)
    for version in esper.blueprints.versions(blueprint, version_number=major):
        if version.minor_version_number == minor:
            return version
    raise CliError(f"blueprint {blueprint} has no version {major}.{minor}", EXIT_NOT_FOUND)


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def value_at(settings: Any, path: str) -> Any:
    """The value at ``path`` (``android.apps[1].state``) of ``settings``; ``None`` if none."""
    value = settings
    for key, index in _STEP.findall(path):
        if key and isinstance(value, dict):
            value = value.get(key)
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            return None
    return value
