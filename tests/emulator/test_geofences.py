"""Geofences: coordinates as decimal strings, enums, search, updates, tenancy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import esperclient
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, esper_error, json_of


@pytest.fixture
def geofences(api_client: esperclient.ApiClient) -> esperclient.GeofenceApi:
    return esperclient.GeofenceApi(api_client)


def _fence(name: str = "Warehouse", **fields: Any) -> esperclient.Geofence:
    fields.setdefault("latitude", "37.7749")
    fields.setdefault("longitude", "-122.4194")
    return esperclient.Geofence(name=name, **fields)


def _url(tenant: Tenant, geofence_id: str | None = None) -> str:
    base = f"{tenant.host}/v0/enterprise/{tenant.enterprise_id}/geofence/"
    return base if geofence_id is None else f"{base}{geofence_id}/"


def test_a_created_geofence_has_defaults_and_the_creator(
    tenant: Tenant, api_client: esperclient.ApiClient, geofences: esperclient.GeofenceApi
) -> None:
    created, status, _ = geofences.create_geofence_with_http_info(
        _fence(latitude="-33.8688", longitude="151.2093"), tenant.enterprise_id
    )
    assert status == 201
    assert uuid.UUID(created.id) and created.enterprise == tenant.enterprise_id
    assert (created.latitude, created.longitude) == ("-33.8688", "151.2093")
    assert (created.radius, created.radius_unit, created.device_actions) == (100, "METERS", [])
    assert created.description == "" and created.device_count == 0
    assert created.created_by == esperclient.TokenApi(api_client).get_token_info().user
    assert geofences.get_geofence(created.id, tenant.enterprise_id) == created


def test_given_fields_are_kept(tenant: Tenant, geofences: esperclient.GeofenceApi) -> None:
    created = geofences.create_geofence(
        _fence(
            description="Dock 4",
            radius=2,
            radius_unit="KILOMETERS",
            device_actions=["LOCK_DOWN", "BEEP"],
            latitude="90",
            longitude="-180.000",
        ),
        tenant.enterprise_id,
    )
    assert (created.description, created.radius, created.radius_unit) == ("Dock 4", 2, "KILOMETERS")
    assert created.device_actions == ["LOCK_DOWN", "BEEP"]
    assert (created.latitude, created.longitude) == ("90", "-180.000")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"latitude": None}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"latitude": "90.0001"}, "latitude"),
        ({"latitude": "-91"}, "latitude"),
        ({"longitude": "180.5"}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"longitude": "NaN"}, "longitude"),
        ({"latitude": "Infinity"}, "latitude"),
        ({"latitude": 37.7}, "latitude"),
        ({"radius": 0}, "radius"),
        ({"radius_unit": "FEET"}, "radius_unit"),
        ({"device_actions": ["LOCK_DOWN", "EXPLODE"]}, "device_actions"),
    ],
)
def test_a_bad_field_is_a_400_naming_it_and_nothing_is_stored(
    tenant: Tenant, change: dict[str, Any], field: str
) -> None:
    body = {"name": "Bad", "latitude": "1.5", "longitude": "2.5", **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert field in esper_error(response, 400)["errors"][0]
    assert json_of(call("GET", _url(tenant), key=tenant.api_key))["count"] == 0


def test_search_matches_name_or_description_and_pages(
    tenant: Tenant, geofences: esperclient.GeofenceApi
) -> None:
    eid = tenant.enterprise_id
    geofences.create_geofence(_fence("North Store"), eid)
    geofences.create_geofence(_fence("Depot", description="north side loading"), eid)
    geofences.create_geofence(_fence("South Store"), eid)
    assert geofences.get_all_geofences(eid).count == 3
    found = geofences.get_all_geofences(eid, search="NORTH")
    assert found.count == 2 and [g.name for g in found.results] == ["North Store", "Depot"]
    assert [g.name for g in geofences.get_all_geofences(eid, search="store").results] == [
        "North Store",
        "South Store",
    ]
    page = geofences.get_all_geofences(eid, search="o", limit=1, offset=1)
    assert page.count == 3 and [g.name for g in page.results] == ["Depot"]
    assert page.next is not None and page.previous is not None
    assert geofences.get_all_geofences(eid, search="50%").count == 0


def test_put_replaces_and_patch_changes_only_what_is_given(
    tenant: Tenant, geofences: esperclient.GeofenceApi
) -> None:
    eid = tenant.enterprise_id
    created = geofences.create_geofence(
        _fence(description="Old", radius=5, device_actions=["BEEP"]), eid
    )
    replaced = geofences.update_geofence(
        created.id, eid, esperclient.Geofence(name="New", latitude="1", longitude="2")
    )
    assert (replaced.name, replaced.latitude, replaced.longitude) == ("New", "1", "2")
    assert (replaced.description, replaced.radius, replaced.device_actions) == ("", 100, [])
    assert (replaced.id, replaced.created_on) == (created.id, created.created_on)
    patched = geofences.partial_update_geofence(
        created.id, eid, esperclient.GeofenceUpdate(latitude="-45.5", radius_unit="MILES")
    )
    assert (patched.name, patched.latitude, patched.radius_unit) == ("New", "-45.5", "MILES")
    assert patched.updated_on > replaced.updated_on
    url = _url(tenant, created.id)
    esper_error(call("PUT", url, key=tenant.api_key, json={"name": "No coordinates"}), 400)
    response = call("PATCH", url, key=tenant.api_key, json={"name": "Half", "longitude": "181"})
    assert "longitude" in esper_error(response, 400)["errors"][0]
    assert geofences.get_geofence(created.id, eid) == patched


def test_delete_is_204_and_the_geofence_is_gone(
    tenant: Tenant, geofences: esperclient.GeofenceApi
) -> None:
    created = geofences.create_geofence(_fence(), tenant.enterprise_id)
    _, status, _ = geofences.delete_geofence_with_http_info(created.id, tenant.enterprise_id)
    assert status == 204
    with pytest.raises(esperclient.NotFoundError):
        geofences.get_geofence(created.id, tenant.enterprise_id)
    with pytest.raises(esperclient.NotFoundError):
        geofences.delete_geofence(created.id, tenant.enterprise_id)


def test_unknown_and_malformed_ids(tenant: Tenant) -> None:
    esper_error(call("GET", _url(tenant, str(uuid.uuid4())), key=tenant.api_key), 404)
    response = call("GET", _url(tenant, "not-a-uuid"), key=tenant.api_key)
    assert "geofence_id" in esper_error(response, 400)["errors"][0]


def test_another_enterprise_geofences_are_404_under_my_path_and_403_under_theirs(
    tenant: Tenant, other: Tenant
) -> None:
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        theirs = esperclient.GeofenceApi(client).create_geofence(_fence(), other.enterprise_id)
    body = {"name": "Mine", "latitude": "1", "longitude": "1"}
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        esper_error(call(method, _url(tenant, theirs.id), key=tenant.api_key, json=body), 404)
        esper_error(call(method, _url(other, theirs.id), key=tenant.api_key, json=body), 403)
    assert json_of(call("GET", _url(other, theirs.id), key=other.api_key))["name"] == "Warehouse"
