"""Commands to one device."""

from __future__ import annotations

from esper_emulator.errors import bad_request
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

REQUIRED_ARGS: dict[str, tuple[tuple[str, ...], ...]] = {
    "SET_WIFI_STATE": (("wifi_state",),),
    "SET_BLUETOOTH_STATE": (("bluetooth_state",),),
    "SET_ROTATION_STATE": (("rotate_state",),),
    "SET_GPS_STATE": (("gps_state",),),
    "SET_BRIGHTNESS_SCALE": (("brightness_value",),),
    "SET_STREAM_VOLUME": (("stream",), ("volume_level",)),
    "SET_SCREEN_OFF_TIMEOUT": (("screen_off_timeout",),),
    # the app by package, or by one of its versions as esper-cli sends it
    "UNINSTALL": (("package_name", "app_version"),),
    "ADD_TO_WHITELIST": (("package_name",),),
    "CLEAR_APP_DATA": (("package_name",),),
}
"""The ``command_args`` each device command cannot do without, each one of several
names (``INSTALL``: see ``Fleet``)."""


def check_command_args(request: CommandRequest) -> None:
    """A 400 naming ``command_args.<field>`` when the command lacks an argument it needs."""
    for names in REQUIRED_ARGS.get(request.command or "", ()):
        if all(getattr(request.command_args, name, None) in (None, "") for name in names):
            needed = " or ".join(names)
            raise bad_request(f"command_args.{names[0]}", f"{request.command} needs {needed}.")


async def run_command(call: Call) -> bytes:
    request = await call.body(CommandRequest, COMMAND_RULES)
    check_command_args(request)
    with call.emulator.store.transaction():
        return call.emulator.fleet.run_command(call.enterprise_id, call["device_id"], request)


async def get_command(call: Call) -> bytes:
    with call.emulator.store.transaction():
        return call.emulator.fleet.command(
            call.enterprise_id, call["device_id"], call["command_id"]
        )


ROUTES = [serve(RUN_COMMAND, run_command), serve(GET_COMMAND, get_command)]
