"""One command on many devices: sent one call per device or in v0 requests of 500, then followed.

``AsyncCommands.run_many`` is the public face of this module; the resources it calls
come in as the two protocols below, so this module needs nothing of theirs. It is
the source of ``esperclient._sync._bulk_run``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any, Protocol

from esperclient._async._polling import poll_until
from esperclient._bulk import (
    V0_BATCH,
    Outcome,
    ProgressTracker,
    is_final,
    outcome_of,
)
from esperclient._concurrency import AsyncReader, async_map
from esperclient._exceptions import ApiException, BadRequestError, WaitTimeoutError
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


class AsyncBulkRun:
    """``command`` with ``args`` on many devices, ``concurrency`` calls at a time.

    Every device gets exactly one outcome: no command is sent twice unless it provably
    did not arrive. ``tracker`` counts what was sent and what finished.
    """

    def __init__(
        self,
        commands: DeviceCommands,
        requests: CommandRequests,
        command: str,
        args: dict[str, Any],
        *,
        concurrency: int,
        poll_interval: float,
        tracker: ProgressTracker,
    ) -> None:
        self.commands = commands
        self.requests = requests
        self.command = command
        self.args = args
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.tracker = tracker

    async def by_device(self, ids: list[str], *, wait: bool, deadline: float) -> list[Outcome]:
        """One call per device, then each pending command read again in rounds."""
        outcomes = await self._send_each(ids)
        if not wait:
            return outcomes

        async def reread_pending() -> int:
            pending = [i for i, o in enumerate(outcomes) if o.status == "pending"]

            async def reread(index: int) -> None:
                outcomes[index] = await self._reread(outcomes[index])

            await async_map(reread, pending, self.concurrency)
            return sum(o.status == "pending" for o in outcomes)

        pending = sum(o.status == "pending" for o in outcomes)
        await self._rounds(reread_pending, pending, deadline)
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
            pending = [o for o in found.values() if _is_device_command(o)]
            for outcome in await async_map(self._reread, pending, self.concurrency):
                found[outcome.device_id] = outcome
            return len(sent) + sum(o.status == "pending" for o in found.values())

        waiting = await reread_all()
        if wait:
            await self._rounds(reread_all, waiting, deadline)
        return [found[device_id] for device_id in ids]

    async def _rounds(self, reread: AsyncReader[int], waiting: int, deadline: float) -> None:
        """Call ``reread()`` (how many are still waiting) until none wait or time is up."""
        with contextlib.suppress(WaitTimeoutError):  # those still running stay pending
            await poll_until(
                reread,
                lambda count: count == 0,
                first=waiting,
                timeout=deadline - time.monotonic(),
                poll_interval=self.poll_interval,
                describe=str,
            )

    async def _send_each(self, ids: list[str]) -> list[Outcome]:
        async def send(device_id: str) -> Outcome:
            try:
                sent = await self.commands.run(device_id, self.command, **self.args)
            except ApiException as exc:
                return self.tracker.send(Outcome(device_id, "error", error=exc))
            return self.tracker.send(outcome_of(device_id, sent))

        return await async_map(send, ids, self.concurrency)

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
