"""The emulator against Esper's current API description, fuzzed with schemathesis.

The three areas fleet automation lives on (the Commands API, Blueprints v2 and converge,
Devices v2) are checked against the vendored OpenAPI 3.1 files: every operation of those
areas that the emulator serves gets generated requests, and the emulator must never
answer 5xx and every documented answer must match the description's schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from esper_emulator.operation import ServedRoute  # noqa: E402
from esper_emulator.routes import AREAS  # noqa: E402
from esper_emulator.server import EmulatorServer  # noqa: E402
from tests.conformance._fuzz import FUZZED, call_and_check  # noqa: E402
from tests.conftest import Tenant, new_tenant  # noqa: E402

SPECS = Path(__file__).parents[2] / "spec" / "esper-openapi"
AREA_PREFIXES = (
    "/commands/v0/",
    "/v2/command-inbox",
    "/v2/blueprints",
    "/v2/converge",
    "/v2/devices",
    "/v2/device-apps",
    "/v2/heartbeat",
    "/v2/subgroups",
)


def _served() -> set[tuple[str, str]]:
    """The (method, path) of every operation the emulator serves, as the description spells it."""
    return {
        (route.op.method, route.op.path)
        for area in AREAS
        for route in area.ROUTES
        if isinstance(route, ServedRoute)
    }


LINKS = ("next", "previous", "prev", "next_cursor", "prev_cursor")


def _links_may_be_null(page: dict[str, Any]) -> None:
    # A bug of the description: a page's links are typed string, though the last page has
    # no next link and the first no previous one. The emulator answers null there.
    for link in LINKS:
        schema = page.get("properties", {}).get(link)
        if isinstance(schema, dict) and schema.get("type") == "string":
            schema["type"] = ["string", "null"]


def _error_code_is_the_status(body: dict[str, Any]) -> None:
    # Another: some blueprint errors type ``code`` as a string with one made-up value
    # ("201" on a 404, "3456"), where every other error has the status as an integer.
    code = body.get("properties", {}).get("code")
    if isinstance(code, dict) and code.get("type") == "string":
        body["properties"]["code"] = {"type": "integer"}


def _either_page_form(content: dict[str, Any]) -> None:
    # And: the device list's two page forms (offset, cursor) are a oneOf, though neither
    # requires a field, so every page is valid under both; either is what is meant.
    forms = content.get("oneOf", ())
    if forms and all("PaginatedDeviceList" in form.get("$ref", "") for form in forms):
        content["anyOf"] = content.pop("oneOf")


def _corrected(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation with the description's known bugs corrected (see above)."""
    for status, response in operation.get("responses", {}).items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        content = schema.get("properties", {}).get("content", {})
        _links_may_be_null(content)
        for member in content.get("oneOf", ()):
            _links_may_be_null(member)
        _either_page_form(content)
        if str(status).startswith(("4", "5")):
            _error_code_is_the_status(schema)
    return operation


def _area_spec(name: str, served: set[tuple[str, str]]) -> dict[str, Any]:
    """The description ``name``, cut down to the served operations of the three areas."""
    raw: dict[str, Any] = yaml.safe_load((SPECS / name).read_text())
    paths: dict[str, Any] = {}
    for path, item in raw["paths"].items():
        if not path.startswith(AREA_PREFIXES):
            continue
        kept = {
            method: operation if method == "parameters" else _corrected(operation)
            for method, operation in item.items()
            if method == "parameters" or (method.upper(), path) in served
        }
        if set(kept) - {"parameters"}:
            paths[path] = kept
    raw["paths"] = paths
    for schema in raw.get("components", {}).get("schemas", {}).values():
        _links_may_be_null(schema)  # pages given by reference (DeviceLastSeen...)
    return raw


SERVED = _served()
OPERATIONS = [
    result.ok()
    for name in ("v0.yaml", "v2.yaml")
    for result in schemathesis.openapi.from_dict(_area_spec(name, SERVED)).get_all_operations()
]


@pytest.fixture(scope="module")
def fuzz_tenant(server: EmulatorServer) -> Tenant:
    return new_tenant(server, "Fuzzed Current API Enterprise", devices=5)


@pytest.mark.usefixtures("no_local_constants")
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@FUZZED
@given(data=st.data())
def test_no_server_error_and_answers_match_the_description(
    operation: Any, data: st.DataObject, fuzz_tenant: Tenant
) -> None:
    call_and_check(operation, data, fuzz_tenant)
