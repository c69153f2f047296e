"""The errors the SDK raises.

Everything is an ``ApiException`` (the esperclient 0.1.3 name, importable from
``esperclient.rest``), so ``except ApiException`` keeps catching all of it::

    ApiException
    ├── ApiStatusError              the server answered with a non-2xx status
    │   ├── BadRequestError         400; ``field_errors`` holds the fields at fault
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── NotFoundError           404
    │   ├── ConflictError           409
    │   ├── PayloadTooLargeError    413
    │   ├── RateLimitError          429; ``retry_after`` in seconds, when the server said
    │   └── ServerError             5xx
    ├── ApiConnectionError          no answer: refused, reset, TLS failure...
    │   └── ApiTimeoutError         no answer in time
    ├── MissingSettingError         no host, API key or enterprise: raised before any request
    ├── ListChangedError            a list changed while its pages were read
    └── WaitError                   a waiter gave up: ``last`` holds the last state seen
        ├── CommandFailedError      the command ended in failure
        └── WaitTimeoutError        no final state within the timeout
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from esperclient._retry import retry_after


class ApiException(Exception):
    """Base of every SDK error; ``status`` is 0 when no HTTP answer came back.

    ``body`` is the response text, ``headers`` the response headers, ``message`` the
    server's own message from the Esper error body (or a description of the failure).
    """

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: Any = None,
        *,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if http_resp is not None:  # the 0.1.3 signature: ApiException(http_resp=r)
            status = http_resp.status
            reason = http_resp.reason
            raw = http_resp.data
            body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            headers = http_resp.getheaders()
        self.status = status
        self.reason = reason
        self.body = body
        self.headers = headers
        self.errors: list[Any] = []
        self.message = reason or ""
        self._read_error_body()
        super().__init__(self.message)

    def _read_error_body(self) -> None:
        if not self.body:
            return
        try:
            parsed = msgspec.json.decode(self.body)
        except msgspec.DecodeError:
            return
        if isinstance(parsed, dict):
            self.message = _server_message(parsed) or self.message
            errors = parsed.get("errors")
            self.errors = list(errors) if isinstance(errors, list) else []

    def __str__(self) -> str:
        text = f"({self.status})\nReason: {self.reason}\n"
        if self.headers:
            text += f"HTTP response headers: {dict(self.headers)}\n"
        if self.body:
            text += f"HTTP response body: {self.body}\n"
        return text


#: Where an error body carries its message, in order: ``message`` in both of Esper's
#: families (``{errors, message, status}`` and ``{code, message, content}``), ``error``
#: in some older answers, ``detail`` in Django REST framework's own.
_MESSAGE_KEYS = ("message", "error", "detail")


def _server_message(body: dict[str, Any]) -> str:
    """The server's message in an error body (a non-text ``message`` as text); ``""``
    when it gives none."""
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return str(body.get("message") or "")


class ApiStatusError(ApiException):
    """The server answered with a status outside 2xx."""


class BadRequestError(ApiStatusError):
    """400: the request was refused as invalid."""

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """Messages per field, read from the ``errors`` of the Esper error body."""
        found: dict[str, list[str]] = {}
        for error in self.errors:
            if isinstance(error, dict):
                for key, value in error.items():
                    found.setdefault(str(key), []).extend(
                        value if isinstance(value, list) else [str(value)]
                    )
        return found


class AuthenticationError(ApiStatusError):
    """401: the API key is missing, unknown or expired."""


class PermissionDeniedError(ApiStatusError):
    """403: the API key may not act on this enterprise or object."""


class NotFoundError(ApiStatusError):
    """404: no such object."""


class ConflictError(ApiStatusError):
    """409: the request conflicts with the object's current state."""


class PayloadTooLargeError(ApiStatusError):
    """413: the request body is larger than the server accepts."""


class RateLimitError(ApiStatusError):
    """429: too many requests; wait ``retry_after`` seconds (when known) and try again."""

    @property
    def retry_after(self) -> float | None:
        """The wait the server asked for, in seconds (``Retry-After`` as seconds or an
        HTTP date, or ``retry-after-ms``); ``None`` when it did not say."""
        return retry_after(self.headers or {})


class ServerError(ApiStatusError):
    """5xx: the server failed."""


class ApiConnectionError(ApiException):
    """No HTTP answer: the connection was refused, reset, or TLS failed.

    ``reached_server`` is false when the connection was never opened, so the server
    cannot have acted on the request.
    """

    def __init__(self, *args: Any, reached_server: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reached_server = reached_server


class ApiTimeoutError(ApiConnectionError):
    """No HTTP answer within the timeout."""


class MissingSettingError(ApiException, ValueError):
    """A setting the client needs was given neither as an argument nor in the environment.

    ``setting`` is the argument (``host``, ``api_key``, ``enterprise_id``) and
    ``variable`` the environment variable that would provide it. It is a ``ValueError``
    too, as the missing enterprise always was.
    """

    def __init__(self, message: str, *, setting: str, variable: str) -> None:
        super().__init__(status=0, reason=message)
        self.setting = setting
        self.variable = variable

    def __str__(self) -> str:
        return str(self.reason)


class ListChangedError(ApiException):
    """A list paged by offset changed between two of its pages: items were added or
    removed, so reading on would repeat or skip some. ``offset`` is where the changed
    page starts (the items before it were yielded); start the iteration again to read
    the list as it is now.
    """

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(status=0, reason=message)
        self.offset = offset

    def __str__(self) -> str:
        return str(self.reason)


class WaitError(ApiException):
    """A waiter stopped without success; ``last`` is the last object it read."""

    def __init__(self, message: str, last: Any) -> None:
        super().__init__(status=0, reason=message)
        self.last = last

    def __str__(self) -> str:
        return str(self.reason)


class CommandFailedError(WaitError):
    """The command reached a final state other than success."""


class WaitTimeoutError(WaitError):
    """The command did not reach a final state in time."""


_BY_STATUS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}


def error_class(status: int) -> type[ApiStatusError]:
    """The exception class for an HTTP status outside 2xx."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiStatusError)
