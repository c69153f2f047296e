"""``DeviceApi``: devices: list, details, apps, installs, status events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import (
    GET_ALL_DEVICES,
    GET_APP_INSTALLS,
    GET_DEVICE_APP_BY_ID,
    GET_DEVICE_APPS,
    GET_DEVICE_BY_ID,
    GET_DEVICE_EVENT,
)
from esperclient.api._base import ApiBase
from esperclient.models import (
    Device,
    DeviceApp,
    InlineResponse2003,
    InlineResponse2004,
    InlineResponse2005,
    InlineResponse2006,
)


class DeviceApi(ApiBase):
    """Devices: list, details, apps, installs, status events."""

    def get_all_devices(self, enterprise_id: str, **kwargs: Any) -> InlineResponse2003:
        """Fetch all devices in an enterprise."""
        return self.api_client.invoke(GET_ALL_DEVICES, (enterprise_id,), kwargs)

    def get_all_devices_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2003, int, Mapping[str, str]]:
        """Fetch all devices in an enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(GET_ALL_DEVICES, (enterprise_id,), kwargs, http_info=True)

    def get_app_installs(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> InlineResponse2005:
        """List installed apps."""
        return self.api_client.invoke(GET_APP_INSTALLS, (enterprise_id, device_id), kwargs)

    def get_app_installs_with_http_info(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2005, int, Mapping[str, str]]:
        """List installed apps; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_APP_INSTALLS, (enterprise_id, device_id), kwargs, http_info=True
        )

    def get_device_app_by_id(
        self, app_id: str, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> DeviceApp:
        """Get device app details."""
        return self.api_client.invoke(
            GET_DEVICE_APP_BY_ID, (app_id, enterprise_id, device_id), kwargs
        )

    def get_device_app_by_id_with_http_info(
        self, app_id: str, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> tuple[DeviceApp, int, Mapping[str, str]]:
        """Get device app details; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_DEVICE_APP_BY_ID,
            (app_id, enterprise_id, device_id),
            kwargs,
            http_info=True,
        )

    def get_device_apps(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> InlineResponse2004:
        """List all device apps."""
        return self.api_client.invoke(GET_DEVICE_APPS, (enterprise_id, device_id), kwargs)

    def get_device_apps_with_http_info(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2004, int, Mapping[str, str]]:
        """List all device apps; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_DEVICE_APPS, (enterprise_id, device_id), kwargs, http_info=True
        )

    def get_device_by_id(self, enterprise_id: str, device_id: str, **kwargs: Any) -> Device:
        """Fetch device details by ID."""
        return self.api_client.invoke(GET_DEVICE_BY_ID, (enterprise_id, device_id), kwargs)

    def get_device_by_id_with_http_info(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> tuple[Device, int, Mapping[str, str]]:
        """Fetch device details by ID; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_DEVICE_BY_ID, (enterprise_id, device_id), kwargs, http_info=True
        )

    def get_device_event(
        self, enterprise_id: str, device_id: str, latest_event: int, **kwargs: Any
    ) -> InlineResponse2006:
        """Get latest device event."""
        return self.api_client.invoke(
            GET_DEVICE_EVENT, (enterprise_id, device_id, latest_event), kwargs
        )

    def get_device_event_with_http_info(
        self, enterprise_id: str, device_id: str, latest_event: int, **kwargs: Any
    ) -> tuple[InlineResponse2006, int, Mapping[str, str]]:
        """Get latest device event; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_DEVICE_EVENT,
            (enterprise_id, device_id, latest_event),
            kwargs,
            http_info=True,
        )
