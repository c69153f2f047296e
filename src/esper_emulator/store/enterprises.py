"""Queries of the enterprises and of their API keys (kept as hashes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, select

from esper_emulator.store import schema
from esper_emulator.store.db import Store

_enterprise = schema.enterprises.c
_token = schema.tokens.c


def doc(store: Store, enterprise_id: str) -> bytes | None:
    """The stored ``EnterpriseV1``, or ``None``."""
    return store.doc(schema.enterprises, _enterprise.id == enterprise_id)


def update(store: Store, enterprise_id: str, name: str | None, doc: bytes) -> None:
    """Write the enterprise's changed ``doc`` and its ``name`` column."""
    store.update(schema.enterprises, _enterprise.id == enterprise_id, name=name, doc=doc)


_TOKEN = select(schema.tokens).where(_token.token_hash == bindparam("token_hash"))


def token(store: Store, token_hash: str) -> Row[Any] | None:
    """The token row of a key's hash, or ``None`` (every request asks: built once)."""
    return store.conn.execute(_TOKEN, {"token_hash": token_hash}).first()


def token_docs(store: Store, enterprise_id: str) -> list[bytes]:
    """The stored ``TokenInfoV1`` of every key of the enterprise."""
    query = select(_token.doc).where(_token.enterprise_id == enterprise_id)
    return list(store.conn.execute(query).scalars())
