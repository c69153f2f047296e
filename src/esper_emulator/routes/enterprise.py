"""Token info and renewal, and the enterprise."""

from __future__ import annotations

from esper_emulator.operation import Answer, Call, serve
from esper_emulator.services.enterprise import ENTERPRISE_RULES
from esperclient._operations import (
    GET_ENTERPRISE,
    GET_TOKEN_INFO,
    PARTIAL_UPDATE_ENTERPRISE,
    RENEW_TOKEN,
)
from esperclient.models import EnterpriseUpdateV1


def token_info(call: Call) -> Answer:
    return call.emulator.auth.token_info(call.token)


def renew_token(call: Call) -> Answer:
    return call.emulator.auth.renew(
        call.enterprise_id, call["developerapp_id"], call["access_token"]
    )


def get_enterprise(call: Call) -> Answer:
    return call.emulator.enterprises.get(call.enterprise_id)


def partial_update_enterprise(call: Call) -> Answer:
    changes = call.read(EnterpriseUpdateV1, ENTERPRISE_RULES, partial=True)
    return call.emulator.enterprises.update(call.enterprise_id, changes)


ROUTES = [
    serve(GET_TOKEN_INFO, token_info),
    serve(RENEW_TOKEN, renew_token),
    serve(GET_ENTERPRISE, get_enterprise),
    serve(PARTIAL_UPDATE_ENTERPRISE, partial_update_enterprise),
]
