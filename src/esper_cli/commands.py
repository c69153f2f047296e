"""``esper commands``: run a command on devices or groups, and follow it.

How a command is addressed:

- ``commands run CMD --device D`` sends one device command; ``--device`` given several
  times sends it to each device (the SDK's ``run_many``: one device command each for
  a few, Commands API requests for more than its concurrency) with the devices sent
  and finished shown as progress; ``--group G`` sends one group command.
- A command the device API does not know (``BEEP_DEVICE``, ``SET_KIOSK_APP``...) goes
  to devices through the Commands API (``run_many``); to groups, to devices and groups
  together, or with the Commands API's schedule options (``--start``, ``--end``...) as
  one Commands API request (``command_api``). ``--via v0`` sends v0 command requests
  instead, and so does ``--schedule WINDOW|RECURRING`` with ``--schedule-arg``.
- ``commands status ID --device D`` reads a device command (ids are per device);
  ``--group G`` a group command; with neither, ``ID`` is a v0 command request and every
  device's state in it is listed. The ids printed by ``commands run`` (``id`` of a
  device or group command) are the ones to pass.

Tables name devices and groups; JSON and CSV keep the API's ids.
"""

from __future__ import annotations

import ast
import collections
import enum
import json
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import msgspec
import typer

from esper_cli import command_api, resolve
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
from esper_cli.progress import Changes, CountProgress
from esper_cli.state import State, state_of
from esperclient import BulkReport, NotFoundError, Outcome, WaitError, WaitTimeoutError
from esperclient._generated.v0 import CommandArgs as ApiCommandArgs
from esperclient._generated.v0 import CommandStatus
from esperclient.models import (
    ApiCommand,
    CommandArgs,
    DeviceCommand,
    DeviceCommandEnum,
    GroupCommand,
    GroupCommandEnum,
    V0CommandArgs,
    V0CommandRequest,
    V0CommandScheduleArgs,
    V0CommandScheduleEnum,
    V0CommandStatus,
    V0DeviceCommandEnum,
    id_from_url,
)

T = TypeVar("T")

app = typer.Typer(help="Run commands on devices or groups, and follow them.", no_args_is_help=True)

COMMANDS = tuple(
    dict.fromkeys(
        [
            *DeviceCommandEnum.allowed_values,
            *GroupCommandEnum.allowed_values,
            *V0DeviceCommandEnum.allowed_values,
            *ApiCommand.ALL,
        ]
    )
)
"""Every command the SDK can send: to a device, to a group, in a v0 command request or
through the Commands API."""
IMMEDIATE = V0CommandScheduleEnum.IMMEDIATE
PENDING_NAMED = 10
"""How many pending devices a bulk command's summary names."""


@dataclass(frozen=True)
class Waiting:
    """Whether to wait for a command to be final, for how long, and how often to look."""

    wait: bool
    timeout: float
    interval: float


class Via(str, enum.Enum):
    """How a command reaches several devices."""

    AUTO = "auto"
    DEVICE = "device"
    V0 = "v0"
    COMMANDS = "commands"


def _named(names: Mapping[str, str | None], url: str | None) -> str | None:
    key = id_from_url(url)
    return (names.get(key) or key) if key else None


def device_command_view(names: Mapping[str, str | None]) -> View:
    """How a device command prints; ``names`` (device id to name) name its device."""
    device = col("Device", lambda c: _named(names, c.device))
    return View.of_model(
        DeviceCommand,
        [
            col("ID", "id"),
            col("COMMAND", "command"),
            col("STATE", "state"),
            col("DEVICE", device.get),
            col("DETAILS", "details"),
            col("UPDATED", "updated_on"),
        ],
        [
            col("ID", "id"),
            col("Command", "command"),
            col("State", "state"),
            device,
            col("Arguments", lambda c: c.command_args),
            col("Details", "details"),
            col("Created", "created_on"),
            col("Updated", "updated_on"),
        ],
    )


def _device_lists(details: str | None) -> dict[str, list[str]] | None:
    """A group command's ``details``, the text of a Python dict as Esper writes it: the
    names of the devices in each non-empty list (``success``, ``failed``...)."""
    try:
        listed = ast.literal_eval(details or "")
    except (ValueError, SyntaxError):
        return None
    if not isinstance(listed, dict):
        return None
    return {
        str(key): [
            str(device.get("name") or device.get("id"))
            for device in devices
            if isinstance(device, dict)
        ]
        for key, devices in listed.items()
        if isinstance(devices, list) and devices
    }


def _group_progress(details: str | None) -> str | None:
    """``details`` of a group command in short: ``2 success, 1 inactive``."""
    lists = _device_lists(details)
    if lists is None:
        return details
    return ", ".join(f"{len(names)} {key}" for key, names in lists.items())


def _group_devices(details: str | None) -> str | None:
    """``details`` of a group command with its devices: ``success: A, B; inactive: C``."""
    lists = _device_lists(details)
    if lists is None:
        return details
    return "; ".join(f"{key}: {', '.join(names)}" for key, names in lists.items())


def group_command_view(names: Mapping[str, str | None]) -> View:
    """How a group command prints; ``names`` (group id to name) name its group."""
    group = col("Group", lambda c: _named(names, c.group))
    return View.of_model(
        GroupCommand,
        [
            col("ID", "id"),
            col("COMMAND", "command"),
            col("STATE", "state"),
            col("GROUP", group.get),
            col("DETAILS", lambda c: _group_progress(c.details)),
        ],
        [
            col("ID", "id"),
            col("Command", "command"),
            col("State", "state"),
            group,
            col("Arguments", lambda c: c.command_args),
            col("Details", lambda c: _group_devices(c.details)),
            col("Created", "created_on"),
            col("Updated", "updated_on"),
        ],
    )


def v0_status_view(names: Mapping[str, str | None]) -> View:
    """How the per-device states of a v0 command request print, devices named."""
    return View.of_model(
        V0CommandStatus,
        [
            col("ID", "id"),
            col("DEVICE", lambda s: _named(names, s.device)),
            col("STATE", "state"),
            col("REASON", "reason"),
            col("UPDATED", "updated_on"),
        ],
    )


V0_REQUEST = View.of_model(
    V0CommandRequest,
    [
        col("ID", "id"),
        col("COMMAND", "command"),
        col("SCHEDULE", "schedule"),
        col("DEVICES", lambda r: len(r.devices or [])),
        col("GROUPS", lambda r: len(r.groups or [])),
        col("STATUS", lambda r: [f"{s.state}: {s.total}" for s in r.status or []]),
    ],
)
OUTCOME_KEYS = (
    "device_id",
    "device_name",
    "status",
    "command_id",
    "request_id",
    "state",
    "details",
    "error",
)
OUTCOME = View.of_records(
    OUTCOME_KEYS,
    [
        Column("DEVICE", lambda r: r["device_name"] or r["device_id"]),
        Column("STATUS", lambda r: r["status"]),
        Column("STATE", lambda r: r["state"]),
        Column("COMMAND ID", lambda r: r["command_id"]),
        Column("DETAILS", lambda r: r["error"] or r["details"]),
    ],
)


def outcome_record(outcome: Outcome, name: str | None = None) -> dict[str, Any]:
    """One device's outcome of a bulk command, as a record with ``OUTCOME_KEYS``."""
    command = outcome.command
    details = None
    request_id = None
    if isinstance(command, DeviceCommand):
        details = command.details
    elif isinstance(command, V0CommandStatus | CommandStatus):
        details, request_id = command.reason, command.request
    return {
        "device_id": outcome.device_id,
        "device_name": name,
        "status": outcome.status,
        "command_id": command.id if command is not None else None,
        "request_id": request_id,
        "state": command.state if command is not None else None,
        "details": details,
        "error": describe(outcome.error)[0] if outcome.error is not None else None,
    }


def command_name(text: str) -> str:
    """``text`` as one of ``COMMANDS`` (any case); a usage error otherwise."""
    name = text.strip().upper()
    if name not in COMMANDS:
        raise CliError(f"unknown command {text!r}: use one of {', '.join(COMMANDS)}", EXIT_USAGE)
    return name


def _value(field: msgspec.structs.FieldInfo, text: str) -> Any:
    """A ``KEY=VALUE`` value for ``field``: JSON for a free-form field, a list split at commas."""
    info = msgspec.inspect.type_info(field.type)
    kinds = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    if any(isinstance(kind, msgspec.inspect.AnyType) for kind in kinds):
        try:
            return json.loads(text)
        except ValueError:
            return text
    if any(isinstance(kind, msgspec.inspect.ListType) for kind in kinds):
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def parse_args(
    pairs: list[str],
    allowed: set[str] | None = None,
    *,
    model: type[msgspec.Struct] = CommandArgs,
    option: str = "--arg",
) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as ``model`` values of the right types (by attribute name).

    Keys are the model's fields (wire or attribute names); values are converted to the
    field's type (``true``/``false``, numbers, dates; JSON for a free-form field; a
    comma-separated list for a list). A value the model refuses is a usage error.
    """
    fields = msgspec.structs.fields(model)
    by_key = {f.name: f for f in fields} | {f.encode_name: f for f in fields}
    raw: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        field = by_key.get(key.strip())
        if not sep or field is None or (allowed is not None and field.name not in allowed):
            names = (
                sorted(allowed) if allowed is not None else sorted(f.encode_name for f in fields)
            )
            raise CliError(
                f"bad {option} {pair!r}: use KEY=VALUE with KEY one of {', '.join(names)}",
                EXIT_USAGE,
            )
        raw[field.encode_name] = _value(field, value)
    try:
        args = msgspec.convert(raw, model, strict=False)
        given = {f.name: getattr(args, f.name) for f in fields if f.encode_name in raw}
        model(**given)  # the model's own checks (0.1.3's ranges), which convert does not make
    except ValueError as exc:  # msgspec.ValidationError is one too
        raise CliError(f"bad {option}: {exc}", EXIT_USAGE) from None
    return given


def _status_command(run: State, command_id: str, *target: str) -> str:
    """The ``esper commands status ... --wait`` line that follows a command, ready to paste."""
    words = ["esper"]
    if run.profile:
        words += ["--profile", run.profile]
    words += ["commands", "status", command_id, *target, "--wait"]
    return shlex.join(words)


def _gave_up(exc: WaitTimeoutError, what: str, timeout: float, hint: str) -> CliError:
    """The error of a ``--wait`` that ran out of time, with a command that follows on."""
    state = exc.last.state if isinstance(exc.last, DeviceCommand | GroupCommand) else None
    still = f"still {state!r}" if state else "not final"
    return CliError(
        f"{what} {still} after {timeout:g} s",
        EXIT_WAIT_TIMEOUT,
        hint=f"it keeps running: follow it with `{hint}`",
    )


@dataclass(frozen=True)
class _Follow(Generic[T]):
    """How to follow one thing sent with ``--wait``: ``what`` it is, the SDK waiter, how
    to word its state on stderr, how to print its last state, and the command to paste."""

    what: str
    label: str
    wait: Callable[..., T]
    state: Callable[[T], str]
    show: Callable[[Any], None]
    follow_with: str


def _follow(run: State, waiting: Waiting, sent: Any, how: _Follow[T]) -> T:
    """Wait for ``sent``, its state on stderr as it changes; print the last state read
    when the wait fails, and say how to follow on when time ran out."""
    changes = Changes(how.label, quiet=run.quiet)
    try:
        return how.wait(
            sent,
            timeout=waiting.timeout,
            poll_interval=waiting.interval,
            on_poll=lambda last: changes(how.state(last)),
        )
    except WaitError as exc:
        if exc.last is not None:
            how.show(exc.last)
        if isinstance(exc, WaitTimeoutError):
            raise _gave_up(exc, how.what, waiting.timeout, how.follow_with) from None
        raise


def _wait_device(
    run: State,
    fmt: Format,
    sent: DeviceCommand,
    ref: str,
    name: str | None,
    waiting: Waiting,
) -> DeviceCommand:
    """Wait for a device command, its state on stderr as it changes."""
    device_id, command_id = str(id_from_url(sent.device)), str(sent.id)
    view = device_command_view({device_id: name})
    how = _Follow(
        what=f"command {command_id}",
        label=f"{sent.command} on {name or device_id}",
        wait=run.client().commands.wait,
        state=lambda last: str(last.state),
        show=lambda last: print_one(fmt, view, last),
        follow_with=_status_command(run, command_id, "--device", ref),
    )
    return _follow(run, waiting, sent, how)


def _wait_group(
    run: State,
    fmt: Format,
    sent: GroupCommand,
    ref: str,
    name: str | None,
    waiting: Waiting,
) -> GroupCommand:
    """Wait for a group command, its state and tally on stderr as they change."""
    group_id, command_id = str(id_from_url(sent.group)), str(sent.id)
    view = group_command_view({group_id: name})
    how = _Follow(
        what=f"group command {command_id}",
        label=f"{sent.command} on group {name or group_id}",
        wait=run.client().group_commands.wait,
        state=lambda last: (
            f"{last.state} ({_group_progress(last.details)})" if last.details else str(last.state)
        ),
        show=lambda last: print_one(fmt, view, last),
        follow_with=_status_command(run, command_id, "--group", ref),
    )
    return _follow(run, waiting, sent, how)


def _tally(statuses: list[V0CommandStatus]) -> str:
    counts = collections.Counter(str(s.state) for s in statuses)
    return ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))


def _wait_request(run: State, fmt: Format, request_id: str, waiting: Waiting) -> None:
    """Wait for every device of a v0 command request; print their states."""
    how = _Follow(
        what=f"request {request_id}",
        label=f"request {request_id}",
        wait=run.client().command_requests.wait,
        state=_tally,
        show=lambda last: _show_statuses(run, fmt, last),
        follow_with=_status_command(run, request_id),
    )
    _show_statuses(run, fmt, _follow(run, waiting, V0CommandRequest(id=request_id), how))


def _show_statuses(run: State, fmt: Format, statuses: list[V0CommandStatus]) -> None:
    names: Mapping[str, str | None] = {}
    if fmt is Format.TABLE:
        ids = [key for key in (id_from_url(s.device) for s in statuses) if key]
        names = resolve.device_names(run.client(), ids)
    show_list(run, fmt, v0_status_view(names), [statuses], "devices")


def _summarize(
    run: State, report: BulkReport, names: Mapping[str, str | None], *, wait: bool
) -> None:
    """The bulk command's summary on stderr, naming the devices still pending; exit status."""
    failed = len(report.failed)
    pending = report.by_status("pending")
    typer.echo(
        f"{report.command} on {len(report.outcomes)} devices: {len(report.succeeded)} "
        f"succeeded, {failed} failed, {len(pending)} pending",
        err=True,
    )
    if pending:
        shown = [names.get(o.device_id) or o.device_id for o in pending[:PENDING_NAMED]]
        more = len(pending) - len(shown)
        typer.echo("pending: " + ", ".join(shown) + (f" and {more} more" if more else ""), err=True)
    if failed:
        raise typer.Exit(EXIT_FAILURE)
    if wait and pending:
        raise typer.Exit(EXIT_WAIT_TIMEOUT)


def _run_many(
    run: State,
    fmt: Format,
    command: str,
    devices: dict[str, str | None],
    args: dict[str, Any],
    waiting: Waiting,
    *,
    via: Via,
) -> None:
    """Send ``command`` to several devices (or a v0-only one to any); one outcome each."""
    with CountProgress(command, quiet=run.quiet, total=len(devices)) as progress:
        report = run.client().commands.run_many(
            list(devices),
            command,
            wait=waiting.wait,
            timeout=waiting.timeout,
            poll_interval=waiting.interval,
            on_progress=progress,
            via=via.value,
            **args,
        )
    records = [outcome_record(o, devices.get(o.device_id)) for o in report.outcomes]
    show_list(run, fmt, OUTCOME, [records], "devices")
    _summarize(run, report, devices, wait=waiting.wait)


def _send_request(
    run: State,
    fmt: Format,
    command: str,
    targets: dict[str, list[str]],
    args: dict[str, Any],
    waiting: Waiting,
    *,
    schedule: str,
    schedule_args: dict[str, Any] | None,
) -> None:
    """Send one v0 command request to ``targets`` (its ``devices`` or ``groups``)."""
    request = run.client().command_requests.create(
        command,
        devices=targets.get("devices"),
        groups=targets.get("groups"),
        device_type="all",
        command_args=args,
        schedule=schedule,
        schedule_args=schedule_args,
    )
    if waiting.wait:
        _wait_request(run, fmt, str(request.id), waiting)
        return
    print_one(fmt, V0_REQUEST, request)
    if schedule == IMMEDIATE:
        run.note(f"follow it with `{_status_command(run, str(request.id))}`")


def _to_group(
    run: State,
    fmt: Format,
    command: str,
    ref: str,
    args: dict[str, Any],
    waiting: Waiting,
) -> None:
    """Send a group command to the group ``ref``."""
    if set(args) - {"app_version"}:
        raise CliError("a group command takes only app_version", EXIT_USAGE)
    esper = run.client()
    group = resolve.group(esper, ref)
    sent = esper.group_commands.run(str(group.id), command, app_version=args.get("app_version"))
    if waiting.wait:
        sent = _wait_group(run, fmt, sent, ref, group.name, waiting)
    print_one(fmt, group_command_view({str(group.id): group.name}), sent)


def _to_device(
    run: State,
    fmt: Format,
    command: str,
    ref: str,
    device: tuple[str, str | None],
    args: dict[str, Any],
    waiting: Waiting,
) -> None:
    """Send a device command to one device (``ref`` as given, its id and name)."""
    device_id, name = device
    one = run.client().commands.run(device_id, command, **args)
    if waiting.wait:
        one = _wait_device(run, fmt, one, ref, name, waiting)
    print_one(fmt, device_command_view({device_id: name}), one)


def _check_v0(command: str, how: str) -> None:
    """A usage error unless ``command`` can go in a v0 command request (sent ``how``)."""
    if command not in V0DeviceCommandEnum.allowed_values:
        runs = ", ".join(V0DeviceCommandEnum.allowed_values)
        group = ", ".join(GroupCommandEnum.allowed_values)
        raise CliError(
            f"{command} cannot be sent {how}: that takes a group command ({group}) "
            f"or a v0 command request ({runs}); or send it through the Commands API "
            "with --via commands",
            EXIT_USAGE,
        )


def only_the_api_knows(command: str) -> bool:
    """Whether ``command`` is none of the device, group and v0 commands."""
    return not any(
        command in known.allowed_values
        for known in (DeviceCommandEnum, GroupCommandEnum, V0DeviceCommandEnum)
    )


def one_api_request(
    command: str, devices: int, groups: int, *, via: Via, schedule: str, api_schedule: bool
) -> bool:
    """Whether the command goes as one Commands API request (not one per device).

    With ``--via commands``: unless it goes to devices only, now (then ``run_many``
    sends its requests). With ``auto``: when it goes to devices and groups, several
    groups, on the Commands API's schedule options, or to groups or on a schedule
    when no other API knows the command.
    """
    if via in (Via.DEVICE, Via.V0):
        return False
    if via is Via.COMMANDS:
        return bool(groups) or schedule != IMMEDIATE
    if api_schedule or (devices and groups) or groups > 1:
        return True
    return (bool(groups) or schedule != IMMEDIATE) and only_the_api_knows(command)


def bulk_via(command: str, via: Via) -> Via:
    """How ``run_many`` sends ``command`` to devices: as asked, but a command v0 knows
    and the device API does not goes, as ever, in v0 requests unless ``--via commands``
    (its ``--arg`` values are typed as v0's: the Commands API types some differently)."""
    v0_only = command not in DeviceCommandEnum.allowed_values
    if via is Via.AUTO and v0_only and command in V0DeviceCommandEnum.allowed_values:
        return Via.V0
    return via


def args_model(command: str, *, scheduled: bool = False, api: bool = False) -> type[msgspec.Struct]:
    """The model of ``command``'s arguments: the Commands API's when it goes there (or
    only it knows the command), else a device command's, or a v0 request's."""
    if api or only_the_api_knows(command):
        return ApiCommandArgs
    if command in DeviceCommandEnum.allowed_values and not scheduled:
        return CommandArgs
    return V0CommandArgs


def dispatch(
    run: State,
    fmt: Format,
    command: str,
    devices: list[str],
    groups: list[str],
    args: dict[str, Any],
    *,
    wait: bool,
    timeout: float,
    interval: float,
    via: Via = Via.AUTO,
    schedule: str = IMMEDIATE,
    schedule_args: dict[str, Any] | None = None,
    api_schedule: bool = False,
) -> None:
    """Send ``command`` to ``devices`` (ids or names), ``groups`` or both; print what
    happened.

    One device: its command. Several, or a command the device API does not know: one
    outcome per device, devices sent and finished as progress on stderr, a summary line
    naming the devices still pending, exit 1 when any failed (6 when some are still
    pending after ``--wait``). A group: its group command. Scheduled: one v0 command
    request. See ``one_api_request`` for what goes as one Commands API request.
    """
    if not devices and not groups:
        raise CliError("give --device (one or more), --group, or both", EXIT_USAGE)
    if schedule != IMMEDIATE and wait:
        raise CliError("--wait cannot follow a scheduled command", EXIT_USAGE)
    esper = run.client()
    if one_api_request(
        command, len(devices), len(groups), via=via, schedule=schedule, api_schedule=api_schedule
    ):
        targets = {"devices": list(resolve.devices(esper, devices))} if devices else {}
        if groups:
            targets["groups"] = [resolve.group_id(esper, group) for group in groups]
        command_api.send_request(
            run, fmt, command, targets, args, wait=wait, timeout=timeout, interval=interval,
            schedule=schedule, schedule_args=schedule_args,
        )  # fmt: skip
        return
    if (devices and groups) or len(groups) > 1:
        raise CliError(
            f"several targets go in one Commands API request: not with --via {via.value}",
            EXIT_USAGE,
        )
    not_device = command not in DeviceCommandEnum.allowed_values
    if not_device and via is Via.DEVICE:
        raise CliError(f"{command} is not a device command: not --via device", EXIT_USAGE)
    waiting = Waiting(wait, timeout, interval)
    if groups:
        group = groups[0]
        if command in GroupCommandEnum.allowed_values and schedule == IMMEDIATE:
            _to_group(run, fmt, command, group, args, waiting)
            return
        _check_v0(command, "to a group")
        targets = {"groups": [resolve.group_id(esper, group)]}
    else:
        named = resolve.devices(esper, devices)
        several = not_device or len(named) > 1 or via is Via.COMMANDS
        if schedule == IMMEDIATE and several:
            _run_many(run, fmt, command, named, args, waiting, via=bulk_via(command, via))
            return
        if schedule == IMMEDIATE:
            ref, device = devices[0], next(iter(named.items()))
            _to_device(run, fmt, command, ref, device, args, waiting)
            return
        _check_v0(command, "scheduled")
        targets = {"devices": list(named)}
    _send_request(
        run, fmt, command, targets, args, waiting, schedule=schedule, schedule_args=schedule_args
    )


def _complete_command(incomplete: str) -> list[str]:
    return [name for name in COMMANDS if name.startswith(incomplete.upper())]


DevicesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--device",
        "-d",
        metavar="DEVICE",
        help="Device id or name; repeat for several.",
        show_default=False,
    ),
]
GroupOpt = Annotated[
    str | None,
    typer.Option("--group", "-g", metavar="GROUP", help="Group id or name.", show_default=False),
]


@app.command("run")
def run_command(
    ctx: typer.Context,
    command: Annotated[
        str,
        typer.Argument(
            metavar="COMMAND",
            help="The command (any case): " + ", ".join(COMMANDS) + ".",
            autocompletion=_complete_command,
            show_default=False,
        ),
    ],
    device: DevicesOpt = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            metavar="GROUP",
            help="Group id or name; repeat for several (with --device too: both).",
            show_default=False,
        ),
    ] = None,
    arg: Annotated[
        list[str] | None,
        typer.Option(
            "--arg",
            "-a",
            metavar="KEY=VALUE",
            help="A command argument, e.g. app_version=ID or wifi_state=true; repeatable. "
            "A v0 command takes JSON for custom_settings_config and wifi_access_points.",
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
            help="One command per device, v0 command requests, Commands API requests, or "
            "auto (the Commands API for more devices than 16, or a command only it knows).",
        ),
    ] = Via.AUTO,
    schedule: Annotated[
        str,
        typer.Option(
            metavar="|".join(V0CommandScheduleEnum.allowed_values),
            help="When it runs; WINDOW and RECURRING need --start/--end... (a Commands API "
            "request) or --schedule-arg (a v0 request).",
        ),
    ] = IMMEDIATE,
    schedule_arg: Annotated[
        list[str] | None,
        typer.Option(
            "--schedule-arg",
            metavar="KEY=VALUE",
            help="A schedule argument, e.g. name=Nightly, start_datetime=2030-01-01T00:00:00Z, "
            "window_start_time=01:00:00, days=Monday,Friday; repeatable.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            metavar="DATETIME",
            help="Scheduled: when the schedule starts (ISO 8601, e.g. 2030-01-01T00:00:00Z).",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(metavar="DATETIME", help="Scheduled: when it ends.", show_default=False),
    ] = None,
    window_start: Annotated[
        str | None,
        typer.Option(
            metavar="HH:MM:SS", help="Scheduled: a daily window's start.", show_default=False
        ),
    ] = None,
    window_end: Annotated[
        str | None,
        typer.Option(metavar="HH:MM:SS", help="Scheduled: its end.", show_default=False),
    ] = None,
    days: Annotated[
        list[str] | None,
        typer.Option(
            metavar="DAYS",
            help="Scheduled: the window's weekdays, e.g. Monday,Friday; repeatable.",
            show_default=False,
        ),
    ] = None,
    time_type: Annotated[
        str | None,
        typer.Option(
            metavar="console|device",
            help="Scheduled: the times are the console's or each device's.",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Run a command on devices, groups or both, now or on a schedule."""
    run = state_of(ctx)
    name = command_name(command)
    when = schedule.strip().upper()
    if when not in V0CommandScheduleEnum.allowed_values:
        choices = ", ".join(V0CommandScheduleEnum.allowed_values)
        raise CliError(f"unknown --schedule {schedule!r}: use one of {choices}", EXIT_USAGE)
    scheduled = when != IMMEDIATE
    planned = command_api.schedule_args(start, end, window_start, window_end, days, time_type)
    if (schedule_arg or planned) and not scheduled:
        raise CliError(
            "--schedule-arg, --start, --end... need --schedule WINDOW or RECURRING", EXIT_USAGE
        )
    devices, groups = list(device or []), list(group or [])
    api = via is Via.COMMANDS or one_api_request(
        name, len(devices), len(groups), via=via, schedule=when, api_schedule=bool(planned)
    )
    given = parse_args(
        list(schedule_arg or []), model=V0CommandScheduleArgs, option="--schedule-arg"
    )
    dispatch(
        run,
        run.format(output),
        name,
        devices,
        groups,
        parse_args(list(arg or []), model=args_model(name, scheduled=scheduled, api=api)),
        wait=wait,
        timeout=timeout,
        interval=interval,
        via=via,
        schedule=when,
        schedule_args={**given, **planned} or None,
        api_schedule=bool(planned),
    )


@app.command("status")
def command_status(
    ctx: typer.Context,
    command_id: Annotated[str, typer.Argument(metavar="ID", help="The command id.")],
    device: Annotated[
        str | None,
        typer.Option(
            "--device",
            "-d",
            metavar="DEVICE",
            help="The device of a device command.",
            show_default=False,
        ),
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
    waiting = Waiting(wait, timeout, interval)
    if device is not None and group is not None:
        raise CliError("give --device or --group, not both", EXIT_USAGE)
    if device is not None:
        found = resolve.device(esper, device)
        one = esper.commands.get(str(found.id), command_id)
        if wait:
            one = _wait_device(run, fmt, one, device, found.device_name, waiting)
        print_one(fmt, device_command_view({str(found.id): found.device_name}), one)
        return
    if group is not None:
        named = resolve.group(esper, group)
        sent = esper.group_commands.get(str(named.id), command_id)
        if wait:
            sent = _wait_group(run, fmt, sent, group, named.name, waiting)
        print_one(fmt, group_command_view({str(named.id): named.name}), sent)
        return
    try:
        if wait:
            _wait_request(run, fmt, command_id, waiting)
        else:
            _show_statuses(run, fmt, esper.command_requests.statuses(command_id))
    except NotFoundError as exc:
        raise CliError(
            f"404 Not Found: {exc.message}",
            EXIT_NOT_FOUND,
            hint="a device command needs --device DEVICE, a group command --group GROUP",
        ) from None


app.command("requests")(command_api.list_requests)
app.command("stats")(command_api.request_stats)
app.command("statuses")(command_api.request_statuses)
app.command("cancel")(command_api.cancel_statuses)
