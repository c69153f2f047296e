"""``Configuration``: where the API is and how to reach it (esperclient 0.1.3 compatible)."""

from __future__ import annotations

import copy
import logging
import os
import sys
from typing import Any, ClassVar

from esperclient._version import __version__

DEFAULT_HOST = "https://foo-api.esper.cloud/api"


class Configuration:
    """Settings shared by every call an ``ApiClient`` makes.

    The attributes are those of esperclient 0.1.3 (``host``, ``api_key``,
    ``api_key_prefix``, ``verify_ssl``, ``ssl_ca_cert``, ``cert_file``, ``key_file``,
    ``assert_hostname``, ``proxy``, ``connection_pool_maxsize``, ``debug``,
    ``logger_file``...) plus ``timeout``: seconds to wait for the server, as a number
    or a ``(connect, read)`` pair; ``None`` waits forever, as 0.1.3 did. ``retries``:
    how many times a failed call is repeated where that is safe (a connection that
    could not be opened; 429; 502/503/504 for reads, PUT and DELETE; never a POST that
    may have reached the server), with backoff and ``Retry-After`` honoured; 0 turns
    retries off; the first wait is up to ``retry_backoff`` seconds, doubling up to
    ``retry_max_backoff``. ``rate_limit``: at most this many requests per second from
    one client.

    TLS certificates are verified unless ``verify_ssl`` is set to ``False``. The API
    key is never shown by ``repr`` or written to the logs.
    """

    _default: ClassVar[Configuration | None] = None

    def __init__(self) -> None:
        if Configuration._default is not None:
            self.__dict__.update(copy.deepcopy(Configuration._default.__dict__))
            return
        self.host = DEFAULT_HOST
        self.temp_folder_path: str | None = None
        self.api_key: dict[str, str] = {}
        self.api_key_prefix: dict[str, str] = {}
        self.username = ""
        self.password = ""
        self.logger = {
            "package_logger": logging.getLogger("esperclient"),
            "urllib3_logger": logging.getLogger("urllib3"),
        }
        self.logger_stream_handler: logging.Handler | None = None
        self.logger_file_handler: logging.Handler | None = None
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"
        self._logger_file: str | None = None
        self._debug = False
        self.verify_ssl = True
        self.ssl_ca_cert: str | None = None
        self.cert_file: str | None = None
        self.key_file: str | None = None
        self.assert_hostname: bool | str | None = None
        self.connection_pool_maxsize = (os.cpu_count() or 1) * 5
        self.proxy: str | None = None
        self.safe_chars_for_path_param = ""
        self.timeout: float | tuple[float, float] | None = (10.0, 60.0)
        self.retries = 2
        self.retry_backoff = 0.5
        self.retry_max_backoff = 8.0
        self.rate_limit: float | None = None

    @classmethod
    def set_default(cls, default: Configuration | None) -> None:
        """Make ``default`` the template that new ``Configuration()`` objects copy."""
        cls._default = default

    @property
    def logger_format(self) -> str:
        """The log line format used by the handlers this configuration adds."""
        return self._logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self._logger_format = value
        self.logger_formatter = logging.Formatter(value)

    @property
    def logger_file(self) -> str | None:
        """A file to write the SDK's log to; setting it adds a file handler."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        self._logger_file = value
        if value:
            self.logger_file_handler = logging.FileHandler(value)
            self.logger_file_handler.setFormatter(self.logger_formatter)
            for logger in self.logger.values():
                logger.addHandler(self.logger_file_handler)

    @property
    def debug(self) -> bool:
        """When true, the SDK logs each request and response line at DEBUG (key redacted)."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = value
        level = logging.DEBUG if value else logging.WARNING
        for logger in self.logger.values():
            logger.setLevel(level)
        if value and not logging.getLogger("esperclient").handlers and not self.logger_file:
            self.logger_stream_handler = logging.StreamHandler()
            self.logger_stream_handler.setFormatter(self.logger_formatter)
            logging.getLogger("esperclient").addHandler(self.logger_stream_handler)

    def get_api_key_with_prefix(self, identifier: str) -> str | None:
        """The ``Authorization`` value: the key, behind its prefix when one is set."""
        key = self.api_key.get(identifier)
        if not key:
            return None
        prefix = self.api_key_prefix.get(identifier)
        return f"{prefix} {key}" if prefix else key

    def get_basic_auth_token(self) -> str:
        """The HTTP basic ``Authorization`` value for ``username`` and ``password``."""
        import urllib3

        return str(
            urllib3.util.make_headers(basic_auth=f"{self.username}:{self.password}")[
                "authorization"
            ]
        )

    def auth_settings(self) -> dict[str, dict[str, Any]]:
        """The authentication schemes of the API, as 0.1.3 describes them."""
        return {
            "apiKey": {
                "type": "api_key",
                "in": "header",
                "key": "Authorization",
                "value": self.get_api_key_with_prefix("Authorization"),
            }
        }

    def to_debug_report(self) -> str:
        """Versions worth quoting in a bug report."""
        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform}\n"
            f"Python Version: {sys.version}\n"
            "Version of the API: 1.0.0\n"
            f"SDK Package Version: {__version__}"
        )

    def __repr__(self) -> str:
        key = "set" if self.api_key.get("Authorization") else "unset"
        return f"Configuration(host={self.host!r}, api_key=<{key}>, verify_ssl={self.verify_ssl})"
