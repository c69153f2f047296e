"""Devices v2: the devices of every platform (Android, Apple, Linux, Windows), their
heartbeats and subgroups, and the device tags real clients edit.

A v2 device is rendered from the stored device (its legacy document and the columns
beside it), never kept as a second copy. Lists page by ``limit``/``offset`` or, from
``cursor=start``, by cursor: a cursor is the position (the ordering's value and the
row) of the last device of a page, so paging never repeats or skips a device.
``limit`` is 10 by default and at most 1000.

Where the public reference is silent ([guess]-level, as real clients behave):
``state`` and the ``*_multi`` filters take comma-separated values; a tag filter takes
tag ids and matches a device with any of them; ``current_blueprint_version_id_net``
keeps devices not at that version; a heartbeat's ``status`` is 1 for a device online,
0 otherwise, and its ``timestamp`` the device's ``last_seen`` (when its record last
changed). Filters of things the emulator does not model (``udid``, ``device_source``,
the Foundation and AirWave builds...) are refused with a 400 rather than ignored.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import msgspec

from esper_emulator.errors import ApiError, bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.services.fleet import ONLINE, OS_PLATFORMS, Fleet
from esper_emulator.services.groups import Groups
from esper_emulator.store import Page, Store
from esper_emulator.store import devices_v2 as v2_db
from esper_emulator.store import groups as groups_db
from esper_emulator.store import tags as tags_db
from esper_emulator.store.devices_v2 import ORDERINGS, DeviceQuery, Order
from esperclient._generated import v2
from esperclient._undocumented import DeviceTagsUpdate, Tag
from esperclient.models import Device, DevicePlatform, DeviceState

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
MAX_TAGS = 20
"""Tags a device may carry [guess: EAST says a maximum applies, not which]."""
MAX_TAG_LENGTH = 255
FIRST_CURSOR = "start"
PLATFORMS = frozenset(DevicePlatform.ALL)
APP_TYPES = frozenset(
    {"VPP", "TENANT_IOS", "ESPER_IOS", "WEBCLIP", "ESPER_WINDOWS", "TENANT_WINDOWS"}
)
_VERSION_FILTERS = {
    "android_version": "Android",
    "ios_version": "iOS",
    "ipados_version": "iPadOS",
    "tvos_version": "tvOS",
    "windows_version": "Windows",
}
_BLUEPRINT_FILTERS = (
    "assigned_blueprint_id",
    "current_blueprint_id",
    "current_blueprint_version_id",
)
_PAGING = frozenset({"limit", "offset", "cursor", "ordering"})
_MODELLED = frozenset(
    {
        *_PAGING,
        *_VERSION_FILTERS,
        *_BLUEPRINT_FILTERS,
        "current_blueprint_version_id_net",
        "state",
        "platform",
        "os",
        "group_multi",
        "group_multi_immediate",
        "tags",
        "search",
        "serial",
        "is_gms",
        "battery_level_gte",
        "battery_level_lte",
    }
)
"""The query parameters of ``GET /v2/devices/`` the emulator filters by."""


def csv(value: str | None) -> list[str]:
    """The comma-separated parts of ``value`` (none for ``None``), blanks left out."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _iso(moment: datetime | float | None) -> str | None:
    if moment is None:
        return None
    when = moment if isinstance(moment, datetime) else Clock.at(moment)
    return when.isoformat().replace("+00:00", "Z")


class DevicesV2:
    """The Devices v2 API over the stored fleet."""

    def __init__(self, store: Store, clock: Clock, fleet: Fleet, groups: Groups) -> None:
        self.store = store
        self.clock = clock
        self.fleet = fleet
        self.groups = groups

    # the list

    def offset_page(self, enterprise_id: str, params: dict[str, Any]) -> Page:
        """A page of ``GET /v2/devices/`` by ``limit`` and ``offset``."""
        query = self._query(enterprise_id, params)
        order = _order(params["ordering"])
        limit, offset = _limit(params["limit"]), params["offset"]
        rows = v2_db.offset_rows(self.store, enterprise_id, query, order, limit, offset)
        count = v2_db.count(self.store, enterprise_id, query)
        return Page(count, self._render(enterprise_id, rows))

    def cursor_page(self, enterprise_id: str, params: dict[str, Any]) -> bytes:
        """A page of ``GET /v2/devices/`` from ``cursor`` (``start``: the first)."""
        query = self._query(enterprise_id, params)
        order = _order(params["ordering"])
        limit, cursor = _limit(params["limit"]), params["cursor"]
        start, backwards = (None, False) if cursor == FIRST_CURSOR else _read_cursor(cursor)
        rows = v2_db.keyset_rows(
            self.store, enterprise_id, query, order, limit + 1, start, backwards
        )
        more_that_way = len(rows) > limit
        rows = (rows[1:] if backwards else rows[:-1]) if more_that_way else rows
        first: tuple[Any, int] | None = None
        last: tuple[Any, int] | None = None
        has_prev = has_more = False
        if rows:
            first, last = (rows[0].order_value, rows[0].pk), (rows[-1].order_value, rows[-1].pk)
            has_prev = (
                more_that_way if backwards else self._any(enterprise_id, query, order, first, True)
            )
            has_more = (
                self._any(enterprise_id, query, order, last, False) if backwards else more_that_way
            )
        content = {
            "next_cursor": _cursor(last, False) if has_more and last else None,
            "prev_cursor": _cursor(first, True) if has_prev and first else None,
            "has_more": has_more,
            "has_prev": has_prev,
        }
        head = msgspec.json.encode(content)
        return b'{"results":[' + b",".join(self._render(enterprise_id, rows)) + b"]," + head[1:]

    def _any(
        self,
        enterprise_id: str,
        query: DeviceQuery,
        order: Order,
        start: tuple[Any, int],
        backwards: bool,
    ) -> bool:
        """Whether any device comes after ``start`` (before it, ``backwards``)."""
        return bool(v2_db.keyset_rows(self.store, enterprise_id, query, order, 1, start, backwards))

    def _query(self, enterprise_id: str, params: dict[str, Any]) -> DeviceQuery:
        """The filters of a list request, checked (a 400 names the one at fault)."""
        for name, value in params.items():
            if value is not None and name not in _MODELLED:
                raise bad_request(name, "The emulator does not model this filter.")
        versions = [(os, params[name]) for name, os in _VERSION_FILTERS.items() if params[name]]
        if len({os for os, _ in versions}) > 1:
            raise bad_request(
                versions[1][0], "Only one operating system's version filter at a time."
            )
        os_name = params["os"]
        if os_name is not None and os_name not in OS_PLATFORMS:
            raise bad_request("os", f"Must be one of {', '.join(OS_PLATFORMS)}.")
        if versions and os_name is not None and versions[0][0] != os_name:
            raise bad_request("os", "Does not match the version filter's operating system.")
        return DeviceQuery(
            states=[_state(value) for value in csv(params["state"])],
            platforms=_platforms(params["platform"]),
            os=versions[0][0] if versions else os_name,
            os_version=versions[0][1] if versions else None,
            group_sets=self._group_sets(enterprise_id, params),
            tag_names=self._tag_names(enterprise_id, params["tags"]),
            search=params["search"],
            serial=params["serial"],
            is_gms=params["is_gms"],
            battery_gte=_number("battery_level_gte", params["battery_level_gte"]),
            battery_lte=_number("battery_level_lte", params["battery_level_lte"]),
            blueprint={name: params[name] for name in _BLUEPRINT_FILTERS if params[name]},
            blueprint_version_not=params["current_blueprint_version_id_net"],
        )

    def _group_sets(self, enterprise_id: str, params: dict[str, Any]) -> list[list[str]]:
        sets = []
        if params["group_multi"]:
            ids = self.groups.group_ids_of(enterprise_id, csv(params["group_multi"]), "group_multi")
            sets.append(self.groups.with_subgroups(enterprise_id, ids))
        if params["group_multi_immediate"]:
            field = "group_multi_immediate"
            sets.append(self.groups.group_ids_of(enterprise_id, csv(params[field]), field))
        return sets

    def _tag_names(self, enterprise_id: str, tags: str | None) -> list[str] | None:
        if tags is None:
            return None
        ids = csv(tags)
        return list(tags_db.names_by_id(self.store, enterprise_id, ids).values())

    # one device, its apps

    def device(self, enterprise_id: str, device_id: str) -> bytes:
        """``GET /v2/devices/{id}``: the device in its platform's shape, or a 404."""
        row = v2_db.row(self.store, enterprise_id, device_id)
        if row is None:
            raise not_found("Device")
        return self._render(enterprise_id, [row])[0]

    def device_apps(self, enterprise_id: str, device_id: str, app_type: str | None) -> Page:
        """``GET /v2/devices/{deviceId}/device-apps/``: the device's iOS and Windows apps.

        The emulator installs only Android apps (listed by the legacy device app list),
        so the list is empty for every device it knows.
        """
        unknown = [value for value in csv(app_type) if value not in APP_TYPES]
        if unknown:
            raise bad_request("app_type", f"Unknown app types: {', '.join(unknown)}.")
        if v2_db.row(self.store, enterprise_id, device_id) is None:
            raise not_found("Device")
        return Page(0, [])

    def devices_with_app(self) -> bytes:
        """``GET /v2/device-apps``: devices with an iOS or Windows app (by its integer ids).

        As ``device_apps``: no device of the emulator has one. The list takes no paging.
        """
        return msgspec.json.encode({"count": 0, "next": None, "prev": None, "results": []})

    # heartbeats and subgroups

    def heartbeats(self, enterprise_id: str, params: dict[str, Any]) -> Page:
        """``GET /v2/heartbeat/``: devices last seen between the two times, longest unseen first."""
        after = _moment("last_seen_gt", params["last_seen_gt"])
        before = _moment("last_seen_lt", params["last_seen_lt"])
        platform = params["platform"]
        if platform is not None and platform not in PLATFORMS:
            raise bad_request("platform", f"Must be one of {', '.join(sorted(PLATFORMS))}.")
        count, rows = v2_db.last_seen_rows(
            self.store, enterprise_id, after, before, platform, params["limit"], params["offset"]
        )
        docs = [
            msgspec.json.encode(
                v2.EsperDeviceHeartbeat(
                    device_id=device_id,
                    timestamp=_iso(last_seen),
                    status=1 if state == ONLINE else 0,
                )
            )
            for device_id, last_seen, state in (tuple(row) for row in rows)
        ]
        return Page(count, docs)

    def subgroups(self, enterprise_id: str, parent_group_ids: str, immediate: bool) -> bytes:
        """``GET /v2/subgroups``: the groups below the parents (their children, ``immediate``)."""
        parents = self.groups.group_ids_of(enterprise_id, csv(parent_group_ids), "parent_group_ids")
        found = self.groups.subgroups(enterprise_id, parents, immediate=immediate)
        return msgspec.json.encode(v2.DeviceSubGroup(subgroups=found))

    # tags (not in the public reference)

    def set_tags(self, enterprise_id: str, device_id: str, body: DeviceTagsUpdate) -> Device:
        """Set the device's tags (names; each becomes a tag of the enterprise)."""
        names = list(dict.fromkeys(body.tags or []))
        if len(names) > MAX_TAGS:
            raise bad_request("tags", f"A device has at most {MAX_TAGS} tags.")
        if any(not name.strip() or len(name) > MAX_TAG_LENGTH or "," in name for name in names):
            raise bad_request("tags", f"Each tag is 1 to {MAX_TAG_LENGTH} characters, no comma.")
        device = self.fleet.device(enterprise_id, device_id)
        device.tags = names
        device.updated_on = self.clock.utcnow()
        tags_db.ensure(self.store, enterprise_id, names)
        self.fleet.save_device(device)
        return device

    def tags(self, enterprise_id: str, params: dict[str, Any]) -> Page:
        """The enterprise's tags, by name (``ordering=-tag``: backwards)."""
        ordering = params["ordering"]
        if ordering not in (None, "tag", "-tag"):
            raise bad_request("ordering", "Must be tag or -tag.")
        count, rows = tags_db.page(
            self.store,
            enterprise_id,
            params["limit"],
            params["offset"],
            search=params["search"],
            descending=ordering == "-tag",
        )
        docs = [
            msgspec.json.encode(Tag(id=tag_id, tag=tag, enterprise=enterprise_id))
            for tag_id, tag in rows
        ]
        return Page(count, docs)

    # rendering

    def _render(self, enterprise_id: str, rows: Sequence[Any]) -> list[bytes]:
        """Each row's device in its platform's v2 shape."""
        devices = [msgspec.json.decode(row.doc, type=Device) for row in rows]
        names = sorted({name for device in devices for name in device.tags or []})
        tag_ids = tags_db.ids_by_name(self.store, enterprise_id, names)
        group_of = dict(groups_db.memberships(self.store, [row.id for row in rows]))
        return [
            render(enterprise_id, row, device, group_of.get(row.id), tag_ids)
            for row, device in zip(rows, devices, strict=True)
        ]


def render(
    enterprise_id: str, row: Any, device: Device, group_id: str | None, tag_ids: dict[str, str]
) -> bytes:
    """``device`` (stored in ``row``) as its platform's v2 device."""
    hardware = device.hardware_info or {}
    network = device.network_info or {}
    software = device.software_info or {}
    common: dict[str, Any] = {
        "id": row.id,
        "name": device.device_name,
        "alias": device.alias_name,
        "os": row.os,
        "state": device.state,
        "serial": hardware.get("serialNumber"),
        "os_version": row.os_version,
        "tenant_id": enterprise_id,
        "group_id": group_id,
        "provisioned_on": _iso(device.provisioned_on),
        "tags": [tag_ids[name] for name in device.tags or [] if name in tag_ids],
        "created_at": _iso(device.created_on),
        "updated_at": _iso(device.updated_on),
    }
    blueprint = {
        "assigned_blueprint_id": row.assigned_blueprint_id,
        "current_blueprint_id": row.current_blueprint_id,
        "current_blueprint_version_id": row.current_blueprint_version_id,
        "blueprint_upgrade_status": row.blueprint_upgrade_status,
    }
    hardware_info = {
        "brand": hardware.get("brand"),
        "model": hardware.get("model"),
        "serial": hardware.get("serialNumber"),
        "manufacturer": hardware.get("manufacturer"),
    }
    battery = {"battery_level": row.battery_level}
    last_seen = _iso(row.last_seen)
    if row.platform == DevicePlatform.ANDROID:
        android = v2.AndroidDeviceV2(
            **common,
            hardware_info=v2.HardwareInfo(**hardware_info, model_number=hardware.get("product")),
            software_info=v2.SoftwareInfo(
                os_version=row.os_version,
                security_path_level=software.get("securityPatchLevel"),
                esper_agent_info=v2.SoftwareInfoEsperAgentInfo(
                    version_name=software.get("esperClientVersionName")
                ),
            ),
            network_info=v2.NetworkInfo(
                imei1=network.get("imei1"), wifi_mac_address=network.get("wifiMacAddress")
            ),
            blueprint_info=v2.BlueprintInfo(**blueprint),
            battery_stats=v2.AndroidDeviceV2BatteryStats(**battery),
            mqtt_topic=device.mqtt_id,
            fcm_id=device.fcm_id,
            is_gms=device.is_gms,
            dpc_version=software.get("esperClientVersionName"),
            template_name=device.template_name,
            is_esper_managed=True,
        )
        # The spec's AndroidDeviceV2 leaves out last_seen, which every other platform has.
        return msgspec.json.encode({**msgspec.to_builtins(android), "last_seen": last_seen})
    if row.platform == DevicePlatform.APPLE:
        return msgspec.json.encode(
            v2.AppleDeviceV2(
                **common,
                hardware_info=v2.HardwareInfo(**hardware_info),
                software_info=v2.SoftwareInfo(os_version=row.os_version),
                network_info=v2.NetworkInfo(wifi_mac_address=network.get("wifiMacAddress")),
                blueprint_info=v2.BlueprintInfo(**blueprint),
                battery_stats=v2.AppleDeviceV2BatteryStats(**battery),
                udid=row.id.upper(),
                last_seen=last_seen,
                is_supervised=True,
                device_source="NON_ABM",
            )
        )
    if row.platform == DevicePlatform.LINUX:
        return msgspec.json.encode(
            v2.LinuxDeviceV2(
                **common,
                hardware_info=v2.LinuxDeviceV2HardwareInfo(**hardware_info),
                blueprint_info=v2.LinuxBlueprintInfo(**blueprint),
                battery_stats=v2.LinuxDeviceV2BatteryStats(**battery),
                last_seen=last_seen,
            )
        )
    return msgspec.json.encode(
        v2.WindowsDeviceV2(
            **common,
            hardware_info=v2.WindowsDeviceV2HardwareInfo(**hardware_info),
            blueprint_info=v2.WindowsBlueprintInfo(**blueprint),
            battery_stats=v2.WindowsDeviceV2BatteryStats(**battery),
            last_seen=last_seen,
        )
    )


def _order(ordering: str | None) -> Order:
    if ordering is None:
        return Order(v2_db.BY_AGE)
    key = ORDERINGS.get(ordering.removeprefix("-"))
    if key is None:
        raise bad_request(
            "ordering", f"Must be one of {', '.join(ORDERINGS)}, '-' before for descending."
        )
    return Order(key, descending=ordering.startswith("-"))


def _limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit > MAX_LIMIT:
        raise bad_request("limit", f"Must be between 1 and {MAX_LIMIT}.")
    return limit


def _state(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad_request("state", f"A valid integer is required, got {value!r}.") from None
    if number not in DeviceState.NAMES:
        raise bad_request("state", f"{number} is not a device state.")
    return number


def _platforms(value: str | None) -> list[str]:
    platforms = csv(value)
    unknown = [platform for platform in platforms if platform not in PLATFORMS]
    if unknown:
        raise bad_request("platform", f"Must be among {', '.join(sorted(PLATFORMS))}.")
    return platforms


def _number(field: str, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise bad_request(field, f"A valid number is required, got {value!r}.") from None


def _moment(field: str, value: str) -> float:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(field, f"A date and time is required, got {value!r}.") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _cursor(position: tuple[Any, int], backwards: bool) -> str:
    raw = msgspec.json.encode([*position, backwards])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[tuple[Any, int], bool]:
    """The position a cursor holds and whether it reads backwards; a 400 if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk, backwards = msgspec.json.decode(raw)
    except (binascii.Error, ValueError, TypeError, msgspec.DecodeError):
        raise ApiError(400, "Invalid cursor.") from None
    if not isinstance(pk, int) or not isinstance(backwards, bool):
        raise ApiError(400, "Invalid cursor.")
    return (value, pk), backwards
