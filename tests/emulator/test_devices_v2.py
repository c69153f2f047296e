"""Devices v2 over real HTTP: filters, orderings, offset and cursor pages, each platform's
shape, subgroups, heartbeats, device apps, and the tag routes real clients use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import msgspec
import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import devices as devices_db
from esperclient import DeviceState
from esperclient._generated import v2
from tests.conftest import Tenant, make_configuration, new_tenant
from tests.emulator.conftest import call, esper_error, json_of

OTHERS = {"iOS": 2, "iPadOS": 1, "Linux": 2, "Windows": 3}
PLATFORM_OF = {"iOS": "APPLE", "iPadOS": "APPLE", "Linux": "LINUX", "Windows": "WINDOWS"}
ANDROID = 12
V2Device = v2.AndroidDeviceV2 | v2.AppleDeviceV2 | v2.LinuxDeviceV2 | v2.WindowsDeviceV2


@dataclass(frozen=True)
class Fleet:
    """A tenant with Android devices and devices of every other platform."""

    server: EmulatorServer
    tenant: Tenant
    by_os: dict[str, list[str]]

    def get(self, path: str, **query: Any) -> Any:
        """The ``content`` of a successful v2 answer."""
        return self.answer(path, 200, **query)["content"]

    def answer(self, path: str, status: int, **query: Any) -> Any:
        """The whole answer (envelope included), checked to have ``status``."""
        url = f"{self.tenant.host}{path}"
        fields = {name: str(value) for name, value in query.items()}
        response = call("GET", url + _query(fields), key=self.tenant.api_key)
        body = json_of(response, status)
        assert body["code"] == status
        return body

    def ids(self, **query: Any) -> list[str]:
        """The ids of every device the list holds with ``query`` (one page of 1000)."""
        return [device["id"] for device in self.get("/v2/devices/", limit=1000, **query)["results"]]

    def set_online(self, device_id: str, online: bool) -> None:
        """Bring a device online or take it offline."""
        with self.server.emulator.store.transaction():
            self.server.emulator.fleet.set_online(self.tenant.enterprise_id, device_id, online)

    def set_columns(self, device_id: str, **columns: Any) -> None:
        """Write a device's columns straight to the store (as converge will)."""
        with self.server.emulator.store.transaction() as store:
            devices_db.save(store, device_id, columns)


def _query(fields: dict[str, str]) -> str:
    return "?" + urlencode(fields) if fields else ""


@pytest.fixture
def fleet(server: EmulatorServer) -> Fleet:
    tenant = new_tenant(server, devices=ANDROID)
    by_os = {"Android": list(tenant.device_ids)}
    with server.emulator.store.transaction():
        for os_name, count in OTHERS.items():
            by_os[os_name] = server.emulator.seeder.devices(tenant.enterprise_id, count, os=os_name)
    return Fleet(server, tenant, by_os)


def _all(fleet: Fleet) -> list[str]:
    return [device_id for ids in fleet.by_os.values() for device_id in ids]


# shapes


def test_each_platform_has_its_own_shape_with_the_common_fields(fleet: Fleet) -> None:
    for os_name, ids in fleet.by_os.items():
        content = fleet.get(f"/v2/devices/{ids[0]}")
        device = msgspec.json.decode(msgspec.json.encode(content), type=V2Device)
        assert content["platform"] == PLATFORM_OF.get(os_name, "ANDROID")
        assert content["os"] == os_name and content["os_version"]
        assert device.id == ids[0] and device.tenant_id == fleet.tenant.enterprise_id
        assert content["serial"] and content["group_id"] and content["last_seen"]
        assert content["state"] in (DeviceState.ONLINE, DeviceState.OFFLINE)
        assert 5 <= content["battery_stats"]["battery_level"] <= 100
        assert set(content["blueprint_info"]) <= {
            "assigned_blueprint_id",
            "current_blueprint_id",
            "current_blueprint_version_id",
            "blueprint_upgrade_status",
        }
        assert content["tags"] and all(uuid.UUID(tag) for tag in content["tags"])
    android = fleet.get(f"/v2/devices/{fleet.by_os['Android'][0]}")
    assert android["is_gms"] in (True, False) and android["network_info"]["imei1"]
    apple = fleet.get(f"/v2/devices/{fleet.by_os['iOS'][0]}")
    assert apple["udid"] and apple["device_source"] == "NON_ABM"


def test_a_device_is_the_stored_one_not_a_copy(fleet: Fleet) -> None:
    device_id = fleet.by_os["Linux"][0]
    blueprint = str(uuid.uuid4())
    fleet.set_columns(device_id, assigned_blueprint_id=blueprint, battery_level=42.0)
    content = fleet.get(f"/v2/devices/{device_id}")
    assert content["blueprint_info"]["assigned_blueprint_id"] == blueprint
    assert content["battery_stats"]["battery_level"] == 42.0


def test_an_unknown_device_is_a_404_in_the_envelope(fleet: Fleet) -> None:
    body = fleet.answer(f"/v2/devices/{uuid.uuid4()}", 404)
    assert body["content"] == {} and "not found" in body["message"]


def test_another_enterprises_device_is_not_found(fleet: Fleet, server: EmulatorServer) -> None:
    other = new_tenant(server, devices=1)
    fleet.answer(f"/v2/devices/{other.device_ids[0]}", 404)
    assert other.device_ids[0] not in fleet.ids()


# the legacy list


def test_the_legacy_list_shows_only_the_android_devices(fleet: Fleet) -> None:
    url = f"{fleet.tenant.host}/enterprise/{fleet.tenant.enterprise_id}/device/?limit=100"
    page = json_of(call("GET", url, key=fleet.tenant.api_key))
    assert page["count"] == ANDROID
    assert {device["id"] for device in page["results"]} == set(fleet.by_os["Android"])
    filtered = json_of(call("GET", url + "&search=-", key=fleet.tenant.api_key))
    assert {device["id"] for device in filtered["results"]} <= set(fleet.by_os["Android"])


# filters


def test_platform_and_os_filters(fleet: Fleet) -> None:
    apple = fleet.by_os["iOS"] + fleet.by_os["iPadOS"]
    assert set(fleet.ids(platform="APPLE")) == set(apple)
    both = fleet.ids(platform="LINUX,WINDOWS")
    assert set(both) == set(fleet.by_os["Linux"] + fleet.by_os["Windows"])
    assert set(fleet.ids(os="iPadOS")) == set(fleet.by_os["iPadOS"])
    assert set(fleet.ids(platform="ANDROID")) == set(fleet.by_os["Android"])
    assert fleet.answer("/v2/devices/", 400, platform="PALM")["content"] == {}
    fleet.answer("/v2/devices/", 400, os="BeOS")


def test_state_filter_takes_one_state_or_several(fleet: Fleet) -> None:
    fleet.set_online(fleet.by_os["Android"][0], True)
    fleet.set_online(fleet.by_os["Windows"][0], False)
    everyone = fleet.get("/v2/devices/", limit=1000)["results"]
    online = {d["id"] for d in everyone if d["state"] == DeviceState.ONLINE}
    assert online and len(online) < len(everyone)
    assert set(fleet.ids(state=DeviceState.ONLINE)) == online
    both = fleet.ids(state=f"{DeviceState.ONLINE},{DeviceState.OFFLINE}")
    assert set(both) == {d["id"] for d in everyone}
    assert fleet.ids(state=DeviceState.DISABLED) == []
    fleet.answer("/v2/devices/", 400, state="7")
    fleet.answer("/v2/devices/", 400, state="online")


def test_group_multi_takes_subgroups_and_immediate_does_not(fleet: Fleet) -> None:
    eid = fleet.tenant.enterprise_id
    android, windows = fleet.by_os["Android"], fleet.by_os["Windows"]
    with fleet.server.emulator.store.transaction():
        seeder = fleet.server.emulator.seeder
        parent = seeder.group(eid, "Parent", android[:3])
        child = seeder.group(eid, "Child", android[3:5] + windows[:1], parent)
        grandchild = seeder.group(eid, "Grandchild", windows[1:2], child)
        other = seeder.group(eid, "Other", android[5:6])
    assert set(fleet.ids(group_multi=parent)) == {*android[:5], *windows[:2]}
    assert set(fleet.ids(group_multi_immediate=parent)) == set(android[:3])
    assert set(fleet.ids(group_multi=f"{child},{other}")) == {*android[3:6], *windows[:2]}
    assert set(fleet.ids(group_multi_immediate=grandchild)) == {windows[1]}
    subgroups = fleet.get("/v2/subgroups", parent_group_ids=parent)["subgroups"]
    assert set(subgroups) == {child, grandchild}
    immediate = fleet.get("/v2/subgroups", parent_group_ids=parent, immediate="true")
    assert immediate["subgroups"] == [child]
    assert fleet.get("/v2/subgroups", parent_group_ids=f"{grandchild},{other}")["subgroups"] == []
    fleet.answer("/v2/devices/", 400, group_multi=str(uuid.uuid4()))
    for query in ("?parent_group_ids=nope", ""):  # its errors are the spec's ErrorResponse
        response = call("GET", f"{fleet.tenant.host}/v2/subgroups{query}", key=fleet.tenant.api_key)
        assert all(isinstance(e, str) for e in esper_error(response, 400)["errors"])


def test_search_finds_name_serial_imei_alias_brand_and_model(fleet: Fleet) -> None:
    device_id = fleet.by_os["Android"][3]
    device = fleet.get(f"/v2/devices/{device_id}")
    for text in (
        device["name"],
        device["serial"][2:],
        device["network_info"]["imei1"],
        device["hardware_info"]["model"],
    ):
        assert device_id in fleet.ids(search=text.lower()), text
    windows = fleet.get(f"/v2/devices/{fleet.by_os['Windows'][0]}")
    assert fleet.by_os["Windows"][0] in fleet.ids(search=windows["alias"].upper())
    assert fleet.ids(search="no such device anywhere") == []


def test_blueprint_filters(fleet: Fleet) -> None:
    first, second = fleet.by_os["Android"][:2]
    blueprint, version = str(uuid.uuid4()), str(uuid.uuid4())
    fleet.set_columns(first, assigned_blueprint_id=blueprint, current_blueprint_id=blueprint)
    fleet.set_columns(first, current_blueprint_version_id=version)
    fleet.set_columns(second, assigned_blueprint_id=blueprint)
    assert set(fleet.ids(assigned_blueprint_id=blueprint)) == {first, second}
    assert fleet.ids(current_blueprint_id=blueprint) == [first]
    assert fleet.ids(current_blueprint_version_id=version) == [first]
    not_at = fleet.ids(current_blueprint_version_id_net=version)
    assert first not in not_at and len(not_at) == len(_all(fleet)) - 1


def test_battery_gms_serial_and_version_filters(fleet: Fleet) -> None:
    low, high = fleet.by_os["Android"][:2]
    for device_id in _all(fleet):
        fleet.set_columns(device_id, battery_level=50.0)
    fleet.set_columns(low, battery_level=10.0)
    fleet.set_columns(high, battery_level=95.0)
    assert fleet.ids(battery_level_lte="10") == [low]
    assert fleet.ids(battery_level_gte="90.5") == [high]
    assert len(fleet.ids(battery_level_gte=20, battery_level_lte=60)) == len(_all(fleet)) - 2
    fleet.answer("/v2/devices/", 400, battery_level_gte="full")
    gms = fleet.ids(is_gms="true")
    assert gms and set(gms) <= set(fleet.by_os["Android"])
    serial = fleet.get(f"/v2/devices/{low}")["serial"]
    assert fleet.ids(serial=serial) == [low]
    windows = fleet.get(f"/v2/devices/{fleet.by_os['Windows'][0]}")
    matching = fleet.ids(windows_version=windows["os_version"])
    assert fleet.by_os["Windows"][0] in matching
    assert set(matching) <= set(fleet.by_os["Windows"])


def test_filters_the_emulator_does_not_model_are_refused_and_unknown_ones_too(
    fleet: Fleet,
) -> None:
    assert "does not model" in fleet.answer("/v2/devices/", 400, udid="X")["message"]
    assert "Unknown query parameter" in fleet.answer("/v2/devices/", 400, colour="red")["message"]


# paging and ordering


def test_limit_is_10_by_default_at_most_1000(fleet: Fleet) -> None:
    page = fleet.get("/v2/devices/")
    assert len(page["results"]) == 10 and page["count"] == len(_all(fleet))
    assert set(page) == {"count", "next", "prev", "results"}
    assert len(fleet.get("/v2/devices/", limit=1000)["results"]) == len(_all(fleet))
    fleet.answer("/v2/devices/", 400, limit=1001)
    fleet.answer("/v2/devices/", 400, limit=1001, cursor="start")


def test_offset_pages_link_next_and_prev(fleet: Fleet) -> None:
    second = fleet.get("/v2/devices/", limit=5, offset=5)
    assert "offset=10" in second["next"] and second["prev"]
    first = fleet.get("/v2/devices/", limit=5)
    assert first["prev"] is None
    assert [d["id"] for d in first["results"] + second["results"]] == _all(fleet)[:10]


@pytest.mark.parametrize("ordering", [None, "name", "-battery_level", "state", "-platform"])
def test_cursor_pages_go_through_the_fleet_without_repeats_or_gaps(
    fleet: Fleet, ordering: str | None
) -> None:
    extra = {"ordering": ordering} if ordering else {}
    everything = fleet.ids(**extra)
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    cursor = "start"
    while cursor:
        page = fleet.get("/v2/devices/", limit=4, cursor=cursor, offset=8, **extra)
        assert set(page) == {"results", "next_cursor", "prev_cursor", "has_more", "has_prev"}
        assert page["has_prev"] == bool(pages) and page["has_more"] == bool(page["next_cursor"])
        pages.append(page)
        seen += [device["id"] for device in page["results"]]
        cursor = page["next_cursor"]
    assert seen == everything and len(set(seen)) == len(_all(fleet))
    back = fleet.get("/v2/devices/", limit=4, cursor=pages[-1]["prev_cursor"], **extra)
    assert back["results"] == pages[-2]["results"]
    assert back["has_more"] and back["has_prev"] == (len(pages) > 2)


def test_orderings_sort_by_their_field_either_way(fleet: Fleet) -> None:
    by_name = fleet.get("/v2/devices/", limit=1000, ordering="name")["results"]
    assert [d["name"] for d in by_name] == sorted(d["name"] for d in by_name)
    down = fleet.get("/v2/devices/", limit=1000, ordering="-battery_level")["results"]
    levels = [d["battery_stats"]["battery_level"] for d in down]
    assert levels == sorted(levels, reverse=True)
    assert "ordering" in fleet.answer("/v2/devices/", 400, ordering="colour")["message"]


def test_a_cursor_that_is_not_one_is_a_400(fleet: Fleet) -> None:
    fleet.answer("/v2/devices/", 400, cursor="garbage!")


# heartbeats, device apps


def test_heartbeats_of_devices_last_seen_in_a_window(fleet: Fleet) -> None:
    window = {"last_seen_gt": "2000-01-01T00:00:00Z", "last_seen_lt": "2200-01-01T00:00:00"}
    page = fleet.get("/v2/heartbeat/", limit=100, **window)
    assert page["count"] == len(_all(fleet))
    beats = {beat["device_id"]: beat for beat in page["results"]}
    device = fleet.get(f"/v2/devices/{fleet.by_os['Linux'][0]}")
    beat = beats[device["id"]]
    assert beat["timestamp"] == device["last_seen"]
    assert beat["status"] == (1 if device["state"] == DeviceState.ONLINE else 0)
    linux = fleet.get("/v2/heartbeat/", platform="LINUX", **window)
    assert {beat["device_id"] for beat in linux["results"]} == set(fleet.by_os["Linux"])
    empty = {"last_seen_gt": "2000-01-01T00:00:00Z", "last_seen_lt": "2000-01-02T00:00:00Z"}
    assert fleet.get("/v2/heartbeat/", **empty)["count"] == 0
    fleet.answer("/v2/heartbeat/", 400, last_seen_gt="yesterday", last_seen_lt="today")
    fleet.answer("/v2/heartbeat/", 400, last_seen_gt="2000-01-01T00:00:00Z")


def test_device_apps_of_a_device_and_devices_with_an_app(fleet: Fleet) -> None:
    ios = fleet.by_os["iOS"][0]
    page = fleet.get(f"/v2/devices/{ios}/device-apps/", app_type="VPP,TENANT_IOS")
    assert page == {"count": 0, "next": None, "prev": None, "results": []}
    fleet.answer(f"/v2/devices/{ios}/device-apps/", 400, app_type="APK")
    fleet.answer(f"/v2/devices/{uuid.uuid4()}/device-apps/", 404)
    assert fleet.get("/v2/device-apps", app_id=1, app_version_id=2)["results"] == []
    fleet.answer("/v2/device-apps", 400, app_id=1)


# tags (not in the public reference)


def _tags_url(fleet: Fleet, device_id: str | None = None) -> str:
    base = f"{fleet.tenant.host}/enterprise/{fleet.tenant.enterprise_id}"
    return f"{base}/device/{device_id}/" if device_id else f"{base}/tags/"


def test_patching_a_devices_tags_then_filtering_v2_by_their_ids(fleet: Fleet) -> None:
    key = fleet.tenant.api_key
    target, other = fleet.by_os["Android"][0], fleet.by_os["Windows"][0]
    for device_id in (target, other):
        patched = call(
            "PATCH", _tags_url(fleet, device_id), key=key, json={"tags": ["Red", "Blue"]}
        )
        assert json_of(patched)["tags"] == ["Red", "Blue"]
    call("PATCH", _tags_url(fleet, other), key=key, json={"tags": ["Blue"]})
    tags = json_of(call("GET", _tags_url(fleet) + "?search=e&ordering=-tag", key=key))
    by_name = {tag["tag"]: tag["id"] for tag in tags["results"]}
    assert [name for name in by_name if name in ("Red", "Blue")] == ["Red", "Blue"]
    assert fleet.ids(tags=by_name["Red"]) == [target]
    assert set(fleet.ids(tags=by_name["Blue"])) == {target, other}
    shown = fleet.get(f"/v2/devices/{target}")["tags"]
    assert shown == [by_name["Red"], by_name["Blue"]]
    assert fleet.ids(tags=str(uuid.uuid4())) == []
    legacy = json_of(call("GET", _tags_url(fleet, target), key=key))
    assert legacy["tags"] == ["Red", "Blue"]


def test_bad_tags_are_a_400_and_change_nothing(fleet: Fleet) -> None:
    key, device_id = fleet.tenant.api_key, fleet.by_os["Android"][0]
    before = fleet.get(f"/v2/devices/{device_id}")["tags"]
    for tags in (["a,b"], [""], [f"t{n}" for n in range(21)], "red"):
        response = call("PATCH", _tags_url(fleet, device_id), key=key, json={"tags": tags})
        assert response.status == 400, tags
    assert fleet.get(f"/v2/devices/{device_id}")["tags"] == before
    missing = call("PATCH", _tags_url(fleet, str(uuid.uuid4())), key=key, json={"tags": []})
    assert missing.status == 404


def test_an_alias_set_by_update_device_config_shows_in_v2(fleet: Fleet) -> None:
    device_id = fleet.by_os["Android"][0]
    fleet.set_online(device_id, True)
    configuration = make_configuration(fleet.tenant.host, fleet.tenant.api_key)
    with esperclient.ApiClient(configuration) as api_client:
        esperclient.CommandsV2Api(api_client).create_command(
            fleet.tenant.enterprise_id,
            {
                "command_type": "DEVICE",
                "devices": [device_id],
                "command": "UPDATE_DEVICE_CONFIG",
                "command_args": {"device_alias_name": "Till 9"},
            },
        )
    for _ in range(50):  # each request applies the state changes that are due
        if fleet.get(f"/v2/devices/{device_id}").get("alias") == "Till 9":
            break
    assert fleet.get(f"/v2/devices/{device_id}")["alias"] == "Till 9"
    assert fleet.ids(search="till 9") == [device_id]
    by_alias = fleet.get("/v2/devices/", limit=1000, ordering="-alias")["results"]
    aliases = [device.get("alias") or "" for device in by_alias]
    assert aliases == sorted(aliases, reverse=True)


def test_the_side_door_enrolls_devices_of_another_platform(fleet: Fleet) -> None:
    side_door = fleet.tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{fleet.tenant.enterprise_id}/devices"
    added = json_of(call("POST", url, json={"count": 2, "os": "tvOS"}), 201)["device_ids"]
    assert set(fleet.ids(os="tvOS")) == set(added)
    assert all(fleet.get(f"/v2/devices/{d}")["platform"] == "APPLE" for d in added)
    assert call("POST", url, json={"count": 1, "os": "Symbian"}).status == 400


def test_a_tag_filter_matches_the_whole_name_in_its_case(fleet: Fleet) -> None:
    key = fleet.tenant.api_key
    names = {"Red": fleet.by_os["Android"][0], "red": fleet.by_os["Android"][1]}
    names["Reddish"] = fleet.by_os["Android"][2]
    for name, device_id in names.items():
        call("PATCH", _tags_url(fleet, device_id), key=key, json={"tags": [name]})
    tags = json_of(call("GET", _tags_url(fleet) + "?search=red&limit=100", key=key))["results"]
    by_name = {tag["tag"]: tag["id"] for tag in tags}
    for name, device_id in names.items():
        assert fleet.ids(tags=by_name[name]) == [device_id], name
    assert set(fleet.ids(tags=f"{by_name['Red']},{by_name['red']}")) == {
        names["Red"],
        names["red"],
    }


def test_the_generated_surface_reads_every_answer(fleet: Fleet) -> None:
    tenant = fleet.tenant
    with esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    ) as esper:
        apple = esper.v2.device_v2.list(platform="APPLE", page_size=2).to_list()
        assert [d.id for d in apple] == fleet.by_os["iOS"] + fleet.by_os["iPadOS"]
        assert all(isinstance(d, v2.AppleDeviceV2) for d in apple)
        linux = esper.v2.device_v2.get(fleet.by_os["Linux"][0])
        assert isinstance(linux, v2.LinuxDeviceV2) and linux.os == "Linux"
        beats = esper.v2.device_heartbeat.list(
            last_seen_gt="2000-01-01T00:00:00Z", last_seen_lt="2200-01-01T00:00:00Z", page_size=5
        ).to_list()
        assert sorted(beat.device_id for beat in beats) == sorted(_all(fleet))
        with fleet.server.emulator.store.transaction():
            seeder = fleet.server.emulator.seeder
            parent = seeder.group(tenant.enterprise_id, "Top", [])
            child = seeder.group(tenant.enterprise_id, "Below", [], parent)
        assert esper.v2.device_group.get(parent_group_ids=parent).subgroups == [child]
