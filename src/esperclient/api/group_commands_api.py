"""``GroupCommandsApi``: commands to a device group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import GET_GROUP_COMMAND, RUN_GROUP_COMMAND
from esperclient.api._base import ApiBase
from esperclient.models import GroupCommand, GroupCommandRequest


class GroupCommandsApi(ApiBase):
    """Commands to a device group."""

    def get_group_command(
        self, command_id: str, group_id: str, enterprise_id: str, **kwargs: Any
    ) -> GroupCommand:
        """Get group command status."""
        return self.api_client.invoke(
            GET_GROUP_COMMAND, (command_id, group_id, enterprise_id), kwargs
        )

    def get_group_command_with_http_info(
        self, command_id: str, group_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[GroupCommand, int, Mapping[str, str]]:
        """Get group command status; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_GROUP_COMMAND,
            (command_id, group_id, enterprise_id),
            kwargs,
            http_info=True,
        )

    def run_group_command(
        self,
        enterprise_id: str,
        group_id: str,
        data: GroupCommandRequest | dict[str, Any],
        **kwargs: Any,
    ) -> GroupCommand:
        """Run commands on group devices."""
        return self.api_client.invoke(RUN_GROUP_COMMAND, (enterprise_id, group_id, data), kwargs)

    def run_group_command_with_http_info(
        self,
        enterprise_id: str,
        group_id: str,
        data: GroupCommandRequest | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[GroupCommand, int, Mapping[str, str]]:
        """Run commands on group devices; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            RUN_GROUP_COMMAND, (enterprise_id, group_id, data), kwargs, http_info=True
        )
