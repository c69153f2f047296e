"""esperclient: the Python SDK for the Esper device-management API.

Code written for esperclient 0.1.3 runs unchanged: ``Configuration``, ``ApiClient``,
the ``*Api`` classes and every model keep their names, arguments and module paths.
"""

from __future__ import annotations

from esperclient import api, models
from esperclient._exceptions import (
    ApiConnectionError,
    ApiException,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from esperclient._version import __version__
from esperclient.api import *  # noqa: F403  (the 12 *Api classes)
from esperclient.api_client import ApiClient
from esperclient.configuration import Configuration
from esperclient.models import *  # noqa: F403  (every model, under its 0.1.3 name)

__all__ = [
    "ApiClient",
    "ApiConnectionError",
    "ApiException",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "Configuration",
    "ConflictError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "__version__",
]
__all__ += api.__all__
__all__ += models.__all__
