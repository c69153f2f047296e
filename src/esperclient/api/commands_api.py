"""``CommandsApi``: commands to one device: run and follow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import GET_COMMAND, RUN_COMMAND
from esperclient.api._base import ApiBase
from esperclient.models import CommandRequest, DeviceCommand


class CommandsApi(ApiBase):
    """Commands to one device: run and follow."""

    def get_command(
        self, command_id: str, device_id: str, enterprise_id: str, **kwargs: Any
    ) -> DeviceCommand:
        """Get command status."""
        return self.api_client.invoke(GET_COMMAND, (command_id, device_id, enterprise_id), kwargs)

    def get_command_with_http_info(
        self, command_id: str, device_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[DeviceCommand, int, Mapping[str, str]]:
        """Get command status; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_COMMAND, (command_id, device_id, enterprise_id), kwargs, http_info=True
        )

    def run_command(
        self,
        enterprise_id: str,
        device_id: str,
        command: CommandRequest | dict[str, Any],
        **kwargs: Any,
    ) -> DeviceCommand:
        """Run commands on device."""
        return self.api_client.invoke(RUN_COMMAND, (enterprise_id, device_id, command), kwargs)

    def run_command_with_http_info(
        self,
        enterprise_id: str,
        device_id: str,
        command: CommandRequest | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[DeviceCommand, int, Mapping[str, str]]:
        """Run commands on device; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            RUN_COMMAND, (enterprise_id, device_id, command), kwargs, http_info=True
        )
