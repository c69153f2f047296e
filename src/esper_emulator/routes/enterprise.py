"""Token info and the enterprise."""

from __future__ import annotations

from esper_emulator.errors import not_found
from esper_emulator.operation import Call, serve
from esper_emulator.store import schema
from esperclient._operations import GET_ENTERPRISE, GET_TOKEN_INFO


async def token_info(call: Call) -> bytes:
    with call.emulator.store.transaction():
        return call.emulator.auth.token_info(call.token)


async def get_enterprise(call: Call) -> bytes:
    with call.emulator.store.transaction() as store:
        doc = store.doc(schema.enterprises, schema.enterprises.c.id == call["enterprise_id"])
    if doc is None:
        raise not_found("Enterprise")
    return doc


ROUTES = [serve(GET_TOKEN_INFO, token_info), serve(GET_ENTERPRISE, get_enterprise)]
