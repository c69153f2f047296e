"""Content, geofences and event subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from esperclient.models._base import Limits, Model, sent_default


class Owner(Model):
    """The `Owner` object of the Esper API."""

    id: int | None = None
    username: str | None = None


class Data(Model):
    """The `Data` object of the Esper API."""

    tags: list[str] | None = None
    description: str | None = None


class EventSubscription(Model):
    """The `EventSubscription` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "aws_account_id"})
    _limits: ClassVar[dict[str, Limits]] = {"aws_account_id": Limits(min_length=1)}

    id: str | None = None
    aws_account_id: str | None = None
    sns_topic_arn: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_subscribed: bool | None = None
    enterprise: str | None = None


class EventSubscriptionArgs(Model):
    """The `EventSubscriptionArgs` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"aws_account_id"})
    _limits: ClassVar[dict[str, Limits]] = {"aws_account_id": Limits(min_length=1)}

    aws_account_id: str | None = None


class Geofence(Model):
    """The `Geofence` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"name", "longitude", "latitude"})
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "device_actions": ("LOCK_DOWN", "BEEP"),
        "radius_unit": ("KILOMETERS", "METERS", "MILES"),
    }

    id: str | None = None
    name: str | None = None
    description: str | None = None
    enterprise: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    radius: int | None = None
    radius_unit: str | None = None
    device_actions: list[str] | None = None
    device_count: int | None = None
    created_by: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None


class GeofenceUpdate(Model):
    """The `GeofenceUpdate` object of the Esper API."""

    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "device_actions": ("LOCK_DOWN", "BEEP"),
        "radius_unit": ("KILOMETERS", "METERS", "MILES"),
    }

    name: str | None = None
    description: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    radius: int | None = None
    radius_unit: str | None = None
    device_actions: list[str] | None = None


class Content(Model):
    """The `Content` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"id"})
    _limits: ClassVar[dict[str, Limits]] = {
        "key": Limits(min_length=1, max_length=255),
        "kind": Limits(max_length=255),
        "size": Limits(max_length=255),
    }

    id: int | None = None
    download_url: str | None = None
    name: str | None = None
    key: str | None = None
    is_dir: bool | None = sent_default(False)
    kind: str | None = None
    hash: str | None = None
    size: str | None = None
    path: str | None = None
    permissions: str | None = None
    tags: list[str] | None = None
    description: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    enterprise: str | None = None
    owner: Owner | None = None
