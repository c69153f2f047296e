"""``SubscriptionApi``: event subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._operations import (
    CREATE_SUBSCRIPTION,
    DELETE_SUBSCRIPTION,
    GET_ALL_SUBSCRIPTIONS,
    GET_SUBSCRIPTION,
)
from esperclient.api._base import ApiBase
from esperclient.models import (
    EventSubscription,
    EventSubscriptionArgs,
    InlineResponse20013,
)


class SubscriptionApi(ApiBase):
    """Event subscriptions."""

    def create_subscription(
        self,
        data: EventSubscriptionArgs | dict[str, Any],
        enterprise_id: str,
        **kwargs: Any,
    ) -> EventSubscription:
        """Create a Subscription."""
        return self.api_client.invoke(CREATE_SUBSCRIPTION, (data, enterprise_id), kwargs)

    def create_subscription_with_http_info(
        self,
        data: EventSubscriptionArgs | dict[str, Any],
        enterprise_id: str,
        **kwargs: Any,
    ) -> tuple[EventSubscription, int, Mapping[str, str]]:
        """Create a Subscription; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            CREATE_SUBSCRIPTION, (data, enterprise_id), kwargs, http_info=True
        )

    def delete_subscription(self, subscription_id: str, enterprise_id: str, **kwargs: Any) -> None:
        """Delete a subscription."""
        return self.api_client.invoke(DELETE_SUBSCRIPTION, (subscription_id, enterprise_id), kwargs)

    def delete_subscription_with_http_info(
        self, subscription_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete a subscription; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_SUBSCRIPTION,
            (subscription_id, enterprise_id),
            kwargs,
            http_info=True,
        )

    def get_all_subscriptions(self, enterprise_id: str, **kwargs: Any) -> InlineResponse20013:
        """List Subscriptions in Enterprise."""
        return self.api_client.invoke(GET_ALL_SUBSCRIPTIONS, (enterprise_id,), kwargs)

    def get_all_subscriptions_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse20013, int, Mapping[str, str]]:
        """List Subscriptions in Enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_ALL_SUBSCRIPTIONS, (enterprise_id,), kwargs, http_info=True
        )

    def get_subscription(
        self, subscription_id: str, enterprise_id: str, **kwargs: Any
    ) -> EventSubscription:
        """Get subscription information."""
        return self.api_client.invoke(GET_SUBSCRIPTION, (subscription_id, enterprise_id), kwargs)

    def get_subscription_with_http_info(
        self, subscription_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[EventSubscription, int, Mapping[str, str]]:
        """Get subscription information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_SUBSCRIPTION, (subscription_id, enterprise_id), kwargs, http_info=True
        )
