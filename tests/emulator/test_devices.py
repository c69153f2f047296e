"""Devices: paging at its edges, query validation, and every filter of the list."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from tests.conftest import Tenant, new_tenant
from tests.emulator.conftest import call, esper_error, json_of

Devices = Callable[..., esperclient.InlineResponse2003]


@pytest.fixture
def devices(tenant: Tenant, api_client: esperclient.ApiClient) -> Devices:
    """``get_all_devices`` of the tenant, with keyword filters."""
    api = esperclient.DeviceApi(api_client)

    def list_devices(**filters: object) -> esperclient.InlineResponse2003:
        return api.get_all_devices(tenant.enterprise_id, **filters)

    return list_devices


@pytest.fixture
def fleet(devices: Devices) -> list[esperclient.Device]:
    """All 30 devices of the tenant, in the order the list serves them."""
    return devices(limit=100).results


def _query(link: str | None) -> dict[str, list[str]]:
    assert link is not None
    return parse_qs(urlsplit(link).query)


# paging


def test_the_first_page_links_to_the_next_only(devices: Devices, tenant: Tenant) -> None:
    page = devices(limit=10)
    assert page.count == 30 and len(page.results) == 10
    assert [d.id for d in page.results] == tenant.device_ids[:10]
    assert page.previous is None
    assert _query(page.next) == {"limit": ["10"], "offset": ["10"]}
    assert page.next.startswith(f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?")


def test_the_default_page_is_20_from_the_start(devices: Devices, tenant: Tenant) -> None:
    page = devices()
    assert page.count == 30 and [d.id for d in page.results] == tenant.device_ids[:20]
    assert _query(page.next) == {"limit": ["20"], "offset": ["20"]}


def test_a_middle_page_links_both_ways(devices: Devices, tenant: Tenant) -> None:
    page = devices(limit=7, offset=7)
    assert [d.id for d in page.results] == tenant.device_ids[7:14]
    assert _query(page.next) == {"limit": ["7"], "offset": ["14"]}
    assert _query(page.previous) == {"limit": ["7"]}  # back to offset 0, left out
    assert _query(devices(limit=7, offset=15).previous) == {"limit": ["7"], "offset": ["8"]}


def test_an_exact_last_page_has_no_next(devices: Devices, tenant: Tenant) -> None:
    page = devices(limit=10, offset=20)
    assert [d.id for d in page.results] == tenant.device_ids[20:]
    assert page.next is None
    assert _query(page.previous) == {"limit": ["10"], "offset": ["10"]}


def test_a_partial_last_page_has_the_rest(devices: Devices, tenant: Tenant) -> None:
    page = devices(limit=8, offset=24)
    assert [d.id for d in page.results] == tenant.device_ids[24:]
    assert page.next is None and page.count == 30


@pytest.mark.parametrize("offset", [30, 31, 1000])
def test_an_offset_at_or_past_the_count_is_empty(devices: Devices, offset: int) -> None:
    page = devices(limit=10, offset=offset)
    assert page.count == 30 and page.results == [] and page.next is None
    assert _query(page.previous) == {"limit": ["10"], "offset": [str(offset - 10)]}


def test_limit_one(devices: Devices, tenant: Tenant) -> None:
    page = devices(limit=1, offset=29)
    assert [d.id for d in page.results] == tenant.device_ids[29:]
    assert page.next is None and _query(page.previous) == {"limit": ["1"], "offset": ["28"]}


def test_following_next_visits_every_device_once(tenant: Tenant) -> None:
    seen: list[str] = []
    link: str | None = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?limit=7"
    while link:
        page = json_of(call("GET", link, key=tenant.api_key))
        assert page["count"] == 30
        seen += [d["id"] for d in page["results"]]
        link = page["next"]
    assert seen == tenant.device_ids


def test_links_keep_the_other_parameters_first_in_their_order(tenant: Tenant) -> None:
    """Each link is the request's query with ``limit`` and ``offset`` moved to its end."""
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"
    middle = json_of(call("GET", f"{url}?offset=4&name=&search=&limit=2", key=tenant.api_key))
    assert middle["next"] == f"{url}?name=&search=&limit=2&offset=6"
    assert middle["previous"] == f"{url}?name=&search=&limit=2&offset=2"
    second = json_of(call("GET", f"{url}?offset=2&limit=2&name=", key=tenant.api_key))
    assert second["previous"] == f"{url}?name=&limit=2"


def test_following_previous_from_the_end_visits_every_device_once(tenant: Tenant) -> None:
    seen: list[str] = []
    link: str | None = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?limit=4&offset=28"
    while link:
        page = json_of(call("GET", link, key=tenant.api_key))
        seen = [d["id"] for d in page["results"]] + seen
        link = page["previous"]
    assert seen == tenant.device_ids


def test_fleets_grown_in_turns_page_apart(server: EmulatorServer) -> None:
    """Devices added to two enterprises in turns: each lists its own, in order, at any offset."""
    first, second = new_tenant(server, devices=5), new_tenant(server, devices=3)
    added: dict[str, list[str]] = {first.enterprise_id: [], second.enterprise_id: []}
    for n in range(1, 5):
        for tenant in (first, second):
            with server.emulator.store.transaction():
                added[tenant.enterprise_id] += server.emulator.seeder.devices(
                    tenant.enterprise_id, n
                )
    for tenant in (first, second):
        expected = tenant.device_ids + added[tenant.enterprise_id]
        url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"
        for offset in range(len(expected) + 1):
            page = json_of(call("GET", f"{url}?limit=3&offset={offset}", key=tenant.api_key))
            assert page["count"] == len(expected)
            assert [d["id"] for d in page["results"]] == expected[offset : offset + 3]


def test_links_keep_the_filters(devices: Devices, fleet: list[esperclient.Device]) -> None:
    expected = [d.id for d in fleet if d.state == 1]
    first = devices(state=1, limit=1)
    assert first.count == len(expected) > 1
    assert _query(first.next) == {"state": ["1"], "limit": ["1"], "offset": ["1"]}
    last = devices(state=1, limit=1, offset=len(expected) - 1)
    assert [d.id for d in last.results] == expected[-1:] and last.next is None
    assert _query(last.previous)["state"] == ["1"]


# query validation


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=10001", "limit"),
        ("limit=ten", "limit"),
        ("limit=1.5", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("state=online", "state"),
        ("is_gms=maybe", "is_gms"),
        ("group=not-a-uuid", "group"),
        ("colour=red", "colour"),
    ],
)
def test_bad_query_values_are_400_naming_the_field(tenant: Tenant, query: str, field: str) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?{query}"
    body = esper_error(call("GET", url, key=tenant.api_key), 400)
    assert body["message"].startswith(f"{field}: ")
    assert [field] == [key for error in body["errors"] for key in error]


def test_the_largest_page_is_allowed(devices: Devices) -> None:
    assert len(devices(limit=10000).results) == 30


def test_the_sdk_sees_the_field_errors(devices: Devices) -> None:
    with pytest.raises(esperclient.BadRequestError) as caught:
        devices(limit=0)
    assert caught.value.status == 400 and "limit" in caught.value.field_errors


# filters


def test_name_is_an_exact_match(devices: Devices, fleet: list[esperclient.Device]) -> None:
    name = fleet[3].device_name
    assert [d.id for d in devices(name=name).results] == [fleet[3].id]
    assert devices(name=name[:-1]).count == 0


def test_state(devices: Devices, fleet: list[esperclient.Device]) -> None:
    online = [d.id for d in fleet if d.state == 1]
    offline = [d.id for d in fleet if d.state == 60]
    assert online and offline and len(online) + len(offline) == 30
    assert [d.id for d in devices(state=1, limit=100).results] == online
    assert [d.id for d in devices(state=60, limit=100).results] == offline


def test_brand_ignores_case(devices: Devices, fleet: list[esperclient.Device]) -> None:
    brand = fleet[0].hardware_info["brand"]
    expected = [d.id for d in fleet if d.hardware_info["brand"] == brand]
    for spelling in (brand, brand.upper(), brand.lower()):
        assert [d.id for d in devices(brand=spelling, limit=100).results] == expected
    assert devices(brand=brand[:3]).count == 0


def test_is_gms_in_every_spelling(
    devices: Devices, tenant: Tenant, fleet: list[esperclient.Device]
) -> None:
    gms = [d.id for d in fleet if d.is_gms]
    other = [d.id for d in fleet if not d.is_gms]
    assert gms and other
    assert [d.id for d in devices(is_gms=True, limit=100).results] == gms
    assert [d.id for d in devices(is_gms=False, limit=100).results] == other
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?limit=100&is_gms="
    for spelling, expected in (("True", gms), ("1", gms), ("False", other), ("0", other)):
        page = json_of(call("GET", url + spelling, key=tenant.api_key))
        assert [d["id"] for d in page["results"]] == expected


def test_group(server: EmulatorServer, devices: Devices, tenant: Tenant) -> None:
    members = tenant.device_ids[5:9]
    with server.emulator.store.transaction():
        group = server.emulator.seeder.group(tenant.enterprise_id, "Kiosks", members)
        empty = server.emulator.seeder.group(tenant.enterprise_id, "Empty", [])
    assert [d.id for d in devices(group=group).results] == members
    assert devices(group=group.upper()).count == len(members)
    assert devices(group=empty).count == 0


def test_group_of_another_enterprise_shows_none_of_its_devices(
    server: EmulatorServer, devices: Devices, other: Tenant
) -> None:
    with server.emulator.store.transaction():
        group = server.emulator.seeder.group(other.enterprise_id, "Theirs", other.device_ids)
    assert devices(group=group).count == 0


def test_imei_and_serial_are_exact(devices: Devices, fleet: list[esperclient.Device]) -> None:
    device = fleet[11]
    imei, serial = device.network_info["imei1"], device.hardware_info["serialNumber"]
    assert [d.id for d in devices(imei=imei).results] == [device.id]
    assert [d.id for d in devices(serial=serial).results] == [device.id]
    assert devices(imei=imei[:-2]).count == 0 and devices(serial=serial[1:]).count == 0


def test_search_is_partial_over_name_imei_and_mac(
    devices: Devices, fleet: list[esperclient.Device]
) -> None:
    device = fleet[17]
    for term in (
        device.device_name[-4:],
        device.network_info["imei1"][4:12],
        device.network_info["wifiMacAddress"][3:11].upper(),
    ):
        found = {d.id for d in devices(search=term, limit=100).results}
        assert device.id in found
        assert all(_mentions(d, term) for d in fleet if d.id in found)
    assert devices(search="%").count == 0 and devices(search="_").count == 0


def _mentions(device: esperclient.Device, term: str) -> bool:
    fields = (
        device.device_name,
        device.network_info["imei1"],
        device.network_info["wifiMacAddress"],
    )
    return any(term.lower() in f.lower() for f in fields)


def test_tags(devices: Devices, fleet: list[esperclient.Device]) -> None:
    tag = fleet[0].tags[0]
    expected = [d.id for d in fleet if tag in d.tags]
    assert [d.id for d in devices(tags=tag, limit=100).results] == expected
    partial = [d.id for d in fleet if any(tag[1:4] in t for t in d.tags)]
    assert [d.id for d in devices(tags=tag[1:4].upper(), limit=100).results] == partial
    assert devices(tags="no-such-tag").count == 0


def test_filters_combine(devices: Devices, fleet: list[esperclient.Device]) -> None:
    brand = fleet[0].hardware_info["brand"]
    expected = [d.id for d in fleet if d.hardware_info["brand"] == brand and d.state == 1]
    page = devices(brand=brand, state=1, limit=100)
    assert [d.id for d in page.results] == expected and page.count == len(expected)


# one device


def test_get_device_by_id(tenant: Tenant, api_client: esperclient.ApiClient) -> None:
    device = esperclient.DeviceApi(api_client).get_device_by_id(
        tenant.enterprise_id, tenant.device_ids[2]
    )
    assert device.id == tenant.device_ids[2]
    assert device.url == f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{device.id}/"
    assert device.enterprise.endswith(f"/api/v1/enterprise/{tenant.enterprise_id}/")


def test_a_malformed_device_id_is_400(tenant: Tenant, api_client: esperclient.ApiClient) -> None:
    with pytest.raises(esperclient.BadRequestError) as caught:
        esperclient.DeviceApi(api_client).get_device_by_id(tenant.enterprise_id, "not-a-uuid")
    assert "device_id" in caught.value.field_errors


def test_an_unknown_device_is_404(tenant: Tenant, api_client: esperclient.ApiClient) -> None:
    with pytest.raises(esperclient.NotFoundError) as caught:
        esperclient.DeviceApi(api_client).get_device_by_id(
            tenant.enterprise_id, "00000000-0000-4000-8000-000000000000"
        )
    assert caught.value.message == "Device not found."
