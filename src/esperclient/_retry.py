"""When to retry a request, and how long to wait first. No I/O: both clients share it.

A request is retried on a connection failure or timeout, and on 429, 502, 503 and
504. A request that creates something (a POST: a command, an upload) is retried only
when it provably never reached the server: the connection could not be opened. The
wait grows exponentially with full jitter, and a server's ``Retry-After`` (seconds or
an HTTP date) is honoured, capped at ``max_delay``.

A 429 is the server pacing the client, not a failure: it does not use up a retry
(``max_retries=0`` still means one attempt). The client's throttle holds every call of
the client back for the wait the server asked for, and each caller comes back at a
jittered moment after it, so callers sharing a client do not all wake at once; a call
gives up on 429s once it has waited ``rate_limit_patience`` seconds for them.

A DELETE retried after an attempt that may have reached the server, and answered 404,
has done its work: the first attempt deleted the object (``Attempts.already_done``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait; ``random`` is injectable for tests."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    rate_limit_patience: float = 60.0
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

    def rate_limited(self, headers: Mapping[str, str]) -> tuple[float, float]:
        """After a 429: how long the whole client holds back, and this caller's own wait.

        The hold is what the server asked for (``Retry-After``, else ``initial_delay``,
        capped at ``max_delay``); the caller's wait is jittered over one more hold.
        """
        hinted = retry_after(headers)
        hold = min(self.initial_delay if hinted is None else hinted, self.max_delay)
        return hold, hold * (1.0 + self.random())


class Pausable(Protocol):
    """What ``Attempts`` needs of a client's throttle."""

    def pause(self, seconds: float) -> None: ...


class Attempts:
    """The retry state of one request: after each outcome, whether to wait and retry.

    Both transports run the same loop around it: send; on a 2xx return; if
    ``already_done`` return too; else ``after_failure`` / ``after_status`` give the
    seconds to wait before the next attempt, or ``None`` to give up.
    """

    def __init__(self, policy: RetryPolicy, method: str, throttle: Pausable) -> None:
        self.policy = policy
        self.method = method
        self.throttle = throttle
        self.retries = 0
        self.rate_limited_for = 0.0
        self.may_have_run = False

    def after_failure(self, *, reached_server: bool) -> float | None:
        """A failure without an answer (``reached_server``: the request may have arrived)."""
        self.may_have_run |= reached_server
        if not self.policy.retries_failure(
            self.method, reached_server=reached_server, attempt=self.retries
        ):
            return None
        return self._retry(self.policy.delay(self.retries))

    def after_status(self, status: int, headers: Mapping[str, str]) -> float | None:
        """An answer outside 2xx."""
        if status == 429:
            return self._rate_limited(headers)
        if not self.policy.retries_status(self.method, status, self.retries):
            return None
        self.may_have_run = True  # a gateway's 5xx may come after the server acted
        return self._retry(self.policy.delay(self.retries, headers))

    def already_done(self, status: int) -> bool:
        """A retried DELETE meeting 404 after an attempt that may have deleted the object."""
        return status == 404 and self.method == "DELETE" and self.may_have_run

    def _retry(self, delay: float) -> float:
        self.retries += 1
        return delay

    def _rate_limited(self, headers: Mapping[str, str]) -> float | None:
        if self.policy.max_retries <= 0:
            return None
        hold, delay = self.policy.rate_limited(headers)
        if self.rate_limited_for + delay > self.policy.rate_limit_patience:
            return None
        self.rate_limited_for += delay
        self.throttle.pause(hold)
        return delay


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
