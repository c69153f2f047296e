"""``AsyncEsper``: the idiomatic client, on the same operations, models and rules as the drop-in.

This module is the source of ``esperclient._sync._client`` (``Esper``), which
``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

import os
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

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
from esperclient._exceptions import MissingSettingError, NotFoundError
from esperclient._multipart import with_progress
from esperclient._operations import Operation
from esperclient._request import HttpRequest, build, decode
from esperclient._version import __version__
from esperclient.configuration import Configuration

Timeout = float | tuple[float, float] | None
HOST_EXAMPLE = "https://TENANT-api.esper.cloud/api"
R = TypeVar("R")


def _setting(value: Any, variable: str) -> Any:
    return value if value is not None else os.environ.get(variable)


def _required(value: str | None, label: str, setting: str, variable: str) -> str:
    """``value``, or the error naming the argument and variable that would give it."""
    if not value:
        raise MissingSettingError(
            f"no {label}: pass {setting}= or set {variable}", setting=setting, variable=variable
        )
    return value


def ends_in_api(host: str) -> bool:
    """Whether the path of ``host`` ends in ``/api``, as the Esper API's base URL does."""
    return urlsplit(host).path.rstrip("/").endswith("/api")


def _is_esper_error(body: str | None) -> bool:
    """Whether ``body`` is the Esper error body (JSON with a ``message``)."""
    try:
        parsed = msgspec.json.decode(body or "")
    except msgspec.DecodeError:
        return False
    return isinstance(parsed, dict) and "message" in parsed


def _host_hint(host: str) -> str:
    example = HOST_EXAMPLE if ends_in_api(host) else f"{host}/api"
    return f"check the host, {host}: the Esper API's base URL ends in /api, e.g. {example}"


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
        return _required(self.enterprise_id, "enterprise", "enterprise_id", "ESPER_ENTERPRISE_ID")

    def use_key(self, api_key: str) -> None:
        """Send ``api_key`` from now on (after a renewal)."""
        self.configuration.api_key["Authorization"] = api_key
        self._headers["Authorization"] = f"Bearer {api_key}"

    async def call(
        self,
        op: Operation[R],
        timeout: Timeout = None,
        on_progress: Progress | None = None,
        **values: Any,
    ) -> R:
        """Send ``op`` with ``values`` (``enterprise_id`` filled in) and return its model.

        ``on_progress(sent, total)`` follows an upload's bytes.
        """
        if "enterprise_id" in op.by_name:
            values.setdefault("enterprise_id", self.enterprise())
        request = build(op, values, self.configuration.host, dict(self._headers))
        if on_progress is not None and callable(request.body):
            total = int(request.headers.get("Content-Length", 0))
            request.body = with_progress(request.body, total, on_progress)
        return decode(op.returns, await self._send(request, timeout))

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
        data = await self._send(HttpRequest(method.upper(), url, headers, body), timeout)
        return msgspec.json.decode(data) if data else None

    async def _send(self, request: HttpRequest, timeout: Timeout) -> bytes:
        """Send ``request``; the body. A 404 from a host that may be wrong says what it should be.

        The host may be wrong when its path does not end in ``/api``, or when the 404 is
        not the Esper error body (a web server's page, say).
        """
        try:
            response = await self.transport.send(request, timeout or self.configuration.timeout)
        except NotFoundError as exc:
            host = self.configuration.host
            if not (ends_in_api(host) and _is_esper_error(exc.body)):
                exc.message = f"{exc.message or 'Not Found'} ({_host_hint(host)})"
            raise
        return response.data

    async def aclose(self) -> None:
        """Release the connections."""
        await self.transport.close()


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
        configuration.host = _required(
            _setting(host, "ESPER_HOST"), f"host (e.g. {HOST_EXAMPLE})", "host", "ESPER_HOST"
        ).rstrip("/")
        configuration.api_key["Authorization"] = _required(
            _setting(api_key, "ESPER_API_KEY"), "API key", "api_key", "ESPER_API_KEY"
        )
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
