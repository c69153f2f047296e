"""Devices v2 (``/v2/devices/``, heartbeats, subgroups, device apps), and the device tag
routes real clients use that the public reference leaves out (``esperclient._undocumented``)."""

from __future__ import annotations

from esper_emulator.operation import Call, page_body, serve
from esper_emulator.services.devices_v2 import DEFAULT_LIMIT
from esperclient._generated import v2
from esperclient._undocumented import LIST_TAGS, UPDATE_DEVICE_TAGS, DeviceTagsUpdate
from esperclient.models import Device


def list_devices(call: Call) -> bytes:
    """By cursor from ``cursor=start`` (``offset`` then ignored), else by offset."""
    given_limit = call.request.query_params.get("limit", "") != ""
    call.params["limit"] = call["limit"] if given_limit else None
    service = call.emulator.devices_v2
    if call["cursor"] is not None:
        return service.cursor_page(call.enterprise_id, call.params)
    page = service.offset_page(call.enterprise_id, call.params)
    call.params["limit"] = call["limit"] or DEFAULT_LIMIT
    return page_body(call, page.count, page.docs, previous_key="prev")


def get_device(call: Call) -> bytes:
    return call.emulator.devices_v2.device(call.enterprise_id, call["id"])


def device_apps(call: Call) -> bytes:
    page = call.emulator.devices_v2.device_apps(
        call.enterprise_id, call["device_id"], call["app_type"]
    )
    return page_body(call, page.count, page.docs, previous_key="prev")


def devices_with_app(call: Call) -> bytes:
    return call.emulator.devices_v2.devices_with_app()


def heartbeats(call: Call) -> bytes:
    page = call.emulator.devices_v2.heartbeats(call.enterprise_id, call.params)
    return page_body(call, page.count, page.docs, previous_key="prev")


def subgroups(call: Call) -> bytes:
    return call.emulator.devices_v2.subgroups(
        call.enterprise_id, call["parent_group_ids"], bool(call["immediate"])
    )


def update_device_tags(call: Call) -> Device:
    body = call.read(DeviceTagsUpdate, partial=True)
    return call.emulator.devices_v2.set_tags(call.enterprise_id, call["device_id"], body)


def list_tags(call: Call) -> bytes:
    page = call.emulator.devices_v2.tags(call.enterprise_id, call.params)
    return page_body(call, page.count, page.docs)


ROUTES = [
    serve(v2.GET_V2_DEVICES, list_devices),
    serve(v2.GET_V2_DEVICES_BY_ID, get_device),
    serve(v2.GET_V2_DEVICES_DEVICE_APPS, device_apps),
    serve(v2.GET_V2_DEVICE_APPS, devices_with_app),
    serve(v2.GET_DEVICE_HEARTBEAT_LIST, heartbeats),
    serve(v2.GET_ALL_SUB_GROUPS, subgroups),
    serve(UPDATE_DEVICE_TAGS, update_device_tags),
    serve(LIST_TAGS, list_tags),
]
