"""Queries of the applications and their versions (and of the devices that have them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, ScalarSelect, func, select, update

from esper_emulator.store import schema
from esper_emulator.store.db import Page, Store, Stored, contains

_a = schema.applications.c
_v = schema.app_versions.c


def app_row(store: Store, enterprise_id: str, application_id: str) -> Row[Any] | None:
    """The enterprise's application row, or ``None``."""
    return store.one(
        schema.applications, _a.id == application_id, _a.enterprise_id == enterprise_id
    )


def app_by_package(store: Store, enterprise_id: str, package_name: str) -> Row[Any] | None:
    """The enterprise's application row of ``package_name``, or ``None``."""
    return store.one(
        schema.applications, _a.enterprise_id == enterprise_id, _a.package_name == package_name
    )


def add_application(
    store: Store,
    enterprise_id: str,
    application_id: str,
    package_name: str,
    application_name: str | None,
    doc: bytes,
) -> None:
    """Insert an application (shown, not hidden)."""
    store.insert(
        schema.applications,
        id=application_id,
        enterprise_id=enterprise_id,
        package_name=package_name,
        application_name=application_name,
        is_hidden=False,
        doc=doc,
    )


def save_application(store: Store, pk: int, doc: bytes) -> None:
    """Write an application's changed ``doc``."""
    store.update_row(schema.applications, pk, doc=doc)


def delete_application(store: Store, pk: int) -> None:
    """Delete the application's row (its versions go with ``delete_versions``)."""
    store.delete_row(schema.applications, pk)


@dataclass(frozen=True)
class ApplicationFilters:
    """What a list of applications is filtered by (``None``: not by that).

    ``application_name`` matches a part of the name in any case; the others exactly.
    """

    application_name: str | None = None
    package_name: str | None = None
    is_hidden: bool | None = None


def page(
    store: Store, enterprise_id: str, filters: ApplicationFilters, limit: int, offset: int
) -> Page:
    """A page of the enterprise's applications matching every filter given."""
    where: list[ColumnElement[bool]] = [_a.enterprise_id == enterprise_id]
    if filters.application_name is not None:
        where.append(contains(_a.application_name, filters.application_name))
    if filters.package_name is not None:
        where.append(_a.package_name == filters.package_name)
    if filters.is_hidden is not None:
        where.append(_a.is_hidden == filters.is_hidden)
    return store.page(schema.applications, where, limit, offset)


def version_row(
    store: Store, enterprise_id: str, version_id: str, application_id: str | None = None
) -> Row[Any] | None:
    """The enterprise's app version row (of ``application_id``, if given), or ``None``."""
    where = [_v.id == version_id, _v.enterprise_id == enterprise_id]
    if application_id is not None:
        where.append(_v.application_id == application_id)
    return store.one(schema.app_versions, *where)


def add_version(
    store: Store,
    enterprise_id: str,
    application_id: str,
    version_id: str,
    *,
    version_code: str | None,
    build_number: str | None,
    file_path: str,
    doc: bytes,
) -> None:
    """Insert an app version, whose APK is kept at ``file_path``."""
    store.insert(
        schema.app_versions,
        id=version_id,
        application_id=application_id,
        enterprise_id=enterprise_id,
        version_code=version_code,
        build_number=build_number,
        file_path=file_path,
        doc=doc,
    )


def delete_version(store: Store, pk: int) -> None:
    """Delete one app version's row."""
    store.delete_row(schema.app_versions, pk)


def version_by_id(store: Store, version_id: str) -> Stored | None:
    """The app version ``version_id`` of any enterprise, or ``None``."""
    row = store.one(schema.app_versions, _v.id == version_id)
    return None if row is None else Stored(row.pk, row.doc)


def save_version(store: Store, pk: int, doc: bytes) -> None:
    """Write an app version's changed ``doc``."""
    store.update_row(schema.app_versions, pk, doc=doc)


def has_build(store: Store, application_id: str, build_number: str) -> bool:
    """Whether the application has a version of this build number (Android versionCode)."""
    row = store.one(
        schema.app_versions, _v.application_id == application_id, _v.build_number == build_number
    )
    return row is not None


def versions_page(
    store: Store,
    application_id: str,
    limit: int,
    offset: int,
    *,
    version_code: str | None = None,
    build_number: str | None = None,
    standardized: bool = False,
) -> Page:
    """A page of the application's versions matching the filters given (exactly).

    ``standardized``: ``version_code`` is the versionCode, matched against the stored
    build number (a stored ``version_code`` is the version name).
    """
    where: list[ColumnElement[bool]] = [_v.application_id == application_id]
    if version_code is not None:
        where.append((_v.build_number if standardized else _v.version_code) == version_code)
    if build_number is not None:
        where.append(_v.build_number == build_number)
    return store.page(schema.app_versions, where, limit, offset)


def version_files(store: Store, application_id: str) -> list[Row[Any]]:
    """The ``id`` and ``file_path`` of each version of the application."""
    query = select(_v.id, _v.file_path).where(_v.application_id == application_id)
    return list(store.conn.execute(query))


def delete_versions(store: Store, application_id: str) -> None:
    """Delete every version row of the application."""
    store.delete(schema.app_versions, _v.application_id == application_id)


def latest_version(store: Store, enterprise_id: str, package_name: str) -> Row[Any] | None:
    """The newest uploaded version row of the enterprise's app ``package_name``, or ``None``."""
    return store.conn.execute(
        select(schema.app_versions)
        .join_from(schema.app_versions, schema.applications, _v.application_id == _a.id)
        .where(_a.enterprise_id == enterprise_id, _a.package_name == package_name)
        .order_by(_v.pk.desc())
        .limit(1)
    ).first()


def package_of_version(store: Store, enterprise_id: str, version_id: str) -> str | None:
    """The package name of the enterprise's app version ``version_id``, or ``None``."""
    return store.conn.execute(
        select(_a.package_name)
        .join_from(schema.app_versions, schema.applications, _v.application_id == _a.id)
        .where(_v.id == version_id, _v.enterprise_id == enterprise_id)
    ).scalar()


def forget_installs(store: Store, version_ids: Sequence[str]) -> None:
    """Clear the devices' references to these versions (apps and app installs stay)."""
    for table in (schema.device_apps, schema.app_installs):
        store.conn.execute(
            update(table).where(table.c.app_version_id.in_(version_ids)).values(app_version_id=None)
        )


def install_devices(
    store: Store,
    enterprise_id: str,
    version_id: str,
    limit: int,
    offset: int,
    search: str | None = None,
) -> tuple[int, list[tuple[str, str, bytes, str | None]]]:
    """How many of the enterprise's devices have the version, and a page of them.

    ``search`` matches a part of the device name, in any case. Each device comes as its
    ``id``, ``device_name``, ``doc`` and the name of its first group (or ``None``).
    """
    d, i = schema.devices.c, schema.device_apps.c
    where: list[ColumnElement[bool]] = [
        d.enterprise_id == enterprise_id,
        d.id.in_(select(i.device_id).where(i.app_version_id == version_id)),
    ]
    if search:
        where.append(contains(d.device_name, search))
    count = select(func.count()).select_from(schema.devices).where(*where)
    total = int(store.conn.execute(count).scalar_one())
    if total <= offset:
        return total, []
    rows = store.conn.execute(
        select(d.id, d.device_name, d.doc, _group_name().label("group_name"))
        .where(*where)
        .order_by(d.pk)
        .limit(limit)
        .offset(offset)
    )
    return total, [(device_id, name, doc, group) for device_id, name, doc, group in rows]


def _group_name() -> ScalarSelect[Any]:
    """The name of the group of the device in the enclosing query (a device is in one)."""
    g, m = schema.device_groups.c, schema.group_members.c
    return (
        select(g.name)
        .join_from(schema.group_members, schema.device_groups, m.group_id == g.id)
        .where(m.device_id == schema.devices.c.id)
        .limit(1)
        .scalar_subquery()
    )
