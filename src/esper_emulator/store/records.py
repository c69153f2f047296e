"""Queries of the enterprise's own records: policies, geofences, subscriptions, content.

Policies and content are addressed by their integer ``pk``, as the API does; geofences
and subscriptions by their ``id``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, select

from esper_emulator.store import schema
from esper_emulator.store.db import Page, Store, contains

_p = schema.policies.c
_g = schema.geofences.c
_s = schema.subscriptions.c
_c = schema.contents.c


# policies


def policy(store: Store, enterprise_id: str, policy_id: int) -> Row[Any] | None:
    """The enterprise's policy row ``policy_id`` (its ``pk``), or ``None``."""
    return store.one(schema.policies, _p.pk == policy_id, _p.enterprise_id == enterprise_id)


def policies_page(
    store: Store,
    enterprise_id: str,
    limit: int,
    offset: int,
    *,
    name: str | None = None,
    is_active: bool | None = None,
) -> Page:
    """A page of the policies; a non-empty ``name`` matches a part of the name, any case."""
    where: list[ColumnElement[bool]] = [_p.enterprise_id == enterprise_id]
    if name:
        where.append(contains(_p.name, name))
    if is_active is not None:
        where.append(_p.is_active == is_active)
    return store.page(schema.policies, where, limit, offset)


# geofences


def geofence(store: Store, enterprise_id: str, geofence_id: str) -> Row[Any] | None:
    """The enterprise's geofence row, or ``None``."""
    return store.one(schema.geofences, _g.id == geofence_id, _g.enterprise_id == enterprise_id)


def geofences_page(store: Store, enterprise_id: str, limit: int, offset: int) -> Page:
    """A page of the enterprise's geofences."""
    return store.page(schema.geofences, [_g.enterprise_id == enterprise_id], limit, offset)


def geofence_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """The stored ``Geofence`` of every geofence of the enterprise, oldest first."""
    query = select(_g.doc).where(_g.enterprise_id == enterprise_id).order_by(_g.pk)
    return list(store.conn.execute(query).scalars())


# event subscriptions


def subscription(store: Store, enterprise_id: str, subscription_id: str) -> Row[Any] | None:
    """The enterprise's subscription row, or ``None``."""
    return store.one(
        schema.subscriptions, _s.id == subscription_id, _s.enterprise_id == enterprise_id
    )


def subscriptions_page(store: Store, enterprise_id: str, limit: int, offset: int) -> Page:
    """A page of the enterprise's subscriptions, oldest first."""
    return store.page(schema.subscriptions, [_s.enterprise_id == enterprise_id], limit, offset)


def subscription_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """The stored ``EventSubscription`` of every subscription of the enterprise."""
    query = select(_s.doc).where(_s.enterprise_id == enterprise_id)
    return list(store.conn.execute(query).scalars())


# content


def content(store: Store, enterprise_id: str, content_id: int) -> Row[Any] | None:
    """The enterprise's content row ``content_id`` (its ``pk``), or ``None``."""
    return store.one(schema.contents, _c.pk == content_id, _c.enterprise_id == enterprise_id)


def contents_page(
    store: Store, enterprise_id: str, limit: int, offset: int, search: str | None = None
) -> Page:
    """A page of content; a non-empty ``search`` matches a part of the search text."""
    where: list[ColumnElement[bool]] = [_c.enterprise_id == enterprise_id]
    if search:
        where.append(contains(_c.search_text, search))
    return store.page(schema.contents, where, limit, offset)
