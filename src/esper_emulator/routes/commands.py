"""Commands to one device."""

from __future__ import annotations

from esper_emulator.operation import Call, serve
from esperclient._operations import GET_COMMAND, RUN_COMMAND
from esperclient.models import CommandRequest


async def run_command(call: Call) -> bytes:
    request = await call.body(CommandRequest)
    with call.emulator.store.transaction():
        return call.emulator.fleet.run_command(call.enterprise_id, call["device_id"], request)


async def get_command(call: Call) -> bytes:
    with call.emulator.store.transaction():
        return call.emulator.fleet.command(
            call.enterprise_id, call["device_id"], call["command_id"]
        )


ROUTES = [serve(RUN_COMMAND, run_command), serve(GET_COMMAND, get_command)]
