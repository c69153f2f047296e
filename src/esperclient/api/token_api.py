"""``TokenApi``: the API token in use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import GET_TOKEN_INFO, RENEW_TOKEN
from esperclient.api._base import ApiBase
from esperclient.models import TokenInfoV1, TokenRenewV0


class TokenApi(ApiBase):
    """The API token in use."""

    def get_token_info(self, **kwargs: Any) -> TokenInfoV1:
        """Token Information."""
        return self.api_client.invoke(GET_TOKEN_INFO, (), kwargs)

    def get_token_info_with_http_info(
        self, **kwargs: Any
    ) -> tuple[TokenInfoV1, int, Mapping[str, str]]:
        """Token Information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(GET_TOKEN_INFO, (), kwargs, http_info=True)

    def renew_token(
        self, enterprise_id: str, developerapp_id: str, access_token: str, **kwargs: Any
    ) -> TokenRenewV0:
        """Renew Token."""
        return self.api_client.invoke(
            RENEW_TOKEN, (enterprise_id, developerapp_id, access_token), kwargs
        )

    def renew_token_with_http_info(
        self, enterprise_id: str, developerapp_id: str, access_token: str, **kwargs: Any
    ) -> tuple[TokenRenewV0, int, Mapping[str, str]]:
        """Renew Token; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            RENEW_TOKEN,
            (enterprise_id, developerapp_id, access_token),
            kwargs,
            http_info=True,
        )
