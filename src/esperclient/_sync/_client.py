# Generated from esperclient/_async/_client.py by scripts/gen_sync.py: do not edit.
"""``AsyncEsper``: the idiomatic client, on the same operations, models and rules as the drop-in.

This module is the source of ``esperclient._sync._client`` (``Esper``), which
``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from esperclient import _settings
from esperclient._settings import ClientSettings, Timeout, TransportSettings
from esperclient._sync._api import GeneratedApi
from esperclient._sync._base_client import SyncAPIClient
from esperclient._sync._blueprints import Blueprints
from esperclient._sync._command_api import CommandApi
from esperclient._sync._converges import Converges
from esperclient._sync._devices_v2 import DevicesV2
from esperclient._sync._resources import (
    Applications,
    CommandRequests,
    Commands,
    ContentLibrary,
    Devices,
    Enterprise,
    Geofences,
    GroupCommands,
    Groups,
    Policies,
    Subscriptions,
    Token,
)


class Esper(GeneratedApi):
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
        self._client = SyncAPIClient(settings)
        self.devices = Devices(self._client)
        self.devices_v2 = DevicesV2(self._client)
        self.applications = Applications(self._client)
        self.commands = Commands(self._client)
        self.command_requests = CommandRequests(self._client)
        self.commands_api = CommandApi(self._client)
        self.groups = Groups(self._client)
        self.group_commands = GroupCommands(self._client)
        self.enterprise = Enterprise(self._client)
        self.policies = Policies(self._client)
        self.geofences = Geofences(self._client)
        self.subscriptions = Subscriptions(self._client)
        self.content = ContentLibrary(self._client)
        self.token = Token(self._client)
        self.blueprints = Blueprints(self._client)
        self.converges = Converges(self._client)

    @property
    def host(self) -> str:
        """The API's base URL, e.g. ``https://foo-api.esper.cloud/api``."""
        return self._client.settings.host

    @property
    def enterprise_id(self) -> str | None:
        """The enterprise the calls are about."""
        return self._client.settings.enterprise_id

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        timeout: Timeout = None,
    ) -> Any:
        """Call a path the SDK does not describe yet, e.g. ``("GET", "/v1/token-info/")``."""
        return self._client.request(method, path, params=params, json=json, timeout=timeout)

    def close(self) -> None:
        """Release the connections."""
        self._client.close()

    def __enter__(self) -> Esper:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host!r}, enterprise_id={self.enterprise_id!r})"
