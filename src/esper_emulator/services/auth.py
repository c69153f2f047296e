"""API keys: issued per enterprise, stored only as SHA-256 hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

import msgspec

from esper_emulator.errors import ApiError, not_authenticated
from esper_emulator.services.clock import Clock
from esper_emulator.store import Store, schema
from esperclient.models import TokenInfoV1

TOKEN_LIFETIME = 365 * 24 * 3600.0
SCOPES = ["read", "write"]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Auth:
    """Issues API keys and resolves ``Authorization: Bearer <key>`` to an enterprise."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def _secret(self) -> bytes:
        secret = self.store.meta_get("key_secret")
        if secret is None:
            secret = secrets.token_hex(32)
            self.store.meta_set("key_secret", secret)
        return bytes.fromhex(secret)

    def derived_key(self, label: str) -> str:
        """The API key named ``label``: the same for the life of this database."""
        digest = hmac.new(self._secret(), label.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:30]

    def issue(self, enterprise_id: str, key: str | None = None) -> str:
        """Store a key (a fresh random one unless given) for ``enterprise_id``; return it."""
        key = key or secrets.token_urlsafe(22)[:30]
        token_hash = _hash(key)
        if self.store.one(schema.tokens, schema.tokens.c.token_hash == token_hash) is not None:
            return key
        now = self.clock.utcnow()
        info = TokenInfoV1(
            id=str(uuid.uuid4().int % 10**9),
            enterprise=enterprise_id,
            user=str(uuid.uuid4()),
            developer_app=str(uuid.uuid4()),
            source_refresh_token=secrets.token_hex(8),
            expires_on=now.fromtimestamp(self.clock.now() + TOKEN_LIFETIME, tz=now.tzinfo),
            scope=SCOPES,
            created_on=now,
            updated_on=now,
        )
        self.store.insert(
            schema.tokens,
            token_hash=token_hash,
            enterprise_id=enterprise_id,
            expires_at=self.clock.now() + TOKEN_LIFETIME,
            doc=msgspec.json.encode(info),
        )
        return key

    def authenticate(self, header: str | None) -> tuple[str, str]:
        """The enterprise id and key of a valid ``Authorization`` header; else a 401."""
        if not header:
            raise not_authenticated("Authentication credentials were not provided.")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise not_authenticated("Invalid Authorization header: expected 'Bearer <API key>'.")
        key = key.strip()
        row = self.store.one(schema.tokens, schema.tokens.c.token_hash == _hash(key))
        if row is None or not hmac.compare_digest(row.token_hash, _hash(key)):
            raise not_authenticated("Invalid token.")
        if row.expires_at <= self.clock.now():
            raise not_authenticated("Token has expired.")
        return row.enterprise_id, key

    def check_enterprise(self, token_enterprise: str, path_enterprise: str) -> None:
        """A 403 unless the path names the key's own enterprise."""
        if path_enterprise != token_enterprise:
            raise ApiError(403, "You do not have permission to perform this action.")

    def token_info(self, key: str) -> bytes:
        """The ``TokenInfoV1`` of ``key``."""
        doc = self.store.doc(schema.tokens, schema.tokens.c.token_hash == _hash(key))
        if doc is None:
            raise not_authenticated("Invalid token.")
        info = msgspec.json.decode(doc, type=TokenInfoV1)
        info.token = key
        return msgspec.json.encode(info)
