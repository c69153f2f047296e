"""Every generated method of ``Esper`` and ``AsyncEsper`` sends its operation and returns
its payload.

No emulator takes part but in the last test: the emulator does not serve Esper's current
API yet, so these calls go over real HTTP to a recording server of this module, which
keeps each request and answers what the test scripted (a body generated from the
operation's response schema, an error body, or pages). The last test calls a route the
emulator does serve through the generated surface.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
import pytest

from esperclient import (
    ApiException,
    AsyncEsper,
    BadRequestError,
    Esper,
    NotFoundError,
    ServerError,
)
from esperclient._operations import Operation
from tests.conftest import Tenant
from tests.generated._spec import SpecOperation, examples, generated, resolve, spec_operations
from tests.generated.test_table import _gen_api

SAMPLES: dict[str, Any] = {"int": 3, "float": 1.5, "bool": True, "list": ["a", "b"], "str": "s"}
Answer = tuple[int, bytes]


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes


@dataclass
class Recorder:
    """The server's script (``answer``) and what it received."""

    answer: Callable[[Recorded], Answer] = lambda request: (200, b"{}")
    requests: list[Recorded] = field(default_factory=list)
    host: str = ""


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("Transfer-Encoding") == "chunked":
                body = _read_chunked(self.rfile)
            request = Recorded(self.command, url.path, parse_qs(url.query), body)
            recorder.requests.append(request)
            status, data = recorder.answer(request)
            data = b"" if status == 204 else data  # a 204 has no body, whatever the spec says
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def _read_chunked(stream: Any) -> bytes:
    data = b""
    while True:
        size = int(stream.readline().strip(), 16)
        chunk = stream.read(size + 2)[:size]
        if not size:
            return data
        data += chunk


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    found = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.host = f"http://127.0.0.1:{server.server_address[1]}/api"
    yield found
    server.shutdown()


def _settings(recorder: Recorder) -> dict[str, Any]:
    return {"host": recorder.host, "api_key": "key", "enterprise_id": "ent-1", "max_retries": 0}


@dataclass(frozen=True)
class Method:
    """A generated method: ``esper.<family>.<group>.<name>`` and its operation."""

    family: str
    group: str
    name: str
    op: Operation[Any]

    def of(self, client: Any) -> Any:
        return getattr(getattr(getattr(client, self.family), self.group), self.name)


def _methods() -> dict[str, Method]:
    gen_api = _gen_api()
    found = {}
    for module in gen_api.read_modules():
        family = gen_api.Family(module)
        for group in family.groups:
            for name, op in family.methods(group).items():
                key = f"{op.method} {op.path}"
                found[key] = Method(family.name, group, name, generated()[key])
    return found


METHODS = _methods()
OPERATIONS = list(spec_operations())


def _arguments(spec: SpecOperation, method: Method) -> tuple[list[Any], dict[str, Any]]:
    """Values for every parameter of the operation: path ones positional, the rest by name."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    skipped = {"limit", "offset", "cursor"} if method.op.paging != "none" else set()
    for param in method.op.params:
        if param.name in skipped or param.name == "enterprise_id":
            continue  # the paginator's own, or the client's
        if param.location == "path":
            args.append(f"{param.key}-value")
        elif param.location == "file":
            kwargs[param.name] = io.BytesIO(b"file content")
        elif param.location == "body":
            schema = spec.raw["requestBody"]["content"]["application/json"]["schema"]
            kwargs[param.name] = msgspec.convert(
                examples(spec.json_schema(schema), 1)[0], param.type
            )
        else:
            kwargs[param.name] = SAMPLES[param.type.__name__]
    return args, kwargs


def _success_body(spec: SpecOperation, method: Method) -> bytes:
    """A body generated from the success schema (an envelope always carrying ``content``)."""
    for media_type, content in (
        resolve(spec.spec, spec.raw["responses"][str(method.op.status)]).get("content", {}).items()
    ):
        schema = spec.json_schema(content["schema"])
        if method.op.envelope == "content":
            content_schema = schema["properties"]["content"]
            if "oneOf" in content_schema:  # the device pages' two forms overlap: either will do
                content_schema = {"anyOf": content_schema["oneOf"]}
            payload = examples(content_schema, 1)[0]
            return json.dumps({"code": 200, "message": "ok", "content": payload}).encode()
        value = examples(schema, 1)[0]
        return value.encode() if media_type != "application/json" else json.dumps(value).encode()
    return b""


def _call(method: Method, client: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    result = method.of(client)(*args, **kwargs)
    return result.first() if method.op.paging != "none" else result


async def _acall(method: Method, client: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    result = method.of(client)(*args, **kwargs)
    return await (result.first() if method.op.paging != "none" else result)


def _check_request(request: Recorded, spec: SpecOperation, method: Method) -> None:
    path = spec.path.replace("{enterprise_id}", "ent-1")
    for param in spec.parameters():
        if param["in"] == "path":
            path = path.replace(f"{{{param['name']}}}", f"{param['name']}-value")
    assert (request.method, request.path) == (spec.method.upper(), "/api" + path)
    declared = {p["name"] for p in spec.parameters() if p["in"] == "query"}
    paging = {"none": set(), "offset": {"limit", "offset"}, "cursor": {"limit", "cursor"}}
    expected = (declared - {"offset", "cursor"}) | paging[method.op.paging]
    if method.op.paging == "none":
        expected = declared
    assert set(request.query) == expected


def _check_payload(result: Any, method: Method) -> None:
    model = method.op.returns
    if method.op.paging != "none" or result is None:
        return  # first(): an item of the page, or None for an empty one
    if isinstance(model, type) and issubclass(model, msgspec.Struct):
        assert isinstance(result, model)
    elif method.op.media == "text":
        assert isinstance(result, str)


@pytest.mark.parametrize("spec", OPERATIONS, ids=lambda op: op.key)
def test_the_method_sends_its_operation_and_returns_its_payload(
    spec: SpecOperation, recorder: Recorder
) -> None:
    method = METHODS[spec.key]
    args, kwargs = _arguments(spec, method)
    body = _success_body(spec, method)
    recorder.answer = lambda request: (method.op.status, body)
    recorder.requests.clear()
    with Esper(**_settings(recorder)) as esper:
        _check_payload(_call(method, esper, args, kwargs), method)

    async def run() -> Any:
        async with AsyncEsper(**_settings(recorder)) as client:
            for value in kwargs.values():
                if isinstance(value, io.BytesIO):
                    value.seek(0)
            return await _acall(method, client, args, kwargs)

    _check_payload(asyncio.run(run()), method)
    assert len(recorder.requests) == 2
    for request in recorder.requests:
        _check_request(request, spec, method)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"code": 404, "message": "Blueprint not found.", "content": {}}, 404, NotFoundError),
        ({"errors": [], "message": "Blueprint not found.", "status": 404}, 404, NotFoundError),
        ({"code": 400, "message": "Blueprint not found.", "content": None}, 400, BadRequestError),
        ({"status": 500, "error": "Blueprint not found."}, 500, ServerError),
    ],
)
def test_error_bodies_of_both_families_raise_the_same_errors_with_the_servers_message(
    recorder: Recorder, body: dict[str, Any], status: int, error: type[ApiException]
) -> None:
    recorder.answer = lambda request: (status, json.dumps(body).encode())
    with Esper(**_settings(recorder)) as esper, pytest.raises(error) as raised:
        esper.v2.blueprints.get("bp-1")
    assert raised.value.message == "Blueprint not found."


def _offset_pages(items: int, envelope: bool, count: bool) -> Callable[[Recorded], Answer]:
    def answer(request: Recorded) -> Answer:
        limit, offset = int(request.query["limit"][0]), int(request.query["offset"][0])
        page: dict[str, Any] = {
            "results": [{"id": f"item-{i}"} for i in range(offset, min(offset + limit, items))],
            "next": None,
            "prev": None,
        }
        if count:
            page["count"] = items
        body = {"code": 200, "message": "ok", "content": page} if envelope else page
        return 200, json.dumps(body).encode()

    return answer


def test_offset_paging_walks_an_enveloped_list_by_limit_and_offset(recorder: Recorder) -> None:
    recorder.answer = _offset_pages(5, envelope=True, count=True)
    recorder.requests.clear()
    with Esper(**_settings(recorder)) as esper:
        blueprints = esper.v2.blueprints.list(page_size=2)
        assert [b.id for b in blueprints] == [f"item-{i}" for i in range(5)]
        assert blueprints.total() == 5
    offsets = [r.query["offset"] for r in recorder.requests[:3]]
    assert offsets == [["0"], ["2"], ["4"]]


def test_a_list_without_a_count_ends_at_its_first_short_page(recorder: Recorder) -> None:
    recorder.answer = _offset_pages(5, envelope=True, count=False)
    recorder.requests.clear()
    with Esper(**_settings(recorder)) as esper:
        pipelines = esper.pipelines_v0.pipelines.list(page_size=2).to_list()
    assert len(pipelines) == 5
    assert len(recorder.requests) == 3  # limit and offset sent though the spec declares neither


def _cursor_pages(items: int) -> Callable[[Recorded], Answer]:
    def answer(request: Recorded) -> Answer:
        limit = int(request.query["limit"][0])
        cursor = request.query["cursor"][0]
        start = 0 if cursor == "start" else int(cursor.removeprefix("c"))
        end = min(start + limit, items)
        results = [{"platform": "ANDROID", "id": f"device-{i}"} for i in range(start, end)]
        content = {"results": results, "next_cursor": f"c{end}" if end < items else None}
        return 200, json.dumps({"code": 200, "message": "ok", "content": content}).encode()

    return answer


def test_cursor_paging_follows_next_cursor_until_the_last_page(recorder: Recorder) -> None:
    recorder.answer = _cursor_pages(5)
    recorder.requests.clear()

    async def run() -> list[str]:
        async with AsyncEsper(**_settings(recorder)) as esper:
            pages = [page async for page in esper.v2.device_v2.list(page_size=2).pages()]
            return [device.id or "" for page in pages for device in page.results]

    assert asyncio.run(run()) == [f"device-{i}" for i in range(5)]
    assert [r.query["cursor"] for r in recorder.requests] == [["start"], ["c2"], ["c4"]]


def test_a_route_the_emulator_serves_answers_through_the_generated_surface(
    tenant: Tenant,
) -> None:
    with Esper(host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id) as e:
        devices = e.legacy.android_device.list_device(page_size=7)
        ids = [device.id for device in devices]
        first = e.legacy.android_device.get_device(ids[0])
    assert sorted(ids) == sorted(tenant.device_ids)
    assert first.id == ids[0]
