"""Event subscriptions."""

from __future__ import annotations

from esper_emulator.operation import Answer, Call, page_body, serve
from esper_emulator.services.subscriptions import SUBSCRIPTION_RULES
from esperclient._operations import (
    CREATE_SUBSCRIPTION,
    DELETE_SUBSCRIPTION,
    GET_ALL_SUBSCRIPTIONS,
    GET_SUBSCRIPTION,
)
from esperclient.models import EventSubscriptionArgs


def create_subscription(call: Call) -> Answer:
    body = call.read(EventSubscriptionArgs, SUBSCRIPTION_RULES)
    return call.emulator.subscriptions.create(call.enterprise_id, body)


def list_subscriptions(call: Call) -> Answer:
    page = call.emulator.subscriptions.list_subscriptions(
        call.enterprise_id, call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_subscription(call: Call) -> Answer:
    return call.emulator.subscriptions.get(call.enterprise_id, call["subscription_id"])


def delete_subscription(call: Call) -> Answer:
    call.emulator.subscriptions.delete(call.enterprise_id, call["subscription_id"])
    return b""


ROUTES = [
    serve(CREATE_SUBSCRIPTION, create_subscription),
    serve(GET_ALL_SUBSCRIPTIONS, list_subscriptions),
    serve(GET_SUBSCRIPTION, get_subscription),
    serve(DELETE_SUBSCRIPTION, delete_subscription),
]
