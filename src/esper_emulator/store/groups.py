"""Queries of the device groups and their members."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Row, Select, func, select

from esper_emulator.store import schema
from esper_emulator.store.db import Bulk, BulkMaker, Page, Store, StoredById, chunks

ROOT_GROUP = "All devices"
"""The name of the group every enterprise has, which holds every device."""

_g = schema.device_groups.c
_m = schema.group_members.c


def doc(store: Store, enterprise_id: str, group_id: str) -> bytes | None:
    """The stored ``DeviceGroup`` of the enterprise, or ``None``."""
    return store.doc(schema.device_groups, _g.id == group_id, _g.enterprise_id == enterprise_id)


def exists(store: Store, enterprise_id: str, group_id: str) -> bool:
    """Whether the enterprise has the group."""
    row = store.one(schema.device_groups, _g.id == group_id, _g.enterprise_id == enterprise_id)
    return row is not None


def named(store: Store, enterprise_id: str, name: str) -> Row[Any] | None:
    """The enterprise's group row called ``name``, or ``None``."""
    return store.one(schema.device_groups, _g.enterprise_id == enterprise_id, _g.name == name)


def page(
    store: Store, enterprise_id: str, limit: int, offset: int, name: str | None = None
) -> Page:
    """A page of the enterprise's groups (only those named exactly ``name``, if given)."""
    where: list[ColumnElement[bool]] = [_g.enterprise_id == enterprise_id]
    if name is not None:
        where.append(_g.name == name)
    return store.page(schema.device_groups, where, limit, offset)


def rows(store: Store, enterprise_id: str) -> list[StoredById]:
    """Every group of the enterprise, oldest first."""
    query = select(_g.pk, _g.doc, _g.id).where(_g.enterprise_id == enterprise_id).order_by(_g.pk)
    return [StoredById(pk, doc, group_id) for pk, doc, group_id in store.conn.execute(query)]


def known_ids(store: Store, enterprise_id: str, group_ids: Sequence[str]) -> set[str]:
    """Those of ``group_ids`` that are groups of the enterprise."""
    query = select(_g.id).where(_g.id.in_(group_ids), _g.enterprise_id == enterprise_id)
    return set(store.conn.execute(query).scalars())


def add(store: Store, enterprise_id: str, group_id: str, name: str, doc: bytes) -> None:
    """Insert a group (its members join with ``add_members``)."""
    store.insert(schema.device_groups, id=group_id, enterprise_id=enterprise_id, name=name, doc=doc)


def save(store: Store, group_id: str, name: str | None, doc: bytes) -> None:
    """Write a group's changed ``doc`` and its ``name`` column."""
    store.update(schema.device_groups, _g.id == group_id, name=name, doc=doc)


def delete(store: Store, group_id: str) -> None:
    """Delete the group and its memberships."""
    store.delete(schema.group_members, _m.group_id == group_id)
    store.delete(schema.device_groups, _g.id == group_id)


def member_ids(store: Store, group_ids: Sequence[str]) -> list[str]:
    """The devices in any of ``group_ids``, each once, in the order they were made."""
    if not group_ids:
        return []
    d = schema.devices.c
    members = select(_m.device_id).where(_m.group_id.in_(group_ids))
    query = select(d.id).where(d.id.in_(members)).order_by(d.pk)
    return list(store.conn.execute(query).scalars())


def memberships(store: Store, device_ids: Sequence[str]) -> list[tuple[str, str]]:
    """The ``(device id, group id)`` pairs of ``device_ids``, each device's oldest group first."""
    pairs: list[tuple[str, str]] = []
    for ids in chunks(device_ids):
        query = (
            select(_m.device_id, _m.group_id)
            .join(schema.device_groups, _g.id == _m.group_id)
            .where(_m.device_id.in_(ids))
            .order_by(_g.pk)
        )
        pairs += [(device_id, group_id) for device_id, group_id in store.conn.execute(query)]
    return pairs


def member_counts(store: Store, enterprise_id: str) -> dict[str, int]:
    """How many members each group of the enterprise has (groups with any)."""
    query = select(_g.id, _g.members).where(_g.enterprise_id == enterprise_id, _g.members > 0)
    return {group_id: total for group_id, total in store.conn.execute(query)}


def members_total(
    enterprise_id: str | BindParameter[str], group_ids: Sequence[str | BindParameter[str]]
) -> Select[int]:
    """The query of how many devices are in any of the enterprise's ``group_ids`` (each
    device is in one group), from the counts kept on the groups."""
    return select(func.coalesce(func.sum(_g.members), 0)).where(
        _g.enterprise_id == enterprise_id, _g.id.in_(group_ids)
    )


def members(store: Store, enterprise_id: str, group_ids: Sequence[str]) -> int:
    """How many devices are in any of the enterprise's ``group_ids`` (``members_total``)."""
    return int(store.conn.execute(members_total(enterprise_id, group_ids)).scalar_one())


def new_members(make: BulkMaker, group_id: str, device_ids: Iterable[str]) -> Bulk:
    """The rows that make ``device_ids`` members of the group, in this order (``join``)."""
    rows = [(group_id, device_id) for device_id in device_ids]
    return make(schema.group_members, ("group_id", "device_id"), rows)


def join(store: Store, group_id: str, members: Bulk) -> None:
    """Make the devices of ``members`` (none of them a member yet) members of the group."""
    store.bulk_insert(members)
    _count(store, {group_id: members.count})


def add_members(store: Store, group_id: str, device_ids: Iterable[str]) -> None:
    """Make ``device_ids`` (none of them a member yet) members of the group, in this order."""
    join(store, group_id, new_members(store.bulk_maker(), group_id, device_ids))


def _count(store: Store, joined: dict[str, int]) -> None:
    """Add to each group's count of members the number that ``joined`` it (or left: < 0)."""
    for group_id, change in joined.items():
        if change:
            store.update(schema.device_groups, _g.id == group_id, members=_g.members + change)


def remove_members(store: Store, group_id: str, device_ids: Iterable[str]) -> None:
    """Take ``device_ids`` out of the group."""
    _remove(store, _m.group_id == group_id, device_ids)


def remove_from_others(store: Store, keep: Iterable[str], device_ids: Iterable[str]) -> None:
    """Take ``device_ids`` out of every group but those in ``keep``."""
    _remove(store, _m.group_id.not_in(sorted(keep)), device_ids)


def _remove(store: Store, which: ColumnElement[bool], device_ids: Iterable[str]) -> None:
    for ids in chunks(sorted(device_ids)):
        where = (which, _m.device_id.in_(ids))
        leaving = select(_m.group_id, func.count()).where(*where).group_by(_m.group_id)
        _count(store, {group_id: -n for group_id, n in store.conn.execute(leaving)})
        store.delete(schema.group_members, *where)
