"""The few primitives that differ between the async client and the sync one.

The async client's source calls ``async_sleep``, ``async_map`` and ``AsyncWindow``; the
generated sync client calls ``sleep``, ``thread_map`` and ``ThreadWindow`` in their place
(see ``scripts/gen_sync.py``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from time import sleep
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar, cast

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future, ThreadPoolExecutor

# asyncio and concurrent.futures are imported where used: the sync client never needs
# the first, and plain calls never need the second.

T = TypeVar("T")
R = TypeVar("R")

__all__ = [
    "AsyncReader",
    "AsyncWindow",
    "Reader",
    "ThreadWindow",
    "async_map",
    "async_sleep",
    "sleep",
    "thread_map",
]

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
    """``fn`` over ``items`` on at most ``limit`` threads, results in input order.

    Each thread takes the next item when it is done with one: no future and no queue
    per item, which cost a thread pool ~50 µs of CPU an item. The first exception stops
    the threads taking more items, and is raised once each has finished the one it had.
    """
    import threading

    work = list(items)
    results: list[R | None] = [None] * len(work)
    taking = threading.Lock()
    order = iter(range(len(work)))
    failures: list[BaseException] = []

    def run() -> None:
        while not failures:
            with taking:
                index = next(order, None)
            if index is None:
                return
            try:
                results[index] = fn(work[index])
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(min(max(1, limit), len(work)))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException as exc:  # interrupted: the threads started take no more items
        failures.append(exc)
        for thread in threads:
            if thread.ident is not None:
                thread.join()
        raise
    if failures:
        raise failures[0]
    return cast("list[R]", results)


class AsyncWindow(Generic[R]):
    """Calls running side by side, their results taken in the order they were started.

    ``aclose`` cancels the calls still running; the caller bounds how many it starts.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._running: deque[asyncio.Future[R]] = deque()

    def __len__(self) -> int:
        return len(self._running)

    def start(self, call: Callable[[], Awaitable[R]]) -> None:
        """Start ``call`` now, in the background."""
        import asyncio

        self._running.append(asyncio.ensure_future(call()))

    async def next(self) -> R:
        """The result of the oldest call (its error, raised)."""
        return await self._running.popleft()

    async def aclose(self) -> None:
        """Cancel the calls still running and wait until they stopped."""
        import asyncio

        running = list(self._running)
        self._running.clear()
        for call in running:
            call.cancel()
        await asyncio.gather(*running, return_exceptions=True)


class ThreadWindow(Generic[R]):
    """The sync client's ``AsyncWindow``: the calls run on up to ``size`` threads, started
    with the first call and stopped by ``close``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._running: deque[Future[R]] = deque()
        self._pool: ThreadPoolExecutor | None = None

    def __len__(self) -> int:
        return len(self._running)

    def start(self, call: Callable[[], R]) -> None:
        """Start ``call`` now, on a thread of the window."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max(1, self.size), thread_name_prefix="esper-page")
        self._running.append(self._pool.submit(call))

    def next(self) -> R:
        """The result of the oldest call (its error, raised)."""
        return self._running.popleft().result()

    def close(self) -> None:
        """Cancel the calls not started yet, wait for those running, stop the threads."""
        self._running.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
