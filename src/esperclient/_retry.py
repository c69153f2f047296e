"""When to retry a request, and how long to wait first. No I/O: both clients share it.

A request is retried on a connection failure or timeout, and on 429, 502, 503 and
504. A request that creates something (a POST: a command, an upload) is retried only
when it provably never reached the server: the connection could not be opened. The
wait grows exponentially with full jitter, and a server's ``Retry-After`` (seconds or
an HTTP date) is honoured, capped at ``max_delay``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait; ``random`` is injectable for tests."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def retries_status(self, method: str, status: int, attempt: int) -> bool:
        """Whether an answer with ``status`` to attempt number ``attempt`` is worth repeating.

        A 429 means the server refused the request before acting on it, so even a POST
        is safe to repeat; a 5xx may have come after the server acted, so only
        idempotent methods are repeated.
        """
        if attempt >= self.max_retries or status not in RETRY_STATUSES:
            return False
        return status == 429 or method in IDEMPOTENT_METHODS

    def retries_failure(self, method: str, *, reached_server: bool, attempt: int) -> bool:
        """Whether a failure without an answer is worth repeating.

        ``reached_server`` is false only when the connection was never opened; then the
        server cannot have acted, whatever the method.
        """
        if attempt >= self.max_retries:
            return False
        return method in IDEMPOTENT_METHODS or not reached_server

    def delay(self, attempt: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to wait before retry number ``attempt + 1``."""
        hinted = retry_after(headers or {})
        if hinted is not None:
            return min(hinted, self.max_delay)
        ceiling: float = min(self.max_delay, self.initial_delay * 2.0**attempt)
        return ceiling * self.random()


def retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The wait a ``Retry-After`` (or ``retry-after-ms``) header asks for, in seconds."""
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = lowered.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import email.utils  # an HTTP date is rare: its parser is imported only for one

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())
