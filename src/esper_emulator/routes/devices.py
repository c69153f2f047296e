"""Devices."""

from __future__ import annotations

import msgspec

from esper_emulator.operation import Call, page_body, serve
from esperclient._operations import GET_ALL_DEVICES, GET_DEVICE_BY_ID


async def list_devices(call: Call) -> bytes:
    with call.emulator.store.transaction():
        page = call.emulator.fleet.list_devices(
            call.enterprise_id, call.params, call["limit"], call["offset"]
        )
    return page_body(call, page.count, page.docs)


async def get_device(call: Call) -> bytes:
    with call.emulator.store.transaction():
        device = call.emulator.fleet.device(call.enterprise_id, call["device_id"])
    return msgspec.json.encode(device)


ROUTES = [serve(GET_ALL_DEVICES, list_devices), serve(GET_DEVICE_BY_ID, get_device)]
