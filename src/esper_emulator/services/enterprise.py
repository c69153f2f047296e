"""The enterprise itself: read it, update its details."""

from __future__ import annotations

import re

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.store import Store
from esper_emulator.store import enterprises as enterprises_db
from esper_emulator.validation import Rule, Rules
from esperclient.models import EnterpriseUpdateV1, EnterpriseV1

_TEXT = Rule(min_length=1, max_length=255)

ENTERPRISE_RULES: Rules = {
    "name": _TEXT,
    "registered_name": _TEXT,
    "registered_address": _TEXT,
    "location": _TEXT,
    "zipcode": Rule(min_length=1, max_length=8),
    "contact_person": _TEXT,
    "contact_number": Rule(min_length=1, max_length=20),
    "contact_email": Rule(min_length=1, max_length=254),
}
"""The lengths of ``EnterpriseUpdateV1`` in the spec."""

# Writable fields of EnterpriseUpdateV1 (``id`` is read-only and ignored).
_WRITABLE = tuple(name for name in EnterpriseUpdateV1.__struct_fields__ if name != "id")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def load(store: Store, enterprise_id: str) -> EnterpriseV1:
    """The enterprise ``enterprise_id``; a 404 if there is none."""
    doc = enterprises_db.doc(store, enterprise_id)
    if doc is None:
        raise not_found("Enterprise")
    return msgspec.json.decode(doc, type=EnterpriseV1)


def check_email(field: str, value: str | None) -> None:
    """A 400 naming ``field`` unless ``value`` (when given) looks like an email address."""
    if value is not None and not _EMAIL.fullmatch(value):
        raise bad_request(field, "Enter a valid email address.")


class Enterprises:
    """The enterprise of a key: its details and their updates."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def get(self, enterprise_id: str) -> bytes:
        """The stored ``EnterpriseV1``; a 404 if there is none."""
        doc = enterprises_db.doc(self.store, enterprise_id)
        if doc is None:
            raise not_found("Enterprise")
        return doc

    def update(self, enterprise_id: str, changes: EnterpriseUpdateV1) -> EnterpriseV1:
        """Apply the fields given in ``changes`` (a PATCH) and bump ``updated_on``."""
        check_email("contact_email", changes.contact_email)
        enterprise = load(self.store, enterprise_id)
        for name in _WRITABLE:
            value = getattr(changes, name)
            if value is not None:
                setattr(enterprise, name, value)
        enterprise.updated_on = self.clock.utcnow()
        enterprises_db.update(
            self.store, enterprise_id, enterprise.name, msgspec.json.encode(enterprise)
        )
        return enterprise
