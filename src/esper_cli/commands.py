"""``esper commands``: run a command on devices or a group, and follow it.

How a command is addressed:

- ``commands run CMD --device D`` sends one device command; ``--device`` given several
  times sends it to each device (the SDK's ``run_many``: one device command each, or
  v0 command requests for large fleets) with devices done shown as progress;
  ``--group G`` sends one group command.
- ``commands status ID --device D`` reads a device command (ids are per device);
  ``--group G`` a group command; with neither, ``ID`` is a v0 command request and every
  device's state in it is listed. The ids printed by ``commands run`` (``id`` of a
  device or group command) are the ones to pass.
"""

from __future__ import annotations

import enum
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
    describe,
)
from esper_cli.options import IntervalOpt, OutputOpt, TimeoutOpt, WaitOpt, show_list
from esper_cli.output import Column, Format, View, col, print_one
from esper_cli.progress import CountProgress
from esper_cli.state import State, state_of
from esperclient import NotFoundError, Outcome, WaitError
from esperclient.models import (
    CommandArgs,
    DeviceCommand,
    DeviceCommandEnum,
    GroupCommand,
    GroupCommandEnum,
    V0CommandRequest,
    V0CommandStatus,
)

app = typer.Typer(help="Run commands on devices or groups, and follow them.", no_args_is_help=True)

CommandName = enum.Enum(  # type: ignore[misc]
    "CommandName", {name: name for name in DeviceCommandEnum.allowed_values}, type=str
)
"""The device commands, offered as choices (and completions)."""


class Via(str, enum.Enum):
    """How a command reaches several devices."""

    AUTO = "auto"
    DEVICE = "device"
    V0 = "v0"


def _last_segment(url: str | None) -> str | None:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


DEVICE_COMMAND = View.of_model(
    DeviceCommand,
    [
        col("ID", "id"),
        col("COMMAND", "command"),
        col("STATE", "state"),
        col("DEVICE", lambda c: _last_segment(c.device)),
        col("DETAILS", "details"),
        col("UPDATED", "updated_on"),
    ],
    [
        col("ID", "id"),
        col("Command", "command"),
        col("State", "state"),
        col("Device", lambda c: _last_segment(c.device)),
        col("Arguments", lambda c: c.command_args),
        col("Details", "details"),
        col("Created", "created_on"),
        col("Updated", "updated_on"),
    ],
)
GROUP_COMMAND = View.of_model(
    GroupCommand,
    [
        col("ID", "id"),
        col("COMMAND", "command"),
        col("STATE", "state"),
        col("GROUP", lambda c: _last_segment(c.group)),
        col("DETAILS", "details"),
    ],
    [
        col("ID", "id"),
        col("Command", "command"),
        col("State", "state"),
        col("Group", lambda c: _last_segment(c.group)),
        col("Arguments", lambda c: c.command_args),
        col("Details", "details"),
        col("Created", "created_on"),
        col("Updated", "updated_on"),
    ],
)
V0_STATUS = View.of_model(
    V0CommandStatus,
    [
        col("ID", "id"),
        col("DEVICE", lambda s: _last_segment(s.device)),
        col("STATE", "state"),
        col("REASON", "reason"),
        col("UPDATED", "updated_on"),
    ],
)
OUTCOME_KEYS = ("device_id", "status", "command_id", "request_id", "state", "details", "error")
OUTCOME = View.of_records(
    OUTCOME_KEYS,
    [
        Column("DEVICE", lambda r: r["device_id"]),
        Column("STATUS", lambda r: r["status"]),
        Column("STATE", lambda r: r["state"]),
        Column("COMMAND ID", lambda r: r["command_id"]),
        Column("DETAILS", lambda r: r["error"] or r["details"]),
    ],
)


def outcome_record(outcome: Outcome) -> dict[str, Any]:
    """One device's outcome of a bulk command, as a record with ``OUTCOME_KEYS``."""
    command = outcome.command
    details = None
    request_id = None
    if isinstance(command, DeviceCommand):
        details = command.details
    elif isinstance(command, V0CommandStatus):
        details, request_id = command.reason, command.request
    return {
        "device_id": outcome.device_id,
        "status": outcome.status,
        "command_id": command.id if command is not None else None,
        "request_id": request_id,
        "state": command.state if command is not None else None,
        "details": details,
        "error": describe(outcome.error)[0] if outcome.error is not None else None,
    }


def parse_args(pairs: list[str], allowed: set[str] | None = None) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as ``CommandArgs`` values of the right types (by attribute name).

    Keys are the ``CommandArgs`` fields (wire or attribute names); values are converted
    to the field's type (``true``/``false``, numbers).
    """
    fields = msgspec.structs.fields(CommandArgs)
    by_key = {f.name: f for f in fields} | {f.encode_name: f for f in fields}
    raw: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        field = by_key.get(key.strip())
        if not sep or field is None or (allowed is not None and field.name not in allowed):
            names = (
                sorted(allowed) if allowed is not None else sorted(f.encode_name for f in fields)
            )
            raise CliError(
                f"bad --arg {pair!r}: use KEY=VALUE with KEY one of {', '.join(names)}", EXIT_USAGE
            )
        raw[field.encode_name] = value
    try:
        args = msgspec.convert(raw, CommandArgs, strict=False)
    except msgspec.ValidationError as exc:
        raise CliError(f"bad --arg: {exc}", EXIT_USAGE) from None
    return {f.name: getattr(args, f.name) for f in fields if f.encode_name in raw}


def _print_last(fmt: Format, view: View, exc: WaitError) -> None:
    """Show the last state a waiter read before it gave up."""
    if exc.last is not None:
        print_one(fmt, view, exc.last)


def dispatch(
    run: State,
    fmt: Format,
    command: str,
    devices: list[str],
    group: str | None,
    args: dict[str, Any],
    *,
    wait: bool,
    timeout: float,
    interval: float,
    via: Via = Via.AUTO,
) -> None:
    """Send ``command`` to ``devices`` (ids or names) or to ``group``; print what happened.

    One device: its command. Several: one outcome per device, devices done as progress
    on stderr, a summary line, exit 1 when any failed (6 when some are still pending
    after ``--wait``). A group: its group command.
    """
    if bool(devices) == bool(group):
        raise CliError("give --device (one or more) or --group", EXIT_USAGE)
    esper = run.client()
    if group is not None:
        if command not in GroupCommandEnum.allowed_values:
            allowed = ", ".join(GroupCommandEnum.allowed_values)
            raise CliError(f"a group runs only {allowed}, not {command}", EXIT_USAGE)
        if set(args) - {"app_version"}:
            raise CliError("a group command takes only app_version", EXIT_USAGE)
        sent = esper.group_commands.run(
            resolve.group_id(esper, group), command, app_version=args.get("app_version")
        )
        if wait:
            try:
                sent = esper.group_commands.wait(sent, timeout=timeout, poll_interval=interval)
            except WaitError as exc:
                _print_last(fmt, GROUP_COMMAND, exc)
                raise
        print_one(fmt, GROUP_COMMAND, sent)
        return
    ids = resolve.device_ids(esper, devices)
    if len(ids) == 1:
        one = esper.commands.run(ids[0], command, **args)
        if wait:
            try:
                one = esper.commands.wait(one, timeout=timeout, poll_interval=interval)
            except WaitError as exc:
                _print_last(fmt, DEVICE_COMMAND, exc)
                raise
        print_one(fmt, DEVICE_COMMAND, one)
        return
    with CountProgress(command, quiet=run.quiet, total=len(ids)) as progress:
        report = esper.commands.run_many(
            ids,
            command,
            wait=wait,
            timeout=timeout,
            poll_interval=interval,
            on_progress=progress,
            via=via.value,
            **args,
        )
    show_list(run, fmt, OUTCOME, [[outcome_record(o) for o in report.outcomes]], "devices")
    failed = len(report.failed)
    pending = len(report.by_status("pending"))
    typer.echo(
        f"{command} on {len(ids)} devices: {len(report.succeeded)} succeeded, "
        f"{failed} failed, {pending} pending",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_FAILURE)
    if wait and pending:
        raise typer.Exit(EXIT_WAIT_TIMEOUT)


DevicesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--device", "-d", help="Device id or name; repeat for several.", show_default=False
    ),
]
GroupOpt = Annotated[
    str | None, typer.Option("--group", "-g", help="Group id or name.", show_default=False)
]


@app.command("run")
def run_command(
    ctx: typer.Context,
    command: Annotated[
        CommandName,
        typer.Argument(
            case_sensitive=False,
            metavar="COMMAND",
            help="The command, e.g. REBOOT (any case).",
            show_default=False,
        ),
    ],
    device: DevicesOpt = None,
    group: GroupOpt = None,
    arg: Annotated[
        list[str] | None,
        typer.Option(
            "--arg",
            "-a",
            metavar="KEY=VALUE",
            help="A command argument, e.g. app_version=ID or wifi_state=true; repeatable.",
            show_default=False,
        ),
    ] = None,
    wait: WaitOpt = False,
    timeout: TimeoutOpt = 300.0,
    interval: IntervalOpt = 1.0,
    via: Annotated[
        Via,
        typer.Option(
            case_sensitive=False,
            help="For several devices: one command per device, v0 command requests, or auto.",
        ),
    ] = Via.AUTO,
    output: OutputOpt = None,
) -> None:
    """Run a command on one or more devices, or on a group."""
    run = state_of(ctx)
    name = str(command.value)
    dispatch(
        run,
        run.format(output),
        name,
        list(device or []),
        group,
        parse_args(list(arg or [])),
        wait=wait,
        timeout=timeout,
        interval=interval,
        via=via,
    )


@app.command("status")
def command_status(
    ctx: typer.Context,
    command_id: Annotated[str, typer.Argument(metavar="ID", help="The command id.")],
    device: Annotated[
        str | None,
        typer.Option("--device", "-d", help="The device of a device command.", show_default=False),
    ] = None,
    group: GroupOpt = None,
    wait: WaitOpt = False,
    timeout: TimeoutOpt = 300.0,
    interval: IntervalOpt = 1.0,
    output: OutputOpt = None,
) -> None:
    """Show a command's state: a device command (--device), a group command (--group),
    or, with neither, every device's state in a v0 command request."""
    run = state_of(ctx)
    fmt = run.format(output)
    esper = run.client()
    if device is not None and group is not None:
        raise CliError("give --device or --group, not both", EXIT_USAGE)
    if device is not None:
        one = esper.commands.get(resolve.device_id(esper, device), command_id)
        if wait:
            try:
                one = esper.commands.wait(one, timeout=timeout, poll_interval=interval)
            except WaitError as exc:
                _print_last(fmt, DEVICE_COMMAND, exc)
                raise
        print_one(fmt, DEVICE_COMMAND, one)
        return
    if group is not None:
        sent = esper.group_commands.get(resolve.group_id(esper, group), command_id)
        if wait:
            try:
                sent = esper.group_commands.wait(sent, timeout=timeout, poll_interval=interval)
            except WaitError as exc:
                _print_last(fmt, GROUP_COMMAND, exc)
                raise
        print_one(fmt, GROUP_COMMAND, sent)
        return
    try:
        if wait:
            request = V0CommandRequest(id=command_id)
            statuses = esper.command_requests.wait(request, timeout=timeout, poll_interval=interval)
        else:
            statuses = esper.command_requests.statuses(command_id)
    except NotFoundError as exc:
        raise CliError(
            f"404 Not Found: {exc.message}",
            EXIT_NOT_FOUND,
            hint="a device command needs --device DEVICE, a group command --group GROUP",
        ) from None
    show_list(run, fmt, V0_STATUS, [statuses], "devices")
