"""Misbehaving on purpose: a rate limit, added latency, errors, dropped and reset connections.

``FaultMiddleware`` is a pure ASGI middleware (nothing is buffered) acting on ``/api``
requests only. Each request, in this order:

1. waits ``latency_ms`` when it is set (every request, whatever ``rate`` is);
2. is refused with a 429 when its API key is over ``rate_limit`` requests per second (a
   token bucket holding ``max(1, rate)`` requests): ``Retry-After`` in whole seconds
   (rounded up) and ``retry-after-ms`` for clients that read it. Nothing was done;
3. meets a fault with probability ``rate``, one of ``kinds`` drawn from a
   ``random.Random(seed)``, so a run with the same requests is the same run:

   - ``error``: a 503 in the Esper error body, before handling: nothing was done;
   - ``reset``: the connection is reset (TCP RST) before handling: nothing was done;
   - ``drop``: the request is handled and committed, then the answer starts (status,
     headers with its ``Content-Length``, half the body) and the connection is closed.
     The client sees a broken connection and cannot tell whether its POST ran: it did;
   - ``throttle``: the 429 of step 2, asking for ``THROTTLE_WAIT`` seconds: the rate
     limit's answer on a schedule that does not depend on how fast requests come.

``Faults`` holds the settings (changed at run time through the side door) and the
counters of what was done: requests seen, 429s sent, latency added and faults injected,
by kind and by method.

Closing a connection needs a handle on it, which ASGI does not give: the emulator's
server (``server.py``) runs uvicorn with a protocol that puts a ``Connection`` in each
request's ``scope["state"]``. Under another server, a reset or a drop starts an answer
and returns without finishing it, which makes the server close the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import random
import socket
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from esper_emulator.errors import error_response
from esper_emulator.settings import FAULT_KINDS, Settings
from esper_emulator.store import Store
from esper_emulator.store import shared as shared_db

CONNECTION = "esper_emulator.connection"
CLOSE_TIMEOUT = 1.0
THROTTLE_WAIT = 1.0
"""The seconds a ``throttle`` fault's 429 asks the client to wait."""


class Connection:
    """One client connection, as the server's protocol saw it being made."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._lost = asyncio.Event()

    def close(self) -> None:
        """Close after what was written so far has gone out (the peer sees EOF)."""
        self._transport.close()

    def reset(self) -> None:
        """Reset the connection: a TCP RST, anything unsent is thrown away."""
        sock = self._transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._transport.abort()

    def lost(self) -> None:
        """Called by the protocol once the connection is gone."""
        self._lost.set()

    async def wait_closed(self) -> None:
        """Until the server has seen the connection go (so it writes nothing more)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._lost.wait(), CLOSE_TIMEOUT)


class RateLimiter:
    """Token buckets, one per API key: ``rate`` requests a second, bursts of ``max(1, rate)``."""

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[bytes, tuple[float, float]] = {}
        self._rate = rate

    @property
    def rate(self) -> float | None:
        """Requests per second per key; ``None``: no limit."""
        return self._rate

    @rate.setter
    def rate(self, value: float | None) -> None:
        self._rate = value
        self._buckets.clear()

    def take(self, key: bytes) -> float:
        """Spend one of ``key``'s tokens: 0.0, or the seconds until one is there (none spent)."""
        rate = self._rate
        if rate is None:
            return 0.0
        burst = max(1.0, rate)
        now = self._clock()
        tokens, then = self._buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - then) * rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / rate


class SharedRateLimiter(RateLimiter):
    """``RateLimiter`` with its buckets in the database, shared by the workers serving it.

    A bucket is a row per key (its SHA-256, never the key), spent in one atomic
    statement; none is read or written while no rate is set.
    """

    def __init__(self, store: Store, rate: float | None) -> None:
        super().__init__(rate)
        self._store = store

    @RateLimiter.rate.setter  # type: ignore[attr-defined,untyped-decorator]
    def rate(self, value: float | None) -> None:
        self._rate = value
        with self._store.transaction():
            shared_db.clear_buckets(self._store)

    def follow(self, rate: float | None) -> None:
        """Take the rate another worker set (it cleared the buckets)."""
        self._rate = rate

    def take(self, key: bytes) -> float:
        """``RateLimiter.take``, on the key's row."""
        rate = self._rate
        if rate is None:
            return 0.0
        key_hash = hashlib.sha256(key).hexdigest()
        with self._store.engine.begin() as conn:
            return shared_db.take_token(conn, key_hash, rate, time.time())


@dataclass
class Counters:
    """What the middleware did, since the emulator started."""

    requests: int = 0
    rate_limited: int = 0
    delayed: int = 0
    latency_ms_total: float = 0.0
    faults: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FAULT_KINDS, 0))
    faults_by_method: dict[str, dict[str, int]] = field(default_factory=dict)

    def fault(self, kind: str, method: str) -> None:
        """Count one injected fault."""
        self.faults[kind] += 1
        by_kind = self.faults_by_method.setdefault(method, dict.fromkeys(FAULT_KINDS, 0))
        by_kind[kind] += 1

    def add(self, counted: dict[str, Any]) -> None:
        """Add counters given as ``as_dict`` gives them (another worker's)."""
        self.requests += counted["requests"]
        self.rate_limited += counted["rate_limited"]
        self.delayed += counted["delayed"]
        self.latency_ms_total += counted["latency_ms_total"]
        for kind, n in counted["faults"].items():
            self.faults[kind] = self.faults.get(kind, 0) + n
        for method, kinds in counted["faults_by_method"].items():
            by_kind = self.faults_by_method.setdefault(method, dict.fromkeys(FAULT_KINDS, 0))
            for kind, n in kinds.items():
                by_kind[kind] = by_kind.get(kind, 0) + n

    def as_dict(self) -> dict[str, Any]:
        """The counters as JSON-ready values."""
        return {
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "delayed": self.delayed,
            "latency_ms_total": self.latency_ms_total,
            "faults": dict(self.faults),
            "faults_by_method": {m: dict(k) for m, k in sorted(self.faults_by_method.items())},
        }


class Faults:
    """One emulator's faults: what to inject (changeable at run time) and what was."""

    def __init__(self, settings: Settings) -> None:
        self.rate = settings.fault_rate
        self.latency_ms = settings.fault_latency_ms
        self.kinds: tuple[str, ...] = settings.fault_kinds
        self.limiter = RateLimiter(settings.rate_limit)
        self.counters = Counters()
        self.seed = 0
        self.worker = 1
        """Which of the workers serving one database this process is (see ``reseed``)."""
        self.random = random.Random()  # noqa: S311  (fault draws, not secrets)
        self.reseed(settings.fault_seed)

    def reseed(self, seed: int | None) -> None:
        """Restart the draws from ``seed`` (a fresh random one when ``None``, reported).

        Worker 1 (the only one, unless several share a database) draws from
        ``random.Random(seed)``; worker ``k`` from one seeded with ``(seed, k)``.
        """
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
        source = self.seed if self.worker == 1 else f"{self.seed}/{self.worker}"
        self.random = random.Random(source)  # noqa: S311  (fault draws, not secrets)

    def set_kinds(self, kinds: Sequence[str]) -> None:
        """Which faults may be drawn (kept in a fixed order, so draws repeat)."""
        self.kinds = tuple(kind for kind in FAULT_KINDS if kind in kinds)

    def config(self) -> dict[str, Any]:
        """The fault settings in force: ``rate``, ``latency_ms``, ``kinds``, ``seed``."""
        return {
            "rate": self.rate,
            "latency_ms": self.latency_ms,
            "kinds": list(self.kinds),
            "seed": self.seed,
        }

    def draw(self, method: str) -> str | None:
        """The fault this request meets, if any (counted)."""
        if self.rate <= 0 or not self.kinds or self.random.random() >= self.rate:
            return None
        kind = self.random.choice(self.kinds)
        self.counters.fault(kind, method)
        return kind

    async def delay(self) -> None:
        """Wait the added latency, when there is one (counted)."""
        if self.latency_ms > 0:
            self.counters.delayed += 1
            self.counters.latency_ms_total += self.latency_ms
            await asyncio.sleep(self.latency_ms / 1000)

    def throttle(self, scope: Scope) -> float:
        """0.0 when the request's API key may go on, else the seconds it must wait (counted)."""
        if self.limiter.rate is None:
            return 0.0
        wait = self.limiter.take(_header(scope, b"authorization"))
        if wait > 0:
            self.counters.rate_limited += 1
        return wait


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value)
    return b""


def _is_api(scope: Scope) -> bool:
    if scope["type"] != "http":
        return False
    path: str = scope["path"]
    return path == "/api" or path.startswith("/api/")


def too_many_requests(wait: float, *, enveloped: bool = False) -> Response:
    """The 429 for a key that must wait ``wait`` seconds."""
    seconds = max(1, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    return error_response(
        429,
        f"Request was throttled. Expected available in {seconds} {unit}.",
        headers={
            "Retry-After": str(seconds),
            "retry-after-ms": str(max(1, math.ceil(wait * 1000))),
        },
        enveloped=enveloped,
    )


def service_unavailable(*, enveloped: bool = False) -> Response:
    """The injected 503: refused before the request was looked at."""
    message = "Service temporarily unavailable, try again later."
    return error_response(503, message, enveloped=enveloped)


class FaultMiddleware:
    """Applies the emulator's ``Faults`` to its ``/api`` requests (see the module's text)."""

    def __init__(
        self,
        app: ASGIApp,
        faults: Faults,
        enveloped: Callable[[Scope], bool] = lambda scope: False,
        refresh: Callable[[], None] = lambda: None,
    ) -> None:
        self.app = app
        self.faults = faults
        self.enveloped = enveloped
        self.refresh = refresh
        """Called first on each ``/api`` request: what other workers changed is read."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope):
            await self.app(scope, receive, send)
            return
        self.refresh()
        faults = self.faults
        faults.counters.requests += 1
        await faults.delay()
        wait = faults.throttle(scope)
        if wait > 0:
            await too_many_requests(wait, enveloped=self.enveloped(scope))(scope, receive, send)
            return
        kind = faults.draw(scope["method"])
        if kind == "throttle":
            faults.counters.rate_limited += 1
            refusal = too_many_requests(THROTTLE_WAIT, enveloped=self.enveloped(scope))
            await refusal(scope, receive, send)
        elif kind == "error":
            await service_unavailable(enveloped=self.enveloped(scope))(scope, receive, send)
        elif kind == "reset":
            await _hang_up(scope, send, reset=True)
        elif kind == "drop":
            await _handle_then_drop(self.app, scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def _hang_up(scope: Scope, send: Send, *, reset: bool, started: bool = False) -> None:
    """End the connection without a complete answer."""
    connection: Connection | None = scope.get("state", {}).get(CONNECTION)
    if connection is None:  # another server: an unfinished answer makes it close
        if not started:
            await send(_start(503, [(b"content-length", b"1")]))
        return
    if reset:
        connection.reset()
    else:
        connection.close()
    await connection.wait_closed()


def _start(status: int, headers: list[tuple[bytes, bytes]]) -> Message:
    return {"type": "http.response.start", "status": status, "headers": headers}


async def _handle_then_drop(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Let ``app`` handle the request, send part of its answer, then close the connection."""
    start: Message | None = None
    dropped = False

    async def send_part(message: Message) -> None:
        nonlocal start, dropped
        if dropped:
            return
        if message["type"] == "http.response.start":
            start = message
            return
        body: bytes = message.get("body", b"")
        started = False
        if body and start is not None:
            await send(_with_length(start, body, message.get("more_body", False)))
            half = body[: len(body) // 2]
            await send({"type": "http.response.body", "body": half, "more_body": True})
            started = True
        dropped = True
        await _hang_up(scope, send, reset=False, started=started)

    await app(scope, receive, send_part)
    if not dropped:
        await _hang_up(scope, send, reset=False)


def _with_length(start: Message, body: bytes, more_body: bool) -> Message:
    """``start`` with a ``Content-Length``: the whole body's, when it is all there."""
    headers = list(start.get("headers", []))
    if more_body or any(key.lower() == b"content-length" for key, _ in headers):
        return start
    return {**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
