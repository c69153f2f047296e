"""``AsyncEsper``: the idiomatic client, on the same operations, models and rules as the drop-in.

This module is the source of ``esperclient._sync._client`` (``Esper``), which
``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

from typing import Any

from esperclient._async._base_client import (
    HOST_EXAMPLE,
    AsyncAPIClient,
    Timeout,
    or_environment,
    required_setting,
)
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
from esperclient.configuration import Configuration


class AsyncEsper:
    """The Esper API, the idiomatic way.

    Settings come from the arguments, then the environment (``ESPER_HOST``,
    ``ESPER_API_KEY``, ``ESPER_ENTERPRISE_ID``). Without a host or a key it raises
    ``MissingSettingError`` at once; without an enterprise, at the first call that needs
    one. Every call goes to ``enterprise_id``. ``max_retries`` repeats what is safe to
    repeat (never a command that may have reached the server); ``rate_limit`` caps
    requests per second.
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
        configuration = Configuration()
        configuration.host = required_setting(
            or_environment(host, "ESPER_HOST"), f"host (e.g. {HOST_EXAMPLE})", "host", "ESPER_HOST"
        ).rstrip("/")
        configuration.api_key["Authorization"] = required_setting(
            or_environment(api_key, "ESPER_API_KEY"), "API key", "api_key", "ESPER_API_KEY"
        )
        configuration.api_key_prefix["Authorization"] = "Bearer"
        configuration.timeout = timeout
        configuration.retries = max_retries
        configuration.rate_limit = rate_limit
        configuration.verify_ssl = verify_ssl
        configuration.ssl_ca_cert = ca_file
        configuration.proxy = proxy
        configuration.connection_pool_maxsize = max_connections
        self._client = AsyncAPIClient(
            configuration, or_environment(enterprise_id, "ESPER_ENTERPRISE_ID")
        )
        self.devices = AsyncDevices(self._client)
        self.applications = AsyncApplications(self._client)
        self.commands = AsyncCommands(self._client)
        self.command_requests = AsyncCommandRequests(self._client)
        self.groups = AsyncGroups(self._client)
        self.group_commands = AsyncGroupCommands(self._client)
        self.enterprise = AsyncEnterprise(self._client)
        self.policies = AsyncPolicies(self._client)
        self.geofences = AsyncGeofences(self._client)
        self.subscriptions = AsyncSubscriptions(self._client)
        self.content = AsyncContentLibrary(self._client)
        self.token = AsyncToken(self._client)

    @property
    def host(self) -> str:
        """The API's base URL, e.g. ``https://foo-api.esper.cloud/api``."""
        return self._client.configuration.host

    @property
    def enterprise_id(self) -> str | None:
        """The enterprise the calls are about."""
        return self._client.enterprise_id

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
