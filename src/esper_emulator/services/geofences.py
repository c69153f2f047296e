"""Geofences: a named circle around a point, and what devices do on leaving it."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.store import Page, Store, Stored
from esper_emulator.store import records as records_db
from esper_emulator.validation import REQUIRED, Rule, Rules
from esperclient.models import Geofence, GeofenceUpdate

RADIUS_UNITS = ("KILOMETERS", "METERS", "MILES")
DEVICE_ACTIONS = ("LOCK_DOWN", "BEEP")

_CHECKS: Rules = {
    "name": Rule(required=True, min_length=1, max_length=255),
    "radius": Rule(minimum=1, maximum=2**31 - 1),
    "radius_unit": Rule(choices=RADIUS_UNITS),
    "device_actions": Rule(choices=DEVICE_ACTIONS),
}
GEOFENCE_RULES: Rules = {**_CHECKS, "latitude": REQUIRED, "longitude": REQUIRED}
"""A created or replaced geofence (``Geofence``); a PATCH checks them as partial."""

DEFAULTS: dict[str, Any] = {
    "description": "",
    "radius": 100,
    "radius_unit": "METERS",
    "device_actions": [],
}
"""What a geofence has when its creator leaves these out."""

_WRITABLE = ("name", "description", "latitude", "longitude", "radius", "radius_unit")
_LIMITS = {"latitude": Decimal(90), "longitude": Decimal(180)}


def coordinate(field: str, value: str) -> str:
    """``value`` as a plain decimal string; a 400 naming ``field`` unless it is one in range."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise bad_request(field, f"{value!r} is not a valid decimal number.") from None
    if not number.is_finite():
        raise bad_request(field, f"{value!r} is not a valid decimal number.")
    limit = _LIMITS[field]
    if not -limit <= number <= limit:
        raise bad_request(field, f"Ensure this value is between -{limit} and {limit}.")
    return format(number, "f")


class Geofences:
    """The enterprise's geofences."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, enterprise_id: str, body: Geofence, created_by: str | None) -> Geofence:
        """Store a new geofence; its ``Geofence`` (``enterprise`` is the enterprise's id)."""
        now = self.clock.utcnow()
        fence_id = str(uuid.uuid4())
        fence = Geofence.construct(
            id=fence_id,
            enterprise=enterprise_id,
            device_count=0,
            created_by=created_by,
            created_on=now,
        )
        _set(fence, body, now, replace=True)
        doc = msgspec.json.encode(fence)
        records_db.add_geofence(self.store, enterprise_id, fence_id, fence.name, doc)
        return fence

    def list_geofences(
        self, enterprise_id: str, search: str | None, limit: int, offset: int
    ) -> Page:
        """A page of the geofences; ``search`` matches a part of the name or description."""
        if not search:
            return records_db.geofences_page(self.store, enterprise_id, limit, offset)
        term = search.casefold()
        docs = [
            doc
            for doc in records_db.geofence_docs(self.store, enterprise_id)
            if _matches(msgspec.json.decode(doc, type=Geofence), term)
        ]
        return Page(len(docs), docs[offset : offset + limit])

    def get(self, enterprise_id: str, geofence_id: str) -> bytes:
        """The stored ``Geofence``; a 404 if the enterprise has no such geofence."""
        return self._row(enterprise_id, geofence_id).doc

    def update(
        self, enterprise_id: str, geofence_id: str, body: Geofence | GeofenceUpdate, replace: bool
    ) -> Geofence:
        """A PUT (``replace``: fields left out go back to defaults) or a PATCH."""
        row = self._row(enterprise_id, geofence_id)
        fence = msgspec.json.decode(row.doc, type=Geofence)
        _set(fence, body, self.clock.utcnow(), replace=replace)
        doc = msgspec.json.encode(fence)
        records_db.save_geofence(self.store, row.pk, fence.name, doc)
        return fence

    def delete(self, enterprise_id: str, geofence_id: str) -> None:
        """Remove the geofence; a 404 if the enterprise has no such geofence."""
        row = self._row(enterprise_id, geofence_id)
        records_db.delete_geofence(self.store, row.pk)

    def _row(self, enterprise_id: str, geofence_id: str) -> Stored:
        row = records_db.geofence(self.store, enterprise_id, geofence_id)
        if row is None:
            raise not_found("Geofence")
        return row


def _set(fence: Geofence, body: Geofence | GeofenceUpdate, now: datetime, replace: bool) -> None:
    """Copy the writable fields of ``body`` (checked coordinates) onto ``fence``.

    With ``replace``, a field left out takes its default; otherwise it is kept.
    """
    for name in (*_WRITABLE, "device_actions"):
        value = getattr(body, name)
        if value is not None and name in _LIMITS:
            value = coordinate(name, value)
        if value is None and replace:
            value = DEFAULTS.get(name)
        if value is not None:
            setattr(fence, name, list(dict.fromkeys(value)) if name == "device_actions" else value)
    fence.updated_on = now


def _matches(fence: Geofence, term: str) -> bool:
    return term in (fence.name or "").casefold() or term in (fence.description or "").casefold()
