"""The paged list responses: ``count``, ``next``, ``previous``, ``results``."""

from __future__ import annotations

from typing import ClassVar

from esperclient.models._applications import (
    AppInstall,
    Application,
    AppVersion,
    InstallDevices,
)
from esperclient.models._base import Model
from esperclient.models._commands import V0CommandRequest, V0CommandStatus
from esperclient.models._content import Content, EventSubscription, Geofence
from esperclient.models._devices import Device, DeviceApp, DeviceStatus
from esperclient.models._enterprise import EnterprisePolicy
from esperclient.models._groups import DeviceGroup


class InlineResponse200(Model):
    """The `InlineResponse200` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[Application] | None = None


class InlineResponse2001(Model):
    """The `InlineResponse2001` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[AppVersion] | None = None


class InlineResponse20010(Model):
    """The `InlineResponse20010` object of the Esper API."""

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[V0CommandStatus] | None = None


class InlineResponse20011(Model):
    """The `InlineResponse20011` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[Content] | None = None


class InlineResponse20012(Model):
    """The `InlineResponse20012` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[Geofence] | None = None


class InlineResponse20013(Model):
    """The `InlineResponse20013` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[EventSubscription] | None = None


class InlineResponse2002(Model):
    """The `InlineResponse2002` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[InstallDevices] | None = None


class InlineResponse2003(Model):
    """The `InlineResponse2003` object of the Esper API."""

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[Device] | None = None


class InlineResponse2004(Model):
    """The `InlineResponse2004` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[DeviceApp] | None = None


class InlineResponse2005(Model):
    """The `InlineResponse2005` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[AppInstall] | None = None


class InlineResponse2006(Model):
    """The `InlineResponse2006` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[DeviceStatus] | None = None


class InlineResponse2007(Model):
    """The `InlineResponse2007` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[DeviceGroup] | None = None


class InlineResponse2008(Model):
    """The `InlineResponse2008` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"results", "count"})

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[EnterprisePolicy] | None = None


class InlineResponse2009(Model):
    """The `InlineResponse2009` object of the Esper API."""

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[V0CommandRequest] | None = None


class InlineResponse201(Model):
    """The `InlineResponse201` object of the Esper API."""

    application: Application | None = None
