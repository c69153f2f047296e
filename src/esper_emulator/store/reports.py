"""Queries of what the devices report: their apps, app installs and status events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, select

from esper_emulator.store import schema
from esper_emulator.store.db import Page, Store, chunks

_a = schema.device_apps.c
_i = schema.app_installs.c
_e = schema.device_events.c


def app_rows(store: Store, device_id: str, package_name: str | None = None) -> list[Row[Any]]:
    """The device's app rows (only the ``package_name`` one, if given), oldest first."""
    where = [_a.device_id == device_id]
    if package_name is not None:
        where.append(_a.package_name == package_name)
    return list(store.conn.execute(select(schema.device_apps).where(*where).order_by(_a.pk)))


def app_row(store: Store, device_id: str, package_name: str) -> Row[Any] | None:
    """The device's app row of ``package_name``, or ``None``."""
    return store.one(schema.device_apps, _a.device_id == device_id, _a.package_name == package_name)


def app_doc(store: Store, device_id: str, app_id: str) -> bytes | None:
    """The stored ``DeviceApp`` ``app_id`` of the device, or ``None``."""
    return store.doc(schema.device_apps, _a.id == app_id, _a.device_id == device_id)


def installs_page(
    store: Store,
    enterprise_id: str,
    device_id: str,
    limit: int,
    offset: int,
    *,
    device: str | None = None,
    package_name: str | None = None,
    application_name: str | None = None,
    install_state: str | None = None,
) -> Page:
    """A page of the device's app installs; each filter given matches exactly."""
    where: list[ColumnElement[bool]] = [
        _i.device_id == device_id,
        _i.enterprise_id == enterprise_id,
    ]
    for column, value in (
        (_i.device_id, device),
        (_i.package_name, package_name),
        (_i.application_name, application_name),
        (_i.install_state, install_state),
    ):
        if value is not None:
            where.append(column == value)
    return store.page(schema.app_installs, where, limit, offset)


def events(store: Store, device_id: str, latest_only: bool) -> list[tuple[int, bytes]]:
    """The ``pk`` and ``doc`` of the device's events, newest first (only the newest if asked)."""
    query = select(_e.pk, _e.doc).where(_e.device_id == device_id).order_by(_e.pk.desc())
    rows = store.conn.execute(query.limit(1) if latest_only else query)
    return [(pk, doc) for pk, doc in rows]


def with_apps(store: Store, device_ids: Sequence[str]) -> set[str]:
    """Those of ``device_ids`` that have any app."""
    return _having(store, schema.device_apps, device_ids)


def with_events(store: Store, device_ids: Sequence[str]) -> set[str]:
    """Those of ``device_ids`` that have any event."""
    return _having(store, schema.device_events, device_ids)


def _having(store: Store, table: Table, device_ids: Sequence[str]) -> set[str]:
    """Those of ``device_ids`` that have a row in ``table``."""
    found: set[str] = set()
    for ids in chunks(device_ids):
        query = select(table.c.device_id).where(table.c.device_id.in_(ids))
        found.update(store.conn.execute(query).scalars())
    return found
