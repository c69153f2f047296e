"""Queries of converges: each converge, the Commands API requests it made, and the
blueprint columns of the devices it converges.

A converge's commands are the ``commands`` rows of its requests (one device each).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, bindparam, select

from esper_emulator.store import schema
from esper_emulator.store.db import Page, Store, Stored, chunks

_g = schema.converges.c
_gc = schema.converge_commands.c
_c = schema.commands.c
_d = schema.devices.c
_v = schema.blueprint_versions.c


def add(
    store: Store, enterprise_id: str, converge_id: str, device_id: str, status: str, due_at: float
) -> None:
    """Insert a converge; its document is written by ``save``."""
    store.insert(
        schema.converges,
        id=converge_id,
        enterprise_id=enterprise_id,
        device_id=device_id,
        status=status,
        due_at=due_at,
        doc=b"",
    )


def save(store: Store, converge_id: str, status: str, due_at: float | None, doc: bytes) -> None:
    """Write a converge's status, next step and document."""
    store.update_by_id(schema.converges, converge_id, status=status, due_at=due_at, doc=doc)


def row(store: Store, enterprise_id: str, converge_id: str) -> Stored | None:
    """The enterprise's converge, or ``None``."""
    found = store.one(schema.converges, _g.id == converge_id, _g.enterprise_id == enterprise_id)
    return None if found is None else Stored(found.pk, found.doc)


def page(
    store: Store, enterprise_id: str, device_ids: Sequence[str] | None, limit: int, offset: int
) -> Page:
    """A page of the enterprise's converges (of ``device_ids``, if given), oldest first."""
    where = [_g.enterprise_id == enterprise_id]
    if device_ids is not None:
        where.append(_g.device_id.in_(device_ids))
    return store.page(schema.converges, where, limit, offset)


def due(store: Store, statuses: Sequence[str], now: float) -> list[Row[Any]]:
    """Converges in ``statuses`` whose next step is due by ``now``, oldest first."""
    query = (
        select(schema.converges)
        .where(_g.status.in_(statuses), _g.due_at <= now)
        .order_by(_g.due_at, _g.pk)
    )
    return list(store.conn.execute(query))


def next_due(store: Store) -> float | None:
    """When the earliest converge step is due."""
    found: float | None = store.conn.execute(
        select(_g.due_at).where(_g.due_at.is_not(None)).order_by(_g.due_at).limit(1)
    ).scalar()
    return found


_RUNNING = select(schema.converges).where(_g.status == bindparam("status")).order_by(_g.pk)


def running(store: Store, status: str) -> list[Row[Any]]:
    """Every converge in ``status`` (their commands out), oldest first (asked after every
    change of a command: built once)."""
    return list(store.conn.execute(_RUNNING, {"status": status}))


def add_command(store: Store, converge_id: str, request_id: str) -> None:
    """Link a Commands API request to the converge that made it."""
    store.insert(schema.converge_commands, converge_id=converge_id, request_id=request_id)


def command_rows(store: Store, converge_ids: Sequence[str]) -> list[Row[Any]]:
    """``(converge_id, state, due_at, doc)`` of every command of the converges, oldest first."""
    found: list[Row[Any]] = []
    for part in chunks(converge_ids):
        query = (
            select(_gc.converge_id, _c.state, _c.due_at, _c.doc)
            .join(schema.commands, _c.api_request_id == _gc.request_id)
            .where(_gc.converge_id.in_(part))
            .order_by(_c.pk)
        )
        found.extend(store.conn.execute(query))
    return found


def commands_page(
    store: Store, converge_id: str, limit: int, offset: int
) -> tuple[int, list[Row[Any]]]:
    """The count and a page of ``(request_id, state, due_at, doc)`` of the converge's commands."""
    query = (
        select(_gc.request_id, _c.state, _c.due_at, _c.doc)
        .join(schema.commands, _c.api_request_id == _gc.request_id)
        .where(_gc.converge_id == converge_id)
        .order_by(_c.pk)
    )
    rows = cast("list[Row[Any]]", list(store.conn.execute(query)))
    return len(rows), rows[offset : offset + limit]


def set_blueprint(store: Store, device_ids: Sequence[str], **columns: str | None) -> None:
    """Set blueprint columns (``assigned_blueprint_id``, ...) of the devices."""
    for part in chunks(device_ids):
        store.update(schema.devices, _d.id.in_(part), **columns)


def assigned(store: Store, enterprise_id: str, device_id: str) -> str | None:
    """The blueprint assigned to the enterprise's device, if any."""
    found: str | None = store.conn.execute(
        select(_d.assigned_blueprint_id).where(
            _d.id == device_id, _d.enterprise_id == enterprise_id
        )
    ).scalar()
    return found


def version(store: Store, enterprise_id: str, version_id: str) -> Row[Any] | None:
    """``(blueprint_id, id, doc)`` of a blueprint version of the enterprise, or ``None``."""
    query = select(_v.blueprint_id, _v.id, _v.doc).where(
        _v.id == version_id, _v.enterprise_id == enterprise_id
    )
    return cast("Row[Any] | None", store.conn.execute(query).first())


def latest_published(store: Store, enterprise_id: str, blueprint_id: str) -> Row[Any] | None:
    """``(blueprint_id, id, doc)`` of the blueprint's latest published version, or ``None``."""
    query = (
        select(_v.blueprint_id, _v.id, _v.doc)
        .where(
            _v.blueprint_id == blueprint_id,
            _v.enterprise_id == enterprise_id,
            _v.publish.is_(True),
        )
        .order_by(_v.pk.desc())
        .limit(1)
    )
    return cast("Row[Any] | None", store.conn.execute(query).first())
