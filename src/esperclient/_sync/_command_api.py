# Generated from esperclient/_async/_command_api.py by scripts/gen_sync.py: do not edit.
"""``esper.commands_api``: the Commands API (``/commands/v0/``), one command to many devices.

A request goes to devices, groups (and their subgroups) or both; each device's part of
it has a status of its own, which ``stats`` counts by state and ``cancel`` can stop.
This module is the source of ``esperclient._sync._command_api``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from esperclient._bulk import is_final
from esperclient._exceptions import ApiStatusError
from esperclient._generated import v0
from esperclient._generated.v0 import CommandRequest, CommandScheduleArgs, CommandStatus
from esperclient._sync._pagination import Paginator
from esperclient._sync._polling import poll_until
from esperclient._sync._resource import PAGE_SIZE, Resource
from esperclient.models import CommandState

NOT_MODIFIED = 304


class CommandApi(Resource):
    """Command requests of the Commands API and the per-device statuses of their commands."""

    def create(
        self,
        command: str,
        *,
        devices: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
        command_type: str | None = None,
        schedule: str = "IMMEDIATE",
        schedule_args: CommandScheduleArgs | Mapping[str, Any] | None = None,
        alias: str | None = None,
        **command_args: Any,
    ) -> CommandRequest:
        """Send ``command`` (e.g. ``"REBOOT"``) to ``devices``, ``groups`` or both.

        ``command_type`` defaults to ``DEVICE`` for devices only, ``GROUP`` for groups
        only, else ``DYNAMIC``. ``command_args`` are the command's arguments by their wire
        names (``package_name="..."``); ``schedule`` ``WINDOW`` or ``RECURRING`` needs
        ``schedule_args``.
        """
        kind = command_type or ("GROUP" if groups and not devices else "DEVICE")
        if devices and groups and command_type is None:
            kind = "DYNAMIC"
        body: dict[str, Any] = {
            "command_type": kind,
            "device_type": "all",
            "command": command,
            "schedule": schedule,
        }
        optional = {
            "devices": list(devices) if devices else None,
            "groups": list(groups) if groups else None,
            "command_args": command_args or None,
            "schedule_args": msgspec.to_builtins(schedule_args) if schedule_args else None,
            "alias": alias,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return self._client.call(v0.CREATE_COMMAND_REQUEST, body=body)

    def list(
        self,
        *,
        devices: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
        command: str | None = None,
        schedule: str | None = None,
        exclude_internal_commands: bool | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> Paginator[CommandRequest]:
        """The requests matching the filters, oldest first (a lazy paginator)."""
        return self._paged(
            v0.LIST_COMMAND_REQUESTS,
            page_size,
            prefetch,
            devices=_csv(devices),
            groups=_csv(groups),
            command=command,
            schedule=schedule,
            exclude_internal_commands=exclude_internal_commands,
        )

    def get(self, request_id: str) -> CommandRequest:
        """One request."""
        return self._client.call(v0.GET_COMMAND_REQUEST, id=request_id)

    def stats(self, request_id: str) -> dict[str, int]:
        """How many of the request's devices are in each state (the states with any)."""
        found = self._client.call(v0.GET_COMMAND_REQUEST_STATS, id=request_id)
        return {str(item.state): int(item.total or 0) for item in found.status or []}

    def statuses(
        self,
        *,
        request: str | Sequence[str] | None = None,
        device: str | Sequence[str] | None = None,
        state: str | None = None,
        exclude_internal_commands: bool | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> Paginator[CommandStatus]:
        """The per-device statuses of some requests or devices (a lazy paginator)."""
        return self._paged(
            v0.GET_COMMAND_REQUEST_STATUSES,
            page_size,
            prefetch,
            request=_csv(request),
            device=_csv(device),
            state=state,
            exclude_internal_commands=exclude_internal_commands,
        )

    def status(self, status_id: str) -> CommandStatus:
        """One device's status in a request."""
        return self._client.call(v0.GET_COMMAND_STATUS, id=status_id)

    def cancel(self, status_id: str, reason: str | None = None) -> CommandStatus:
        """Cancel one device's command; its status.

        A command already cancelled or ended (the API's 304) is no error: its status.
        """
        body = {"state": CommandState.CANCELLED, **({"reason": reason} if reason else {})}
        try:
            return self._client.call(v0.UPDATE_COMMAND_STATUS, id=status_id, body=body)
        except ApiStatusError as exc:
            if exc.status != NOT_MODIFIED:
                raise
        return self.status(status_id)

    def wait(
        self,
        request: CommandRequest | str,
        *,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        on_poll: Callable[[dict[str, int]], None] | None = None,
    ) -> dict[str, int]:
        """Poll ``stats`` until no device of ``request`` is in a non-final state; the stats.

        ``WaitTimeoutError`` after ``timeout`` seconds, with the last stats in ``last``;
        ``on_poll`` gets each read before then. A RECURRING request is final only once
        its last window has passed.
        """
        request_id = request if isinstance(request, str) else str(request.id)
        return poll_until(
            lambda: self.stats(request_id),
            lambda stats: all(is_final(state) for state in stats),
            timeout=timeout,
            poll_interval=poll_interval,
            describe=lambda last: f"request {request_id} not final after {timeout} s: {last}",
            on_poll=on_poll,
        )


def _csv(values: str | Sequence[str] | None) -> str | None:
    """A filter's ids, comma-separated."""
    if values is None or isinstance(values, str):
        return values
    return ",".join(values) or None
