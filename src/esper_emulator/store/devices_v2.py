"""Queries of Devices v2: the devices of every platform, filtered, ordered and paged by
offset or by cursor (keyset: each page starts after the last row of the one before, so
pages never repeat or skip a device however the fleet changes between them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Select, and_, func, literal, or_, select

from esper_emulator.store import devices as devices_db
from esper_emulator.store import groups as groups_db
from esper_emulator.store import schema
from esper_emulator.store.db import Store, holds

_d = schema.devices.c
_m = schema.group_members.c

BY_AGE: ColumnElement[Any] = _d.all_seq
"""Devices by age, oldest first: the order of a list that names none (a device's place
in its enterprise, unique there, so it needs no tie-break)."""
ORDERINGS: dict[str, ColumnElement[Any]] = {
    "name": _d.device_name,
    "alias": func.coalesce(_d.alias, ""),
    "created_at": BY_AGE,
    "provisioned_on": BY_AGE,
    "last_seen": func.coalesce(_d.last_seen, 0.0),
    "model": func.coalesce(_d.model, ""),
    "os_version": func.coalesce(_d.os_version, ""),
    "serial": func.coalesce(_d.serial, ""),
    "battery_level": func.coalesce(_d.battery_level, -1.0),
    "is_gms": _d.is_gms,
    "platform": _d.platform,
    "state": _d.state,
    # Every emulated device has the same of these, so they leave devices in age order.
    "dpc_version": BY_AGE,
    "eea_version": BY_AGE,
    "security_state": BY_AGE,
    "wifi_ssid": BY_AGE,
    "template_name": BY_AGE,
    "policy_name": BY_AGE,
}
"""What each of the spec's ``ordering`` fields orders by (``-`` before it: descending)."""

_SEARCHED = [schema.devices.c[name] for name in schema.SEARCHED]


@dataclass(frozen=True)
class DeviceQuery:
    """Which devices of an enterprise a Devices v2 list holds: every filter given."""

    states: Sequence[int] = ()
    platforms: Sequence[str] = ()
    os: str | None = None
    os_version: str | None = None
    group_sets: Sequence[Sequence[str]] = ()
    """Groups a device must be in one of, for each set."""
    tag_names: Sequence[str] | None = None
    search: str | None = None
    serial: str | None = None
    is_gms: bool | None = None
    battery_gte: float | None = None
    battery_lte: float | None = None
    blueprint: dict[str, str] = field(default_factory=dict)
    """Blueprint column (``assigned_blueprint_id``, ...) and the id it must hold."""
    blueprint_version_not: str | None = None
    """A blueprint version the device must not be at."""

    @property
    def is_everything(self) -> bool:
        """Whether the query has no filter: it holds the enterprise's whole fleet."""
        return len(self.where("")) == 1

    @property
    def by_state_only(self) -> bool:
        """Whether states (and platforms) are the query's only filters."""
        return bool(self.states) and replace(self, states=(), platforms=()).is_everything

    def where(self, enterprise_id: str, narrowed: bool = False) -> list[ColumnElement[bool]]:
        """The query's conditions (``narrowed``: see ``devices.of_enterprise``)."""
        where = [devices_db.of_enterprise(enterprise_id, narrowed)]
        if self.states:
            where.append(_d.state.in_(self.states))
        if self.platforms:
            where.append(_d.platform.in_(self.platforms))
        for column, value in (
            (_d.os, self.os),
            (_d.os_version, self.os_version),
            (_d.serial, self.serial),
            (_d.is_gms, self.is_gms),
        ):
            if value is not None:
                where.append(column == value)
        for group_ids in self.group_sets:
            where.append(devices_db.in_groups(group_ids))
        if self.tag_names is not None:
            tagged = (holds(_d.tags, f",{name},") for name in self.tag_names)
            where.append(or_(_nothing(), *tagged))  # a tag's whole name, in its case
        if self.search:
            where.append(devices_db.searched(_SEARCHED, self.search))
        if self.battery_gte is not None:
            where.append(_d.battery_level >= self.battery_gte)
        if self.battery_lte is not None:
            where.append(_d.battery_level <= self.battery_lte)
        for name, value in self.blueprint.items():
            where.append(schema.devices.c[name] == value)
        if self.blueprint_version_not is not None:
            version = _d.current_blueprint_version_id
            where.append(or_(version.is_(None), version != self.blueprint_version_not))
        return where

    def conditions(self, store: Store, enterprise_id: str) -> list[ColumnElement[bool]]:
        """The query's conditions, and the trigram index's pick of a search's candidates."""
        narrowed = devices_db.search_candidates(store, _SEARCHED, self.search or "")
        return self.where(enterprise_id, bool(narrowed)) + narrowed


def _nothing() -> ColumnElement[bool]:
    """A condition no row meets (``OR`` of nothing)."""
    return literal(False).is_(True)


_COLUMNS = (
    _d.pk,
    _d.id,
    _d.doc,
    _d.platform,
    _d.os,
    _d.os_version,
    _d.battery_level,
    _d.last_seen,
    _d.assigned_blueprint_id,
    _d.current_blueprint_id,
    _d.current_blueprint_version_id,
    _d.blueprint_upgrade_status,
)


@dataclass(frozen=True)
class Order:
    """An ordering: the field's expression, and whether descending. Ties go by age."""

    key: ColumnElement[Any]
    descending: bool = False

    def by(self, backwards: bool = False) -> list[ColumnElement[Any]]:
        """The ORDER BY terms (reversed when reading backwards)."""
        down = self.descending != backwards
        terms = [self.key] if self.key is BY_AGE else [self.key, _d.pk]
        return [term.desc() for term in terms] if down else terms

    def after(self, value: Any, pk: int, backwards: bool = False) -> ColumnElement[bool]:
        """Rows that come after ``(value, pk)`` (before it, when reading backwards)."""
        down = self.descending != backwards
        if self.key is BY_AGE:
            beyond: ColumnElement[bool] = _d.all_seq < value if down else _d.all_seq > value
            return beyond
        if down:
            return or_(self.key < value, and_(self.key == value, _d.pk < pk))
        return or_(self.key > value, and_(self.key == value, _d.pk > pk))


def count(store: Store, enterprise_id: str, query: DeviceQuery) -> int:
    """How many devices match (the whole fleet's count is its highest ``all_seq``; by
    state, or by one set of groups, the counts kept beside the devices and groups)."""
    if query.is_everything:
        return devices_db.count_all(store, enterprise_id)
    if query.by_state_only:
        return devices_db.counted(store, enterprise_id, query.states, query.platforms)
    if len(query.group_sets) == 1 and replace(query, group_sets=()).is_everything:
        return groups_db.members(store, enterprise_id, query.group_sets[0])
    counted = select(func.count()).select_from(schema.devices)
    counted = counted.where(*query.conditions(store, enterprise_id))
    return store.conn.execute(counted).scalar_one()


def offset_rows(
    store: Store, enterprise_id: str, query: DeviceQuery, order: Order, limit: int, offset: int
) -> list[Row[Any]]:
    """The matching rows from ``offset``, at most ``limit``.

    The whole fleet by age is read from its place on (``all_seq``: places are dense), as
    fast at offset 990,000 as at 0.
    """
    where = query.conditions(store, enterprise_id)
    if query.is_everything and order.key is BY_AGE:
        if order.descending:
            where.append(_d.all_seq <= devices_db.count_all(store, enterprise_id) - offset)
        else:
            where.append(_d.all_seq > offset)
        offset = 0
    selected = select(*_COLUMNS).where(*where).order_by(*order.by()).limit(limit).offset(offset)
    return _rows(store, selected)


def _rows(store: Store, selected: Select[Any]) -> list[Row[Any]]:
    return cast("list[Row[Any]]", list(store.conn.execute(selected)))


def keyset_rows(
    store: Store,
    enterprise_id: str,
    query: DeviceQuery,
    order: Order,
    limit: int,
    start: tuple[Any, int] | None,
    backwards: bool = False,
) -> list[Row[Any]]:
    """Up to ``limit`` matching rows after ``start`` (``(order value, pk)``; ``None``: the
    first), or before it when ``backwards``; each with its order value last, in list order."""
    where = query.conditions(store, enterprise_id)
    if start is not None:
        where.append(order.after(*start, backwards=backwards))
    selected = (
        select(*_COLUMNS, order.key.label("order_value"))
        .where(*where)
        .order_by(*order.by(backwards))
        .limit(limit)
    )
    rows = _rows(store, selected)
    return rows[::-1] if backwards else rows


def row(store: Store, enterprise_id: str, device_id: str) -> Row[Any] | None:
    """The device's row, or ``None``."""
    selected = select(*_COLUMNS).where(_d.id == device_id, _d.enterprise_id == enterprise_id)
    return cast("Row[Any] | None", store.conn.execute(selected).first())


def last_seen_rows(
    store: Store,
    enterprise_id: str,
    after: float,
    before: float,
    platform: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Row[Any]]]:
    """How many devices were last seen between ``after`` and ``before`` (on ``platform``,
    if given), and ``(id, last_seen, state)`` of a page of them, the longest unseen first."""
    where: list[ColumnElement[bool]] = [
        _d.enterprise_id == enterprise_id,
        _d.last_seen > after,
        _d.last_seen < before,
    ]
    if platform is not None:
        where.append(_d.platform == platform)
    total = select(func.count()).select_from(schema.devices).where(*where)
    page = (
        select(_d.id, _d.last_seen, _d.state)
        .where(*where)
        .order_by(_d.last_seen, _d.pk)
        .limit(limit)
        .offset(offset)
    )
    return store.conn.execute(total).scalar_one(), _rows(store, page)
