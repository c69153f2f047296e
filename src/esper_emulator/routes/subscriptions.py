"""Event subscriptions."""

from __future__ import annotations

from esper_emulator.operation import Call, page_body, serve
from esper_emulator.services.subscriptions import SUBSCRIPTION_RULES
from esperclient._operations import (
    CREATE_SUBSCRIPTION,
    DELETE_SUBSCRIPTION,
    GET_ALL_SUBSCRIPTIONS,
    GET_SUBSCRIPTION,
)
from esperclient.models import EventSubscriptionArgs


async def create_subscription(call: Call) -> bytes:
    body = await call.body(EventSubscriptionArgs, SUBSCRIPTION_RULES)
    with call.emulator.store.transaction():
        return call.emulator.subscriptions.create(call.enterprise_id, body)


async def list_subscriptions(call: Call) -> bytes:
    with call.emulator.store.transaction():
        page = call.emulator.subscriptions.list_subscriptions(
            call.enterprise_id, call["limit"], call["offset"]
        )
    return page_body(call, page.count, page.docs)


async def get_subscription(call: Call) -> bytes:
    with call.emulator.store.transaction():
        return call.emulator.subscriptions.get(call.enterprise_id, call["subscription_id"])


async def delete_subscription(call: Call) -> bytes:
    with call.emulator.store.transaction():
        call.emulator.subscriptions.delete(call.enterprise_id, call["subscription_id"])
    return b""


ROUTES = [
    serve(CREATE_SUBSCRIPTION, create_subscription),
    serve(GET_ALL_SUBSCRIPTIONS, list_subscriptions),
    serve(GET_SUBSCRIPTION, get_subscription),
    serve(DELETE_SUBSCRIPTION, delete_subscription),
]
