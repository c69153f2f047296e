"""``ApiClient``: sends operations over the transport and reads the answers."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import msgspec

from esperclient import models
from esperclient._operations import Operation
from esperclient._request import bind, build, decode
from esperclient._version import __version__
from esperclient.configuration import Configuration
from esperclient.rest import RESTClientObject, RESTResponse

if TYPE_CHECKING:
    from multiprocessing.pool import ThreadPool

R = TypeVar("R")
_CALL_OPTIONS = frozenset(
    {"async_req", "_return_http_data_only", "_preload_content", "_request_timeout"}
)


class ApiClient:
    """Sends API calls for the ``*Api`` classes, with one connection pool per client.

    Safe to share between threads. ``async_req=True`` runs a call on a thread pool and
    returns an object whose ``.get()`` gives the result, as in esperclient 0.1.3.
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)
    NATIVE_TYPES_MAPPING: Mapping[str, Any] = {
        "int": int,
        "long": int,
        "float": float,
        "str": str,
        "bool": bool,
        "date": datetime.date,
        "datetime": datetime.datetime,
        "object": object,
    }

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self.rest_client = RESTClientObject(self.configuration)
        self.default_headers: dict[str, str] = {"User-Agent": f"esperclient-python/{__version__}"}
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self.last_response: RESTResponse | None = None
        self._pool: ThreadPool | None = None
        self._pool_lock = threading.Lock()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        """Stop the ``async_req`` thread pool and drop pooled connections."""
        pool, self._pool = getattr(self, "_pool", None), None
        if pool is not None:
            pool.close()
            pool.join()
        rest = getattr(self, "rest_client", None)
        if rest is not None:
            rest.pool_manager.clear()

    @property
    def pool(self) -> ThreadPool:
        """The thread pool behind ``async_req=True`` calls, created on first use."""
        with self._pool_lock:  # threads making their first async_req call at once share one
            if self._pool is None:
                from multiprocessing.pool import ThreadPool  # only async_req users pay for it

                self._pool = ThreadPool()
            return self._pool

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every call."""
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        """Send ``header_name: header_value`` with every call."""
        self.default_headers[header_name] = header_value

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", **self.default_headers}
        auth = self.configuration.get_api_key_with_prefix("Authorization")
        if auth:
            headers["Authorization"] = auth
        if self.cookie:
            headers["Cookie"] = self.cookie
        return headers

    @overload
    def invoke(
        self,
        op: Operation[R],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        http_info: Literal[False] = False,
    ) -> R: ...

    @overload
    def invoke(
        self,
        op: Operation[R],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        http_info: Literal[True],
    ) -> tuple[R, int, Mapping[str, str]]: ...

    def invoke(
        self,
        op: Operation[Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        http_info: bool = False,
    ) -> Any:
        """Call ``op`` with 0.1.3-style arguments and options (``async_req``...).

        Typed for the plain call; as in 0.1.3, ``async_req=True`` answers the request's
        thread, ``_preload_content=False`` the raw response and
        ``_return_http_data_only`` chooses between the data and ``(data, status, headers)``.
        """
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in _CALL_OPTIONS}
        values = bind(op, args, kwargs)
        preload = options.get("_preload_content", True)
        timeout = options.get("_request_timeout")
        data_only = options.get("_return_http_data_only", not http_info)
        if options.get("async_req"):
            return self.pool.apply_async(self._call, (op, values, preload, timeout, data_only))
        return self._call(op, values, preload, timeout, data_only)

    def _call(
        self,
        op: Operation[Any],
        values: dict[str, Any],
        preload: bool,
        timeout: Any,
        data_only: bool,
    ) -> Any:
        config = self.configuration
        request = build(op, values, config.host, self._headers(), config.safe_chars_for_path_param)
        if timeout is None:
            timeout = config.timeout
        response = self.rest_client.send(request, timeout, preload)
        if not preload:
            data: Any = response
        else:
            self.last_response = RESTResponse(response)
            data = decode(op.returns, response.data)
        return data if data_only else (data, response.status, response.headers)

    # The generic calls below are esperclient 0.1.3's, kept for code that uses them.

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None = None,
        query_params: Any = None,
        header_params: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Any = None,
        files: Mapping[str, Any] | None = None,
        response_type: str | None = None,
        auth_settings: Any = None,
        async_req: bool | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: Any = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> Any:
        """Call any path of the API, as esperclient 0.1.3's ``ApiClient.call_api``."""
        if async_req:
            return self.pool.apply_async(
                self.call_api,
                (
                    resource_path,
                    method,
                    path_params,
                    query_params,
                    header_params,
                    body,
                    post_params,
                    files,
                    response_type,
                    auth_settings,
                    False,
                    _return_http_data_only,
                    collection_formats,
                    _preload_content,
                    _request_timeout,
                ),
            )
        for key, value in (path_params or {}).items():
            resource_path = resource_path.replace(f"{{{key}}}", str(value))
        headers = {**self._headers(), **(header_params or {})}
        params = self.prepare_post_parameters(post_params, files)
        response = self.rest_client.request(
            method,
            self.configuration.host + resource_path,
            query_params=self.sanitize_for_serialization(query_params),
            headers=headers,
            body=self.sanitize_for_serialization(body),
            post_params=params or None,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )
        data = response
        if _preload_content:
            self.last_response = response
            data = self.deserialize(response, response_type) if response_type else None
        if _return_http_data_only:
            return data
        return data, response.status, response.getheaders()

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send one request through the transport (0.1.3's ``ApiClient.request``)."""
        return self.rest_client.request(method, url, **kwargs)

    def sanitize_for_serialization(self, obj: Any) -> Any:
        """``obj`` as JSON-ready builtins: models by their JSON keys, unset fields left out."""
        return msgspec.to_builtins(obj)

    def deserialize(self, response: Any, response_type: str) -> Any:
        """Read ``response.data`` as ``response_type`` (a 0.1.3 type name such as ``Device``)."""
        raw = getattr(response, "raw_data", None) or response.data
        return msgspec.json.decode(raw, type=self._type(response_type))

    def _type(self, name: str) -> Any:
        match = re.fullmatch(r"list\[(.*)\]", name)
        if match:
            return list[self._type(match.group(1))]  # type: ignore[misc]
        match = re.fullmatch(r"dict\(([^,]*), (.*)\)", name)
        if match:
            return dict[str, self._type(match.group(2))]  # type: ignore[misc]
        if name in self.NATIVE_TYPES_MAPPING:
            native = self.NATIVE_TYPES_MAPPING[name]
            return Any if native is object else native
        return getattr(models, name)

    def parameters_to_tuples(self, params: Any, collection_formats: Any) -> list[tuple[str, Any]]:
        """Parameters as ``(name, value)`` pairs, collections joined by their format."""
        formats = collection_formats or {}
        delimiters = {"ssv": " ", "tsv": "\t", "pipes": "|", "csv": ","}
        pairs: list[tuple[str, Any]] = []
        for key, value in params.items() if isinstance(params, dict) else params:
            fmt = formats.get(key)
            if fmt == "multi":
                pairs.extend((key, v) for v in value)
            elif fmt:
                pairs.append((key, delimiters.get(fmt, ",").join(str(v) for v in value)))
            else:
                pairs.append((key, value))
        return pairs

    def prepare_post_parameters(
        self, post_params: Any = None, files: Mapping[str, Any] | None = None
    ) -> list[tuple[str, Any]]:
        """Form fields plus files read from their paths, for a multipart request."""
        params = list(post_params or [])
        for key, paths in (files or {}).items():
            for path in paths if isinstance(paths, list) else [paths] if paths else []:
                with open(path, "rb") as handle:
                    name = str(path).replace("\\", "/").rsplit("/", 1)[-1]
                    params.append((key, (name, handle.read(), "application/octet-stream")))
        return params

    def select_header_accept(self, accepts: list[str]) -> str | None:
        """The ``Accept`` header for a list of media types."""
        if not accepts:
            return None
        lowered = [a.lower() for a in accepts]
        return "application/json" if "application/json" in lowered else ", ".join(lowered)

    def select_header_content_type(self, content_types: list[str]) -> str:
        """The ``Content-Type`` header for a list of media types."""
        lowered = [c.lower() for c in content_types or []]
        if not lowered or "application/json" in lowered or "*/*" in lowered:
            return "application/json"
        return lowered[0]

    def update_params_for_auth(
        self, headers: dict[str, str], querys: Any, auth_settings: Any
    ) -> None:
        """Add the API key header to ``headers``."""
        value = self.configuration.get_api_key_with_prefix("Authorization")
        if auth_settings and value:
            headers["Authorization"] = value


__all__ = ["ApiClient"]
