"""What a bulk command reports: one outcome per device, never lost, never doubled."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from esperclient._exceptions import ApiException
from esperclient._generated.v0 import CommandStatus
from esperclient.models import (
    ApiCommand,
    CommandState,
    DeviceCommand,
    DeviceCommandEnum,
    V0CommandStatus,
)

V0_BATCH = 500
"""The most devices one v0 command request may name (the spec's ``maxItems``)."""
API_BATCH = 1000
"""The most devices one Commands API request may name (the spec's ``maxItems``)."""

Status = Literal["success", "failure", "error", "pending"]


def is_final(state: str | None) -> bool:
    """Whether a command in ``state`` has ended (success or not)."""
    return state in CommandState.FINAL


@dataclass
class Outcome:
    """What happened on one device: ``success``, ``failure`` (the command failed),
    ``error`` (the request was refused or never answered) or ``pending`` (not final when
    waiting stopped, or not waited for)."""

    device_id: str
    status: Status
    command: DeviceCommand | V0CommandStatus | CommandStatus | None = None
    error: ApiException | None = None


@dataclass
class BulkReport:
    """The outcome of a bulk command, one per device, in the order the devices were given."""

    command: str
    outcomes: list[Outcome] = field(default_factory=list)

    def by_status(self, status: Status) -> list[Outcome]:
        """The outcomes with ``status``."""
        return [o for o in self.outcomes if o.status == status]

    @property
    def succeeded(self) -> list[Outcome]:
        """Devices where the command succeeded."""
        return self.by_status("success")

    @property
    def failed(self) -> list[Outcome]:
        """Devices where the command ran and failed, or could not be sent."""
        return [o for o in self.outcomes if o.status in ("failure", "error")]

    @property
    def ok(self) -> bool:
        """Whether every device succeeded."""
        return all(o.status == "success" for o in self.outcomes)


def outcome_of(device_id: str, command: DeviceCommand | V0CommandStatus | CommandStatus) -> Outcome:
    """The outcome a device command's (or a v0 or Commands API per-device status's)
    state stands for."""
    if command.state == CommandState.SUCCESS:
        return Outcome(device_id, "success", command)
    if command.state in CommandState.FINAL:
        return Outcome(device_id, "failure", command)
    return Outcome(device_id, "pending", command)


def pick_via(command: str, devices: int, concurrency: int) -> str:
    """What ``run_many(via="auto")`` uses: ``"commands"`` for a command the Commands API
    knows sent to more than ``concurrency`` devices, or one only it knows; else
    ``"device"``."""
    device_knows = command in DeviceCommandEnum.allowed_values
    if command in ApiCommand.ALL and (not device_knows or devices > concurrency):
        return "commands"
    return "device"


Progress = Callable[[int, int], None]
"""``on_progress(sent, total)`` of an upload."""


@dataclass(frozen=True)
class BulkProgress:
    """Where a bulk command stands: ``sent`` devices of ``total`` have had the command
    sent (or refused), ``finished`` of them have a final outcome (success, failure or
    error); the ``sent - finished`` others are still running."""

    sent: int
    finished: int
    total: int


BulkProgressCallback = Callable[[BulkProgress], None]
"""``on_progress(progress)`` of a bulk command."""


class ProgressTracker:
    """Counts sent and finished devices for ``on_progress``.

    Calls are made under a lock, so they never overlap (the sync client polls on
    threads) and their counts never go down.
    """

    def __init__(self, total: int, on_progress: BulkProgressCallback | None) -> None:
        self.total = total
        self.on_progress = on_progress
        self.sent = 0
        self.finished = 0
        self._lock = threading.Lock()

    def send(self, outcome: Outcome) -> Outcome:
        """Count a device whose command was just sent (or refused); return ``outcome``."""
        self._bump(sent=1)
        return self.settle(outcome)

    def settle(self, outcome: Outcome) -> Outcome:
        """Count ``outcome`` as finished if it is final; return it."""
        if outcome.status != "pending":
            self._bump(finished=1)
        return outcome

    def _bump(self, *, sent: int = 0, finished: int = 0) -> None:
        with self._lock:
            self.sent += sent
            self.finished += finished
            if self.on_progress is not None:
                self.on_progress(BulkProgress(self.sent, self.finished, self.total))
