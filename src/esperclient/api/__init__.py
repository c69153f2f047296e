"""The drop-in API classes of esperclient 0.1.3, one module each."""

from __future__ import annotations

from esperclient.api.application_api import ApplicationApi
from esperclient.api.commands_api import CommandsApi
from esperclient.api.commands_v2_api import CommandsV2Api
from esperclient.api.content_api import ContentApi
from esperclient.api.device_api import DeviceApi
from esperclient.api.device_group_api import DeviceGroupApi
from esperclient.api.enterprise_api import EnterpriseApi
from esperclient.api.enterprise_policy_api import EnterprisePolicyApi
from esperclient.api.geofence_api import GeofenceApi
from esperclient.api.group_commands_api import GroupCommandsApi
from esperclient.api.subscription_api import SubscriptionApi
from esperclient.api.token_api import TokenApi

__all__ = [
    "ApplicationApi",
    "CommandsApi",
    "CommandsV2Api",
    "ContentApi",
    "DeviceApi",
    "DeviceGroupApi",
    "EnterpriseApi",
    "EnterprisePolicyApi",
    "GeofenceApi",
    "GroupCommandsApi",
    "SubscriptionApi",
    "TokenApi",
]
