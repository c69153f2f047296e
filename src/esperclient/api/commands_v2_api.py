"""``CommandsV2Api``: command requests (v0): one command to many devices or groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import (
    CREATE_COMMAND,
    GET_COMMAND_REQUEST_STATUS,
    GET_DEVICE_COMMAND_HISTORY,
    LIST_COMMAND_REQUEST,
)
from esperclient.api._base import ApiBase
from esperclient.models import InlineResponse2009, InlineResponse20010, V0CommandRequest


class CommandsV2Api(ApiBase):
    """Command requests (v0): one command to many devices or groups."""

    def create_command(
        self,
        enterprise_id: str,
        request: V0CommandRequest | dict[str, Any],
        **kwargs: Any,
    ) -> V0CommandRequest:
        """Create a command request."""
        return self.api_client.invoke(CREATE_COMMAND, (enterprise_id, request), kwargs)

    def create_command_with_http_info(
        self,
        enterprise_id: str,
        request: V0CommandRequest | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[V0CommandRequest, int, Mapping[str, str]]:
        """Create a command request; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            CREATE_COMMAND, (enterprise_id, request), kwargs, http_info=True
        )

    def get_command_request_status(
        self, enterprise_id: str, request_id: str, **kwargs: Any
    ) -> InlineResponse20010:
        """get status list for command request."""
        return self.api_client.invoke(
            GET_COMMAND_REQUEST_STATUS, (enterprise_id, request_id), kwargs
        )

    def get_command_request_status_with_http_info(
        self, enterprise_id: str, request_id: str, **kwargs: Any
    ) -> tuple[InlineResponse20010, int, Mapping[str, str]]:
        """get status list for command request; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_COMMAND_REQUEST_STATUS,
            (enterprise_id, request_id),
            kwargs,
            http_info=True,
        )

    def get_device_command_history(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> InlineResponse20010:
        """get command history for device."""
        return self.api_client.invoke(
            GET_DEVICE_COMMAND_HISTORY, (enterprise_id, device_id), kwargs
        )

    def get_device_command_history_with_http_info(
        self, enterprise_id: str, device_id: str, **kwargs: Any
    ) -> tuple[InlineResponse20010, int, Mapping[str, str]]:
        """get command history for device; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_DEVICE_COMMAND_HISTORY,
            (enterprise_id, device_id),
            kwargs,
            http_info=True,
        )

    def list_command_request(self, enterprise_id: str, **kwargs: Any) -> InlineResponse2009:
        """List command requests."""
        return self.api_client.invoke(LIST_COMMAND_REQUEST, (enterprise_id,), kwargs)

    def list_command_request_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2009, int, Mapping[str, str]]:
        """List command requests; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            LIST_COMMAND_REQUEST, (enterprise_id,), kwargs, http_info=True
        )
