"""Answers as Esper's servers (Django REST framework) give them, where fuzzing found we did not."""

from __future__ import annotations

import pytest

from tests.conftest import Tenant
from tests.emulator.conftest import call, esper_error, json_of

NULL_CHARACTERS = "Null characters are not allowed."
NOT_NULL = "This field may not be null."


def _devices_url(tenant: Tenant) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"


# bounds on query strings


def test_a_search_too_long_for_a_like_pattern_is_a_400(tenant: Tenant) -> None:
    # SQLite refuses a LIKE pattern over 50,000 bytes: that was a 500
    response = call("GET", _devices_url(tenant) + "?search=" + "z" * 60_000, key=tenant.api_key)
    assert esper_error(response, 400)["message"] == "The query string is longer than 8190 bytes."


def test_more_query_fields_than_django_takes_is_a_400(tenant: Tenant) -> None:
    query = "&".join(["tags=x"] * 1001)
    response = call("GET", f"{_devices_url(tenant)}?{query}", key=tenant.api_key)
    assert esper_error(response, 400)["message"] == (
        "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
    )


# NUL characters


def test_a_nul_in_a_filter_is_a_400_not_a_match_of_every_row(tenant: Tenant) -> None:
    response = call("GET", _devices_url(tenant) + "?search=%00zzz", key=tenant.api_key)
    body = esper_error(response, 400)
    assert body["errors"] == [{"search": [NULL_CHARACTERS]}]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("devicegroup/", {"name": "Lob\x00by"}, "name"),
        ("devicegroup/", {"name": "Lobby", "device_ids": ["\x00"]}, "device_ids"),
    ],
)
def test_a_nul_in_a_body_is_a_400(
    tenant: Tenant, path: str, body: dict[str, object], field: str
) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/{path}"
    response = call("POST", url, key=tenant.api_key, json=body)
    assert esper_error(response, 400)["errors"] == [{field: [NULL_CHARACTERS]}]


# 405 answers


def test_a_405_allows_every_method_the_path_serves(tenant: Tenant) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/devicegroup/"
    response = call("DELETE", url, key=tenant.api_key)
    assert esper_error(response, 405)["message"] == 'Method "DELETE" not allowed.'
    assert response.headers["Allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_the_content_upload_path_is_not_a_content_id(tenant: Tenant, method: str) -> None:
    url = f"{tenant.host}/v0/enterprise/{tenant.enterprise_id}/content/upload/"
    response = call(method, url, key=tenant.api_key)
    assert esper_error(response, 405)["message"] == f'Method "{method}" not allowed.'
    assert response.headers["Allow"] == "POST"


# null in a field that may not be null


def test_null_where_the_spec_allows_no_null_is_a_400(tenant: Tenant) -> None:
    url = f"{tenant.host}/v1/enterprise/{tenant.enterprise_id}/"
    before = json_of(call("GET", url, key=tenant.api_key))
    response = call("PATCH", url, key=tenant.api_key, json={"name": None})
    assert esper_error(response, 400)["errors"] == [{"name": [NOT_NULL]}]
    command = {"command": "SET_BRIGHTNESS_SCALE", "command_args": {"brightness_value": None}}
    device_url = f"{_devices_url(tenant)}{tenant.device_ids[0]}/command/"
    response = call("POST", device_url, key=tenant.api_key, json=command)
    assert esper_error(response, 400)["errors"] == [{"command_args.brightness_value": [NOT_NULL]}]
    # x-nullable in the spec: null clears it
    cleared = json_of(call("PATCH", url, key=tenant.api_key, json={"contact_person": None}))
    assert cleared["name"] == before["name"]


# empty filter values


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("enterprise/{eid}/device/", "state="),
        ("enterprise/{eid}/device/", "search=&limit="),
        ("v0/enterprise/{eid}/command/", "command="),
    ],
)
def test_an_empty_filter_value_is_no_filter(tenant: Tenant, path: str, query: str) -> None:
    url = f"{tenant.host}/{path.format(eid=tenant.enterprise_id)}"
    unfiltered = json_of(call("GET", url, key=tenant.api_key))
    filtered = json_of(call("GET", f"{url}?{query}", key=tenant.api_key))
    assert (filtered["count"], filtered["results"]) == (unfiltered["count"], unfiltered["results"])


# ids


@pytest.mark.parametrize(
    "form", [str.upper, lambda value: value.replace("-", "")], ids=["upper", "no-dashes"]
)
def test_every_id_is_found_in_any_uuid_form(tenant: Tenant, form: object) -> None:
    assert callable(form)
    eid, device_id = tenant.enterprise_id, tenant.device_ids[0]
    for enterprise, device in ((form(eid), device_id), (eid, form(device_id))):
        url = f"{tenant.host}/enterprise/{enterprise}/device/{device}/"
        assert json_of(call("GET", url, key=tenant.api_key))["id"] == device_id
        apps = call("GET", f"{url}app/", key=tenant.api_key)
        assert json_of(apps)["count"] >= 1
