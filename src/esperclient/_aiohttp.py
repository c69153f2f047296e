"""The async transport, on aiohttp (imported only when an async client is created).

It mirrors ``rest.RESTClientObject.send``: one request, retried where that is safe,
throttled, with failures turned into ``ApiConnectionError``/``ApiTimeoutError``.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from esperclient._exceptions import ApiConnectionError, ApiTimeoutError
from esperclient._request import HttpRequest, status_error
from esperclient._retry import Attempts
from esperclient._settings import TransportSettings
from esperclient._throttle import Throttle

logger = logging.getLogger("esperclient")

Timeout = float | tuple[float, float] | None


@dataclass
class AsyncResponse:
    """A finished response: the same attributes the sync transport's answer has."""

    status: int
    reason: str | None
    headers: CIMultiDictProxy[str]
    data: bytes


def _ssl_context(settings: TransportSettings) -> ssl.SSLContext | bool:
    if not settings.verify_ssl:
        return False
    context = ssl.create_default_context(cafile=settings.ca_file)
    if settings.cert_file:
        context.load_cert_chain(settings.cert_file, settings.key_file)
    return context


def _client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    if timeout is None:
        return aiohttp.ClientTimeout(total=None)
    if isinstance(timeout, tuple):
        return aiohttp.ClientTimeout(sock_connect=timeout[0], sock_read=timeout[1])
    return aiohttp.ClientTimeout(total=timeout)


async def _stream(chunks: Callable[[], Iterator[bytes]]) -> AsyncIterator[bytes]:
    for chunk in chunks():
        yield chunk


class AsyncTransport:
    """A pooled aiohttp session, connecting as ``settings`` say."""

    def __init__(self, settings: TransportSettings) -> None:
        self.settings = settings
        self.retry = settings.retry
        self.throttle = Throttle(settings.rate_limit)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.settings.max_connections,
                ssl=_ssl_context(self.settings),
            )
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False)
            # aiohttp repeats an idempotent request once by itself when a kept-alive
            # connection drops; retries are this transport's to decide (max_retries=0
            # must mean one attempt). No public switch exists for it.
            self._session._retry_connection = False
        return self._session

    async def send(self, request: HttpRequest, timeout: Timeout) -> AsyncResponse:
        """Send ``request``, retrying what is safe to retry; raise unless the status is 2xx."""
        attempts = Attempts(self.retry, request.method, self.throttle)
        while True:
            await asyncio.sleep(self.throttle.reserve())
            try:
                response = await self._send_once(request, timeout)
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
            await asyncio.sleep(delay)

    async def _send_once(self, request: HttpRequest, timeout: Timeout) -> AsyncResponse:
        body: Any = _stream(request.body) if callable(request.body) else request.body
        where = f"{request.method} {request.url.split('?', 1)[0]}"
        started = time.perf_counter()
        try:
            async with self._open().request(
                request.method,
                request.url,
                data=body,
                headers=request.headers,
                timeout=_client_timeout(timeout),
                allow_redirects=False,
                proxy=self.settings.proxy,
            ) as response:
                data = await response.read()
        except aiohttp.ConnectionTimeoutError:  # also an asyncio.TimeoutError: test it first
            raise ApiTimeoutError(
                status=0, reason=f"Timed out connecting: {where}", reached_server=False
            ) from None
        except asyncio.TimeoutError:
            raise ApiTimeoutError(status=0, reason=f"Timed out: {where}") from None
        except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError) as exc:
            raise ApiConnectionError(  # before ClientConnectorError, of which these are kinds
                status=0, reason=f"TLS failed for {where}: {exc}", reached_server=False
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise ApiConnectionError(
                status=0,
                reason=f"Could not reach the server for {where}: {exc}",
                reached_server=False,
            ) from None
        except aiohttp.ClientError as exc:
            raise ApiConnectionError(
                status=0, reason=f"Connection failed for {where}: {exc}"
            ) from None
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug(
                "%s %s -> %s in %.1f ms", request.method, request.url, response.status, elapsed
            )
        return AsyncResponse(response.status, response.reason, response.headers, data)

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
