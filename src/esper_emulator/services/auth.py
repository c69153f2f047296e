"""API keys: issued per enterprise, stored only as SHA-256 hashes, renewed in place.

A key is never stored: its row holds ``sha256(key)``, and a request's key is found by
looking its hash up. That lookup is what makes the comparison safe against timing:
the time an index search takes depends on the stored hashes and on the hash of the
key sent, which an attacker cannot steer byte by byte (finding a key whose hash
shares a chosen prefix is a preimage search), so timing tells nothing about any
stored key. The found row's hash is then compared again with ``hmac.compare_digest``.

Every key has an expiry (``expires_on`` in token-info, a year after issue by
default); an expired key is a 401 everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

import msgspec

from esper_emulator.errors import ApiError, bad_request, not_authenticated, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.store import Store
from esper_emulator.store import enterprises as enterprises_db
from esper_emulator.store.enterprises import StoredToken
from esperclient.models import TokenInfoV1, TokenRenewV0

TOKEN_LIFETIME = 365 * 24 * 3600.0
SCOPES = ["read", "write"]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return secrets.token_urlsafe(22)[:30]


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

    def issue(
        self, enterprise_id: str, key: str | None = None, *, lifetime: float = TOKEN_LIFETIME
    ) -> str:
        """Store a key (a fresh random one unless given) for ``enterprise_id``; return it.

        The key expires ``lifetime`` seconds from now (zero or less: already expired).
        A key that is already stored is returned as it is.
        """
        key = key or _new_key()
        token_hash = _hash(key)
        if enterprises_db.token(self.store, token_hash) is not None:
            return key
        now = self.clock.utcnow()
        info = TokenInfoV1.construct(
            id=str(uuid.uuid4().int % 10**9),
            enterprise=enterprise_id,
            user=str(uuid.uuid4()),
            developer_app=str(uuid.uuid4()),
            source_refresh_token=secrets.token_hex(8),
            expires_on=now.fromtimestamp(self.clock.now() + lifetime, tz=now.tzinfo),
            scope=SCOPES,
            created_on=now,
            updated_on=now,
        )
        enterprises_db.add_token(
            self.store,
            enterprise_id,
            token_hash,
            self.clock.now() + lifetime,
            msgspec.json.encode(info),
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
        key_hash = _hash(key)
        row = enterprises_db.token(self.store, key_hash)
        if row is None or not hmac.compare_digest(row.token_hash, key_hash):
            raise not_authenticated("Invalid token.")
        if row.expires_at <= self.clock.now():
            raise not_authenticated("Token has expired.")
        return row.enterprise_id, key

    def check_enterprise(self, token_enterprise: str, path_enterprise: str) -> None:
        """A 403 unless the path names the key's own enterprise."""
        if path_enterprise != token_enterprise:
            raise ApiError(403, "You do not have permission to perform this action.")

    def info(self, key: str) -> TokenInfoV1:
        """What is known of ``key`` (its user, developer app, expiry...); a 401 if unknown."""
        row = enterprises_db.token(self.store, _hash(key))
        if row is None:
            raise not_authenticated("Invalid token.")
        return msgspec.json.decode(row.doc, type=TokenInfoV1)

    def token_info(self, key: str) -> bytes:
        """The ``TokenInfoV1`` of ``key``."""
        info = self.info(key)
        info.token = key
        return msgspec.json.encode(info)

    def renew(self, enterprise_id: str, developer_app: str, access_token: str) -> TokenRenewV0:
        """Replace ``access_token`` by a fresh key with a new expiry; the ``TokenRenewV0``.

        The token keeps its id, user and developer app; only its key and expiry change,
        so the old key stops working at once (the very request that renews it may have
        been authenticated by it). A developer app unknown to the enterprise is a 404;
        an ``access_token`` that is not a live key of that app in this enterprise is a 400.
        """
        if not any(info.developer_app == developer_app for info in self._infos(enterprise_id)):
            raise not_found("Developer app")
        row = self._live_row(enterprise_id, access_token)
        info = msgspec.json.decode(row.doc, type=TokenInfoV1)
        if info.developer_app != developer_app:
            raise bad_request("access_token", "This token was not issued to this developer app.")
        key, now = _new_key(), self.clock.utcnow()
        expires_at = self.clock.now() + TOKEN_LIFETIME
        info.expires_on, info.updated_on = self.clock.at(expires_at), now
        enterprises_db.renew_token(
            self.store, row.pk, _hash(key), expires_at, msgspec.json.encode(info)
        )
        return TokenRenewV0(
            id=info.id,
            user=info.user,
            enterprise=enterprise_id,
            token=key,
            expires_at=info.expires_on,
            developerapp=developer_app,
            scope=" ".join(info.scope or SCOPES),
            created_on=info.created_on,
            updated_on=now,
        )

    def _infos(self, enterprise_id: str) -> list[TokenInfoV1]:
        docs = enterprises_db.token_docs(self.store, enterprise_id)
        return [msgspec.json.decode(doc, type=TokenInfoV1) for doc in docs]

    def _live_row(self, enterprise_id: str, key: str) -> StoredToken:
        """The token row of ``key`` if it is an unexpired key of ``enterprise_id``; else a 400."""
        row = enterprises_db.token(self.store, _hash(key))
        if row is None or row.enterprise_id != enterprise_id:
            raise bad_request("access_token", "Invalid token.")
        if row.expires_at <= self.clock.now():
            raise bad_request("access_token", "Token has expired.")
        return row
