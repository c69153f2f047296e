"""Device groups and the commands sent to a group."""

from __future__ import annotations

from esper_emulator.operation import Answer, Call, page_body, serve
from esper_emulator.services.groups import token_user
from esper_emulator.validation import REQUIRED, Rule, Rules
from esperclient._operations import (
    CREATE_GROUP,
    DELETE_GROUP,
    GET_ALL_GROUPS,
    GET_GROUP_BY_ID,
    GET_GROUP_COMMAND,
    PARTIAL_UPDATE_GROUP,
    RUN_GROUP_COMMAND,
    UPDATE_GROUP,
)
from esperclient.models import DeviceGroupPartialUpdate, DeviceGroupUpdate, GroupCommandRequest

GROUP_RULES: Rules = {
    "name": Rule(required=True, min_length=1, max_length=255),
    "device_ids": Rule(uuid=True),
}
GROUP_COMMAND_RULES: Rules = {"command": REQUIRED}


def create_group(call: Call) -> Answer:
    body = call.read(DeviceGroupUpdate, GROUP_RULES)
    return call.emulator.groups.create(call.enterprise_id, body)


def list_groups(call: Call) -> Answer:
    page = call.emulator.groups.list_groups(
        call.enterprise_id, call["name"], call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_group(call: Call) -> Answer:
    return call.emulator.groups.group_doc(call.enterprise_id, call["group_id"])


def update_group(call: Call) -> Answer:
    body = call.read(DeviceGroupUpdate, GROUP_RULES)
    return call.emulator.groups.update(call.enterprise_id, call["group_id"], body, call["action"])


def partial_update_group(call: Call) -> Answer:
    body = call.read(DeviceGroupPartialUpdate, GROUP_RULES, partial=True)
    return call.emulator.groups.update(call.enterprise_id, call["group_id"], body, call["action"])


def delete_group(call: Call) -> Answer:
    call.emulator.groups.delete(call.enterprise_id, call["group_id"])
    return b""


def run_group_command(call: Call) -> Answer:
    request = call.read(GroupCommandRequest, GROUP_COMMAND_RULES)
    user_id = token_user(call.emulator.auth, call.token)
    return call.emulator.group_commands.run(call.enterprise_id, call["group_id"], request, user_id)


def get_group_command(call: Call) -> Answer:
    return call.emulator.group_commands.get(
        call.enterprise_id, call["group_id"], call["command_id"]
    )


ROUTES = [
    serve(CREATE_GROUP, create_group),
    serve(GET_ALL_GROUPS, list_groups),
    serve(GET_GROUP_BY_ID, get_group),
    serve(UPDATE_GROUP, update_group),
    serve(PARTIAL_UPDATE_GROUP, partial_update_group),
    serve(DELETE_GROUP, delete_group),
    serve(RUN_GROUP_COMMAND, run_group_command),
    serve(GET_GROUP_COMMAND, get_group_command, writes=True),  # keeps its state brought up to date
]
