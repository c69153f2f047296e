"""Time-ordered UUIDs (version 7, RFC 9562) for rows made in bulk.

A seeded fleet's devices and their apps take these rather than random (version 4)
UUIDs: each new id sorts after the one before, so every index keyed by them (the ids
themselves, group memberships, apps and events by device) grows at its end instead of
at a random place, which keeps a million-device insert from rewriting pages all over
the indexes. They are UUIDs like any other to the API: unique, 62 random bits each.
"""

from __future__ import annotations

import os
import threading
import time

_COUNTER_MAX = 0xFFF


class TimeOrderedIds:
    """Makes UUIDv7 strings, each greater than the one made before in this process.

    The 12 bits after the millisecond timestamp count the ids made in the same
    millisecond (RFC 9562's fixed-length counter); past 4,096 the timestamp moves on
    a millisecond ahead of the clock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ms = 0
        self._counter = 0

    def take(self, count: int) -> list[str]:
        """``count`` new ids, in increasing order."""
        randoms = os.urandom(8 * count).hex()
        with self._lock:
            now = time.time_ns() // 1_000_000
            ms, counter = (now, -1) if now > self._ms else (self._ms, self._counter)
            ids = []
            for n in range(count):
                counter += 1
                if counter > _COUNTER_MAX:
                    ms, counter = ms + 1, 0
                stamp = f"{ms:012x}"
                rand = randoms[16 * n : 16 * n + 16]
                variant = "89ab"[int(rand[0], 16) & 3]
                ids.append(
                    f"{stamp[:8]}-{stamp[8:]}-7{counter:03x}-{variant}{rand[1:4]}-{rand[4:]}"
                )
            self._ms, self._counter = ms, counter
        return ids


new_ids = TimeOrderedIds()
"""The process's generator (ids stay ordered across the calls that share it)."""
