"""From an operation and its arguments to an HTTP request, and from the answer to a model.

Nothing here does I/O: the sync and async transports share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode

import msgspec

from esperclient._exceptions import ApiException, error_class
from esperclient._multipart import multipart_file
from esperclient._operations import NoneType, Operation

_JSON = "application/json"
R = TypeVar("R")


@dataclass
class HttpRequest:
    """A request ready to send. ``body`` is bytes, or a callable giving chunks to stream."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | Callable[[], Iterator[bytes]] | None = None


def bind(op: Operation[Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Match arguments to ``op``'s parameters, refusing what esperclient 0.1.3 refused."""
    if len(args) > len(op.positional):
        raise TypeError(
            f"{op.name}() takes {len(op.positional)} positional arguments, {len(args)} given"
        )
    values = dict(zip(op.positional, args, strict=False))
    for key, value in kwargs.items():
        if key not in op.by_name:
            raise TypeError(f"Got an unexpected keyword argument '{key}' to method {op.name}")
        if key in values:
            raise TypeError(f"{op.name}() got multiple values for argument '{key}'")
        values[key] = value
    for name in op.positional:
        if values.get(name) is None:
            raise ValueError(f"Missing the required parameter `{name}` when calling `{op.name}`")
    return values


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_query_value(v) for v in value)
    return str(value)


def build(
    op: Operation[Any],
    values: Mapping[str, Any],
    host: str,
    headers: dict[str, str],
    safe_chars: str = "",
) -> HttpRequest:
    """The request for ``op`` with bound ``values``, sent to ``host`` with ``headers``."""
    path = op.path
    query: list[tuple[str, str]] = []
    fields: list[tuple[str, str]] = []
    upload: tuple[str, Any] | None = None
    body: bytes | Callable[[], Iterator[bytes]] | None = None
    for param in op.params:
        value = values.get(param.name)
        if value is None:
            continue
        if param.location == "path":
            path = path.replace(f"{{{param.key}}}", quote(str(value), safe=safe_chars))
        elif param.location == "query":
            query.append((param.key, _query_value(value)))
        elif param.location == "form":
            fields.append((param.key, _query_value(value)))
        elif param.location == "body":
            body = msgspec.json.encode(value)
            headers["Content-Type"] = _JSON
        else:
            upload = (param.key, value)
    if upload is not None:
        form = multipart_file(*upload, fields)
        headers["Content-Type"] = form.content_type
        headers["Content-Length"] = str(form.length)
        body = form.chunks
    url = host + path
    if query:
        url += "?" + urlencode(query)
    return HttpRequest(op.method, url, headers, body)


_DECODERS: dict[type[Any], msgspec.json.Decoder[Any]] = {}


def _decoder(model: type[R]) -> msgspec.json.Decoder[R]:
    """One decoder per answer type, made on first use."""
    decoder = _DECODERS.get(model)
    if decoder is None:
        decoder = _DECODERS[model] = msgspec.json.Decoder(model)
    return decoder


def _model_name(model: type[Any]) -> str:
    return getattr(model, "__name__", None) or repr(model)


def _unreadable(model: type[Any], exc: Exception) -> ApiException:
    return ApiException(
        status=0, reason=f"Could not read the response as {_model_name(model)}: {exc}"
    )


def decode(model: type[R], data: bytes) -> R:
    """The ``model`` read from a JSON body (``None`` for ``NoneType`` or an empty body)."""
    if model is NoneType or not data:
        return cast(R, None)
    decoder: msgspec.json.Decoder[R] = _decoder(model)
    try:
        return decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise _unreadable(model, exc) from None


#: A page's keys under the names every generated page reads: some lists say ``prev``
#: where others say ``previous``, one says ``total`` for ``count``.
PAGE_KEYS = {"prev": "previous", "total": "count"}


def read_answer(op: Operation[R], data: bytes) -> R:
    """The payload of ``op``'s answer: a ``str`` for a text answer, the ``content`` of an
    enveloped one (``None`` when it has none), a page under its usual key names, else
    the body ``decode`` reads."""
    if op.media == "text":
        return cast(R, data.decode("utf-8", "replace"))
    if (op.envelope == "bare" and op.paging == "none") or op.returns is NoneType or not data:
        return decode(op.returns, data)
    try:
        payload = msgspec.json.decode(data)
        if op.envelope == "content":
            payload = payload.get("content")
        if op.paging != "none":
            page = payload or {}  # no content: an empty page
            payload = {PAGE_KEYS.get(key, key): value for key, value in page.items()}
        if payload is None:
            return cast(R, None)
        return msgspec.convert(payload, op.returns)
    except (
        msgspec.DecodeError,
        msgspec.ValidationError,
        TypeError,
        KeyError,
        AttributeError,
    ) as exc:
        raise _unreadable(op.returns, exc) from None


def status_error(
    status: int, reason: str | None, body: bytes, headers: Mapping[str, str]
) -> ApiException:
    """The exception for a non-2xx answer, carrying the server's message."""
    return error_class(status)(
        status=status,
        reason=reason,
        body=body.decode("utf-8", "replace"),
        headers=headers,
    )
