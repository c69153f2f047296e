"""Waiting for a state: read again and again, with a pause, until it is reached or time is up.

Every wait of the client (a command, a group command, a command request, the rounds
of a bulk command) is this one loop. This module is the source of
``esperclient._sync._polling``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from esperclient._concurrency import AsyncReader, async_sleep
from esperclient._exceptions import WaitTimeoutError

T = TypeVar("T")


async def poll_until(
    read: AsyncReader[T],
    done: Callable[[T], bool],
    *,
    timeout: float,
    poll_interval: float,
    describe: Callable[[T], str],
    first: T | None = None,
    on_poll: Callable[[T], None] | None = None,
) -> T:
    """The value of ``read()`` once ``done`` says so, reading every ``poll_interval`` seconds.

    Starts from ``first`` when given (nothing is read before it is checked), else from a
    first read. ``on_poll`` gets every value read that is not done. After ``timeout``
    seconds, ``WaitTimeoutError(describe(last), last)``.
    """
    deadline = time.monotonic() + timeout
    current = first if first is not None else await _read(read, done, on_poll)
    while not done(current):
        if time.monotonic() >= deadline:
            raise WaitTimeoutError(describe(current), current)
        await async_sleep(poll_interval)
        current = await _read(read, done, on_poll)
    return current


async def _read(
    read: AsyncReader[T],
    done: Callable[[T], bool],
    on_poll: Callable[[T], None] | None,
) -> T:
    value = await read()
    if on_poll is not None and not done(value):
        on_poll(value)
    return value
