"""Queries of Blueprints v2: each blueprint, and every version it has had.

A blueprint's row keeps its latest version's document; each version's row keeps the
document as of that version (its ``settings`` are what a device converging to that
``version_id`` gets), so every version stays readable until the blueprint is deleted.
"""

from __future__ import annotations

from sqlalchemy import select

from esper_emulator.store import schema
from esper_emulator.store.db import Store, Stored

_b = schema.blueprints.c
_v = schema.blueprint_versions.c


def blueprint(store: Store, enterprise_id: str, blueprint_id: str) -> Stored | None:
    """The enterprise's blueprint (its latest version's document), or ``None``."""
    row = store.one(schema.blueprints, _b.id == blueprint_id, _b.enterprise_id == enterprise_id)
    return None if row is None else Stored(row.pk, row.doc)


def name_taken(store: Store, enterprise_id: str, name: str, but: str | None = None) -> bool:
    """Whether another blueprint of the enterprise (not ``but``) is called ``name``."""
    query = select(_b.id).where(_b.enterprise_id == enterprise_id, _b.name == name)
    if but is not None:
        query = query.where(_b.id != but)
    return store.conn.execute(query.limit(1)).first() is not None


def add_blueprint(store: Store, enterprise_id: str, blueprint_id: str, name: str) -> None:
    """Insert a blueprint whose document its first version writes."""
    store.insert(
        schema.blueprints, id=blueprint_id, enterprise_id=enterprise_id, name=name, doc=b""
    )


def add_version(
    store: Store,
    enterprise_id: str,
    blueprint_id: str,
    version_id: str,
    number: tuple[int, int],
    publish: bool,
    name: str,
    doc: bytes,
) -> None:
    """Add version ``number`` (major, minor) of a blueprint; it becomes the latest."""
    store.insert(
        schema.blueprint_versions,
        id=version_id,
        blueprint_id=blueprint_id,
        enterprise_id=enterprise_id,
        version_number=number[0],
        minor_version_number=number[1],
        publish=publish,
        doc=doc,
    )
    store.update_by_id(schema.blueprints, blueprint_id, name=name, doc=doc)


def blueprint_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """Every blueprint of the enterprise (its latest version's document), oldest first."""
    query = select(_b.doc).where(_b.enterprise_id == enterprise_id).order_by(_b.pk)
    return list(store.conn.execute(query).scalars())


def version(store: Store, blueprint_id: str, version_id: str) -> bytes | None:
    """The document of one version of the blueprint, or ``None``."""
    return store.doc(
        schema.blueprint_versions, _v.id == version_id, _v.blueprint_id == blueprint_id
    )


def version_docs(store: Store, blueprint_id: str) -> list[bytes]:
    """The document of every version of the blueprint, oldest first."""
    query = select(_v.doc).where(_v.blueprint_id == blueprint_id).order_by(_v.pk)
    return list(store.conn.execute(query).scalars())


def delete_blueprint(store: Store, pk: int, blueprint_id: str) -> None:
    """Delete the blueprint and every version of it."""
    store.delete(schema.blueprint_versions, _v.blueprint_id == blueprint_id)
    store.delete_row(schema.blueprints, pk)
