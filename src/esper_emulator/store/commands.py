"""Queries of the device commands, group commands and (v0) command requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, func, select, union

from esper_emulator.store import schema
from esper_emulator.store.db import Store, Stored, chunks

_c = schema.commands.c
_gc = schema.group_commands.c
_r = schema.command_requests.c


# device commands


# The statements every command meets, built once.
_DOC = select(_c.doc).where(
    _c.id == bindparam("id"),
    _c.device_id == bindparam("device"),
    _c.enterprise_id == bindparam("enterprise"),
    _c.api_request_id.is_(None),  # the Commands API's are its own
)
# one index lookup per column: with an OR, SQLite scans the whole table to order it
_DUE_PKS = union(
    select(_c.pk).where(_c.due_at <= bindparam("now")),
    select(_c.pk).where(_c.deadline <= bindparam("now")),
)
_DUE = (
    select(schema.commands)
    .where(_c.pk.in_(_DUE_PKS))
    .order_by(_c.due_at.asc().nulls_first(), _c.pk)  # a deadline's due_at may be NULL
    .limit(bindparam("limit"))
)
EARLIEST = (
    select(func.min(_c.due_at)).where(_c.due_at.is_not(None)).scalar_subquery(),
    select(func.min(_c.deadline)).where(_c.deadline.is_not(None)).scalar_subquery(),
)
"""The earliest ``due_at`` and ``deadline`` of any command: each one index lookup (its
condition is what its index holds, without which SQLite would read the whole table)."""
# one statement, two index lookups (a query of both MINs would scan the table)
_NEXT_DUE = select(*EARLIEST)


def doc(store: Store, enterprise_id: str, device_id: str, command_id: str) -> bytes | None:
    """The stored ``DeviceCommand`` of the enterprise's device, or ``None``.

    Not one sent through the Commands API: that API shows its own.
    """
    values = {"id": command_id, "device": device_id, "enterprise": enterprise_id}
    row = store.first(_DOC, values)
    return None if row is None else bytes(row[0])


def due(store: Store, now: float, limit: int = 1000) -> list[Row[Any]]:
    """Commands whose next state change or deadline is due at ``now``, oldest first."""
    return list(store.conn.execute(_DUE, {"now": now, "limit": limit}))


def next_due(store: Store) -> float | None:
    """When the earliest pending command state change (or deadline) is due."""
    due_at, deadline = store.conn.execute(_NEXT_DUE).one()
    return min((t for t in (due_at, deadline) if t is not None), default=None)


def resume(store: Store, device_id: str, state: str, due_at: float) -> None:
    """Make the device's waiting commands in ``state`` (those not due) due at ``due_at``.

    Commands API commands are left to ``api_waiting``: each has its own timeout.
    """
    waiting = (_c.device_id == device_id, _c.state == state, _c.due_at.is_(None))
    store.update(schema.commands, *waiting, _c.api_request_id.is_(None), due_at=due_at)


def suspend(store: Store, device_id: str, states: Sequence[str]) -> None:
    """Make the device's commands in ``states`` wait: they are due no more.

    Beyond the first state, only Commands API commands: a device that goes offline
    mid-command stalls those (their deadline still runs).
    """
    first, *further = states
    mine = _c.device_id == device_id
    store.update(schema.commands, mine, _c.state == first, due_at=None)
    if further:
        api = _c.api_request_id.is_not(None)
        store.update(schema.commands, mine, api, _c.state.in_(further), due_at=None)


def api_waiting(store: Store, device_id: str, states: Sequence[str]) -> list[Row[Any]]:
    """The device's Commands API commands in ``states`` that wait (are not due)."""
    query = select(schema.commands).where(
        _c.device_id == device_id,
        _c.api_request_id.is_not(None),
        _c.state.in_(states),
        _c.due_at.is_(None),
    )
    return list(store.conn.execute(query.order_by(_c.pk)))


def count_by_state(store: Store) -> dict[str, int]:
    """How many device commands are in each state, across the whole database."""
    query = select(_c.state, func.count()).group_by(_c.state).order_by(_c.state)
    return {state: int(n) for state, n in store.conn.execute(query)}


def most_per_device(store: Store) -> int:
    """The most device commands any one device has (0 without commands)."""
    per_device = (
        select(func.count().label("n"))
        .select_from(schema.commands)
        .group_by(_c.device_id)
        .subquery()
    )
    return int(store.conn.execute(select(func.max(per_device.c.n))).scalar() or 0)


def injected_failures(store: Store, state: str) -> int:
    """How many doomed commands ended in ``state`` (their failure)."""
    query = select(func.count()).where(_c.doomed, _c.state == state)
    return int(store.conn.execute(query).scalar_one())


def add(
    store: Store,
    enterprise_id: str,
    device_id: str,
    command_id: str,
    *,
    state: str,
    due_at: float | None,
    doc: bytes,
    group_command_id: str | None = None,
    request_id: str | None = None,
    args: bytes | None = None,
    api_request_id: str | None = None,
    deadline: float | None = None,
    doomed: bool = False,
) -> None:
    """Insert a device command, due at ``due_at`` (``None``: it waits).

    ``group_command_id``, ``request_id`` or ``api_request_id`` link it to what fanned
    it out; ``args`` are the raw ``command_args`` (JSON) of a v0 or Commands API
    request; past ``deadline`` a command not final times out; a ``doomed`` one fails
    (``fail_next_commands``).
    """
    store.insert(
        schema.commands,
        id=command_id,
        enterprise_id=enterprise_id,
        device_id=device_id,
        state=state,
        due_at=due_at,
        group_command_id=group_command_id,
        request_id=request_id,
        args=args,
        api_request_id=api_request_id,
        deadline=deadline,
        doc=doc,
        doomed=doomed,
    )


def save(
    store: Store,
    pk: int,
    state: str,
    due_at: float | None,
    doc: bytes,
    deadline: float | None = None,
) -> None:
    """Write a command's ``state``, when its next change is due, its deadline and ``doc``."""
    store.update_row(schema.commands, pk, state=state, due_at=due_at, doc=doc, deadline=deadline)


def hold(store: Store, command_id: str, state: str, doc: bytes) -> None:
    """Set a command's ``state`` and ``doc``; it is due no more."""
    store.update(schema.commands, _c.id == command_id, state=state, due_at=None, doc=doc)


# group commands


def group_command(
    store: Store, enterprise_id: str, group_id: str, command_id: str
) -> Stored | None:
    """A group command of the enterprise's group, or ``None``."""
    row = store.one(
        schema.group_commands,
        _gc.id == command_id,
        _gc.group_id == group_id,
        _gc.enterprise_id == enterprise_id,
    )
    return None if row is None else Stored(row.pk, row.doc)


def add_group_command(
    store: Store, enterprise_id: str, group_id: str, command_id: str, state: str, doc: bytes
) -> None:
    """Insert a group command."""
    store.insert(
        schema.group_commands,
        id=command_id,
        enterprise_id=enterprise_id,
        group_id=group_id,
        state=state,
        doc=doc,
    )


def save_group_command(store: Store, pk: int, state: str | None, doc: bytes) -> None:
    """Write a group command's aggregate ``state`` and its ``doc``."""
    store.update_row(schema.group_commands, pk, state=state, doc=doc)


def of_group_command(store: Store, group_command_id: str) -> list[Row[Any]]:
    """Each device command a group command fanned out, oldest device first: its ``state``,
    ``due_at`` and ``doc``, and its device's ``device_id`` and ``device_name``."""
    d = schema.devices.c
    query = (
        select(_c.state, _c.due_at, _c.doc, _c.device_id, d.device_name)
        .join_from(schema.commands, schema.devices, d.id == _c.device_id)
        .where(_c.group_command_id == group_command_id)
        .order_by(d.seq)
    )
    return list(store.conn.execute(query))


# command requests


def add_request(
    store: Store,
    enterprise_id: str,
    request_id: str,
    *,
    command_type: str,
    device_type: str,
    command: str,
    issued_by: str | None,
    doc: bytes,
) -> None:
    """Insert a command request (``issued_by``: the id of the user whose key sent it)."""
    store.insert(
        schema.command_requests,
        id=request_id,
        enterprise_id=enterprise_id,
        command_type=command_type,
        device_type=device_type,
        command=command,
        issued_by=issued_by,
        doc=doc,
    )


def request_exists(store: Store, enterprise_id: str, request_id: str) -> bool:
    """Whether the enterprise has the command request."""
    row = store.one(schema.command_requests, _r.id == request_id, _r.enterprise_id == enterprise_id)
    return row is not None


def requests(
    store: Store,
    enterprise_id: str,
    *,
    command_type: str | None = None,
    device_type: str | None = None,
    command: str | None = None,
    issued_by: str | None = None,
    devices: Sequence[str] | None = None,
) -> list[Row[Any]]:
    """The ``id`` and ``doc`` of the enterprise's requests matching every filter given.

    ``devices`` keeps the requests that reached any of these devices; the others match
    exactly (``issued_by`` is a user id). Oldest first.
    """
    where: list[ColumnElement[bool]] = [_r.enterprise_id == enterprise_id]
    for column, value in (
        (_r.command_type, command_type),
        (_r.device_type, device_type),
        (_r.command, command),
        (_r.issued_by, issued_by),
    ):
        if value is not None:
            where.append(column == value)
    if devices is not None:
        reached = select(_c.request_id).where(_c.device_id.in_(devices), _c.request_id.is_not(None))
        where.append(_r.id.in_(reached))
    return list(store.conn.execute(select(_r.id, _r.doc).where(*where).order_by(_r.pk)))


def of_request(store: Store, request_id: str, device_id: str | None = None) -> list[Row[Any]]:
    """The commands of a request (to ``device_id`` only, if given), oldest first.

    Each row holds the command's ``id``, ``request_id``, ``state``, ``due_at`` and ``doc``.
    """
    where = [_c.request_id == request_id]
    if device_id is not None:
        where.append(_c.device_id == device_id)
    return _statuses(store, where)


def requested_of_device(store: Store, device_id: str) -> list[Row[Any]]:
    """The device's commands that came from any request, as ``of_request`` gives them."""
    return _statuses(store, [_c.device_id == device_id, _c.request_id.is_not(None)])


def _statuses(store: Store, where: list[ColumnElement[bool]]) -> list[Row[Any]]:
    query = select(_c.id, _c.request_id, _c.state, _c.due_at, _c.doc).where(*where)
    return list(store.conn.execute(query.order_by(_c.pk)))


def state_counts(store: Store, request_ids: Sequence[str]) -> list[tuple[str, str, bool, int]]:
    """How many commands of each request are in each state, split by whether they wait.

    One ``(request id, state, waiting, total)`` per combination found; a command waits
    when it is not due (queued for an offline device, or held).
    """
    waiting = _c.due_at.is_(None)
    counts: list[tuple[str, str, bool, int]] = []
    for ids in chunks(request_ids):
        query = (
            select(_c.request_id, _c.state, waiting, func.count())
            .where(_c.request_id.in_(ids))
            .group_by(_c.request_id, _c.state, waiting)
        )
        counts += [
            (request_id, state, bool(queued), total)
            for request_id, state, queued, total in store.conn.execute(query)
        ]
    return counts
