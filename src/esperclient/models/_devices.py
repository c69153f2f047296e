"""Devices, their apps and status events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from msgspec import field

from esperclient.models._base import Limits, Model, sent_default


class EmmDevice(Model):
    """The `EmmDevice` object of the Esper API."""

    id: int | None = None
    google_device_id: str | None = None
    management_type: str | None = field(default=None, name="managementType")
    device: str | None = None
    google_user: int | None = None
    policy: int | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = sent_default(True)


class DeviceAppPermission(Model):
    """The `DeviceAppPermission` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"permission"})
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "grant_state": (
            "PERMISSION_GRANT_STATE_DEFAULT",
            "PERMISSION_GRANT_STATE_DENIED",
            "PERMISSION_GRANT_STATE_GRANTED",
        )
    }
    _limits: ClassVar[dict[str, Limits]] = {"permission": Limits(min_length=1, max_length=255)}

    id: str | None = None
    permission: str | None = None
    grant_state: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None
    app: str | None = None


class DeviceStatus(Model):
    """The `DeviceStatus` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "data", "device"})

    id: int | None = None
    data: str | None = None
    created_on: datetime | None = None
    device: str | None = None
    enterprise: str | None = None


class Device(Model):
    """The `Device` object of the Esper API."""

    id: str | None = None
    url: str | None = None
    device_name: str | None = None
    alias_name: str | None = None
    policy_name: str | None = None
    status: int | None = None
    state: int | None = None
    current_command: str | None = None
    suid: str | None = None
    fcm_id: str | None = None
    enterprise: str | None = None
    policy: str | None = None
    user: str | None = None
    groups: list[str] | None = None
    tags: list[str] | None = None
    api_level: int | None = None
    template_name: str | None = None
    mqtt_id: str | None = None
    software_info: Any | None = field(default=None, name="softwareInfo")
    hardware_info: Any | None = field(default=None, name="hardwareInfo")
    displays: Any | None = None
    network_info: Any | None = field(default=None, name="networkInfo")
    memory_info: Any | None = field(default=None, name="memoryInfo")
    audio_constraints: Any | None = field(default=None, name="audioConstraints")
    provisioned_on: datetime | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    emm_device: EmmDevice | None = None
    is_gms: bool | None = sent_default(True)
    is_active: bool | None = sent_default(True)


class DeviceApp(Model):
    """The `DeviceApp` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"app_name", "package_name", "device"})
    _limits: ClassVar[dict[str, Limits]] = {
        "app_name": Limits(min_length=1),
        "package_name": Limits(min_length=1, max_length=255),
        "product_id": Limits(min_length=1, max_length=255),
        "version_code": Limits(min_length=1, max_length=128),
        "version_name": Limits(min_length=1, max_length=128),
    }

    id: str | None = None
    permissions: list[DeviceAppPermission] | None = None
    app_name: str | None = None
    package_name: str | None = None
    whitelisted: bool | None = None
    is_data_clearable: bool | None = None
    is_uninstallable: bool | None = None
    product_id: str | None = None
    version_code: str | None = None
    version_name: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None
    device: str | None = None
