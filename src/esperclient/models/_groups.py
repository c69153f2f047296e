"""Device groups."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from esperclient.models._base import Model


class DeviceGroup(Model):
    """The `DeviceGroup` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"name"})

    id: str | None = None
    name: str | None = None
    created_on: datetime | None = None
    enterprise: str | None = None
    parent: str | None = None
    device_count: int | None = None
    path: str | None = None
    children_count: int | None = None


class DeviceGroupPartialUpdate(Model):
    """The `DeviceGroupPartialUpdate` object of the Esper API."""

    id: str | None = None
    name: str | None = None
    created_on: datetime | None = None
    enterprise: str | None = None
    parent: str | None = None
    device_ids: list[str] | None = None
    device_count: int | None = None
    path: str | None = None
    children_count: int | None = None


class DeviceGroupUpdate(Model):
    """The `DeviceGroupUpdate` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"name"})

    id: str | None = None
    name: str | None = None
    created_on: datetime | None = None
    enterprise: str | None = None
    parent: str | None = None
    device_ids: list[str] | None = None
    device_count: int | None = None
    path: str | None = None
    children_count: int | None = None
