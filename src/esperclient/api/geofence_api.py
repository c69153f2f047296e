"""``GeofenceApi``: geofences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import (
    CREATE_GEOFENCE,
    DELETE_GEOFENCE,
    GET_ALL_GEOFENCES,
    GET_GEOFENCE,
    PARTIAL_UPDATE_GEOFENCE,
    UPDATE_GEOFENCE,
)
from esperclient.api._base import ApiBase
from esperclient.models import Geofence, GeofenceUpdate, InlineResponse20012


class GeofenceApi(ApiBase):
    """Geofences."""

    def create_geofence(
        self, data: Geofence | dict[str, Any], enterprise_id: str, **kwargs: Any
    ) -> Geofence:
        """Create a geofence."""
        return self.api_client.invoke(CREATE_GEOFENCE, (data, enterprise_id), kwargs)

    def create_geofence_with_http_info(
        self, data: Geofence | dict[str, Any], enterprise_id: str, **kwargs: Any
    ) -> tuple[Geofence, int, Mapping[str, str]]:
        """Create a geofence; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            CREATE_GEOFENCE, (data, enterprise_id), kwargs, http_info=True
        )

    def delete_geofence(self, geofence_id: str, enterprise_id: str, **kwargs: Any) -> None:
        """Delete a geofence."""
        return self.api_client.invoke(DELETE_GEOFENCE, (geofence_id, enterprise_id), kwargs)

    def delete_geofence_with_http_info(
        self, geofence_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete a geofence; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_GEOFENCE, (geofence_id, enterprise_id), kwargs, http_info=True
        )

    def get_all_geofences(self, enterprise_id: str, **kwargs: Any) -> InlineResponse20012:
        """List Geofences in Enterprise."""
        return self.api_client.invoke(GET_ALL_GEOFENCES, (enterprise_id,), kwargs)

    def get_all_geofences_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse20012, int, Mapping[str, str]]:
        """List Geofences in Enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(GET_ALL_GEOFENCES, (enterprise_id,), kwargs, http_info=True)

    def get_geofence(self, geofence_id: str, enterprise_id: str, **kwargs: Any) -> Geofence:
        """Get geofence information."""
        return self.api_client.invoke(GET_GEOFENCE, (geofence_id, enterprise_id), kwargs)

    def get_geofence_with_http_info(
        self, geofence_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[Geofence, int, Mapping[str, str]]:
        """Get geofence information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_GEOFENCE, (geofence_id, enterprise_id), kwargs, http_info=True
        )

    def partial_update_geofence(
        self,
        geofence_id: str,
        enterprise_id: str,
        data: GeofenceUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> Geofence:
        """Partially updates geofence information."""
        return self.api_client.invoke(
            PARTIAL_UPDATE_GEOFENCE, (geofence_id, enterprise_id, data), kwargs
        )

    def partial_update_geofence_with_http_info(
        self,
        geofence_id: str,
        enterprise_id: str,
        data: GeofenceUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[Geofence, int, Mapping[str, str]]:
        """Partially updates geofence information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            PARTIAL_UPDATE_GEOFENCE,
            (geofence_id, enterprise_id, data),
            kwargs,
            http_info=True,
        )

    def update_geofence(
        self,
        geofence_id: str,
        enterprise_id: str,
        data: Geofence | dict[str, Any],
        **kwargs: Any,
    ) -> Geofence:
        """Update geofence information."""
        return self.api_client.invoke(UPDATE_GEOFENCE, (geofence_id, enterprise_id, data), kwargs)

    def update_geofence_with_http_info(
        self,
        geofence_id: str,
        enterprise_id: str,
        data: Geofence | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[Geofence, int, Mapping[str, str]]:
        """Update geofence information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            UPDATE_GEOFENCE, (geofence_id, enterprise_id, data), kwargs, http_info=True
        )
