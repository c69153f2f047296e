"""The enterprise's details (PATCH) and API key renewal."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, esper_error, json_of


@pytest.fixture
def enterprise_api(api_client: esperclient.ApiClient) -> esperclient.EnterpriseApi:
    return esperclient.EnterpriseApi(api_client)


@pytest.fixture
def tokens(api_client: esperclient.ApiClient) -> esperclient.TokenApi:
    return esperclient.TokenApi(api_client)


def _enterprise_url(tenant: Tenant) -> str:
    return f"{tenant.host}/v1/enterprise/{tenant.enterprise_id}/"


def _renew_url(tenant: Tenant, developer_app: str, access_token: str) -> str:
    return (
        f"{tenant.host}/v0/enterprise/{tenant.enterprise_id}/developerapp/{developer_app}"
        f"/renew-token/?access_token={access_token}"
    )


# partial update


def test_a_patch_changes_the_given_fields_only_and_bumps_updated_on(
    tenant: Tenant, enterprise_api: esperclient.EnterpriseApi
) -> None:
    before = enterprise_api.get_enterprise(tenant.enterprise_id)
    changes = esperclient.EnterpriseUpdateV1(
        name="Renamed", zipcode="10001", contact_email="ops@example.org"
    )
    updated = enterprise_api.partial_update_enterprise(tenant.enterprise_id, changes)
    assert (updated.name, updated.zipcode, updated.contact_email) == (
        "Renamed",
        "10001",
        "ops@example.org",
    )
    assert updated.location == before.location and updated.short_code == before.short_code
    assert updated.created_on == before.created_on and updated.updated_on > before.updated_on
    assert enterprise_api.get_enterprise(tenant.enterprise_id) == updated


def test_read_only_fields_are_ignored(tenant: Tenant) -> None:
    body = {"id": "00000000-0000-0000-0000-000000000000", "location": "Austin"}
    updated = json_of(call("PATCH", _enterprise_url(tenant), key=tenant.api_key, json=body))
    assert updated["id"] == tenant.enterprise_id and updated["location"] == "Austin"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "n" * 256),
        ("zipcode", "123456789"),
        ("zipcode", ""),
        ("contact_number", "+1" + "5" * 19),
        ("contact_email", "not-an-email"),
        ("contact_email", "a@b"),
        ("registered_address", "x" * 256),
    ],
)
def test_a_value_outside_the_spec_is_a_400_naming_the_field_and_changes_nothing(
    tenant: Tenant, field: str, value: str
) -> None:
    before = json_of(call("GET", _enterprise_url(tenant), key=tenant.api_key))
    body = {"location": "Changed", field: value}
    response = call("PATCH", _enterprise_url(tenant), key=tenant.api_key, json=body)
    assert field in esper_error(response, 400)["errors"][0]
    assert json_of(call("GET", _enterprise_url(tenant), key=tenant.api_key)) == before


def test_patching_another_enterprise_is_403(tenant: Tenant, other: Tenant) -> None:
    response = call("PATCH", _enterprise_url(other), key=tenant.api_key, json={"name": "Mine"})
    esper_error(response, 403)


# token renewal


def test_a_renewed_key_works_and_the_old_one_is_401_at_once(
    tenant: Tenant, tokens: esperclient.TokenApi
) -> None:
    info = tokens.get_token_info()
    renewed, status, _ = tokens.renew_token_with_http_info(
        tenant.enterprise_id, info.developer_app, tenant.api_key
    )
    assert status == 201
    assert renewed.token and renewed.token != tenant.api_key
    assert renewed.developerapp == info.developer_app and renewed.id == info.id
    assert renewed.enterprise == tenant.enterprise_id and renewed.user == info.user
    assert renewed.expires_at > datetime.now(timezone.utc)
    assert renewed.scope == "read write"

    with pytest.raises(esperclient.AuthenticationError):
        tokens.get_token_info()
    with esperclient.ApiClient(make_configuration(tenant.host, renewed.token)) as client:
        now = esperclient.TokenApi(client).get_token_info()
    assert now.token == renewed.token and now.developer_app == info.developer_app
    assert now.expires_on == renewed.expires_at


def test_a_second_key_can_renew_the_first(server: EmulatorServer, tenant: Tenant) -> None:
    with server.emulator.store.transaction():
        second = server.emulator.auth.issue(tenant.enterprise_id)
    first_app = json_of(call("GET", f"{tenant.host}/v1/token-info/", key=tenant.api_key))
    url = _renew_url(tenant, first_app["developer_app"], tenant.api_key)
    renewed = json_of(call("POST", url, key=second), 201)
    esper_error(call("GET", f"{tenant.host}/v1/token-info/", key=tenant.api_key), 401)
    json_of(call("GET", f"{tenant.host}/v1/token-info/", key=renewed["token"]))
    json_of(call("GET", f"{tenant.host}/v1/token-info/", key=second))


def test_an_unknown_developer_app_is_404(tenant: Tenant) -> None:
    url = _renew_url(tenant, "6f1c1d7e-8f51-4e8a-b3a1-2a9f0c0d1e2f", tenant.api_key)
    esper_error(call("POST", url, key=tenant.api_key), 404)
    json_of(call("GET", f"{tenant.host}/v1/token-info/", key=tenant.api_key))


def test_an_access_token_that_is_not_of_this_app_or_enterprise_is_400(
    server: EmulatorServer, tenant: Tenant, other: Tenant
) -> None:
    with server.emulator.store.transaction():
        second = server.emulator.auth.issue(tenant.enterprise_id)  # another developer app
    app = json_of(call("GET", f"{tenant.host}/v1/token-info/", key=tenant.api_key))
    for access_token in (second, other.api_key, "no-such-key"):
        url = _renew_url(tenant, app["developer_app"], access_token)
        body = esper_error(call("POST", url, key=tenant.api_key), 400)
        assert "access_token" in body["errors"][0]
    for key in (tenant.api_key, second, other.api_key):
        json_of(call("GET", f"{tenant.host}/v1/token-info/", key=key))


def test_renewing_on_another_enterprise_path_is_403(tenant: Tenant, other: Tenant) -> None:
    app = json_of(call("GET", f"{other.host}/v1/token-info/", key=other.api_key))
    url = _renew_url(other, app["developer_app"], other.api_key)
    esper_error(call("POST", url, key=tenant.api_key), 403)
    json_of(call("GET", f"{other.host}/v1/token-info/", key=other.api_key))


def test_the_access_token_is_required(tenant: Tenant) -> None:
    app = json_of(call("GET", f"{tenant.host}/v1/token-info/", key=tenant.api_key))
    url = _renew_url(tenant, app["developer_app"], "").split("?")[0]
    assert "access_token" in esper_error(call("POST", url, key=tenant.api_key), 400)["errors"][0]
