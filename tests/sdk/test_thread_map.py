"""``thread_map``: the sync client's ``async_map`` (``run_many`` sends and reads through it)."""

from __future__ import annotations

import threading

import pytest

from esperclient._concurrency import thread_map

DEADLINE_S = 30.0


def test_results_come_in_the_order_of_the_items() -> None:
    assert thread_map(lambda n: n * n, range(1000), 8) == [n * n for n in range(1000)]
    assert thread_map(str, [], 8) == []


def test_limit_calls_run_at_once() -> None:
    """The first ``limit`` calls meet at a barrier, which breaks unless they all run at
    once, each on a thread of its own."""
    limit = 4
    meeting = threading.Barrier(limit, timeout=DEADLINE_S)
    threads: set[int] = set()

    def call(index: int) -> int:
        threads.add(threading.get_ident())
        if index < limit:
            meeting.wait()
        return index

    assert thread_map(call, range(200), limit) == list(range(200))
    assert len(threads) == limit


def test_a_failure_stops_new_calls_and_is_raised() -> None:
    started: list[int] = []

    def call(index: int) -> int:
        started.append(index)
        if index == 2:
            raise LookupError("no such device")
        return index

    with pytest.raises(LookupError, match="no such device"):
        thread_map(call, range(1000), 1)
    assert started == [0, 1, 2]


def test_a_failure_on_one_of_several_threads_is_raised() -> None:
    def call(index: int) -> int:
        if index == 500:
            raise LookupError("no such device")
        return index

    with pytest.raises(LookupError, match="no such device"):
        thread_map(call, range(1000), 8)


def test_a_limit_below_one_still_runs_every_call() -> None:
    assert thread_map(lambda n: n + 1, range(5), 0) == [1, 2, 3, 4, 5]
