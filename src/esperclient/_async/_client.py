"""``AsyncEsper``: the idiomatic client, on the same operations, models and rules as the drop-in.

This module is the source of ``esperclient._sync._client`` (``Esper``), which
``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from esperclient import _settings
from esperclient._async._api import AsyncGeneratedApi
from esperclient._async._base_client import AsyncAPIClient
from esperclient._async._blueprints import AsyncBlueprints
from esperclient._async._command_api import AsyncCommandApi
from esperclient._async._converges import AsyncConverges
from esperclient._async._devices_v2 import AsyncDevicesV2
from esperclient._async._resources import (
    AsyncApplications,
    AsyncCommandRequests,
    AsyncCommands,
    AsyncContentLibrary,
    AsyncDevices,
    AsyncEnterprise,
    AsyncGeofences,
    AsyncGroupCommands,
    AsyncGroups,
    AsyncPolicies,
    AsyncSubscriptions,
    AsyncToken,
)
from esperclient._settings import ClientSettings, Timeout, TransportSettings


class AsyncEsper(AsyncGeneratedApi):
    """The Esper API, the idiomatic way.

    Settings come from the arguments, then the environment (``ESPER_HOST``,
    ``ESPER_API_KEY``, ``ESPER_ENTERPRISE_ID``). Without a host or a key it raises
    ``MissingSettingError`` at once; without an enterprise, at the first call that needs
    one. Every call goes to ``enterprise_id``. ``max_retries`` repeats what is safe to
    repeat (never a command that may have reached the server); ``rate_limit`` caps
    requests per second.

    Beside the resources written by hand (``devices``, ``commands``...), every operation
    of Esper's current API is a generated method of a family named after its spec file:
    ``esper.v2.blueprints.list()``, ``esper.pipelines_v0.pipelines.create(...)``.
    """

    def __init__(
        self,
        *,
        host: str | None = None,
        api_key: str | None = None,
        enterprise_id: str | None = None,
        timeout: float | tuple[float, float] | None = 60.0,
        max_retries: int = 2,
        rate_limit: float | None = None,
        verify_ssl: bool = True,
        ca_file: str | None = None,
        proxy: str | None = None,
        max_connections: int = 64,
    ) -> None:
        settings = ClientSettings.resolve(
            host=host,
            api_key=api_key,
            enterprise_id=enterprise_id,
            transport=TransportSettings(
                timeout=timeout,
                retry=dataclasses.replace(_settings.DEFAULT_RETRY, max_retries=max_retries),
                rate_limit=rate_limit,
                verify_ssl=verify_ssl,
                ca_file=ca_file,
                proxy=proxy,
                max_connections=max_connections,
            ),
        )
        self._client = AsyncAPIClient(settings)
        self.devices = AsyncDevices(self._client)
        self.devices_v2 = AsyncDevicesV2(self._client)
        self.applications = AsyncApplications(self._client)
        self.commands = AsyncCommands(self._client)
        self.command_requests = AsyncCommandRequests(self._client)
        self.commands_api = AsyncCommandApi(self._client)
        self.groups = AsyncGroups(self._client)
        self.group_commands = AsyncGroupCommands(self._client)
        self.enterprise = AsyncEnterprise(self._client)
        self.policies = AsyncPolicies(self._client)
        self.geofences = AsyncGeofences(self._client)
        self.subscriptions = AsyncSubscriptions(self._client)
        self.content = AsyncContentLibrary(self._client)
        self.token = AsyncToken(self._client)
        self.blueprints = AsyncBlueprints(self._client)
        self.converges = AsyncConverges(self._client)

    @property
    def host(self) -> str:
        """The API's base URL, e.g. ``https://foo-api.esper.cloud/api``."""
        return self._client.settings.host

    @property
    def enterprise_id(self) -> str | None:
        """The enterprise the calls are about."""
        return self._client.settings.enterprise_id

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        timeout: Timeout = None,
    ) -> Any:
        """Call a path the SDK does not describe yet, e.g. ``("GET", "/v1/token-info/")``."""
        return await self._client.request(method, path, params=params, json=json, timeout=timeout)

    async def aclose(self) -> None:
        """Release the connections."""
        await self._client.aclose()

    async def __aenter__(self) -> AsyncEsper:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host!r}, enterprise_id={self.enterprise_id!r})"
