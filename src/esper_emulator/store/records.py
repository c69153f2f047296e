"""Queries of the enterprise's own records: policies, geofences, subscriptions, content.

Policies and content are addressed by their integer ``pk``, as the API does; geofences
and subscriptions by their ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from esper_emulator.store import schema
from esper_emulator.store.db import Page, Store, Stored, contains

_p = schema.policies.c
_g = schema.geofences.c
_s = schema.subscriptions.c
_c = schema.contents.c


@dataclass(frozen=True)
class StoredPolicy(Stored):
    """A stored policy, with its name."""

    name: str | None


@dataclass(frozen=True)
class StoredContent(Stored):
    """A stored content item, with the path of its kept file."""

    file_path: str


# policies


def policy(store: Store, enterprise_id: str, policy_id: int) -> StoredPolicy | None:
    """The enterprise's policy ``policy_id`` (its ``pk``), or ``None``."""
    row = store.one(schema.policies, _p.pk == policy_id, _p.enterprise_id == enterprise_id)
    return None if row is None else StoredPolicy(row.pk, row.doc, row.name)


def add_policy(
    store: Store, enterprise_id: str, policy_uuid: str, name: str | None, is_active: bool | None
) -> int:
    """Insert a policy whose ``doc`` is written next (it holds its ``pk``); its ``pk``."""
    return store.insert_pk(
        schema.policies,
        id=policy_uuid,
        enterprise_id=enterprise_id,
        name=name,
        is_active=is_active,
        doc=b"",
    )


def save_policy(
    store: Store, pk: int, name: str | None, is_active: bool | None, doc: bytes
) -> None:
    """Write a policy's ``doc`` and the columns its filters read."""
    store.update_row(schema.policies, pk, name=name, is_active=is_active, doc=doc)


def delete_policy(store: Store, pk: int) -> None:
    """Delete the policy."""
    store.delete_row(schema.policies, pk)


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


def geofence(store: Store, enterprise_id: str, geofence_id: str) -> Stored | None:
    """The enterprise's geofence, or ``None``."""
    row = store.one(schema.geofences, _g.id == geofence_id, _g.enterprise_id == enterprise_id)
    return None if row is None else Stored(row.pk, row.doc)


def add_geofence(
    store: Store, enterprise_id: str, geofence_id: str, name: str | None, doc: bytes
) -> None:
    """Insert a geofence."""
    store.insert(schema.geofences, id=geofence_id, enterprise_id=enterprise_id, name=name, doc=doc)


def save_geofence(store: Store, pk: int, name: str | None, doc: bytes) -> None:
    """Write a geofence's ``doc`` and its ``name`` column."""
    store.update_row(schema.geofences, pk, name=name, doc=doc)


def delete_geofence(store: Store, pk: int) -> None:
    """Delete the geofence."""
    store.delete_row(schema.geofences, pk)


def geofences_page(store: Store, enterprise_id: str, limit: int, offset: int) -> Page:
    """A page of the enterprise's geofences."""
    return store.page(schema.geofences, [_g.enterprise_id == enterprise_id], limit, offset)


def geofence_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """The stored ``Geofence`` of every geofence of the enterprise, oldest first."""
    query = select(_g.doc).where(_g.enterprise_id == enterprise_id).order_by(_g.pk)
    return list(store.conn.execute(query).scalars())


# event subscriptions


def subscription(store: Store, enterprise_id: str, subscription_id: str) -> Stored | None:
    """The enterprise's subscription, or ``None``."""
    row = store.one(
        schema.subscriptions, _s.id == subscription_id, _s.enterprise_id == enterprise_id
    )
    return None if row is None else Stored(row.pk, row.doc)


def add_subscription(store: Store, enterprise_id: str, subscription_id: str, doc: bytes) -> None:
    """Insert a subscription."""
    store.insert(schema.subscriptions, id=subscription_id, enterprise_id=enterprise_id, doc=doc)


def delete_subscription(store: Store, pk: int) -> None:
    """Delete the subscription."""
    store.delete_row(schema.subscriptions, pk)


def subscriptions_page(store: Store, enterprise_id: str, limit: int, offset: int) -> Page:
    """A page of the enterprise's subscriptions, oldest first."""
    return store.page(schema.subscriptions, [_s.enterprise_id == enterprise_id], limit, offset)


def subscription_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """The stored ``EventSubscription`` of every subscription of the enterprise."""
    query = select(_s.doc).where(_s.enterprise_id == enterprise_id)
    return list(store.conn.execute(query).scalars())


# content


def content(store: Store, enterprise_id: str, content_id: int) -> StoredContent | None:
    """The enterprise's content item ``content_id`` (its ``pk``), or ``None``."""
    row = store.one(schema.contents, _c.pk == content_id, _c.enterprise_id == enterprise_id)
    return None if row is None else StoredContent(row.pk, row.doc, row.file_path)


def add_content(store: Store, enterprise_id: str, name: str, file_path: str) -> int:
    """Insert a content item whose ``doc`` is written next (it holds its ``pk``); its ``pk``."""
    return store.insert_pk(
        schema.contents, enterprise_id=enterprise_id, name=name, file_path=file_path, doc=b""
    )


def save_content(store: Store, pk: int, search_text: str, doc: bytes) -> None:
    """Write a content item's ``doc`` and the text its search looks in."""
    store.update_row(schema.contents, pk, search_text=search_text, doc=doc)


def delete_content(store: Store, pk: int) -> None:
    """Delete the content item."""
    store.delete_row(schema.contents, pk)


def contents_page(
    store: Store, enterprise_id: str, limit: int, offset: int, search: str | None = None
) -> Page:
    """A page of content; a non-empty ``search`` matches a part of the search text."""
    where: list[ColumnElement[bool]] = [_c.enterprise_id == enterprise_id]
    if search:
        where.append(contains(_c.search_text, search))
    return store.page(schema.contents, where, limit, offset)
