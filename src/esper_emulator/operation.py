"""Serving one Esper operation: authenticate, read parameters, call the handler, encode.

Routes are built from ``esperclient._operations``: the path, method, parameter names
and types, and the success status come from that one table. A handler only sees a
``Call`` with typed parameters and returns the JSON bytes to send.

What a request meets, in order: the API key (401), its enterprise against the path's
(403), the path and query parameters (400; an integer id beyond 64 bits is a 404, as
it can name nothing), then, for an operation that takes a JSON body, the body's size
(413 over ``Settings.max_json_bytes``) and type (415 unless JSON). A refused request
has changed nothing.

A handler is a plain function (most are): ``serve`` runs it in one store transaction,
opened once the request's JSON body has been read, so all of its writes land or none do
(a read-only one for a GET, the one its API key was looked up in: see ``Store.transaction``).
On SQLite the requests served at the same moment share one commit, and each answer waits
for it (``group_commit``).
It answers a stored document (bytes) or a model, which ``serve`` encodes.
A handler that must await (an upload received, a file removed only once the delete has
committed) is a coroutine function instead and opens its own transactions, never across
an ``await``.

A query parameter the operation does not take is refused with a 400 that names it,
on every operation. The real API, a Django REST framework service, ignores unknown
query parameters; the emulator refuses them so that a misspelt filter in client code
shows up at once instead of silently filtering nothing. ``limit`` must be 1 to
``MAX_PAGE_SIZE`` and ``offset`` 0 or more, both within 64-bit integers.

As in Django: a query string is at most ``MAX_QUERY_BYTES`` long with at most
``MAX_QUERY_FIELDS`` fields, a value holding a NUL character is a 400, and an empty
value counts as not given (django-filter's rule). A path id that is a UUID in any
form (upper case, without dashes) is read as its canonical form, the enterprise's too.
"""

from __future__ import annotations

import functools
import inspect
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode

import msgspec
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from esper_emulator.errors import ApiError, bad_request
from esper_emulator.services.urls import BASE_URL_MARK
from esper_emulator.uploads import read_json
from esper_emulator.validation import NULL_CHARACTERS, Rules, check, check_nulls
from esperclient._operations import Operation, Param
from esperclient.models._base import Model

if TYPE_CHECKING:
    from esper_emulator.emulator import Emulator

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_PAGE_SIZE = 10_000
MAX_QUERY_FIELDS = 1000
"""Django's ``DATA_UPLOAD_MAX_NUMBER_FIELDS``."""
TOO_MANY_FIELDS = (
    "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
)
MAX_QUERY_BYTES = 8190
"""The longest request line Apache and gunicorn-style front ends pass on (``LimitRequestLine``)."""
_BASE = BASE_URL_MARK.encode()
_JSON = (b"content-type", b"application/json")
_TRUE = {"true", "True", "1"}

_FALSE = {"false", "False", "0"}
_PAGING = ("limit", "offset")


@dataclass
class Call:
    """One authenticated request to an operation, with its parameters parsed."""

    op: Operation[Any]
    request: Request
    emulator: Emulator
    enterprise_id: str
    token: str
    params: dict[str, Any] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    """The query's (name, value) pairs, as sent."""
    raw_body: bytes = b""
    """The JSON body, read before the handler runs (empty for an operation without one)."""

    def __getitem__(self, name: str) -> Any:
        return self.params.get(name)

    def read(self, model: type[M], rules: Rules | None = None, *, partial: bool = False) -> M:
        """The JSON body read as ``model`` and checked against ``rules``.

        A 400 names the field when it does not fit; ``partial`` (PATCH) lets required
        fields be left out.
        """
        if not self.raw_body:
            raise ApiError(400, "A request body is required.")
        value = decode(self.raw_body, model)
        check_nulls(msgspec.json.decode(self.raw_body), model)
        check(value, rules, partial=partial)
        return value


def decode(raw: bytes, model: type[T]) -> T:
    """``raw`` JSON read as ``model``; a 400 names the field when it does not fit.

    The whole body must be UTF-8 (as JSON must), unknown fields included: the decoder
    skips those without looking inside.
    """
    try:
        raw.decode("utf-8")
        return msgspec.json.decode(raw, type=model)
    except msgspec.ValidationError as exc:
        field_name, problem = _field_of(str(exc))
        raise bad_request(field_name, problem) from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    except RecursionError:
        raise ApiError(400, "The request body is nested too deeply.") from None


_NAMED_FIELD = re.compile(r"(?:missing required|unknown) field `([^`]+)`")


def _field_of(message: str) -> tuple[str, str]:
    # msgspec says "Expected `str`, got `int` - at `$.command_args.app_version`", or
    # "Object missing required field `online`" (with " - at `$.x`" when nested)
    problem, _, where = message.partition(" - at `$")
    path = where.rstrip("`").lstrip(".")
    named = _NAMED_FIELD.search(problem)
    if named:
        path = f"{path}.{named[1]}" if path else named[1]
    return path or "body", problem


Answer = bytes | Model
"""What a handler gives: a stored JSON document as it is, or a model to encode."""
Handler = Callable[[Call], Answer]
"""A handler run in one store transaction: the common case."""
AsyncHandler = Callable[[Call], Awaitable[Answer]]
"""A handler that awaits, and so opens its own transactions."""


def _parse(param: Param, raw: str) -> Any:
    if param.type is int:
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(param.name, f"A valid integer is required, got {raw!r}.") from None
        if not -(2**63) <= value < 2**63:  # beyond any stored integer
            if param.location == "path":
                raise ApiError(404, "Not found.")
            raise bad_request(param.name, "The integer is out of range.")
        return value
    if param.type is float:  # the newer services' "number" limit and offset
        try:
            number = float(raw)
        except ValueError:
            raise bad_request(param.name, f"A valid number is required, got {raw!r}.") from None
        return int(number) if number.is_integer() else number
    if param.type is bool:
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise bad_request(param.name, f"Must be true or false, got {raw!r}.")
    if param.uuid:
        try:
            return _uuid_text(raw)
        except ValueError:
            raise bad_request(param.name, f"{raw!r} is not a valid UUID.") from None
    return raw


@dataclass(frozen=True)
class _Takes:
    """What an operation takes, looked up once: its path parameters, and its query
    parameters by their name on the wire."""

    path: tuple[Param, ...]
    query: dict[str, Param]

    @classmethod
    def of(cls, op: Operation[Any]) -> _Takes:
        return cls(op.in_("path"), {param.key: param for param in op.in_("query")})


def _query(
    op: Operation[Any], allowed: dict[str, Param], items: list[tuple[str, str]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in items:
        param = allowed.get(name)
        if param is None:
            raise bad_request(name, f"Unknown query parameter for {op.method} {op.path}.")
        if "\x00" in raw:
            raise bad_request(name, NULL_CHARACTERS)
        if raw != "":  # an empty value is no filter, as django-filter has it
            values[param.name] = _parse(param, raw)
    for param in allowed.values():
        if param.required and param.name not in values:
            raise bad_request(param.name, "This query parameter is required.")
        values.setdefault(param.name, param.default)
    if "limit" in allowed:
        limit = values["limit"] if values["limit"] is not None else 20
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise bad_request("limit", f"Must be between 1 and {MAX_PAGE_SIZE}.")
        values["limit"] = limit
    if "offset" in allowed:
        offset = values["offset"] or 0
        if not isinstance(offset, int) or offset < 0:
            raise bad_request("offset", "Must be zero or more.")
        values["offset"] = offset
    return values


def canonical_id(raw: str) -> str:
    """A path id that is a UUID in any form (upper case, no dashes) as its canonical form.

    One rule for every id: the enterprise's as much as a device's.
    """
    try:
        return _uuid_text(raw)
    except ValueError:
        return raw


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid_text(raw: str) -> str:
    """``str(uuid.UUID(raw))``: ``raw`` itself when it is in that form already (as most
    ids are), without building the UUID."""
    return raw if _CANONICAL_UUID.fullmatch(raw) else str(uuid.UUID(raw))


def _query_items(request: Request) -> list[tuple[str, str]]:
    """The query's (name, value) pairs, within Django's bounds on their number and length."""
    query: bytes = request.scope.get("query_string", b"")
    if len(query) > MAX_QUERY_BYTES:
        raise ApiError(400, f"The query string is longer than {MAX_QUERY_BYTES} bytes.")
    items = _pairs(query.decode("latin-1"))
    if len(items) > MAX_QUERY_FIELDS:
        raise ApiError(400, TOO_MANY_FIELDS)
    return items


def _pairs(query: str) -> list[tuple[str, str]]:
    """``parse_qsl(query, keep_blank_values=True)``, as Starlette's ``query_params`` reads a
    query: split by hand when nothing in it is escaped (most queries), for a tenth of the cost."""
    if "%" in query or "+" in query:
        return parse_qsl(query, keep_blank_values=True)
    return [(name, value) for name, _, value in (f.partition("=") for f in query.split("&") if f)]


def base_url(request: Request) -> bytes:
    """The server's own address as the client sees it, e.g. ``http://127.0.0.1:8000``."""
    host = request.headers.get("host")
    if not host:
        return f"{request.url.scheme}://{request.url.hostname}:{request.url.port}".encode()
    # the scheme as the request's URL gives it, without parsing that URL for each answer
    return f"{request.scope.get('scheme', 'http')}://{host}".encode()


def _accept(op: Operation[Any], takes: _Takes, emulator: Emulator, request: Request) -> Call:
    """The authenticated ``Call``: the key first, then its enterprise, then the parameters."""
    with emulator.store.transaction(read_only=True, grouped=True):
        enterprise_id, token = emulator.auth.authenticate(request.headers.get("authorization"))
    path = {name: canonical_id(raw) for name, raw in request.path_params.items()}
    if "enterprise_id" in path:
        emulator.auth.check_enterprise(enterprise_id, path["enterprise_id"])
    call = Call(op, request, emulator, enterprise_id, token)
    for param in takes.path:
        call.params[param.name] = _parse(param, path[param.key])
    call.query = _query_items(request)
    call.params.update(_query(op, takes.query, call.query))
    return call


def _runner(handler: Handler | AsyncHandler, read_only: bool) -> AsyncHandler:
    """``handler`` as a coroutine function: a plain one runs in one grouped store
    transaction (``read_only`` for an operation that only reads)."""
    if inspect.iscoroutinefunction(handler):
        return cast(AsyncHandler, handler)
    plain = cast(Handler, handler)

    async def run(call: Call) -> Answer:
        with call.emulator.store.transaction(read_only=read_only, grouped=True):
            return plain(call)

    return run


def enveloped_errors(op: Operation[Any]) -> bool:
    """Whether ``op`` answers its errors in the ``{code, message, content}`` envelope.

    As its description documents them; an operation that documents none follows its
    success answer.
    """
    if op.errors:
        return any("code" in getattr(body, "__struct_fields__", ()) for _, body in op.errors)
    return op.envelope == "content"


def text_errors(op: Operation[Any]) -> bool:
    """Whether ``op`` documents the ``errors`` of its error body as a list of text, so
    that a field's error is given as its message rather than as ``{field: [problem]}``."""
    return any(
        field.name == "errors" and field.type == (list[str] | None)
        for _, body in op.errors
        if isinstance(body, type) and issubclass(body, msgspec.Struct)
        for field in msgspec.structs.fields(body)
    )


def _enveloped(op: Operation[Any], status: int, answer: bytes) -> bytes:
    """``answer`` as the ``content`` of the envelope, with the status's reason phrase."""
    head = msgspec.json.encode({"code": status, "message": HTTPStatus(status).phrase})
    return head[:-1] + b',"content":' + answer + b"}"


def serve(op: Operation[Any], handler: Handler | AsyncHandler, *, writes: bool = False) -> Route:
    """The Starlette route that serves ``op`` with ``handler``.

    A plain function runs in one store transaction (read-only for a GET, unless it
    ``writes``: keeps what it found changed); a coroutine function runs as it is.
    The answer of an operation of Esper's newer services is wrapped in their envelope,
    ``{"code", "message", "content"}``, and so are its errors.
    """
    takes = _Takes.of(op)
    takes_json = bool(op.in_("body"))
    read_only = op.method == "GET" and not writes
    run = _runner(handler, read_only)
    plain = None if inspect.iscoroutinefunction(handler) else cast(Handler, handler)
    # a plain handler that only reads runs in the transaction of the key's lookup: a GET
    at_once = plain if read_only and not takes_json else None
    wrap = op.envelope == "content"
    enveloped = enveloped_errors(op)
    as_text = text_errors(op)

    async def endpoint(request: Request) -> Response:
        emulator: Emulator = request.app.state.emulator
        refused: ApiError | None = None
        try:
            emulator.fleet.advance()
            if at_once is not None:
                with emulator.store.transaction(read_only=True, grouped=True):
                    answer = at_once(_accept(op, takes, emulator, request))
            else:
                call = _accept(op, takes, emulator, request)
                if takes_json:
                    call.request = await read_json(request, emulator.settings.max_json_bytes)
                    call.raw_body = await call.request.body()
                answer = await run(call)
        except ApiError as exc:
            refused = exc
        await emulator.commits.committed()
        if refused is not None:
            if as_text:
                refused.errors = [refused.message]
            return refused.response(enveloped=enveloped)
        if op.status == 204:
            return Response(status_code=204)
        body = answer if isinstance(answer, bytes) else msgspec.json.encode(answer)
        if wrap:
            body = _enveloped(op, op.status, body)
        body = body.replace(_BASE, base_url(request))
        return JsonAnswer(body, op.status)

    endpoint.__name__ = op.name
    return ServedRoute(op, endpoint)


class JsonAnswer(Response):
    """A JSON answer: Starlette's ``Response(body, status, media_type="application/json")``,
    its headers written straight (an answer of the hottest routes)."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = [(b"content-length", b"%d" % len(body)), _JSON]


class ServedRoute(Route):
    """The route of one operation, which it keeps as ``op``."""

    def __init__(self, op: Operation[Any], endpoint: Callable[[Request], Awaitable[Response]]):
        super().__init__("/api" + op.path, endpoint, methods=[op.method], name=op.name)
        self.op = op


def page_body(
    call: Call, count: int, docs: list[bytes], *, previous_key: str = "previous"
) -> bytes:
    """A list answer: ``count``, ``next`` and ``previous`` links, ``results``.

    ``previous_key`` is ``"prev"`` for the lists of Esper's device service.
    """
    limit, offset = call["limit"], call["offset"]
    link = _page_link(call)
    next_url = link(limit, offset + limit) if offset + limit < count else None
    if offset <= 0:
        previous_url = None
    elif offset - limit <= 0:
        previous_url = link(limit, None)
    else:
        previous_url = link(limit, offset - limit)
    return _list_body(count, next_url, previous_url, docs, previous_key)


def _page_link(call: Call) -> Callable[[int, int | None], str]:
    """The link to another page of the call's list: ``link(limit, offset)`` (no offset:
    the first page).

    As Starlette's ``include_query_params`` writes it on ``request.url`` (the other
    parameters first, in their order, then ``limit`` and ``offset``), with the other
    parameters encoded once for both links.
    """
    request = call.request
    scope = request.scope
    query: bytes = scope.get("query_string", b"")
    if query.isascii() and query.decode().isprintable():  # as every client sends it
        url = _list_url(
            scope.get("scheme", "http"),
            scope.get("root_path", ""),
            scope["path"],
            _server(scope),
            _host(scope),
        )
        pairs = call.query  # read as every other query is, the same for these
    else:
        url = str(request.url.replace(query=""))
        pairs = parse_qsl(request.url.query, keep_blank_values=True)
    kept = urlencode([(name, value) for name, value in pairs if name not in _PAGING])
    stem = f"{url}?{kept}{'&' if kept else ''}"

    def link(limit: int, offset: int | None) -> str:
        # urlencode's own text for these integers: nothing in them is quoted
        return f"{stem}limit={limit}" if offset is None else f"{stem}limit={limit}&offset={offset}"

    return link


@functools.lru_cache(maxsize=1024)
def _list_url(
    scheme: str, root_path: str, path: str, server: tuple[str, int] | None, host: bytes | None
) -> str:
    """A request's URL without its query, as Starlette's ``request.url`` gives it: worked
    out once for each list a client pages through."""
    headers = [] if host is None else [(b"host", host)]
    scope: Scope = {"type": "http", "scheme": scheme, "root_path": root_path, "path": path}
    scope.update(server=server, headers=headers, query_string=b"")
    return str(URL(scope=scope).replace(query=""))


def _server(scope: Scope) -> tuple[str, int] | None:
    server = scope.get("server")
    return None if server is None else (server[0], server[1])


def _host(scope: Scope) -> bytes | None:
    """The first ``Host`` header, as Starlette's ``URL`` reads it."""
    for key, value in scope["headers"]:
        if key == b"host":
            return bytes(value)
    return None


def list_body(docs: list[bytes]) -> bytes:
    """An unpaged list answer: every match in ``results``, ``next`` and ``previous`` null."""
    return _list_body(len(docs), None, None, docs)


def _list_body(
    count: int,
    next_url: str | None,
    previous_url: str | None,
    docs: list[bytes],
    previous_key: str = "previous",
) -> bytes:
    head = msgspec.json.encode({"count": count, "next": next_url, previous_key: previous_url})
    opening = head[:-1] + b',"results":['
    if not docs:
        return opening + b"]}"
    # one join of the documents, the list's opening and end stuck to the first and last:
    # a page is large, and each copy of it costs (the more when it is fresh memory)
    parts = list(docs)
    parts[0] = opening + parts[0]
    parts[-1] += b"]}"
    return b",".join(parts)
