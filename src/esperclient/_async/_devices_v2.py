"""``esper.devices_v2``: the devices of every platform (Android, Apple, Linux, Windows).

Devices v2 pages its list by cursor; each device comes in its platform's model
(``AndroidDeviceV2``, ``AppleDeviceV2``, ``LinuxDeviceV2``, ``WindowsDeviceV2``, read
by the answer's ``platform``). This module is the source of ``esperclient._sync._devices_v2``,
which ``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from esperclient import _undocumented
from esperclient._async._pagination import AsyncCursorPaginator, AsyncPaginator
from esperclient._async._resource import PAGE_SIZE, AsyncResource
from esperclient._generated import v2
from esperclient.models import Device, DeviceState

DeviceV2 = v2.AndroidDeviceV2 | v2.AppleDeviceV2 | v2.LinuxDeviceV2 | v2.WindowsDeviceV2
"""A device of any platform, as Devices v2 gives it."""

_NAMED = {
    "state",
    "platform",
    "os",
    "group_multi",
    "group_multi_immediate",
    "tags",
    "assigned_blueprint_id",
    "search",
    "ordering",
    "limit",
    "offset",
    "cursor",
}
"""The list's query parameters that ``list`` sets from its own arguments."""


def _csv(values: str | int | Iterable[str | int] | None) -> str | None:
    """One value or several as the comma-separated text the API takes."""
    if values is None or isinstance(values, (str, int)):
        return None if values is None else str(values)
    return ",".join(str(value) for value in values)


def _states(state: str | int | Iterable[str | int] | None) -> str | None:
    """States by name (``"online"``) or number, as the numbers the API takes."""
    if state is None:
        return None
    states = [state] if isinstance(state, (str, int)) else list(state)
    return ",".join(str(DeviceState.of(value)) for value in states)


class AsyncDevicesV2(AsyncResource):
    """The enterprise's devices of every platform, their apps, and their tags."""

    def list(
        self,
        *,
        state: str | int | Iterable[str | int] | None = None,
        platform: str | Iterable[str] | None = None,
        os: str | None = None,
        group: str | Iterable[str] | None = None,
        group_immediate: str | Iterable[str] | None = None,
        tags: str | Iterable[str] | None = None,
        blueprint: str | None = None,
        search: str | None = None,
        ordering: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
        **filters: Any,
    ) -> AsyncCursorPaginator[DeviceV2]:
        """Devices matching every filter given, fetched lazily page by page (by cursor).

        ``state`` takes states by name (``"online"``, ``"disabled"``) or number, one or
        several; ``platform`` one or several of ANDROID, APPLE, LINUX, WINDOWS; ``os``
        one of iOS, iPadOS, tvOS, Android, Linux, Windows. ``group`` keeps the devices in
        the groups or the groups below them, ``group_immediate`` those in the groups
        themselves; ``tags`` takes tag ids; ``blueprint`` the id of the blueprint
        assigned; ``ordering`` a field, ``-`` before it for descending
        (``"-last_seen"``). ``filters`` are any other query parameters of
        ``GET /v2/devices/`` (``battery_level_lte=20``, ``is_gms=True``...).
        """
        unknown = sorted((set(filters) - set(v2.GET_V2_DEVICES.by_name)) | (set(filters) & _NAMED))
        if unknown:
            raise TypeError(f"list() got unknown or doubled filters: {', '.join(unknown)}")
        values = {
            **filters,
            "state": _states(state),
            "platform": _csv(platform),
            "os": os,
            "group_multi": _csv(group),
            "group_multi_immediate": _csv(group_immediate),
            "tags": _csv(tags),
            "assigned_blueprint_id": blueprint,
            "search": search,
            "ordering": ordering,
        }
        return AsyncCursorPaginator(self._client, v2.GET_V2_DEVICES, values, page_size, prefetch)

    async def get(self, device_id: str) -> DeviceV2:
        """One device, in its platform's model."""
        return await self._client.call(v2.GET_V2_DEVICES_BY_ID, id=device_id)

    def apps(
        self,
        device_id: str,
        *,
        app_type: str | Iterable[str] | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[v2.DeviceAppsResponse]:
        """The iOS and Windows apps on a device (``app_type``: VPP, TENANT_IOS, ...).

        An Android device's apps are ``esper.devices.apps(device_id)``.
        """
        return self._paged(
            v2.GET_V2_DEVICES_DEVICE_APPS,
            page_size,
            prefetch,
            device_id=device_id,
            app_type=_csv(app_type),
        )

    async def set_tags(self, device_id: str, tags: Iterable[str]) -> Device:
        """Give a device exactly these tags (by name); the device as it now is.

        Not in Esper's public reference: sent as Esper's own tools send it.
        """
        body = _undocumented.DeviceTagsUpdate(tags=list(tags))
        return await self._client.call(
            _undocumented.UPDATE_DEVICE_TAGS, device_id=device_id, data=body
        )

    def tags(
        self, *, search: str | None = None, page_size: int = PAGE_SIZE, prefetch: int = 0
    ) -> AsyncPaginator[_undocumented.Tag]:
        """The enterprise's tags (their ids and names), by name; ``search``: part of the name.

        Not in Esper's public reference: read as Esper's own tools read it.
        """
        return self._paged(
            _undocumented.LIST_TAGS, page_size, prefetch, search=search, ordering="tag"
        )
