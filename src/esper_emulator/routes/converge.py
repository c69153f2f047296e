"""Blueprint converges (``/v2/converge``): start one, list, read, and the commands it sent.

Every answer and error is in the ``{code, message, content}`` envelope; lists page by
``limit`` and ``offset`` with a ``previous`` link.
"""

from __future__ import annotations

from esper_emulator.errors import ApiError
from esper_emulator.operation import Answer, Call, decode, page_body, serve
from esperclient._generated.v2 import (
    CREATE_CONVERGE,
    GET_CONVERGE,
    LIST_CONVERGE_COMMANDS,
    LIST_CONVERGES,
    ConvergePOST,
)


def create(call: Call) -> Answer:
    if not call.raw_body:
        raise ApiError(400, "A request body is required.")
    body = decode(call.raw_body, ConvergePOST)
    user = call.emulator.auth.info(call.token).user
    return call.emulator.converges.create(call.enterprise_id, body, user)


def list_converges(call: Call) -> Answer:
    found = call.emulator.converges.list_converges(
        call.enterprise_id, call["device_ids"], call["limit"], call["offset"]
    )
    return page_body(call, found.count, found.docs)


def get_converge(call: Call) -> Answer:
    return call.emulator.converges.get(call.enterprise_id, call["id"])


def list_commands(call: Call) -> Answer:
    found = call.emulator.converges.commands(
        call.enterprise_id, call["id"], call["limit"], call["offset"]
    )
    return page_body(call, found.count, found.docs)


ROUTES = [
    serve(LIST_CONVERGES, list_converges),
    serve(CREATE_CONVERGE, create),
    serve(GET_CONVERGE, get_converge),
    serve(LIST_CONVERGE_COMMANDS, list_commands),
]
