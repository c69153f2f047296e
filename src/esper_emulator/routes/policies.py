"""Enterprise policies."""

from __future__ import annotations

from esper_emulator.operation import Answer, Call, page_body, serve
from esper_emulator.services.policies import POLICY_RULES
from esperclient._operations import (
    CREATE_POLICY,
    DELETE_ENTERPRISE_POLICY,
    GET_POLICY_BY_ID,
    LIST_POLICIES,
    PARTIALUPDATE_POLICY,
    UPDATE_POLICY,
)
from esperclient.models import EnterprisePolicy, EnterprisePolicyPartialUpdate


def create_policy(call: Call) -> Answer:
    body = call.read(EnterprisePolicy, POLICY_RULES)
    return call.emulator.policies.create(call.enterprise_id, body)


def list_policies(call: Call) -> Answer:
    page = call.emulator.policies.list_policies(
        call.enterprise_id,
        call["limit"],
        call["offset"],
        name=call["name"],
        is_active=call["is_active"],
    )
    return page_body(call, page.count, page.docs)


def get_policy(call: Call) -> Answer:
    return call.emulator.policies.get(call.enterprise_id, call["policy_id"])


def update_policy(call: Call) -> Answer:
    body = call.read(EnterprisePolicy, POLICY_RULES)
    return call.emulator.policies.replace(call.enterprise_id, call["policy_id"], body)


def partial_update_policy(call: Call) -> Answer:
    body = call.read(EnterprisePolicyPartialUpdate, POLICY_RULES, partial=True)
    return call.emulator.policies.update(call.enterprise_id, call["policy_id"], body)


def delete_policy(call: Call) -> Answer:
    call.emulator.policies.delete(call.enterprise_id, call["policy_id"])
    return b""


ROUTES = [
    serve(CREATE_POLICY, create_policy),
    serve(LIST_POLICIES, list_policies),
    serve(GET_POLICY_BY_ID, get_policy),
    serve(UPDATE_POLICY, update_policy),
    serve(PARTIALUPDATE_POLICY, partial_update_policy),
    serve(DELETE_ENTERPRISE_POLICY, delete_policy),
]
