"""Queries of the enterprise's device tags (``tags``): by name, by id, and the tag list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select

from esper_emulator.store import schema
from esper_emulator.store.db import Store, chunks, contains

_t = schema.tags.c


def ensure(store: Store, enterprise_id: str, names: Sequence[str]) -> None:
    """Make each of ``names`` a tag of the enterprise (those it has stay as they are)."""
    known = set(ids_by_name(store, enterprise_id, names))
    new = [name for name in dict.fromkeys(names) if name not in known]
    store.insert_many(
        schema.tags,
        [{"id": str(uuid.uuid4()), "enterprise_id": enterprise_id, "tag": name} for name in new],
    )


def ids_by_name(store: Store, enterprise_id: str, names: Sequence[str]) -> dict[str, str]:
    """The id of each of ``names`` that is a tag of the enterprise, by name."""
    found: dict[str, str] = {}
    for part in chunks(list(names)):
        query = select(_t.tag, _t.id).where(_t.enterprise_id == enterprise_id, _t.tag.in_(part))
        found.update({tag: tag_id for tag, tag_id in store.conn.execute(query)})
    return found


def names_by_id(store: Store, enterprise_id: str, tag_ids: Sequence[str]) -> dict[str, str]:
    """The name of each of ``tag_ids`` that is a tag of the enterprise, by id."""
    found: dict[str, str] = {}
    for part in chunks(list(tag_ids)):
        query = select(_t.id, _t.tag).where(_t.enterprise_id == enterprise_id, _t.id.in_(part))
        found.update({tag_id: tag for tag_id, tag in store.conn.execute(query)})
    return found


def page(
    store: Store,
    enterprise_id: str,
    limit: int,
    offset: int,
    *,
    search: str | None = None,
    descending: bool = False,
) -> tuple[int, list[tuple[str, str]]]:
    """How many tags match, and ``(id, tag)`` of a page of them, by name.

    ``search`` keeps the tags holding it, in any case.
    """
    where: list[ColumnElement[bool]] = [_t.enterprise_id == enterprise_id]
    if search:
        where.append(contains(_t.tag, search))
    total = store.conn.execute(select(func.count()).select_from(schema.tags).where(*where))
    order = _t.tag.desc() if descending else _t.tag
    query = select(_t.id, _t.tag).where(*where).order_by(order).limit(limit).offset(offset)
    return total.scalar_one(), [(tag_id, tag) for tag_id, tag in store.conn.execute(query)]
