"""``ContentApi``: content files: upload, list, describe, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._multipart import FileInput
from esperclient._operations import (
    DELETE_CONTENT,
    GET_ALL_CONTENT,
    GET_CONTENT,
    PATCH_CONTENT,
    POST_CONTENT,
)
from esperclient.api._base import ApiBase
from esperclient.models import Content, InlineResponse20011


class ContentApi(ApiBase):
    """Content files: upload, list, describe, delete."""

    def delete_content(self, content_id: str, enterprise_id: str, **kwargs: Any) -> None:
        """Delete Content."""
        return self.api_client.invoke(DELETE_CONTENT, (content_id, enterprise_id), kwargs)

    def delete_content_with_http_info(
        self, content_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete Content; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_CONTENT, (content_id, enterprise_id), kwargs, http_info=True
        )

    def get_all_content(self, enterprise_id: str, **kwargs: Any) -> InlineResponse20011:
        """List content in the enterprise."""
        return self.api_client.invoke(GET_ALL_CONTENT, (enterprise_id,), kwargs)

    def get_all_content_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse20011, int, Mapping[str, str]]:
        """List content in the enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(GET_ALL_CONTENT, (enterprise_id,), kwargs, http_info=True)

    def get_content(self, content_id: str, enterprise_id: str, **kwargs: Any) -> Content:
        """Get content information."""
        return self.api_client.invoke(GET_CONTENT, (content_id, enterprise_id), kwargs)

    def get_content_with_http_info(
        self, content_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[Content, int, Mapping[str, str]]:
        """Get content information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_CONTENT, (content_id, enterprise_id), kwargs, http_info=True
        )

    def patch_content(self, content_id: str, enterprise_id: str, **kwargs: Any) -> Content:
        """Patch a content instance."""
        return self.api_client.invoke(PATCH_CONTENT, (content_id, enterprise_id), kwargs)

    def patch_content_with_http_info(
        self, content_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[Content, int, Mapping[str, str]]:
        """Patch a content instance; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            PATCH_CONTENT, (content_id, enterprise_id), kwargs, http_info=True
        )

    def post_content(self, enterprise_id: str, key: FileInput, **kwargs: Any) -> Content:
        """Upload new content."""
        return self.api_client.invoke(POST_CONTENT, (enterprise_id, key), kwargs)

    def post_content_with_http_info(
        self, enterprise_id: str, key: FileInput, **kwargs: Any
    ) -> tuple[Content, int, Mapping[str, str]]:
        """Upload new content; returns ``(data, status, headers)``."""
        return self.api_client.invoke(POST_CONTENT, (enterprise_id, key), kwargs, http_info=True)
