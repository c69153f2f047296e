"""``AsyncEsper``: the idiomatic client, on the same operations, models and rules as the drop-in.

This module is the source of ``esperclient._sync._client`` (``Esper``), which
``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

import msgspec

from esperclient._aiohttp import AsyncTransport
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
from esperclient._bulk import Progress
from esperclient._multipart import with_progress
from esperclient._operations import Operation
from esperclient._request import HttpRequest, build, decode
from esperclient._version import __version__
from esperclient.configuration import Configuration

Timeout = float | tuple[float, float] | None


def _setting(value: Any, variable: str) -> Any:
    return value if value is not None else os.environ.get(variable)


class AsyncAPIClient:
    """Sends operations for the resources: builds, sends (with retries), decodes."""

    def __init__(self, configuration: Configuration, enterprise_id: str | None) -> None:
        self.configuration = configuration
        self.enterprise_id = enterprise_id
        self.transport = AsyncTransport(configuration)
        self._headers = {
            "Accept": "application/json",
            "User-Agent": f"esperclient-python/{__version__}",
        }
        key = configuration.get_api_key_with_prefix("Authorization")
        if key:
            self._headers["Authorization"] = key

    def enterprise(self) -> str:
        """The enterprise every call is about; a clear error when none was configured."""
        if not self.enterprise_id:
            raise ValueError("no enterprise: pass enterprise_id= or set ESPER_ENTERPRISE_ID")
        return self.enterprise_id

    def use_key(self, api_key: str) -> None:
        """Send ``api_key`` from now on (after a renewal)."""
        self.configuration.api_key["Authorization"] = api_key
        self._headers["Authorization"] = f"Bearer {api_key}"

    async def call(
        self,
        op: Operation,
        timeout: Timeout = None,
        on_progress: Progress | None = None,
        **values: Any,
    ) -> Any:
        """Send ``op`` with ``values`` (``enterprise_id`` filled in) and return its model.

        ``on_progress(sent, total)`` follows an upload's bytes.
        """
        if "enterprise_id" in op.by_name:
            values.setdefault("enterprise_id", self.enterprise())
        request = build(op, values, self.configuration.host, dict(self._headers))
        if on_progress is not None and callable(request.body):
            total = int(request.headers.get("Content-Length", 0))
            request.body = with_progress(request.body, total, on_progress)
        response = await self.transport.send(request, timeout or self.configuration.timeout)
        return decode(op.returns, response.data)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        timeout: Timeout = None,
    ) -> Any:
        """Call any path under the host: the same auth, retries and errors; JSON back."""
        url = self.configuration.host + path
        if params:
            url += "?" + urlencode(params)
        headers = dict(self._headers)
        body = None
        if json is not None:
            body = msgspec.json.encode(json)
            headers["Content-Type"] = "application/json"
        response = await self.transport.send(
            HttpRequest(method.upper(), url, headers, body), timeout or self.configuration.timeout
        )
        return msgspec.json.decode(response.data) if response.data else None

    async def aclose(self) -> None:
        """Release the connections."""
        await self.transport.close()


class AsyncEsper:
    """The Esper API, the idiomatic way.

    Settings come from the arguments, then the environment (``ESPER_HOST``,
    ``ESPER_API_KEY``, ``ESPER_ENTERPRISE_ID``), then defaults. Every call goes to
    ``enterprise_id``. ``max_retries`` repeats what is safe to repeat (never a command
    that may have reached the server); ``rate_limit`` caps requests per second.
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
        configuration.host = (_setting(host, "ESPER_HOST") or configuration.host).rstrip("/")
        key = _setting(api_key, "ESPER_API_KEY")
        if key:
            configuration.api_key["Authorization"] = key
            configuration.api_key_prefix["Authorization"] = "Bearer"
        configuration.timeout = timeout
        configuration.retries = max_retries
        configuration.rate_limit = rate_limit
        configuration.verify_ssl = verify_ssl
        configuration.ssl_ca_cert = ca_file
        configuration.proxy = proxy
        configuration.connection_pool_maxsize = max_connections
        self._client = AsyncAPIClient(configuration, _setting(enterprise_id, "ESPER_ENTERPRISE_ID"))
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
