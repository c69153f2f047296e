"""Group commit: the requests served beside each other on SQLite share one commit.

A commit costs a request about as much as its own work does (measured: a device
command's POST took 200 µs of CPU alone, 100 µs in groups of 20). So each request's
transaction is ``grouped`` (see ``Store.transaction``), and its answer waits here until
its group is committed: the group is committed once the requests already received have
run, and no answer leaves before what it says is on disk.
"""

from __future__ import annotations

import asyncio
import functools
import threading

from esper_emulator.store import Store


class GroupCommit:
    """Awaits the commit of the store's open group of transactions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ends: dict[int, asyncio.Future[None]] = {}

    async def committed(self) -> None:
        """Return once the open group (if any) is committed; raise how it failed.

        The first to wait for a group has it committed after the callbacks the event
        loop already holds, so the requests received beside this one join it.
        """
        group = self.store.group
        if group is None:
            return
        ended = self._ends.get(group)
        if ended is None:
            loop = asyncio.get_running_loop()
            ended = self._ends[group] = loop.create_future()
            tell = functools.partial(self._ended, loop, threading.get_ident(), group)
            self.store.when_group_ends(group, tell)
            loop.call_soon(self.store.commit_group)
        await asyncio.shield(ended)  # a request cancelled while it waits leaves the others be

    def _ended(
        self,
        loop: asyncio.AbstractEventLoop,
        loop_thread: int,
        group: int,
        failure: Exception | None,
    ) -> None:
        # another thread's transaction may have committed the group first
        if threading.get_ident() == loop_thread:
            self._settle(group, failure)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(self._settle, group, failure)

    def _settle(self, group: int, failure: Exception | None) -> None:
        ended = self._ends.pop(group)
        if failure is None:
            ended.set_result(None)
        else:
            ended.set_exception(failure)
