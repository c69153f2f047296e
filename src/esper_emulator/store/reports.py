"""Queries of what the devices report: their apps, app installs and status events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from esper_emulator.store import schema
from esper_emulator.store.db import Bulk, BulkMaker, Page, Store, Stored

_a = schema.device_apps.c
_i = schema.app_installs.c
_e = schema.device_events.c


@dataclass(frozen=True)
class StoredApp(Stored):
    """A stored device app, with the app version it is at (``None``: a system app)."""

    app_version_id: str | None


@dataclass(frozen=True)
class NewApp:
    """A device app to insert."""

    id: str
    device_id: str
    package_name: str
    app_version_id: str | None
    doc: bytes


# device apps


_APP = select(_a.pk, _a.doc, _a.app_version_id)


def app_rows(store: Store, device_id: str, package_name: str | None = None) -> list[StoredApp]:
    """The device's apps (only the ``package_name`` one, if given), oldest first."""
    where = [_a.device_id == device_id]
    if package_name is not None:
        where.append(_a.package_name == package_name)
    rows = store.conn.execute(_APP.where(*where).order_by(_a.pk))
    return [StoredApp(pk, doc, version_id) for pk, doc, version_id in rows]


def app_row(store: Store, device_id: str, package_name: str) -> StoredApp | None:
    """The device's app of ``package_name``, or ``None``."""
    found = app_rows(store, device_id, package_name)
    return found[0] if found else None


def add_apps(store: Store, apps: Sequence[NewApp]) -> None:
    """Insert device apps, in one statement batch."""
    store.insert_many(
        schema.device_apps,
        [
            {
                "id": app.id,
                "device_id": app.device_id,
                "package_name": app.package_name,
                "app_version_id": app.app_version_id,
                "doc": app.doc,
            }
            for app in apps
        ],
    )


def save_app(store: Store, pk: int, doc: bytes) -> None:
    """Write a device app's changed ``doc``."""
    store.update_row(schema.device_apps, pk, doc=doc)


def move_app(store: Store, pk: int, app_version_id: str, doc: bytes) -> None:
    """Write a device app now at another app version, and its ``doc``."""
    store.update_row(schema.device_apps, pk, app_version_id=app_version_id, doc=doc)


def delete_app(store: Store, pk: int) -> None:
    """Delete a device app."""
    store.delete_row(schema.device_apps, pk)


def app_doc(store: Store, device_id: str, app_id: str) -> bytes | None:
    """The stored ``DeviceApp`` ``app_id`` of the device, or ``None``."""
    return store.doc(schema.device_apps, _a.id == app_id, _a.device_id == device_id)


# app installs


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


def add_install(
    store: Store,
    enterprise_id: str,
    device_id: str,
    install_id: str,
    *,
    app_version_id: str | None,
    package_name: str,
    application_name: str,
    install_state: str,
    doc: bytes,
) -> None:
    """Insert an app install of the device (``app_version_id``: the version it was of)."""
    store.insert(
        schema.app_installs,
        id=install_id,
        enterprise_id=enterprise_id,
        device_id=device_id,
        app_version_id=app_version_id,
        package_name=package_name,
        application_name=application_name,
        install_state=install_state,
        doc=doc,
    )


# status events


def add_event(store: Store, enterprise_id: str, device_id: str, doc: bytes) -> None:
    """Insert a status event of the device (its ``id`` is the row's ``pk``)."""
    store.insert(schema.device_events, enterprise_id=enterprise_id, device_id=device_id, doc=doc)


def enrolled(
    make: BulkMaker,
    enterprise_id: str,
    apps: Sequence[NewApp],
    events: Sequence[tuple[str, bytes]],
) -> list[Bulk]:
    """The rows of what new devices of the enterprise report at once, to insert in bulk:
    their apps, and their status events (each its ``device_id`` and ``doc``)."""
    return [
        make(
            schema.device_apps,
            ("id", "device_id", "package_name", "app_version_id", "doc"),
            [(a.id, a.device_id, a.package_name, a.app_version_id, a.doc) for a in apps],
        ),
        make(
            schema.device_events,
            ("enterprise_id", "device_id", "doc"),
            [(enterprise_id, device_id, doc) for device_id, doc in events],
        ),
    ]


def events(store: Store, device_id: str, latest_only: bool) -> list[tuple[int, bytes]]:
    """The ``pk`` and ``doc`` of the device's events, newest first (only the newest if asked)."""
    query = select(_e.pk, _e.doc).where(_e.device_id == device_id).order_by(_e.pk.desc())
    rows = store.conn.execute(query.limit(1) if latest_only else query)
    return [(pk, doc) for pk, doc in rows]
