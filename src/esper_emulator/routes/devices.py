"""Devices, and what they report: their apps, app installs and status events."""

from __future__ import annotations

import uuid

from esper_emulator.errors import bad_request
from esper_emulator.operation import Answer, Call, list_body, page_body, serve
from esper_emulator.services.fleet import AppFilters
from esperclient._operations import (
    GET_ALL_DEVICES,
    GET_APP_INSTALLS,
    GET_DEVICE_APP_BY_ID,
    GET_DEVICE_APPS,
    GET_DEVICE_BY_ID,
    GET_DEVICE_EVENT,
)
from esperclient.models._applications import INSTALL_STATES

_WHITELISTED = {"true": True, "1": True, "false": False, "0": False}


def list_devices(call: Call) -> Answer:
    page = call.emulator.fleet.list_devices(
        call.enterprise_id, call.params, call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_device(call: Call) -> Answer:
    return call.emulator.fleet.device(call.enterprise_id, call["device_id"])


def _whitelisted(raw: str | None) -> bool | None:
    """The ``whitelisted`` filter: a ``"true"``/``"false"`` string, or a 400."""
    if raw is None:
        return None
    value = _WHITELISTED.get(raw.lower())
    if value is None:
        raise bad_request("whitelisted", f'Must be "true" or "false", got {raw!r}.')
    return value


def list_device_apps(call: Call) -> Answer:
    filters = AppFilters(call["package_name"], _whitelisted(call["whitelisted"]), call["search"])
    page = call.emulator.fleet.device_apps(
        call.enterprise_id, call["device_id"], filters, call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_device_app(call: Call) -> Answer:
    return call.emulator.fleet.device_app(call.enterprise_id, call["device_id"], call["app_id"])


def _install_filters(call: Call) -> dict[str, str | None]:
    """The app-install filters, with ``device`` a UUID and ``install_state`` a known one."""
    filters = {
        name: call[name] for name in ("device", "package_name", "application_name", "install_state")
    }
    if filters["device"] is not None:
        try:
            filters["device"] = str(uuid.UUID(filters["device"]))
        except ValueError:
            raise bad_request("device", f"{filters['device']!r} is not a valid UUID.") from None
    state = filters["install_state"]
    if state is not None and state not in INSTALL_STATES.values():
        raise bad_request("install_state", f'"{state}" is not a valid choice.')
    return filters


def list_app_installs(call: Call) -> Answer:
    filters = _install_filters(call)
    page = call.emulator.fleet.app_installs(
        call.enterprise_id, call["device_id"], filters, call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_device_event(call: Call) -> Answer:
    """``latest_event=1``: the newest event only; ``0``: every event, newest first."""
    latest = call["latest_event"]
    if latest not in (0, 1):
        raise bad_request("latest_event", f"Must be 0 or 1, got {latest}.")
    docs = call.emulator.fleet.device_events(call.enterprise_id, call["device_id"], latest == 1)
    return list_body(docs)


ROUTES = [
    serve(GET_ALL_DEVICES, list_devices),
    serve(GET_DEVICE_BY_ID, get_device),
    serve(GET_DEVICE_APPS, list_device_apps),
    serve(GET_DEVICE_APP_BY_ID, get_device_app),
    serve(GET_APP_INSTALLS, list_app_installs),
    serve(GET_DEVICE_EVENT, get_device_event),
]
