"""``EnterpriseApi``: the enterprise itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import GET_ENTERPRISE, PARTIAL_UPDATE_ENTERPRISE
from esperclient.api._base import ApiBase
from esperclient.models import EnterpriseUpdateV1, EnterpriseV1


class EnterpriseApi(ApiBase):
    """The enterprise itself."""

    def get_enterprise(self, enterprise_id: str, **kwargs: Any) -> EnterpriseV1:
        """Get your enterprise information."""
        return self.api_client.invoke(GET_ENTERPRISE, (enterprise_id,), kwargs)

    def get_enterprise_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[EnterpriseV1, int, Mapping[str, str]]:
        """Get your enterprise information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(GET_ENTERPRISE, (enterprise_id,), kwargs, http_info=True)

    def partial_update_enterprise(
        self,
        enterprise_id: str,
        data: EnterpriseUpdateV1 | dict[str, Any],
        **kwargs: Any,
    ) -> EnterpriseV1:
        """Partial update enterprise information."""
        return self.api_client.invoke(PARTIAL_UPDATE_ENTERPRISE, (enterprise_id, data), kwargs)

    def partial_update_enterprise_with_http_info(
        self,
        enterprise_id: str,
        data: EnterpriseUpdateV1 | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[EnterpriseV1, int, Mapping[str, str]]:
        """Partial update enterprise information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            PARTIAL_UPDATE_ENTERPRISE, (enterprise_id, data), kwargs, http_info=True
        )
