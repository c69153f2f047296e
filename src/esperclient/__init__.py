"""esperclient: the Python SDK for the Esper device-management API.

Code written for esperclient 0.1.3 runs unchanged: ``Configuration``, ``ApiClient``,
the ``*Api`` classes and every model keep their names, arguments and module paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from esperclient import api, models
from esperclient._bulk import BulkReport, Outcome
from esperclient._exceptions import (
    ApiConnectionError,
    ApiException,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    CommandFailedError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    WaitError,
    WaitTimeoutError,
)
from esperclient._sync._client import Esper
from esperclient._sync._pagination import Page, Paginator
from esperclient._version import __version__
from esperclient.api import *  # noqa: F403  (the 12 *Api classes)
from esperclient.api_client import ApiClient
from esperclient.configuration import Configuration
from esperclient.models import *  # noqa: F403  (every model, under its 0.1.3 name)

if TYPE_CHECKING:
    from esperclient._async._client import AsyncEsper
    from esperclient._async._pagination import AsyncPaginator


def __getattr__(name: str) -> Any:
    # The async client imports aiohttp: only when it is asked for.
    if name == "AsyncEsper":
        from esperclient._async._client import AsyncEsper

        return AsyncEsper
    if name == "AsyncPaginator":
        from esperclient._async._pagination import AsyncPaginator

        return AsyncPaginator
    raise AttributeError(f"module 'esperclient' has no attribute {name!r}")


__all__ = [
    "ApiClient",
    "ApiConnectionError",
    "ApiException",
    "ApiStatusError",
    "ApiTimeoutError",
    "AsyncEsper",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BulkReport",
    "CommandFailedError",
    "Configuration",
    "ConflictError",
    "Esper",
    "NotFoundError",
    "Outcome",
    "Page",
    "Paginator",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "WaitError",
    "WaitTimeoutError",
    "__version__",
]
__all__ += api.__all__
__all__ += models.__all__
