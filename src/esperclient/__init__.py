"""esperclient: the Python SDK for the Esper device-management API.

Code written for esperclient 0.1.3 runs unchanged: ``Configuration``, ``ApiClient``,
the ``*Api`` classes and every model keep their names, arguments and module paths.

``import esperclient`` loads nothing but this table: each name is imported the first
time it is used (PEP 562), so a script pays for the transport, the models and the
clients it actually touches, and ``AsyncEsper`` alone brings in aiohttp.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from esperclient._version import __version__ as __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from esperclient._async._client import AsyncEsper as AsyncEsper
    from esperclient._async._pagination import AsyncPaginator as AsyncPaginator
    from esperclient._bulk import BulkProgress as BulkProgress
    from esperclient._bulk import BulkReport as BulkReport
    from esperclient._bulk import Outcome as Outcome
    from esperclient._exceptions import ApiConnectionError as ApiConnectionError
    from esperclient._exceptions import ApiException as ApiException
    from esperclient._exceptions import ApiStatusError as ApiStatusError
    from esperclient._exceptions import ApiTimeoutError as ApiTimeoutError
    from esperclient._exceptions import AuthenticationError as AuthenticationError
    from esperclient._exceptions import BadRequestError as BadRequestError
    from esperclient._exceptions import CommandFailedError as CommandFailedError
    from esperclient._exceptions import ConflictError as ConflictError
    from esperclient._exceptions import ListChangedError as ListChangedError
    from esperclient._exceptions import MissingSettingError as MissingSettingError
    from esperclient._exceptions import NotFoundError as NotFoundError
    from esperclient._exceptions import PayloadTooLargeError as PayloadTooLargeError
    from esperclient._exceptions import PermissionDeniedError as PermissionDeniedError
    from esperclient._exceptions import RateLimitError as RateLimitError
    from esperclient._exceptions import ServerError as ServerError
    from esperclient._exceptions import WaitError as WaitError
    from esperclient._exceptions import WaitTimeoutError as WaitTimeoutError
    from esperclient._settings import ends_in_api as ends_in_api
    from esperclient._sync._client import Esper as Esper
    from esperclient._sync._pagination import Page as Page
    from esperclient._sync._pagination import Paginator as Paginator
    from esperclient.api import *  # noqa: F403  (the 12 *Api classes)
    from esperclient.api_client import ApiClient as ApiClient
    from esperclient.configuration import Configuration as Configuration
    from esperclient.models import *  # noqa: F403  (every model, under its 0.1.3 name)
    from esperclient.models import ApiCommand as ApiCommand
    from esperclient.models import CommandState as CommandState
    from esperclient.models import DevicePlatform as DevicePlatform
    from esperclient.models import DeviceState as DeviceState

_EXCEPTIONS = (
    "ApiConnectionError",
    "ApiException",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CommandFailedError",
    "ConflictError",
    "ListChangedError",
    "MissingSettingError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "WaitError",
    "WaitTimeoutError",
)
# Where each name lives; the ``*Api`` classes and the models are found through
# ``esperclient.api`` and ``esperclient.models``.
_HOMES = {
    "ApiClient": "esperclient.api_client",
    "ApiCommand": "esperclient.models",
    "AsyncEsper": "esperclient._async._client",
    "AsyncPaginator": "esperclient._async._pagination",
    "BulkProgress": "esperclient._bulk",
    "BulkReport": "esperclient._bulk",
    "CommandState": "esperclient.models",
    "Configuration": "esperclient.configuration",
    "DevicePlatform": "esperclient.models",
    "DeviceState": "esperclient.models",
    "Esper": "esperclient._sync._client",
    "Outcome": "esperclient._bulk",
    "Page": "esperclient._sync._pagination",
    "Paginator": "esperclient._sync._pagination",
    "ends_in_api": "esperclient._settings",
    **dict.fromkeys(_EXCEPTIONS, "esperclient._exceptions"),
}
_ASYNC = "esperclient._async"
_SUBMODULES = ("api", "api_client", "configuration", "models", "rest")


_GROUPS = ("esperclient.api", "esperclient.models")


def _all() -> list[str]:
    # The async names stay out of ``import *``: they need the optional aiohttp.
    names = [name for name in _HOMES if not name.startswith("Async")]
    for group in _GROUPS:
        names += importlib.import_module(group).__all__
    return sorted([*names, "__version__"])


def __getattr__(name: str) -> object:
    """Import ``name`` on first use, then keep it as an ordinary attribute."""
    if name == "__all__":
        value: object = _all()
    elif name in _HOMES:
        value = getattr(_home(_HOMES[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"esperclient.{name}")
    else:
        home = _group_of(name)
        if home is None:
            raise AttributeError(f"module 'esperclient' has no attribute {name!r}")
        value = getattr(home, name)
    globals()[name] = value
    return value


def _home(module: str) -> ModuleType:
    """Import ``module``; an async one without aiohttp says which extra brings it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if not module.startswith(_ASYNC) or (exc.name or "").startswith("esperclient"):
            raise
        raise ModuleNotFoundError(
            f"esperclient's async client needs {exc.name!r}: pip install 'esperclient[async]'",
            name=exc.name,
        ) from exc


def _group_of(name: str) -> ModuleType | None:
    # ``*Api`` names are the API classes; everything else public is a model.
    group = _GROUPS[0] if name.endswith("Api") else _GROUPS[1]
    module = importlib.import_module(group)
    return module if name in module.__all__ else None


def __dir__() -> list[str]:
    return sorted({*globals(), *_all(), *_HOMES, *_SUBMODULES})
