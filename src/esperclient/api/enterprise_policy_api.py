"""``EnterprisePolicyApi``: enterprise policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import (
    CREATE_POLICY,
    DELETE_ENTERPRISE_POLICY,
    GET_POLICY_BY_ID,
    LIST_POLICIES,
    PARTIALUPDATE_POLICY,
    UPDATE_POLICY,
)
from esperclient.api._base import ApiBase
from esperclient.models import (
    EnterprisePolicy,
    EnterprisePolicyPartialUpdate,
    InlineResponse2008,
)


class EnterprisePolicyApi(ApiBase):
    """Enterprise policies."""

    def create_policy(
        self,
        enterprise_id: str,
        request: EnterprisePolicy | dict[str, Any],
        **kwargs: Any,
    ) -> EnterprisePolicy:
        """Create a new Enterprise Policy."""
        return self.api_client.invoke(CREATE_POLICY, (enterprise_id, request), kwargs)

    def create_policy_with_http_info(
        self,
        enterprise_id: str,
        request: EnterprisePolicy | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[EnterprisePolicy, int, Mapping[str, str]]:
        """Create a new Enterprise Policy; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            CREATE_POLICY, (enterprise_id, request), kwargs, http_info=True
        )

    def delete_enterprise_policy(self, policy_id: int, enterprise_id: str, **kwargs: Any) -> None:
        """Delete a Enterprise Policy."""
        return self.api_client.invoke(DELETE_ENTERPRISE_POLICY, (policy_id, enterprise_id), kwargs)

    def delete_enterprise_policy_with_http_info(
        self, policy_id: int, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete a Enterprise Policy; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_ENTERPRISE_POLICY, (policy_id, enterprise_id), kwargs, http_info=True
        )

    def get_policy_by_id(
        self, policy_id: int, enterprise_id: str, **kwargs: Any
    ) -> EnterprisePolicy:
        """Get Enterprise Policy."""
        return self.api_client.invoke(GET_POLICY_BY_ID, (policy_id, enterprise_id), kwargs)

    def get_policy_by_id_with_http_info(
        self, policy_id: int, enterprise_id: str, **kwargs: Any
    ) -> tuple[EnterprisePolicy, int, Mapping[str, str]]:
        """Get Enterprise Policy; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_POLICY_BY_ID, (policy_id, enterprise_id), kwargs, http_info=True
        )

    def list_policies(self, enterprise_id: str, **kwargs: Any) -> InlineResponse2008:
        """List all policies in enterprise."""
        return self.api_client.invoke(LIST_POLICIES, (enterprise_id,), kwargs)

    def list_policies_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2008, int, Mapping[str, str]]:
        """List all policies in enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(LIST_POLICIES, (enterprise_id,), kwargs, http_info=True)

    def partialupdate_policy(
        self,
        policy_id: int,
        enterprise_id: str,
        data: EnterprisePolicyPartialUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> EnterprisePolicy:
        """Partial update EnterprisePolicy."""
        return self.api_client.invoke(
            PARTIALUPDATE_POLICY, (policy_id, enterprise_id, data), kwargs
        )

    def partialupdate_policy_with_http_info(
        self,
        policy_id: int,
        enterprise_id: str,
        data: EnterprisePolicyPartialUpdate | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[EnterprisePolicy, int, Mapping[str, str]]:
        """Partial update EnterprisePolicy; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            PARTIALUPDATE_POLICY,
            (policy_id, enterprise_id, data),
            kwargs,
            http_info=True,
        )

    def update_policy(
        self,
        policy_id: int,
        enterprise_id: str,
        data: EnterprisePolicy | dict[str, Any],
        **kwargs: Any,
    ) -> EnterprisePolicy:
        """Update Enterprise Policy."""
        return self.api_client.invoke(UPDATE_POLICY, (policy_id, enterprise_id, data), kwargs)

    def update_policy_with_http_info(
        self,
        policy_id: int,
        enterprise_id: str,
        data: EnterprisePolicy | dict[str, Any],
        **kwargs: Any,
    ) -> tuple[EnterprisePolicy, int, Mapping[str, str]]:
        """Update Enterprise Policy; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            UPDATE_POLICY, (policy_id, enterprise_id, data), kwargs, http_info=True
        )
