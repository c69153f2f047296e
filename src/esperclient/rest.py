"""The sync HTTP transport on urllib3 2, under the module name esperclient 0.1.3 used.

``RESTClientObject`` owns the connection pool (``pool_manager``), verifies TLS unless
told not to, and turns urllib3's failures into ``ApiConnectionError`` /
``ApiTimeoutError``. ``ApiException`` is importable from here, as code written for
0.1.3 expects.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import msgspec
import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from esperclient._exceptions import (
    ApiConnectionError,
    ApiException,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from esperclient._request import HttpRequest, status_error
from esperclient._retry import Attempts
from esperclient._settings import TransportSettings
from esperclient._throttle import Throttle
from esperclient.configuration import Configuration

__all__ = [
    "ApiException",
    "ApiStatusError",
    "AuthenticationError",
    "BadRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RESTClientObject",
    "RESTResponse",
    "RateLimitError",
    "ServerError",
]

logger = logging.getLogger("esperclient")

Timeout = float | tuple[float, float] | None


class RESTResponse:
    """A finished response: ``status``, ``reason``, ``data`` (text) and its headers."""

    __slots__ = ("_text", "raw_data", "reason", "status", "urllib3_response")

    def __init__(self, resp: urllib3.BaseHTTPResponse) -> None:
        self.urllib3_response = resp
        self.status = resp.status
        self.reason = resp.reason
        self.raw_data: bytes = resp.data
        self._text: str | None = None

    @property
    def data(self) -> str:
        """The body as text (decoded on first use)."""
        if self._text is None:
            self._text = self.raw_data.decode("utf-8", "replace")
        return self._text

    def getheaders(self) -> Mapping[str, str]:
        """The response headers."""
        return self.urllib3_response.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """One response header, or ``default``."""
        return self.urllib3_response.headers.get(name, default)


def _timeout(value: Timeout) -> urllib3.Timeout:
    if value is None:
        return urllib3.Timeout(connect=None, read=None)
    if isinstance(value, tuple):
        return urllib3.Timeout(connect=value[0], read=value[1])
    return urllib3.Timeout(total=value)


class RESTClientObject:
    """A pooled urllib3 client, connecting as its settings say.

    ``configuration`` is a ``Configuration`` (read once, now) or ``TransportSettings``.
    """

    def __init__(
        self,
        configuration: Configuration | TransportSettings,
        pools_size: int = 4,
        maxsize: int | None = None,
    ) -> None:
        settings = (
            configuration
            if isinstance(configuration, TransportSettings)
            else TransportSettings.from_configuration(configuration)
        )
        self.settings = settings
        options: dict[str, Any] = {
            "num_pools": pools_size,
            "maxsize": maxsize or settings.max_connections or 4,
            "cert_reqs": ssl.CERT_REQUIRED if settings.verify_ssl else ssl.CERT_NONE,
            "cert_file": settings.cert_file,
            "key_file": settings.key_file,
            "retries": False,
        }
        if settings.ca_file:
            options["ca_certs"] = settings.ca_file
        if settings.assert_hostname is not None:
            options["assert_hostname"] = settings.assert_hostname
        self.retry = settings.retry
        self.throttle = Throttle(settings.rate_limit)
        self.pool_manager: urllib3.PoolManager
        if settings.proxy:
            self.pool_manager = urllib3.ProxyManager(proxy_url=settings.proxy, **options)
        else:
            self.pool_manager = urllib3.PoolManager(**options)

    def send(
        self, request: HttpRequest, timeout: Timeout, preload_content: bool = True
    ) -> urllib3.BaseHTTPResponse:
        """Send ``request``, retrying what is safe to retry; raise unless the status is 2xx."""
        attempts = Attempts(self.retry, request.method, self.throttle)
        while True:
            self.throttle.wait()
            try:
                response = self._send_once(request, timeout, preload_content)
            except ApiConnectionError as exc:
                delay = attempts.after_failure(reached_server=exc.reached_server)
                if delay is None:
                    raise
            else:
                if 200 <= response.status <= 299 or attempts.already_done(response.status):
                    return response
                delay = attempts.after_status(response.status, response.headers)
                if delay is None:
                    raise status_error(
                        response.status, response.reason, response.data, response.headers
                    )
            time.sleep(delay)

    def _send_once(
        self, request: HttpRequest, timeout: Timeout, preload_content: bool
    ) -> urllib3.BaseHTTPResponse:
        body = request.body() if callable(request.body) else request.body
        started = time.perf_counter()
        try:
            response = self.pool_manager.urlopen(
                request.method,
                request.url,
                body=body,
                headers=request.headers,
                timeout=_timeout(timeout),
                preload_content=preload_content,
                redirect=False,
                retries=False,
            )
        except HTTPError as exc:
            raise connection_error(exc, request.method, request.url) from None
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug(
                "%s %s -> %s in %.1f ms", request.method, request.url, response.status, elapsed
            )
        return response

    def close(self) -> None:
        """Drop the pooled connections."""
        self.pool_manager.clear()

    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        post_params: Any = None,
        _preload_content: bool = True,
        _request_timeout: Timeout = None,
    ) -> Any:
        """Perform a request as esperclient 0.1.3's ``RESTClientObject.request`` did."""
        headers = dict(headers or {})
        if query_params:
            url += "?" + urlencode(query_params)
        encoded: bytes | None = None
        if post_params:
            encoded, content_type = urllib3.encode_multipart_formdata(post_params)
            headers["Content-Type"] = content_type
        elif body is not None:
            encoded = body.encode() if isinstance(body, str) else msgspec.json.encode(body)
            headers.setdefault("Content-Type", "application/json")
        timeout = _request_timeout if _request_timeout is not None else self.settings.timeout
        response = self.send(
            HttpRequest(method.upper(), url, headers, encoded),
            timeout,
            _preload_content,
        )
        return RESTResponse(response) if _preload_content else response


def connection_error(exc: BaseException, method: str, url: str) -> ApiConnectionError:
    """The SDK error for a urllib3 failure, noting whether the request reached the server."""
    where = f"{method} {url.split('?', 1)[0]}"
    # urllib3 makes NewConnectionError a subclass of its timeout error: test it first.
    never_left = isinstance(exc, (NewConnectionError, ConnectTimeoutError))
    if isinstance(exc, Urllib3Timeout) and not isinstance(exc, NewConnectionError):
        return ApiTimeoutError(
            status=0, reason=f"Timed out: {where}", reached_server=not never_left
        )
    if isinstance(exc, SSLError):
        return ApiConnectionError(status=0, reason=f"TLS failed for {where}: {exc}")
    return ApiConnectionError(
        status=0,
        reason=f"Could not reach the server for {where}: {exc}",
        reached_server=not never_left,
    )
