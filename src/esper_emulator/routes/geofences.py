"""Geofences."""

from __future__ import annotations

from esper_emulator.operation import Answer, Call, page_body, serve
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


def create_geofence(call: Call) -> Answer:
    body = call.read(Geofence, GEOFENCE_RULES)
    user = call.emulator.auth.info(call.token).user
    return call.emulator.geofences.create(call.enterprise_id, body, user)


def list_geofences(call: Call) -> Answer:
    page = call.emulator.geofences.list_geofences(
        call.enterprise_id, call["search"], call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_geofence(call: Call) -> Answer:
    return call.emulator.geofences.get(call.enterprise_id, call["geofence_id"])


def update_geofence(call: Call) -> Answer:
    body = call.read(Geofence, GEOFENCE_RULES)
    return call.emulator.geofences.update(
        call.enterprise_id, call["geofence_id"], body, replace=True
    )


def partial_update_geofence(call: Call) -> Answer:
    body = call.read(GeofenceUpdate, GEOFENCE_RULES, partial=True)
    return call.emulator.geofences.update(
        call.enterprise_id, call["geofence_id"], body, replace=False
    )


def delete_geofence(call: Call) -> Answer:
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
