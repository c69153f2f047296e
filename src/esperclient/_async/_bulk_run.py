"""One command on many devices: sent one call per device, in v0 requests of 500 or in
Commands API requests of 1,000, then followed.

``AsyncCommands.run_many`` is the public face of this module; the resources it calls
come in as the three protocols below, so this module needs nothing of theirs. It is
the source of ``esperclient._sync._bulk_run``.

A Commands API request is followed through its per-device statuses, a page of
``STATUS_PAGE`` at a time, each request read on its own (``concurrency`` at a time)
until none of its devices is pending. Its ``stats`` would say when nothing changed in
one request a round, but reading them first costs that request each round on top of
the statuses, which give every device's outcome in as few pages as a request has
thousands of devices: the statuses alone take fewer requests whenever a page holds a
whole request, as it does here.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from esperclient._async._pagination import AsyncPaginator
from esperclient._async._polling import poll_until
from esperclient._bulk import (
    API_BATCH,
    V0_BATCH,
    Outcome,
    ProgressTracker,
    is_final,
    outcome_of,
)
from esperclient._concurrency import AsyncReader, async_map, async_sleep
from esperclient._exceptions import ApiException, BadRequestError, WaitTimeoutError
from esperclient._generated.v0 import CommandRequest, CommandStatus
from esperclient.models import (
    CommandArgs,
    DeviceCommand,
    DeviceCommandEnum,
    V0CommandRequest,
    V0CommandStatus,
    id_from_url,
)


class DeviceCommands(Protocol):
    """Commands to one device, as ``AsyncCommands`` sends them."""

    async def run(self, device_id: str, command: str, **command_args: Any) -> DeviceCommand: ...

    async def get(self, device_id: str, command_id: str) -> DeviceCommand: ...


class CommandRequests(Protocol):
    """v0 command requests, as ``AsyncCommandRequests`` sends them."""

    async def create(
        self,
        command: str,
        *,
        devices: Sequence[str] | None = None,
        device_type: str = "active",
        command_args: dict[str, Any] | None = None,
    ) -> V0CommandRequest: ...

    async def statuses(self, request_id: str) -> list[V0CommandStatus]: ...


class CommandApi(Protocol):
    """Commands API requests, as ``AsyncCommandApi`` sends and reads them."""

    async def create(
        self, command: str, *, devices: Sequence[str] | None = None, **command_args: Any
    ) -> CommandRequest: ...

    def statuses(
        self, *, request: str | Sequence[str] | None = None, page_size: int = ...
    ) -> AsyncPaginator[CommandStatus]: ...


STATUS_PAGE = 1000
"""Statuses read per page of a Commands API request: a whole request's in one."""


@dataclass(frozen=True)
class _ApiRequest:
    """A Commands API request sent: its id and the devices it named."""

    id: str
    devices: list[str]


class AsyncBulkRun:
    """``command`` with ``args`` on many devices, ``concurrency`` calls at a time.

    Every device gets exactly one outcome: no command is sent twice unless it provably
    did not arrive. ``tracker`` counts what was sent and what finished.
    """

    def __init__(
        self,
        commands: DeviceCommands,
        requests: CommandRequests,
        api: CommandApi,
        command: str,
        args: dict[str, Any],
        *,
        concurrency: int,
        poll_interval: float,
        tracker: ProgressTracker,
    ) -> None:
        self.commands = commands
        self.requests = requests
        self.api = api
        self.command = command
        self.args = args
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.tracker = tracker

    async def by_device(self, ids: list[str], *, wait: bool, deadline: float) -> list[Outcome]:
        """One call per device, then each pending command read again in rounds.

        Each command is read again ``poll_interval`` after it was last read (sent, at
        first), as ``wait`` reads one: when sending took longer than that, the first
        commands sent are read again as soon as the last is sent.
        """
        read_at = [0.0] * len(ids)

        async def send(index: int) -> Outcome:
            outcome = await self._send_one(ids[index])
            read_at[index] = time.monotonic()
            return outcome

        outcomes = await async_map(send, range(len(ids)), self.concurrency)
        if not wait:
            return outcomes

        async def reread_pending() -> int:
            pending = [i for i, o in enumerate(outcomes) if o.status == "pending"]

            async def reread(index: int) -> None:
                due = min(read_at[index] + self.poll_interval, deadline)
                await async_sleep(max(0.0, due - time.monotonic()))
                outcomes[index] = await self._reread(outcomes[index])
                read_at[index] = time.monotonic()

            await async_map(reread, pending, self.concurrency)
            return sum(o.status == "pending" for o in outcomes)

        pending = sum(o.status == "pending" for o in outcomes)
        await self._rounds(reread_pending, pending, deadline, poll_interval=0.0)
        return outcomes

    async def by_request(self, ids: list[str], *, wait: bool, deadline: float) -> list[Outcome]:
        """v0 requests of up to 500 devices, then their per-device states in rounds."""
        found: dict[str, Outcome] = {}
        sent: list[V0CommandRequest] = []

        async def send(batch: list[str]) -> None:
            for outcome in await self._send_request(batch, sent):
                found[outcome.device_id] = outcome

        batches = [ids[i : i + V0_BATCH] for i in range(0, len(ids), V0_BATCH)]
        await async_map(send, batches, self.concurrency)

        async def reread_all() -> int:
            sent[:] = await self._read_requests(sent, found)
            return len(sent) + await self._reread_device_commands(found)

        waiting = await reread_all()
        if wait:
            await self._rounds(reread_all, waiting, deadline)
        return [found[device_id] for device_id in ids]

    async def by_api(self, ids: list[str], *, wait: bool, deadline: float) -> list[Outcome]:
        """Commands API requests of up to 1,000 devices, then their statuses in rounds."""
        found: dict[str, Outcome] = {}
        sent: list[_ApiRequest] = []

        async def send(batch: list[str]) -> None:
            for outcome in await self._send_api_request(batch, sent):
                found[outcome.device_id] = outcome

        unique = list(dict.fromkeys(ids))
        batches = [unique[i : i + API_BATCH] for i in range(0, len(unique), API_BATCH)]
        await async_map(send, batches, self.concurrency)

        async def read(request: _ApiRequest) -> bool:
            return await self._read_api_request(request, found)

        async def reread_all() -> int:
            still = await async_map(read, sent, self.concurrency)
            sent[:] = [request for request, waiting in zip(sent, still, strict=True) if waiting]
            return len(sent) + await self._reread_device_commands(found)

        waiting = await reread_all()
        if wait:
            await self._rounds(reread_all, waiting, deadline)
        return [found[device_id] for device_id in ids]

    async def _rounds(
        self,
        reread: AsyncReader[int],
        waiting: int,
        deadline: float,
        poll_interval: float | None = None,
    ) -> None:
        """Call ``reread()`` (how many are still waiting) until none wait or time is up,
        ``poll_interval`` apart (``self.poll_interval`` unless given)."""
        with contextlib.suppress(WaitTimeoutError):  # those still running stay pending
            await poll_until(
                reread,
                lambda count: count == 0,
                first=waiting,
                timeout=deadline - time.monotonic(),
                poll_interval=self.poll_interval if poll_interval is None else poll_interval,
                describe=str,
            )

    async def _send_each(self, ids: list[str]) -> list[Outcome]:
        return await async_map(self._send_one, ids, self.concurrency)

    async def _send_one(self, device_id: str) -> Outcome:
        try:
            sent = await self.commands.run(device_id, self.command, **self.args)
        except ApiException as exc:
            return self.tracker.send(Outcome(device_id, "error", error=exc))
        return self.tracker.send(outcome_of(device_id, sent))

    async def _send_request(self, batch: list[str], sent: list[V0CommandRequest]) -> list[Outcome]:
        """Send one v0 request for ``batch`` (noted in ``sent``); each device's outcome."""
        try:
            request = await self.requests.create(
                self.command, devices=batch, device_type="all", command_args=self.args
            )
        except BadRequestError as exc:  # an id the server refuses: find it one by one
            if self._device_api_takes():
                return await self._send_each(batch)
            return [self.tracker.send(Outcome(d, "error", error=exc)) for d in batch]
        except ApiException as exc:
            return [self.tracker.send(Outcome(d, "error", error=exc)) for d in batch]
        sent.append(request)
        return [self.tracker.send(Outcome(d, "pending")) for d in batch]

    async def _send_api_request(self, batch: list[str], sent: list[_ApiRequest]) -> list[Outcome]:
        """Send one Commands API request for ``batch`` (noted in ``sent``); each device's
        outcome. A request refused as invalid wrote nothing, so its devices may go one by
        one; any other failure may have sent it, so it is never sent again."""
        try:
            request = await self.api.create(self.command, devices=batch, **self.args)
        except BadRequestError as exc:
            if self._device_api_takes():
                return await self._send_each(batch)
            return [self.tracker.send(Outcome(d, "error", error=exc)) for d in batch]
        except ApiException as exc:
            return [self.tracker.send(Outcome(d, "error", error=exc)) for d in batch]
        sent.append(_ApiRequest(str(request.id), batch))
        return [self.tracker.send(Outcome(d, "pending")) for d in batch]

    async def _read_api_request(self, request: _ApiRequest, found: dict[str, Outcome]) -> bool:
        """Settle the request's per-device statuses in ``found``; whether any still waits.

        Once every page is read, a device of the request with no status got no command
        (its platform does not carry this one out): an ``error``.
        """
        seen: set[str] = set()
        try:
            async for status in self.api.statuses(request=request.id, page_size=STATUS_PAGE):
                device_id = str(status.device)
                seen.add(device_id)
                if device_id in found and found[device_id].status == "pending":
                    found[device_id] = self.tracker.settle(outcome_of(device_id, status))
        except ApiException:
            return True  # read again next round
        for device_id in request.devices:
            if device_id not in seen and found[device_id].status == "pending":
                found[device_id] = self.tracker.settle(self._not_reached(device_id))
        return any(found[device_id].status == "pending" for device_id in request.devices)

    def _not_reached(self, device_id: str) -> Outcome:
        reason = f"the request gave the device no {self.command} command: its platform lacks it"
        return Outcome(device_id, "error", error=ApiException(reason=reason))

    async def _reread_device_commands(self, found: dict[str, Outcome]) -> int:
        """Read again the pending device commands in ``found`` (sent one by one after a
        refused request); how many devices are still pending."""
        pending = [o for o in found.values() if _is_device_command(o)]
        for outcome in await async_map(self._reread, pending, self.concurrency):
            found[outcome.device_id] = outcome
        return sum(o.status == "pending" for o in found.values())

    async def _read_requests(
        self, sent: list[V0CommandRequest], found: dict[str, Outcome]
    ) -> list[V0CommandRequest]:
        """Settle each request's per-device states in ``found``; the requests not final yet."""
        still: list[V0CommandRequest] = []
        for request in sent:
            try:
                statuses = await self.requests.statuses(str(request.id))
            except ApiException:
                still.append(request)
                continue
            for status in statuses:
                device_id = id_from_url(status.device) or ""
                if device_id in found and found[device_id].status == "pending":
                    found[device_id] = self.tracker.settle(outcome_of(device_id, status))
            if not all(is_final(s.state) for s in statuses):
                still.append(request)
        return still

    async def _reread(self, previous: Outcome) -> Outcome:
        """A pending device command read again; ``previous`` when the read fails."""
        if not isinstance(previous.command, DeviceCommand):
            return previous
        try:
            current = await self.commands.get(previous.device_id, str(previous.command.id))
        except ApiException:
            return previous  # read again next round
        return self.tracker.settle(outcome_of(previous.device_id, current))

    def _device_api_takes(self) -> bool:
        """Whether the command and its arguments can also go to the one-device API."""
        return self.command in DeviceCommandEnum.allowed_values and set(self.args) <= set(
            CommandArgs.__struct_fields__
        )


def _is_device_command(outcome: Outcome) -> bool:
    return outcome.status == "pending" and isinstance(outcome.command, DeviceCommand)
