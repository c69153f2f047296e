"""The states of a command, as the Esper API names them: written here once, read everywhere."""

from __future__ import annotations

from typing import Final


class CommandState:
    """The state of a device command, a group command or a device's part of a v0 request.

    ``FINAL`` are the states a command ends in; ``CommandState.SUCCESS`` is the one that
    succeeded. Each model accepts the states the Esper API gives it (e.g. a group command
    is never ``QUEUED``).
    """

    QUEUED: Final = "Command Queued"
    SCHEDULED: Final = "Command Scheduled"
    INITIATED: Final = "Command Initiated"
    ACKNOWLEDGED: Final = "Command Acknowledged"
    IN_PROGRESS: Final = "Command In Progress"
    SUCCESS: Final = "Command Success"
    FAILURE: Final = "Command Failure"
    TIMEOUT: Final = "Command TimeOut"
    CANCELLED: Final = "Command Cancelled"

    FINAL: Final = frozenset({SUCCESS, FAILURE, TIMEOUT, CANCELLED})
    """The states a command ends in."""
