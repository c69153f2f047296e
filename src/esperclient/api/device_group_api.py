"""``DeviceGroupApi``: device groups: create, list, change members, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import (
    CREATE_GROUP,
    DELETE_GROUP,
    GET_ALL_GROUPS,
    GET_GROUP_BY_ID,
    PARTIAL_UPDATE_GROUP,
    UPDATE_GROUP,
)
from esperclient.api._base import ApiBase
from esperclient.models import (
    DeviceGroup,
    DeviceGroupPartialUpdate,
    DeviceGroupUpdate,
    InlineResponse2007,
)


class DeviceGroupApi(ApiBase):
    """Device groups: create, list, change members, delete."""

    def create_group(
        self,
        enterprise_id: str,
        data: DeviceGroupUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> DeviceGroup:
        """Create a device group."""
        return self.api_client.invoke(CREATE_GROUP, (enterprise_id, data), kwargs)

    def create_group_with_http_info(
        self,
        enterprise_id: str,
        data: DeviceGroupUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[DeviceGroup, int, Mapping[str, str]]:
        """Create a device group; returns ``(data, status, headers)``."""
        return self.api_client.invoke(CREATE_GROUP, (enterprise_id, data), kwargs, http_info=True)

    def delete_group(self, group_id: str, enterprise_id: str, **kwargs: Any) -> None:
        """Delete a device group."""
        return self.api_client.invoke(DELETE_GROUP, (group_id, enterprise_id), kwargs)

    def delete_group_with_http_info(
        self, group_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete a device group; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_GROUP, (group_id, enterprise_id), kwargs, http_info=True
        )

    def get_all_groups(self, enterprise_id: str, **kwargs: Any) -> InlineResponse2007:
        """List device groups."""
        return self.api_client.invoke(GET_ALL_GROUPS, (enterprise_id,), kwargs)

    def get_all_groups_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2007, int, Mapping[str, str]]:
        """List device groups; returns ``(data, status, headers)``."""
        return self.api_client.invoke(GET_ALL_GROUPS, (enterprise_id,), kwargs, http_info=True)

    def get_group_by_id(self, group_id: str, enterprise_id: str, **kwargs: Any) -> DeviceGroup:
        """Get device group information."""
        return self.api_client.invoke(GET_GROUP_BY_ID, (group_id, enterprise_id), kwargs)

    def get_group_by_id_with_http_info(
        self, group_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[DeviceGroup, int, Mapping[str, str]]:
        """Get device group information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_GROUP_BY_ID, (group_id, enterprise_id), kwargs, http_info=True
        )

    def partial_update_group(
        self,
        group_id: str,
        enterprise_id: str,
        data: DeviceGroupPartialUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> DeviceGroup:
        """Partial update group."""
        return self.api_client.invoke(PARTIAL_UPDATE_GROUP, (group_id, enterprise_id, data), kwargs)

    def partial_update_group_with_http_info(
        self,
        group_id: str,
        enterprise_id: str,
        data: DeviceGroupPartialUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[DeviceGroup, int, Mapping[str, str]]:
        """Partial update group; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            PARTIAL_UPDATE_GROUP,
            (group_id, enterprise_id, data),
            kwargs,
            http_info=True,
        )

    def update_group(
        self,
        group_id: str,
        enterprise_id: str,
        data: DeviceGroupUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> DeviceGroup:
        """Update device group."""
        return self.api_client.invoke(UPDATE_GROUP, (group_id, enterprise_id, data), kwargs)

    def update_group_with_http_info(
        self,
        group_id: str,
        enterprise_id: str,
        data: DeviceGroupUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[DeviceGroup, int, Mapping[str, str]]:
        """Update device group; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            UPDATE_GROUP, (group_id, enterprise_id, data), kwargs, http_info=True
        )
