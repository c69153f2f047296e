"""Event subscriptions: AWS account ids, generated SNS topics, tenancy."""

from __future__ import annotations

import re
import uuid

import pytest

import esperclient
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, esper_error, json_of

ACCOUNT = "123456789012"


@pytest.fixture
def subscriptions(api_client: esperclient.ApiClient) -> esperclient.SubscriptionApi:
    return esperclient.SubscriptionApi(api_client)


def _args(account: str = ACCOUNT) -> esperclient.EventSubscriptionArgs:
    return esperclient.EventSubscriptionArgs(aws_account_id=account)


def _url(tenant: Tenant, subscription_id: str | None = None) -> str:
    base = f"{tenant.host}/v0/enterprise/{tenant.enterprise_id}/subscription/"
    return base if subscription_id is None else f"{base}{subscription_id}/"


def test_a_subscription_gets_its_sns_topic(
    tenant: Tenant, subscriptions: esperclient.SubscriptionApi
) -> None:
    created, status, _ = subscriptions.create_subscription_with_http_info(
        _args(), tenant.enterprise_id
    )
    assert status == 201
    assert uuid.UUID(created.id) and created.aws_account_id == ACCOUNT
    assert created.is_subscribed is True
    assert created.enterprise.endswith(f"/api/v1/enterprise/{tenant.enterprise_id}/")
    assert re.fullmatch(
        rf"arn:aws:sns:us-east-1:{ACCOUNT}:esper-[a-z0-9]+-{created.id[:8]}",
        created.sns_topic_arn,
    )
    assert subscriptions.get_subscription(created.id, tenant.enterprise_id) == created


@pytest.mark.parametrize(
    "body",
    [{}, {"aws_account_id": ""}, {"aws_account_id": "12345"}, {"aws_account_id": "12345678901a"}],
)
def test_an_account_id_that_is_not_12_digits_is_a_400_naming_it(
    tenant: Tenant, body: dict[str, str]
) -> None:
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert "aws_account_id" in esper_error(response, 400)["errors"][0]
    assert json_of(call("GET", _url(tenant), key=tenant.api_key))["count"] == 0


def test_an_account_subscribes_once_per_enterprise(
    tenant: Tenant, other: Tenant, subscriptions: esperclient.SubscriptionApi
) -> None:
    subscriptions.create_subscription(_args(), tenant.enterprise_id)
    with pytest.raises(esperclient.BadRequestError) as caught:
        subscriptions.create_subscription(_args(), tenant.enterprise_id)
    assert "aws_account_id" in caught.value.field_errors
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        esperclient.SubscriptionApi(client).create_subscription(_args(), other.enterprise_id)


def test_the_list_pages(tenant: Tenant, subscriptions: esperclient.SubscriptionApi) -> None:
    made = [
        subscriptions.create_subscription(_args(f"{n:012d}"), tenant.enterprise_id).id
        for n in range(3)
    ]
    everything = subscriptions.get_all_subscriptions(tenant.enterprise_id)
    assert everything.count == 3 and [s.id for s in everything.results] == made
    page = subscriptions.get_all_subscriptions(tenant.enterprise_id, limit=2)
    assert [s.id for s in page.results] == made[:2] and page.next and page.previous is None


def test_delete_is_204_and_the_subscription_is_gone(
    tenant: Tenant, subscriptions: esperclient.SubscriptionApi
) -> None:
    created = subscriptions.create_subscription(_args(), tenant.enterprise_id)
    _, status, _ = subscriptions.delete_subscription_with_http_info(
        created.id, tenant.enterprise_id
    )
    assert status == 204
    with pytest.raises(esperclient.NotFoundError):
        subscriptions.get_subscription(created.id, tenant.enterprise_id)
    with pytest.raises(esperclient.NotFoundError):
        subscriptions.delete_subscription(created.id, tenant.enterprise_id)
    subscriptions.create_subscription(_args(), tenant.enterprise_id)  # free to subscribe again


def test_another_enterprise_subscriptions_are_404_under_my_path_and_403_under_theirs(
    tenant: Tenant, other: Tenant
) -> None:
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        theirs = esperclient.SubscriptionApi(client).create_subscription(
            _args(), other.enterprise_id
        )
    for method in ("GET", "DELETE"):
        esper_error(call(method, _url(tenant, theirs.id), key=tenant.api_key), 404)
        esper_error(call(method, _url(other, theirs.id), key=tenant.api_key), 403)
    json_of(call("GET", _url(other, theirs.id), key=other.api_key))
    esper_error(call("GET", _url(tenant, "nope"), key=tenant.api_key), 400)
