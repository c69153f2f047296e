"""Commands to one device."""

from __future__ import annotations

from esper_emulator.operation import Call, serve
from esper_emulator.validation import REQUIRED, Rule, Rules
from esperclient._operations import GET_COMMAND, RUN_COMMAND
from esperclient.models import CommandRequest

COMMAND_RULES: Rules = {
    "command": REQUIRED,
    "command_args.brightness_value": Rule(minimum=1, maximum=100),
    "command_args.volume_level": Rule(minimum=0, maximum=100),
    "command_args.screen_off_timeout": Rule(minimum=5000, maximum=1_800_000),
    "command_args.package_name": Rule(max_length=255),
}


def run_command(call: Call) -> bytes:
    request = call.read(CommandRequest, COMMAND_RULES)
    return call.emulator.fleet.run_command(call.enterprise_id, call["device_id"], request)


def get_command(call: Call) -> bytes:
    return call.emulator.fleet.command(call.enterprise_id, call["device_id"], call["command_id"])


ROUTES = [serve(RUN_COMMAND, run_command), serve(GET_COMMAND, get_command)]
