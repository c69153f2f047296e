"""The few primitives that differ between the async client and the sync one.

The async client's source calls ``async_sleep`` and ``async_map``; the generated sync
client calls ``sleep`` and ``thread_map`` in their place (see ``scripts/gen_sync.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from time import sleep
from typing import TypeAlias, TypeVar

# asyncio and concurrent.futures are imported where used: the sync client never needs
# the first, and plain calls never need the second.

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["AsyncReader", "Reader", "async_map", "async_sleep", "sleep", "thread_map"]

AsyncReader: TypeAlias = Callable[[], Awaitable[T]]
"""Something to read again and again: a coroutine function without arguments."""
Reader: TypeAlias = Callable[[], T]
"""The sync client's ``AsyncReader``: a function without arguments."""


async def async_sleep(seconds: float) -> None:
    """Wait without blocking the event loop."""
    import asyncio

    await asyncio.sleep(seconds)


async def async_map(fn: Callable[[T], Awaitable[R]], items: Iterable[T], limit: int) -> list[R]:
    """``fn`` over ``items``, at most ``limit`` at a time, results in input order."""
    import asyncio

    gate = asyncio.Semaphore(max(1, limit))

    async def one(item: T) -> R:
        async with gate:
            return await fn(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


def thread_map(fn: Callable[[T], R], items: Iterable[T], limit: int) -> list[R]:
    """``fn`` over ``items`` on at most ``limit`` threads, results in input order."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, limit)) as pool:
        return list(pool.map(fn, items))
