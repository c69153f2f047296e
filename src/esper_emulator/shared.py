"""What the processes serving one database share, so that N workers behave as one.

``esper-emulator serve --db postgresql://... --workers N`` runs N processes, each with
its own ``Emulator`` over the one database. Whatever lives in a process's memory on
SQLite (where one process serves) lives in the database on PostgreSQL:

- the simulated clock's offset (``meta``), the fault settings, the rate limit and
  ``fail_next_commands`` (``shared_state``): a change through the side door of any
  worker holds on every worker from its next request. Before each request a worker
  reads them in one round trip (``refresh``), with the earliest due time of commands
  and converges, since another worker may have queued something due;
- which commands are doomed (``commands.doomed``), and so the injected failures;
- the rate limit's token buckets, one row per API key's SHA-256 (``rate_buckets``),
  each spent atomically;
- the counters of ``/_emulator/stats``: each worker counts in memory and writes its own
  row (``workers``) every ``FLUSH_EVERY`` seconds when they changed, and at once when
  asked: ``/stats`` waits for every live worker to have written since it was asked,
  so it counts every request answered before.

Fault draws are each worker's own: worker 1 draws from ``random.Random(seed)`` (so a
seeded run with one worker repeats exactly), worker ``k`` from one seeded with
``(seed, k)``: with several workers, which request meets which draw depends on which
worker it lands on.

``Alone`` is the SQLite case: one process, its memory the truth, nothing to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Iterable
from typing import Any, Protocol

import msgspec
from sqlalchemy.exc import SQLAlchemyError

from esper_emulator.faults import Counters, Faults, SharedRateLimiter
from esper_emulator.services.clock import Clock
from esper_emulator.services.converge import Converges
from esper_emulator.services.fleet import Fleet
from esper_emulator.store import Store
from esper_emulator.store import shared as shared_db


class Emulator(Protocol):
    """The parts of an ``esper_emulator.emulator.Emulator`` that its processes share."""

    store: Store
    clock: Clock
    fleet: Fleet
    converges: Converges
    faults: Faults


FLUSH_EVERY = 0.1
"""Seconds between two writes of a worker's counters (when they changed)."""
STATS_WAIT = 30.0
"""The longest ``/stats`` waits for a live worker's counters (a worker busy on a long
request, or starved of CPU, still answers within it; a dead one is not waited for)."""


class FaultSettings(msgspec.Struct, frozen=True):
    """The fault settings as stored: ``reseeds`` counts the side door's new seeds."""

    rate: float
    latency_ms: float
    kinds: tuple[str, ...]
    seed: int
    rate_limit: float | None
    reseeds: int = 0


class Alone:
    """The emulator as the only process on its database: its memory is the truth."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def prime(self) -> None:
        """Make the settings this process started with those in force."""

    def join(self) -> None:
        """This process serves requests from now on."""

    def refresh(self) -> None:
        """Catch up with what other processes changed (before each request)."""

    def publish(self, *, reseeded: bool = False) -> None:
        """Make a side-door change of this process's faults hold everywhere."""

    async def counters(self) -> dict[str, Any]:
        """What the ``FaultMiddleware`` counted, as ``Counters.as_dict``."""
        return self.emulator.faults.counters.as_dict()

    def close(self) -> None:
        """This process serves no more."""


class Shared(Alone):
    """The emulator as one of several processes on one PostgreSQL database."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        self.store = emulator.store
        self.worker: int | None = None
        self._faults_seen: str | None = None
        self._ended_seen: str | None = None
        self._flushed = b""
        self._answered = 0.0
        self._stop = threading.Event()
        self._flushing = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._limiter = SharedRateLimiter(self.store, emulator.faults.limiter.rate)
        emulator.faults.limiter = self._limiter
        emulator.fleet.on_ended_elsewhere = self._note_ended

    def prime(self) -> None:
        """Store the settings this process started with; no worker counted anything yet."""
        with self.store.transaction():
            shared_db.start_afresh(self.store)
            self.publish()

    def join(self) -> None:
        """Take a worker id, draw faults as that worker, keep the worker's row written."""
        with self.store.transaction():
            self.worker = shared_db.add_worker(self.store, os.getpid(), self._counted())
        self.refresh()
        faults = self.emulator.faults
        faults.worker = self.worker
        faults.reseed(faults.seed)
        self._flusher = threading.Thread(
            target=self._flush_loop, name="esper-emulator counters", daemon=True
        )
        self._flusher.start()

    def refresh(self) -> None:
        """Read what any worker may have changed, in one round trip."""
        seen = shared_db.snapshot(self.store)
        emulator = self.emulator
        emulator.clock.offset = seen.clock_offset
        emulator.fleet.fail_next = seen.fail_next
        emulator.fleet.expect(seen.command_due)
        emulator.converges.expect(seen.converge_due)
        if seen.faults is not None and seen.faults != self._faults_seen:
            self._apply_faults(seen.faults)
        if seen.ended != self._ended_seen:
            emulator.fleet.look_again()
            self._ended_seen = seen.ended

    def _apply_faults(self, stored: str) -> None:
        previous = self._faults_seen
        found = msgspec.json.decode(stored, type=FaultSettings)
        faults = self.emulator.faults
        faults.rate, faults.latency_ms = found.rate, found.latency_ms
        faults.set_kinds(found.kinds)
        self._limiter.follow(found.rate_limit)
        was = msgspec.json.decode(previous, type=FaultSettings) if previous else None
        if was is None or (was.reseeds, was.seed) != (found.reseeds, found.seed):
            faults.reseed(found.seed)
        self._faults_seen = stored

    def publish(self, *, reseeded: bool = False) -> None:
        """Store this process's fault settings and ``fail_next_commands``."""
        faults = self.emulator.faults
        with self.store.transaction():
            stored = shared_db.get(self.store, shared_db.FAULTS)
            reseeds = msgspec.json.decode(stored, type=FaultSettings).reseeds if stored else 0
            current = FaultSettings(
                rate=faults.rate,
                latency_ms=faults.latency_ms,
                kinds=faults.kinds,
                seed=faults.seed,
                rate_limit=faults.limiter.rate,
                reseeds=reseeds + reseeded,
            )
            encoded = msgspec.json.encode(current).decode()
            shared_db.put(self.store, shared_db.FAULTS, encoded)
            shared_db.put(self.store, shared_db.FAIL_NEXT, str(self.emulator.fleet.fail_next))
        self._faults_seen = encoded

    def _note_ended(self) -> None:
        """A command ended outside the clock: every worker's followers look again."""
        ended = int(shared_db.get(self.store, shared_db.ENDED) or 0) + 1
        shared_db.put(self.store, shared_db.ENDED, str(ended))
        self._ended_seen = str(ended)

    # counters

    def _counted(self) -> bytes:
        return msgspec.json.encode(self.emulator.faults.counters.as_dict())

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_EVERY):
            with contextlib.suppress(SQLAlchemyError, RuntimeError):
                self._flush()

    def _flush(self, serving: bool = True) -> None:
        """Write this worker's counters when they changed or were asked for since."""
        if self.worker is None:
            return
        with self._flushing, self.store.engine.begin() as conn:
            asked = shared_db.asked(conn)
            counted = self._counted()  # after reading the ask: it holds all before it
            if counted == self._flushed and asked <= self._answered and serving:
                return
            answered = max(asked, self._answered)
            shared_db.flush_worker(conn, self.worker, counted, answered, serving)
        self._flushed, self._answered = counted, answered

    async def counters(self) -> dict[str, Any]:
        """Every worker's counters, each written after this call began."""
        asked = time.time()
        with self.store.transaction():
            latest = max(asked, float(shared_db.get(self.store, shared_db.STATS_ASKED) or 0))
            shared_db.put(self.store, shared_db.STATS_ASKED, repr(latest))
        self._flush()
        deadline = time.monotonic() + STATS_WAIT
        while True:
            with self.store.transaction(read_only=True):
                rows = shared_db.workers(self.store)
            behind = [r for r in rows if r.serving and r.answered < asked and _alive(r.pid)]
            if not behind or time.monotonic() > deadline:
                return _total(row.counters for row in rows)
            await asyncio.sleep(FLUSH_EVERY / 2)

    def close(self) -> None:
        """Stop writing the counters; the last write says this worker serves no more."""
        if self._flusher is None:
            return
        self._stop.set()
        self._flusher.join(timeout=10)
        self._flusher = None
        with contextlib.suppress(SQLAlchemyError):
            self._flush(serving=False)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` (a worker on this machine) still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _total(rows: Iterable[bytes]) -> dict[str, Any]:
    """The sum of the workers' counters."""
    total = Counters()
    for raw in rows:
        total.add(msgspec.json.decode(raw))
    return total.as_dict()
