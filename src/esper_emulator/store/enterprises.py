"""Queries of the enterprises and of their API keys (kept as hashes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from esper_emulator.store import schema
from esper_emulator.store.db import Store, Stored

_enterprise = schema.enterprises.c
_token = schema.tokens.c


@dataclass(frozen=True)
class StoredToken(Stored):
    """A stored API key: the hash it is found by, its enterprise and its expiry."""

    token_hash: str
    enterprise_id: str
    expires_at: float


def add(store: Store, enterprise_id: str, name: str, doc: bytes) -> None:
    """Insert an enterprise."""
    store.insert(schema.enterprises, id=enterprise_id, name=name, doc=doc)


def doc(store: Store, enterprise_id: str) -> bytes | None:
    """The stored ``EnterpriseV1``, or ``None``."""
    return store.doc(schema.enterprises, _enterprise.id == enterprise_id)


def update(store: Store, enterprise_id: str, name: str | None, doc: bytes) -> None:
    """Write the enterprise's changed ``doc`` and its ``name`` column."""
    store.update(schema.enterprises, _enterprise.id == enterprise_id, name=name, doc=doc)


_TOKEN = select(
    _token.pk, _token.doc, _token.token_hash, _token.enterprise_id, _token.expires_at
).where(_token.token_hash == bindparam("token_hash"))


def token(store: Store, token_hash: str) -> StoredToken | None:
    """The token of a key's hash, or ``None`` (every request asks: built once, driven)."""
    found = store.driven(_TOKEN, {"token_hash": token_hash})
    return StoredToken(*found[0]) if found else None


def add_token(
    store: Store, enterprise_id: str, token_hash: str, expires_at: float, doc: bytes
) -> None:
    """Insert an API key's token, kept by the key's hash."""
    store.insert(
        schema.tokens,
        token_hash=token_hash,
        enterprise_id=enterprise_id,
        expires_at=expires_at,
        doc=doc,
    )


def renew_token(store: Store, pk: int, token_hash: str, expires_at: float, doc: bytes) -> None:
    """Give a token a new key (its hash) and expiry."""
    store.update_row(schema.tokens, pk, token_hash=token_hash, expires_at=expires_at, doc=doc)


def token_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """The stored ``TokenInfoV1`` of every key of the enterprise."""
    query = select(_token.doc).where(_token.enterprise_id == enterprise_id)
    return list(store.conn.execute(query).scalars())
