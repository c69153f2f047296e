"""Geofences."""

from __future__ import annotations

from esper_emulator.operation import Call, page_body, serve
from esper_emulator.services.geofences import GEOFENCE_RULES
from esperclient._operations import (
    CREATE_GEOFENCE,
    DELETE_GEOFENCE,
    GET_ALL_GEOFENCES,
    GET_GEOFENCE,
    PARTIAL_UPDATE_GEOFENCE,
    UPDATE_GEOFENCE,
)
from esperclient.models import Geofence, GeofenceUpdate


async def create_geofence(call: Call) -> bytes:
    body = await call.body(Geofence, GEOFENCE_RULES)
    with call.emulator.store.transaction():
        user = call.emulator.auth.info(call.token).user
        return call.emulator.geofences.create(call.enterprise_id, body, user)


async def list_geofences(call: Call) -> bytes:
    with call.emulator.store.transaction():
        page = call.emulator.geofences.list_geofences(
            call.enterprise_id, call["search"], call["limit"], call["offset"]
        )
    return page_body(call, page.count, page.docs)


async def get_geofence(call: Call) -> bytes:
    with call.emulator.store.transaction():
        return call.emulator.geofences.get(call.enterprise_id, call["geofence_id"])


async def update_geofence(call: Call) -> bytes:
    body = await call.body(Geofence, GEOFENCE_RULES)
    with call.emulator.store.transaction():
        return call.emulator.geofences.update(
            call.enterprise_id, call["geofence_id"], body, replace=True
        )


async def partial_update_geofence(call: Call) -> bytes:
    body = await call.body(GeofenceUpdate, GEOFENCE_RULES, partial=True)
    with call.emulator.store.transaction():
        return call.emulator.geofences.update(
            call.enterprise_id, call["geofence_id"], body, replace=False
        )


async def delete_geofence(call: Call) -> bytes:
    with call.emulator.store.transaction():
        call.emulator.geofences.delete(call.enterprise_id, call["geofence_id"])
    return b""


ROUTES = [
    serve(CREATE_GEOFENCE, create_geofence),
    serve(GET_ALL_GEOFENCES, list_geofences),
    serve(GET_GEOFENCE, get_geofence),
    serve(UPDATE_GEOFENCE, update_geofence),
    serve(PARTIAL_UPDATE_GEOFENCE, partial_update_geofence),
    serve(DELETE_GEOFENCE, delete_geofence),
]
