"""Queries of what the workers serving one PostgreSQL database share (see
``esper_emulator.shared``): named values, rate-limit buckets and each worker's counters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Float, Row, bindparam, case, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from esper_emulator.store import commands as commands_db
from esper_emulator.store import schema
from esper_emulator.store.db import Store

_s = schema.shared_state.c
_w = schema.workers.c
_b = schema.rate_buckets.c

CLOCK_OFFSET = "clock_offset"
"""The simulated clock's lead over real time, in seconds (in ``meta``: a reset clears it)."""
FAULTS = "faults"
"""The fault settings in force, as JSON."""
FAIL_NEXT = "fail_next_commands"
"""How many of the next device commands are doomed."""
ENDED = "ended_elsewhere"
"""Counts the commands ended outside the clock (cancelled), so each worker notices one."""
STATS_ASKED = "stats_asked"
"""When counters were last asked for (epoch seconds): each worker answers by flushing."""


def _named(key: str) -> Any:
    return select(_s.value).where(_s.key == key).scalar_subquery()


@dataclass(frozen=True)
class Snapshot:
    """What a worker reads before each request, in one round trip."""

    clock_offset: float
    faults: str | None
    fail_next: int
    ended: str | None
    command_due: float | None
    converge_due: float | None


_SNAPSHOT = select(
    select(schema.meta.c.value).where(schema.meta.c.key == CLOCK_OFFSET).scalar_subquery(),
    _named(FAULTS),
    _named(FAIL_NEXT),
    _named(ENDED),
    *commands_db.EARLIEST,
    select(func.min(schema.converges.c.due_at)).scalar_subquery(),
)


def snapshot(store: Store) -> Snapshot:
    """The clock offset, the fault settings, ``fail_next_commands``, the count of
    commands ended elsewhere and the earliest due times of commands and converges."""
    offset, faults, fail_next, ended, due, deadline, converge_due = store.read_alone(_SNAPSHOT)
    command_due = min((t for t in (due, deadline) if t is not None), default=None)
    return Snapshot(
        float(offset or 0.0), faults, int(fail_next or 0), ended, command_due, converge_due
    )


def get(store: Store, key: str) -> str | None:
    """A shared value, or ``None``."""
    found: str | None = store.conn.execute(select(_s.value).where(_s.key == key)).scalar()
    return found


def put(store: Store, key: str, value: str) -> None:
    """Set a shared value (in a transaction that may write: it holds the writer lock)."""
    if store.update(schema.shared_state, _s.key == key, value=value) == 0:
        store.insert(schema.shared_state, key=key, value=value)


_BURST = bindparam("burst", type_=Float())
_NOW = bindparam("now", type_=Float())
_RATE = bindparam("rate", type_=Float())


def _take_statement() -> Any:
    refilled = func.least(_BURST, _b.tokens + func.greatest(0.0, _NOW - _b.at) * _RATE)
    fresh = pg_insert(schema.rate_buckets).values(
        key_hash=bindparam("key_hash"), tokens=_BURST - 1.0, at=_NOW, spent=True
    )
    return fresh.on_conflict_do_update(
        index_elements=[_b.key_hash],
        set_={
            "tokens": case((refilled >= 1.0, refilled - 1.0), else_=refilled),
            "at": _NOW,
            "spent": refilled >= 1.0,
        },
    ).returning(_b.tokens, _b.spent)


def take_token(conn: Connection, key_hash: str, rate: float, now: float) -> float:
    """Spend one of the key's tokens at ``now``, atomically: 0.0, or the seconds until
    one is there (none spent). Buckets hold ``max(1, rate)`` tokens."""
    values = {"key_hash": key_hash, "burst": max(1.0, rate), "now": now, "rate": rate}
    tokens, spent = conn.execute(_TAKE, values).one()
    return 0.0 if spent else (1.0 - float(tokens)) / rate


def clear_buckets(store: Store) -> None:
    """Forget every key's bucket (the rate changed)."""
    store.delete(schema.rate_buckets)


def start_afresh(store: Store) -> None:
    """No worker counted anything yet, and worker ids count from 1 again."""
    store.conn.execute(text("TRUNCATE workers RESTART IDENTITY"))
    clear_buckets(store)


def add_worker(store: Store, pid: int, counters: bytes) -> int:
    """A new worker's row; its id."""
    return store.insert_pk(schema.workers, pid=pid, serving=True, counters=counters, answered=0.0)


def flush_worker(
    conn: Connection, worker: int, counters: bytes, answered: float, serving: bool = True
) -> None:
    """Write what a worker counted, the latest ask it answered, whether it serves."""
    conn.execute(
        update(schema.workers)
        .where(_w.id == worker)
        .values(counters=counters, answered=answered, serving=serving)
    )


def asked(conn: Connection) -> float:
    """When counters were last asked for (0.0: never)."""
    found = conn.execute(select(_s.value).where(_s.key == STATS_ASKED)).scalar()
    return float(found or 0.0)


def workers(store: Store) -> Sequence[Row[int, int, bool, bytes, float]]:
    """Every worker's row: ``id``, ``pid``, ``serving``, ``counters``, ``answered``."""
    query = select(_w.id, _w.pid, _w.serving, _w.counters, _w.answered).order_by(_w.id)
    return store.conn.execute(query).all()


_TAKE = _take_statement()
