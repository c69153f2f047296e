"""The Commands API (``/commands/v0/``): requests, their stats and per-device statuses;
and ``/v2/command-inbox/``, a device's next command.

Every answer and error is in the ``{code, message, content}`` envelope; lists page by
``limit`` and ``offset`` with a ``previous`` link.
"""

from __future__ import annotations

import msgspec

from esper_emulator.errors import ApiError
from esper_emulator.operation import Call, decode, page_body, serve
from esper_emulator.services.command_api import NewRequest
from esper_emulator.services.groups import token_user
from esperclient._generated.v0 import (
    CREATE_COMMAND_REQUEST,
    GET_COMMAND_REQUEST,
    GET_COMMAND_REQUEST_STATS,
    GET_COMMAND_REQUEST_STATUSES,
    GET_COMMAND_STATUS,
    LIST_COMMAND_REQUESTS,
    UPDATE_COMMAND_STATUS,
    CommandStatusPUT,
)
from esperclient._generated.v2 import GET_COMMAND_INBOX


def _body(call: Call) -> bytes:
    if not call.raw_body:
        raise ApiError(400, "A request body is required.")
    return call.raw_body


def create(call: Call) -> bytes:
    sent = decode(_body(call), NewRequest)
    user_id = token_user(call.emulator.auth, call.token)
    return call.emulator.command_api.create(call.enterprise_id, sent, user_id)


def list_requests(call: Call) -> bytes:
    found = call.emulator.command_api.list_requests(
        call.enterprise_id, call.params, call["limit"], call["offset"]
    )
    return page_body(call, found.count, found.docs)


def get_request(call: Call) -> bytes:
    return call.emulator.command_api.request(call.enterprise_id, call["id"])


def get_stats(call: Call) -> bytes:
    return msgspec.json.encode(call.emulator.command_api.stats(call.enterprise_id, call["id"]))


def list_statuses(call: Call) -> bytes:
    found = call.emulator.command_api.statuses(
        call.enterprise_id, call.params, call["limit"], call["offset"]
    )
    return page_body(call, found.count, found.docs)


def get_status(call: Call) -> bytes:
    return msgspec.json.encode(call.emulator.command_api.status(call.enterprise_id, call["id"]))


def update_status(call: Call) -> bytes:
    change = decode(_body(call), CommandStatusPUT)
    updated = call.emulator.command_api.update_status(call.enterprise_id, call["id"], change)
    return msgspec.json.encode(updated)


def command_inbox(call: Call) -> bytes:
    inbox = call.emulator.command_api.inbox(call.enterprise_id, call["device_id"])
    return msgspec.json.encode(inbox)


ROUTES = [
    serve(LIST_COMMAND_REQUESTS, list_requests),
    serve(CREATE_COMMAND_REQUEST, create),
    serve(GET_COMMAND_REQUEST, get_request),
    serve(GET_COMMAND_REQUEST_STATS, get_stats),
    serve(GET_COMMAND_REQUEST_STATUSES, list_statuses),
    serve(GET_COMMAND_STATUS, get_status),
    serve(UPDATE_COMMAND_STATUS, update_status),
    serve(GET_COMMAND_INBOX, command_inbox),
]
