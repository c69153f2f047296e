"""Every generated operation builds the request its spec describes.

No server takes part: the emulator does not serve Esper's current API yet, so each
request is built by ``esperclient._request.build``, the function the clients send
through, and compared with the spec file itself: method, path with its parameters
substituted, query names, and a JSON body valid for the spec's request schema (or a
multipart form with the spec's fields).
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import msgspec
import pytest

from esperclient._operations import Operation, Param
from esperclient._request import HttpRequest, build
from tests.generated._spec import SpecOperation, examples, generated, spec_operations, validator

HOST = "https://tenant-api.esper.cloud/api"
SAMPLES: dict[type, Any] = {int: 3, float: 1.5, bool: True, list: ["a", "b"], str: "text"}
OPERATIONS = list(spec_operations())


def _value(op: SpecOperation, param: Param) -> Any:
    if param.location == "path":
        return f"{param.key}-value"
    if param.location == "file":
        return io.BytesIO(b"file content")
    if param.location == "body":
        schema = op.raw["requestBody"]["content"]["application/json"]["schema"]
        return msgspec.convert(examples(op.json_schema(schema), 1)[0], param.type)
    return SAMPLES[param.type]


def _body(request: HttpRequest) -> bytes:
    assert request.body is not None
    return request.body if isinstance(request.body, bytes) else b"".join(request.body())


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.key)
def test_the_operation_builds_the_request_of_its_spec(op: SpecOperation) -> None:
    operation: Operation[Any] = generated()[op.key]
    values = {p.name: _value(op, p) for p in operation.params}
    request = build(operation, values, HOST, {})

    assert request.method == op.method.upper()
    url = urlsplit(request.url)
    path = op.path
    for param in op.parameters():
        if param["in"] == "path":
            path = path.replace(f"{{{param['name']}}}", quote(f"{param['name']}-value", safe=""))
    assert url.path == "/api" + path
    declared = {p["name"] for p in op.parameters() if p["in"] == "query"}
    assert {name for name, _ in parse_qsl(url.query)} == declared
    body = op.raw.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        sent = json.loads(_body(request))
        schema = op.json_schema(body["application/json"]["schema"])
        assert validator(schema).is_valid(sent), sent
        assert request.headers["Content-Type"] == "application/json"
    elif body:
        form = _body(request)
        schema = op.json_schema(next(iter(body.values()))["schema"])
        for name in schema["properties"]:
            assert f'name="{name}"'.encode() in form
        assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    else:
        assert request.body is None
