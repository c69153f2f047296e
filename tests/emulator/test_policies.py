"""Enterprise policies: integer ids, full and partial updates, filters, tenancy."""

from __future__ import annotations

import uuid

import pytest

import esperclient
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, esper_error, json_of


@pytest.fixture
def policies(api_client: esperclient.ApiClient) -> esperclient.EnterprisePolicyApi:
    return esperclient.EnterprisePolicyApi(api_client)


def _id(policy: esperclient.EnterprisePolicy) -> int:
    """The integer id of a policy, the last part of its ``url``."""
    return int(policy.url.rstrip("/").rsplit("/", 1)[1])


# 0.1.3 refuses a policy without its enterprise; the server takes it from the path
ENTERPRISE = "https://foo-api.esper.cloud/api/enterprise/e/"


def _new(name: str = "Kiosk", **fields: object) -> esperclient.EnterprisePolicy:
    data = esperclient.EnterprisePolicyData(camera_disabled=True, minimum_password_length=6)
    return esperclient.EnterprisePolicy(
        **{"enterprise": ENTERPRISE, **fields}, name=name, policy=data
    )


def _url(tenant: Tenant, policy_id: object = None) -> str:
    base = f"{tenant.host}/enterprise/{tenant.enterprise_id}/policy/"
    return base if policy_id is None else f"{base}{policy_id}/"


def test_a_created_policy_has_its_server_fields(
    tenant: Tenant, policies: esperclient.EnterprisePolicyApi
) -> None:
    created, status, _ = policies.create_policy_with_http_info(
        tenant.enterprise_id, _new(enterprise="http://elsewhere/", device_count=9)
    )
    assert status == 201
    assert created.enterprise.endswith(f"/api/v1/enterprise/{tenant.enterprise_id}/")
    assert created.url == f"{tenant.host}/enterprise/{tenant.enterprise_id}/policy/{_id(created)}/"
    assert uuid.UUID(created.uuid) and created.google_policy_id
    assert created.device_count == 0 and created.is_active is True
    assert created.description == ""
    assert created.policy.camera_disabled is True and created.policy.minimum_password_length == 6
    assert policies.get_policy_by_id(_id(created), tenant.enterprise_id) == created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"policy": {}}, "name"),
        ({"name": "", "policy": {}}, "name"),
        ({"name": "No data"}, "policy"),
        ({"name": "Bad data", "policy": {"cameraDisabled": "yes"}}, "policy.cameraDisabled"),
        ({"name": "P", "policy": {"minimumPasswordLength": 3}}, "policy.minimumPasswordLength"),
        ({"name": "P", "policy": {"permissionPolicy": "ALLOW"}}, "policy.permissionPolicy"),
        ({"name": "P", "policy": {"phonePolicy": {"dialer": "X"}}}, "policy.phonePolicy.dialer"),
        (
            {"name": "P", "policy": {"phonePolicy": {"incomingNumbers": ["1" * 16]}}},
            "policy.phonePolicy.incomingNumbers",
        ),
        (
            {"name": "P", "policy": {"frpGoogles": [{"type": "USER", "email": "nope"}]}},
            "policy.frpGoogles.email",
        ),
        (
            {"name": "P", "policy": {"deviceUpdatePolicy": {"type": "SOMETIMES"}}},
            "policy.deviceUpdatePolicy.type",
        ),
    ],
)
def test_a_policy_without_a_name_or_with_bad_data_is_a_400_naming_it(
    tenant: Tenant, body: dict[str, object], field: str
) -> None:
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert field in esper_error(response, 400)["errors"][0]
    assert json_of(call("GET", _url(tenant), key=tenant.api_key))["count"] == 0


def test_the_list_filters_by_name_and_activity_and_pages(
    tenant: Tenant, policies: esperclient.EnterprisePolicyApi
) -> None:
    for n in range(3):
        policies.create_policy(tenant.enterprise_id, _new(f"Kiosk {n}"))
    policies.create_policy(tenant.enterprise_id, _new("Office", is_active=False))
    eid = tenant.enterprise_id
    assert policies.list_policies(eid).count == 4
    assert {p.name for p in policies.list_policies(eid, name="kiosk").results} == {
        "Kiosk 0",
        "Kiosk 1",
        "Kiosk 2",
    }
    assert [p.name for p in policies.list_policies(eid, is_active=False).results] == ["Office"]
    page = policies.list_policies(eid, limit=2, offset=2)
    assert page.count == 4 and [p.name for p in page.results] == ["Kiosk 2", "Office"]
    assert page.next is None and page.previous is not None


def test_put_replaces_the_policy_and_needs_name_and_data(
    tenant: Tenant, policies: esperclient.EnterprisePolicyApi
) -> None:
    created = policies.create_policy(
        tenant.enterprise_id, _new(description="Front desk", is_active=False)
    )
    data = esperclient.EnterprisePolicy(
        name="Replaced",
        policy=esperclient.EnterprisePolicyData(adb_disabled=True),
        enterprise=ENTERPRISE,
    )
    replaced = policies.update_policy(_id(created), tenant.enterprise_id, data)
    assert replaced.name == "Replaced" and replaced.description == "" and replaced.is_active
    assert replaced.policy == esperclient.EnterprisePolicyData(adb_disabled=True)
    assert (replaced.uuid, replaced.url, replaced.created_on) == (
        created.uuid,
        created.url,
        created.created_on,
    )
    assert replaced.updated_on > created.updated_on
    response = call("PUT", _url(tenant, _id(created)), key=tenant.api_key, json={"policy": {}})
    assert "name" in esper_error(response, 400)["errors"][0]
    assert policies.get_policy_by_id(_id(created), tenant.enterprise_id) == replaced


def test_patch_changes_only_the_given_fields(
    tenant: Tenant, policies: esperclient.EnterprisePolicyApi
) -> None:
    created = policies.create_policy(tenant.enterprise_id, _new(description="Keep me"))
    patched = policies.partialupdate_policy(
        _id(created), tenant.enterprise_id, esperclient.EnterprisePolicyPartialUpdate(name="New")
    )
    assert patched.name == "New" and patched.description == "Keep me"
    assert patched.policy == created.policy and patched.updated_on > created.updated_on
    response = call("PATCH", _url(tenant, _id(created)), key=tenant.api_key, json={"name": ""})
    assert "name" in esper_error(response, 400)["errors"][0]
    body = {"name": "Half", "policy": {"minimumPasswordLength": 1}}
    response = call("PATCH", _url(tenant, _id(created)), key=tenant.api_key, json=body)
    assert "policy.minimumPasswordLength" in esper_error(response, 400)["errors"][0]
    assert policies.get_policy_by_id(_id(created), tenant.enterprise_id) == patched


def test_delete_is_204_and_the_policy_is_gone(
    tenant: Tenant, policies: esperclient.EnterprisePolicyApi
) -> None:
    created = policies.create_policy(tenant.enterprise_id, _new())
    _, status, _ = policies.delete_enterprise_policy_with_http_info(
        _id(created), tenant.enterprise_id
    )
    assert status == 204
    with pytest.raises(esperclient.NotFoundError):
        policies.get_policy_by_id(_id(created), tenant.enterprise_id)
    with pytest.raises(esperclient.NotFoundError):
        policies.delete_enterprise_policy(_id(created), tenant.enterprise_id)


@pytest.mark.parametrize("policy_id", ["abc", "1.5", "27c661e1-57cb-4c28-a0ea-81f2c172f8d6"])
def test_a_policy_id_that_is_not_an_integer_is_400(tenant: Tenant, policy_id: str) -> None:
    response = call("GET", _url(tenant, policy_id), key=tenant.api_key)
    assert "policy_id" in esper_error(response, 400)["errors"][0]


@pytest.mark.parametrize("policy_id", [0, -1, 999_999, 2**70])
def test_an_unknown_policy_is_404(tenant: Tenant, policy_id: int) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        response = call(method, _url(tenant, policy_id), key=tenant.api_key, json={"name": "x"})
        esper_error(response, 404)


def test_another_enterprise_policies_are_404_under_my_path_and_403_under_theirs(
    tenant: Tenant, other: Tenant
) -> None:
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        theirs = esperclient.EnterprisePolicyApi(client).create_policy(other.enterprise_id, _new())
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        body = {"name": "Mine", "policy": {}}
        esper_error(call(method, _url(tenant, _id(theirs)), key=tenant.api_key, json=body), 404)
        esper_error(call(method, _url(other, _id(theirs)), key=tenant.api_key, json=body), 403)
    assert json_of(call("GET", _url(tenant), key=tenant.api_key))["count"] == 0
    assert json_of(call("GET", _url(other, _id(theirs)), key=other.api_key))["name"] == "Kiosk"
