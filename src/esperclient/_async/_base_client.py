"""``AsyncAPIClient``: what every resource sends through. Builds, sends (with retries), decodes.

This module is the source of ``esperclient._sync._base_client``, which
``scripts/gen_sync.py`` generates from it: edit here, then regenerate.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec

from esperclient._aiohttp import AsyncTransport
from esperclient._bulk import Progress
from esperclient._exceptions import NotFoundError
from esperclient._multipart import with_progress
from esperclient._operations import Operation
from esperclient._request import HttpRequest, build, read_answer
from esperclient._settings import (
    ClientSettings,
    Timeout,
    ends_in_api,
    host_hint,
    required_setting,
)
from esperclient._version import __version__

R = TypeVar("R")


def _is_esper_error(body: str | None) -> bool:
    """Whether ``body`` is the Esper error body (JSON with a ``message``)."""
    try:
        parsed = msgspec.json.decode(body or "")
    except msgspec.DecodeError:
        return False
    return isinstance(parsed, dict) and "message" in parsed


class AsyncAPIClient:
    """Sends operations for the resources: builds, sends (with retries), decodes."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self.transport = AsyncTransport(settings.transport)
        self._headers = {
            "Accept": "application/json",
            "User-Agent": f"esperclient-python/{__version__}",
            "Authorization": f"Bearer {settings.api_key}",
        }

    def enterprise(self) -> str:
        """The enterprise every call is about; a clear error when none was configured."""
        return required_setting(
            self.settings.enterprise_id, "enterprise", "enterprise_id", "ESPER_ENTERPRISE_ID"
        )

    def use_key(self, api_key: str) -> None:
        """Send ``api_key`` from now on (after a renewal)."""
        self.settings = dataclasses.replace(self.settings, api_key=api_key)
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
        if "enterprise_id" in op.by_name and values.get("enterprise_id") is None:
            values["enterprise_id"] = self.enterprise()
        request = build(op, values, self.settings.host, dict(self._headers))
        if on_progress is not None and callable(request.body):
            total = int(request.headers.get("Content-Length", 0))
            request.body = with_progress(request.body, total, on_progress)
        return read_answer(op, await self._send(request, timeout))

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
        url = self.settings.host + path
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
            timeout = timeout or self.settings.transport.timeout
            response = await self.transport.send(request, timeout)
        except NotFoundError as exc:
            host = self.settings.host
            if not (ends_in_api(host) and _is_esper_error(exc.body)):
                exc.message = f"{exc.message or 'Not Found'} ({host_hint(host)})"
            raise
        return response.data

    async def aclose(self) -> None:
        """Release the connections."""
        await self.transport.close()
