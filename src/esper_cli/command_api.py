"""``esper commands`` on the Commands API: one request to devices, groups or both (now or
on a schedule), and ``requests``, ``stats``, ``statuses`` and ``cancel``.

``commands.py`` decides when a command goes this way and registers the subcommands
written here.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Annotated, Any

import typer

from esper_cli import resolve
from esper_cli.errors import EXIT_FAILURE, EXIT_USAGE, EXIT_WAIT_TIMEOUT, CliError
from esper_cli.options import (
    LimitOpt,
    OutputOpt,
    PageSizeOpt,
    show_list,
)
from esper_cli.output import Feed, Format, View, col, page_size_for, prefetch_for, print_one
from esper_cli.progress import CountProgress
from esper_cli.state import State, state_of
from esperclient import BulkProgress, CommandState, WaitTimeoutError
from esperclient._generated.v0 import CommandRequest, CommandStatus

STATES = {
    name.lower(): value
    for name, value in vars(CommandState).items()
    if name.isupper() and isinstance(value, str)
}
"""Each state by its short name (``success``, ``queued``...), from ``CommandState``."""

REQUEST = View.of_model(
    CommandRequest,
    [
        col("ID", "id"),
        col("COMMAND", "command"),
        col("TYPE", "command_type"),
        col("SCHEDULE", "schedule"),
        col("DEVICES", lambda r: len(r.devices or [])),
        col("GROUPS", lambda r: len(r.groups or [])),
        col("CREATED", "created_at"),
    ],
)
STATS = View.of_records(["state", "total"])


def status_view(names: Mapping[str, str | None]) -> View:
    """How a device's status in a request prints; ``names`` (device id to name) name it."""
    return View.of_model(
        CommandStatus,
        [
            col("ID", "id"),
            col("DEVICE", lambda s: names.get(str(s.device)) or s.device),
            col("STATE", "state"),
            col("REASON", "reason"),
            col("UPDATED", "updated_at"),
        ],
    )


def state_name(text: str) -> str:
    """``text`` as a command state: its short name in any case, or the state itself."""
    found = STATES.get(text.strip().lower().replace(" ", "_"))
    if found is None and text in STATES.values():
        found = text
    if found is None:
        choices = ", ".join(STATES)
        raise CliError(f"unknown --state {text!r}: use one of {choices}", EXIT_USAGE)
    return found


def _follow_hint(run: State, request_id: str) -> str:
    words = ["esper", *(["--profile", run.profile] if run.profile else [])]
    return shlex.join([*words, "commands", "statuses", request_id])


def send_request(
    run: State,
    fmt: Format,
    command: str,
    targets: Mapping[str, list[str]],
    args: dict[str, Any],
    *,
    wait: bool,
    timeout: float,
    interval: float,
    schedule: str,
    schedule_args: dict[str, Any] | None,
) -> None:
    """Send ``command`` as one Commands API request to ``targets`` (``devices``,
    ``groups`` or both); print it, or with ``wait`` follow it and print every device's
    status."""
    request = run.client().commands_api.create(
        command,
        devices=targets.get("devices"),
        groups=targets.get("groups"),
        schedule=schedule,
        schedule_args=schedule_args,
        **args,
    )
    request_id = str(request.id)
    if not wait:
        print_one(fmt, REQUEST, request)
        run.note(f"follow it with `{_follow_hint(run, request_id)}`")
        return
    _wait(run, fmt, command, request_id, timeout, interval)


def _wait(
    run: State, fmt: Format, command: str, request_id: str, timeout: float, interval: float
) -> None:
    """Follow a request until every device is final (devices finished as progress),
    then print their statuses and a summary; exit 1 if any failed, 6 on a timeout."""
    esper = run.client()
    total = sum(esper.commands_api.stats(request_id).values())
    with CountProgress(command, quiet=run.quiet, total=total) as progress:

        def show(stats: dict[str, int]) -> None:
            final = sum(n for state, n in stats.items() if state in CommandState.FINAL)
            progress(BulkProgress(sum(stats.values()), final, total))

        try:
            stats = esper.commands_api.wait(
                request_id, timeout=timeout, poll_interval=interval, on_poll=show
            )
            show(stats)
        except WaitTimeoutError as exc:
            stats = exc.last if isinstance(exc.last, dict) else {}
    _show_statuses(run, fmt, request_id, None)
    done = sum(n for state, n in stats.items() if state in CommandState.FINAL)
    ok = stats.get(CommandState.SUCCESS, 0)
    typer.echo(
        f"{command} on {total} devices: {ok} succeeded, {done - ok} failed, {total - done} pending",
        err=True,
    )
    if total > done:
        raise CliError(
            f"request {request_id} not final after {timeout:g} s",
            EXIT_WAIT_TIMEOUT,
            hint=f"it keeps running: follow it with `{_follow_hint(run, request_id)}`",
        )
    if done > ok:
        raise typer.Exit(EXIT_FAILURE)


def _show_statuses(
    run: State,
    fmt: Format,
    request_id: str,
    state: str | None,
    limit: int | None = None,
    page_size: int | None = None,
) -> None:
    esper = run.client()
    statuses = esper.commands_api.statuses(
        request=request_id,
        state=state,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    pages: list[list[CommandStatus]] = list(Feed(statuses, limit))
    names: Mapping[str, str | None] = {}
    if fmt is Format.TABLE:
        ids = [str(s.device) for page in pages for s in page if s.device]
        names = resolve.device_names(esper, ids)
    show_list(run, fmt, status_view(names), pages, "statuses")


RequestArg = Annotated[str, typer.Argument(metavar="REQUEST_ID", help="A Commands API request.")]


def list_requests(
    ctx: typer.Context,
    device: Annotated[
        list[str] | None,
        typer.Option("--device", "-d", help="Only requests naming this device (id or name)."),
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option("--group", "-g", help="Only requests naming this group (id or name)."),
    ] = None,
    command: Annotated[
        str | None, typer.Option(help="Only requests of this command.", show_default=False)
    ] = None,
    schedule: Annotated[
        str | None,
        typer.Option(metavar="IMMEDIATE|WINDOW|RECURRING", help="Only requests of this schedule."),
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List the Commands API requests, oldest first."""
    run = state_of(ctx)
    esper = run.client()
    requests = esper.commands_api.list(
        devices=list(resolve.devices(esper, device)) if device else None,
        groups=[resolve.group_id(esper, g) for g in group] if group else None,
        command=command.upper() if command else None,
        schedule=schedule.upper() if schedule else None,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), REQUEST, Feed(requests, limit), "requests")


def request_stats(ctx: typer.Context, request_id: RequestArg, output: OutputOpt = None) -> None:
    """How many of a request's devices are in each state."""
    run = state_of(ctx)
    stats = run.client().commands_api.stats(request_id)
    records = [{"state": state, "total": total} for state, total in stats.items()]
    show_list(run, run.format(output), STATS, [records], "devices")


def request_statuses(
    ctx: typer.Context,
    request_id: RequestArg,
    state: Annotated[
        str | None,
        typer.Option(
            help="Only devices in this state: " + ", ".join(STATES) + ".", show_default=False
        ),
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """Every device's status in a request (their ids are what cancel takes)."""
    run = state_of(ctx)
    wanted = state_name(state) if state is not None else None
    _show_statuses(run, run.format(output), request_id, wanted, limit, page_size)


def cancel_statuses(
    ctx: typer.Context,
    status_ids: Annotated[
        list[str], typer.Argument(metavar="STATUS_ID...", help="Statuses to cancel.")
    ],
    reason: Annotated[
        str | None, typer.Option(help="Why, kept as the status's reason.", show_default=False)
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Cancel devices' commands in requests; a command already final stays as it is."""
    run = state_of(ctx)
    esper = run.client()
    done = [esper.commands_api.cancel(status_id, reason) for status_id in status_ids]
    names: Mapping[str, str | None] = {}
    fmt = run.format(output)
    if fmt is Format.TABLE:
        names = resolve.device_names(esper, [str(s.device) for s in done if s.device])
    show_list(run, fmt, status_view(names), [done], "statuses")
    ended = [s for s in done if s.state != CommandState.CANCELLED]
    if ended:
        run.note(f"{len(ended)} already final, not cancelled")


def schedule_args(
    start: str | None,
    end: str | None,
    window_start: str | None,
    window_end: str | None,
    days: list[str] | None,
    time_type: str | None,
) -> dict[str, Any]:
    """The Commands API's ``schedule_args`` from the ``run`` options given."""
    given = {
        "start_datetime": start,
        "end_datetime": end,
        "window_start_time": window_start,
        "window_end_time": window_end,
        "days": [d.strip() for day in days or [] for d in day.split(",") if d.strip()] or None,
        "time_type": time_type.lower() if time_type else None,
    }
    return {key: value for key, value in given.items() if value is not None}
