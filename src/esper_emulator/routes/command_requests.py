"""Command requests (v0): one command to many devices or groups, tracked per device.

The spec gives these lists no paging parameters: each answer holds every match, with
``next`` and ``previous`` null.
"""

from __future__ import annotations

import msgspec

from esper_emulator.operation import Call, list_body, serve
from esper_emulator.services.command_requests import (
    COMMAND_TYPES,
    DEVICE_TYPES,
    MAX_TARGETS,
)
from esper_emulator.services.groups import token_user
from esper_emulator.validation import REQUIRED, Rule, Rules
from esperclient._operations import (
    CREATE_COMMAND,
    GET_COMMAND_REQUEST_STATUS,
    GET_DEVICE_COMMAND_HISTORY,
    LIST_COMMAND_REQUEST,
)
from esperclient.models import V0CommandRequest

REQUEST_RULES: Rules = {
    "command_type": Rule(required=True, choices=COMMAND_TYPES),
    "device_type": Rule(choices=DEVICE_TYPES),
    "command": REQUIRED,
    "devices": Rule(max_length=MAX_TARGETS, uuid=True),
    "groups": Rule(max_length=MAX_TARGETS, uuid=True),
}


def create_command(call: Call) -> bytes:
    request = call.read(V0CommandRequest, REQUEST_RULES)
    raw = msgspec.json.decode(call.raw_body)  # read (and checked) just above
    raw_args = raw.get("command_args") if isinstance(raw, dict) else None
    user_id = token_user(call.emulator.auth, call.token)
    return call.emulator.command_requests.create(
        call.enterprise_id, request, user_id, raw_args if isinstance(raw_args, dict) else None
    )


def list_command_requests(call: Call) -> bytes:
    return list_body(call.emulator.command_requests.list_requests(call.enterprise_id, call.params))


def get_command_request_status(call: Call) -> bytes:
    docs = call.emulator.command_requests.statuses(
        call.enterprise_id, call["request_id"], call["device"], call["state"]
    )
    return list_body(docs)


def get_device_command_history(call: Call) -> bytes:
    docs = call.emulator.command_requests.history(
        call.enterprise_id, call["device_id"], call["state"]
    )
    return list_body(docs)


ROUTES = [
    serve(CREATE_COMMAND, create_command),
    serve(LIST_COMMAND_REQUEST, list_command_requests),
    serve(GET_COMMAND_REQUEST_STATUS, get_command_request_status),
    serve(GET_DEVICE_COMMAND_HISTORY, get_device_command_history),
]
