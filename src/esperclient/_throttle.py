"""A client-side rate limit: at most N requests per second, shared by a client's calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Throttle:
    """Spaces requests ``1/rate`` seconds apart (``None``: no limit), and holds them all
    back for a while when the server says the client is going too fast (``pause``).

    ``reserve`` is thread-safe and returns how long the caller must wait; the sync
    transport sleeps in ``wait``, the async one awaits the same delay.
    """

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate_limit must be a positive number of requests per second")
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Claim the next slot; the seconds to wait before using it."""
        if not self.interval and not self._paused_until:
            return 0.0
        with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._paused_until)
            if self.interval:
                self._next = slot + self.interval
            return slot - now

    def pause(self, seconds: float) -> None:
        """Let no request of the client go for ``seconds`` from now."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def wait(self) -> None:
        """Block until this thread's request may go."""
        delay = self.reserve()
        if delay > 0:
            time.sleep(delay)
