"""Settings of the transports and of the idiomatic clients, fixed when a client is made.

The drop-in surface keeps esperclient 0.1.3's mutable ``Configuration``, read once into
``TransportSettings`` when its transport is made. ``Esper`` and ``AsyncEsper`` never
touch ``Configuration``: ``Configuration.set_default()`` in legacy code cannot change them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from esperclient._exceptions import MissingSettingError
from esperclient._retry import RetryPolicy
from esperclient.configuration import Configuration

Timeout = float | tuple[float, float] | None
HOST_EXAMPLE = "https://TENANT-api.esper.cloud/api"
DEFAULT_RETRY = RetryPolicy()
"""The waits between retries of ``Esper``/``AsyncEsper``; ``max_retries`` is theirs to set."""


@dataclass(frozen=True)
class TransportSettings:
    """How a transport connects: timeouts, retries, rate, TLS, proxy and pool size."""

    timeout: Timeout = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit: float | None = None
    verify_ssl: bool = True
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    assert_hostname: bool | str | None = None
    proxy: str | None = None
    max_connections: int = 64

    @classmethod
    def from_configuration(cls, configuration: Configuration) -> TransportSettings:
        """The settings a legacy ``Configuration`` holds now."""
        return cls(
            timeout=configuration.timeout,
            retry=RetryPolicy(
                max_retries=configuration.retries,
                initial_delay=configuration.retry_backoff,
                max_delay=configuration.retry_max_backoff,
            ),
            rate_limit=configuration.rate_limit,
            verify_ssl=configuration.verify_ssl,
            ca_file=configuration.ssl_ca_cert,
            cert_file=configuration.cert_file,
            key_file=configuration.key_file,
            assert_hostname=configuration.assert_hostname,
            proxy=configuration.proxy,
            max_connections=configuration.connection_pool_maxsize,
        )


@dataclass(frozen=True)
class ClientSettings:
    """Where ``Esper``/``AsyncEsper`` send their calls, with which key, about which enterprise."""

    host: str
    api_key: str = field(repr=False)
    enterprise_id: str | None
    transport: TransportSettings = field(default_factory=TransportSettings)

    @classmethod
    def resolve(
        cls,
        *,
        host: str | None,
        api_key: str | None,
        enterprise_id: str | None,
        transport: TransportSettings,
    ) -> ClientSettings:
        """The arguments, else ``ESPER_HOST``, ``ESPER_API_KEY``, ``ESPER_ENTERPRISE_ID``.

        ``MissingSettingError`` without a host or a key.
        """
        return cls(
            host=required_setting(
                _or_environment(host, "ESPER_HOST"),
                f"host (e.g. {HOST_EXAMPLE})",
                "host",
                "ESPER_HOST",
            ).rstrip("/"),
            api_key=required_setting(
                _or_environment(api_key, "ESPER_API_KEY"), "API key", "api_key", "ESPER_API_KEY"
            ),
            enterprise_id=_or_environment(enterprise_id, "ESPER_ENTERPRISE_ID"),
            transport=transport,
        )


def _or_environment(value: str | None, variable: str) -> str | None:
    return value if value is not None else os.environ.get(variable)


def required_setting(value: str | None, label: str, setting: str, variable: str) -> str:
    """``value``, or the error naming the argument and variable that would give it."""
    if not value:
        raise MissingSettingError(
            f"no {label}: pass {setting}= or set {variable}", setting=setting, variable=variable
        )
    return value


def ends_in_api(host: str) -> bool:
    """Whether the path of ``host`` ends in ``/api``, as the Esper API's base URL does."""
    return urlsplit(host).path.rstrip("/").endswith("/api")


def host_hint(host: str) -> str:
    """What to check when ``host`` answers 404 to a path the API has."""
    example = HOST_EXAMPLE if ends_in_api(host) else f"{host}/api"
    return f"check the host, {host}: the Esper API's base URL ends in /api, e.g. {example}"
