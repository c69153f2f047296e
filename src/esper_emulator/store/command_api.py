"""Queries of the Commands API: its requests, and their commands' per-device statuses.

A request's per-device commands are rows of ``commands`` linked by ``api_request_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import msgspec
from sqlalchemy import ColumnElement, Row, and_, func, or_, select

from esper_emulator.store import schema
from esper_emulator.store.db import Page, Store, holds
from esperclient._generated.v0 import CommandScheduleArgs
from esperclient.models import CommandState

QUEUED, INITIATED = CommandState.QUEUED, CommandState.INITIATED

_r = schema.command_api_requests.c
_c = schema.commands.c


def add(
    store: Store,
    enterprise_id: str,
    request_id: str,
    *,
    command: str,
    schedule: str,
    internal: bool,
    doc: bytes,
) -> None:
    """Insert a request."""
    store.insert(
        schema.command_api_requests,
        id=request_id,
        enterprise_id=enterprise_id,
        command=command,
        schedule=schedule,
        internal=internal,
        doc=doc,
    )


def doc(store: Store, request_id: str, enterprise_id: str | None = None) -> bytes | None:
    """The stored request (of the enterprise, when given), or ``None``."""
    where = [_r.id == request_id]
    if enterprise_id is not None:
        where.append(_r.enterprise_id == enterprise_id)
    return store.doc(schema.command_api_requests, *where)


class _Scheduled(msgspec.Struct):
    schedule: str | None = None
    schedule_args: CommandScheduleArgs | None = None


def schedule(store: Store, request_id: str) -> tuple[str, CommandScheduleArgs | None]:
    """The request's ``schedule`` and ``schedule_args``."""
    found = doc(store, request_id)
    if found is None:
        return "", None
    request = msgspec.json.decode(found, type=_Scheduled)
    return request.schedule or "", request.schedule_args


def page(
    store: Store,
    enterprise_id: str,
    limit: int,
    offset: int,
    *,
    devices: Sequence[str] | None,
    groups: Sequence[str] | None,
    command: str | None,
    schedule: str | None,
    exclude_internal: bool,
) -> Page:
    """A page of the enterprise's requests matching every filter given, oldest first.

    ``devices`` keeps the requests that sent a command to any of them; ``groups`` those
    whose stored ``groups`` name any of them (a JSON text match on the stored id).
    """
    where: list[ColumnElement[bool]] = [_r.enterprise_id == enterprise_id]
    if command is not None:
        where.append(_r.command == command)
    if schedule is not None:
        where.append(_r.schedule == schedule)
    if exclude_internal:
        where.append(_r.internal.is_(False))
    if devices is not None:
        reached = select(_c.api_request_id).where(_c.device_id.in_(devices))
        where.append(_r.id.in_(reached))
    if groups is not None:
        named = [holds(_r.doc, f'"{group_id}"'.encode()) for group_id in groups]
        where.append(or_(*named))
    return store.page(schema.command_api_requests, where, limit, offset)


_STATUS_COLUMNS = (
    _c.pk,
    _c.id,
    _c.api_request_id,
    _c.device_id,
    _c.state,
    _c.due_at,
    _c.deadline,
    _c.args,
    _c.doc,
)


def statuses(
    store: Store,
    enterprise_id: str,
    limit: int,
    offset: int,
    *,
    requests: Sequence[str] | None,
    devices: Sequence[str] | None,
    state: str | None,
    exclude_internal: bool,
) -> tuple[int, list[Row[Any]]]:
    """The count and a page of the enterprise's Commands API commands matching the filters.

    ``state`` is the state shown: a command stored "Command Initiated" shows "Command
    Queued" while it waits for its device (is not due).
    """
    where: list[ColumnElement[bool]] = [
        _c.enterprise_id == enterprise_id,
        _c.api_request_id.is_not(None),
    ]
    if requests is not None:
        where.append(_c.api_request_id.in_(requests))
    if devices is not None:
        where.append(_c.device_id.in_(devices))
    if state == QUEUED:
        where.append(and_(_c.state == INITIATED, _c.due_at.is_(None)))
    elif state == INITIATED:
        where.append(and_(_c.state == INITIATED, _c.due_at.is_not(None)))
    elif state is not None:
        where.append(_c.state == state)
    if exclude_internal:
        internal = select(_r.id).where(_r.internal.is_(True))
        where.append(_c.api_request_id.not_in(internal))
    count = store.conn.execute(
        select(func.count()).select_from(schema.commands).where(*where)
    ).scalar_one()
    query = select(*_STATUS_COLUMNS).where(*where).order_by(_c.pk).limit(limit).offset(offset)
    return int(count), list(store.conn.execute(query))


def status(store: Store, enterprise_id: str, status_id: str) -> Row[Any] | None:
    """One Commands API command of the enterprise (as ``statuses`` gives them), or ``None``."""
    query = select(*_STATUS_COLUMNS).where(
        _c.id == status_id, _c.enterprise_id == enterprise_id, _c.api_request_id.is_not(None)
    )
    return cast("Row[Any] | None", store.conn.execute(query).first())


def state_counts(store: Store, request_id: str) -> list[tuple[str, bool, int]]:
    """How many of the request's commands are in each stored state, split by waiting.

    One ``(state, waiting, total)`` per combination; a command waits when not due.
    """
    waiting = _c.due_at.is_(None)
    query = (
        select(_c.state, waiting, func.count())
        .where(_c.api_request_id == request_id)
        .group_by(_c.state, waiting)
    )
    return [(state, bool(w), int(n)) for state, w, n in store.conn.execute(query)]


def inbox(store: Store, enterprise_id: str, device_id: str) -> Row[Any] | None:
    """The device's oldest Commands API command it has not acknowledged yet, if any."""
    query = (
        select(*_STATUS_COLUMNS)
        .where(
            _c.enterprise_id == enterprise_id,
            _c.device_id == device_id,
            _c.api_request_id.is_not(None),
            _c.state == INITIATED,
        )
        .order_by(_c.pk)
        .limit(1)
    )
    return cast("Row[Any] | None", store.conn.execute(query).first())
