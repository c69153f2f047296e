"""The side door ``/_emulator``: seeding, device state, the clock, reset, and turning it off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from tests.conftest import make_configuration
from tests.emulator.conftest import call, esper_error, json_of


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """An emulator of this module's own: the side door moves its clock."""
    db = tmp_path_factory.mktemp("control") / "control.db"
    with EmulatorServer(Settings(db=str(db))) as running:
        yield running


def _offset(server: EmulatorServer) -> float:
    return float(json_of(_post(server, "/clock/advance", {"seconds": 0}))["offset_seconds"])


def _post(server: EmulatorServer, path: str, body: Any = None) -> Any:
    return call("POST", f"{server.url}/_emulator{path}", json=body)


def _devices(server: EmulatorServer, created: dict[str, Any]) -> list[esperclient.Device]:
    configuration = make_configuration(server.host, created["api_key"])
    with esperclient.ApiClient(configuration) as client:
        page = esperclient.DeviceApi(client).get_all_devices(created["enterprise_id"], limit=1000)
    return page.results


def test_health(own: EmulatorServer) -> None:
    assert json_of(call("GET", f"{own.url}/_emulator/health"))["status"] == "ok"


def test_a_new_enterprise_comes_with_devices_and_a_working_key(own: EmulatorServer) -> None:
    created = json_of(_post(own, "/enterprises", {"name": "Acme Retail", "devices": 4}), 201)
    assert set(created) == {"enterprise_id", "api_key", "device_ids"}
    assert [d.id for d in _devices(own, created)] == created["device_ids"]
    configuration = make_configuration(own.host, created["api_key"])
    with esperclient.ApiClient(configuration) as client:
        enterprise = esperclient.EnterpriseApi(client).get_enterprise(created["enterprise_id"])
    assert enterprise.name == "Acme Retail"


def test_a_new_enterprise_has_defaults(own: EmulatorServer) -> None:
    for body in (None, {}):
        created = json_of(_post(own, "/enterprises", body), 201)
        assert created["device_ids"] == [] and _devices(own, created) == []


def test_devices_are_added_with_the_online_ratio(own: EmulatorServer) -> None:
    created = json_of(_post(own, "/enterprises", {"devices": 2}), 201)
    path = f"/enterprises/{created['enterprise_id']}/devices"
    online = json_of(_post(own, path, {"count": 3, "online_ratio": 1}), 201)["device_ids"]
    offline = json_of(_post(own, path, {"count": 2, "online_ratio": 0}), 201)["device_ids"]
    one = json_of(_post(own, path), 201)["device_ids"]
    devices = _devices(own, created)
    assert [d.id for d in devices] == created["device_ids"] + online + offline + one
    assert [d.state for d in devices if d.id in online] == [1, 1, 1]
    assert [d.state for d in devices if d.id in offline] == [60, 60]
    assert len(one) == 1


def test_devices_of_an_unknown_enterprise_are_404(own: EmulatorServer) -> None:
    response = _post(own, "/enterprises/00000000-0000-4000-8000-000000000000/devices", {"count": 1})
    assert esper_error(response, 404)["message"] == "Enterprise not found."


def test_a_device_goes_offline_and_online(own: EmulatorServer) -> None:
    created = json_of(_post(own, "/enterprises", {"devices": 3}), 201)
    device_id = created["device_ids"][1]
    path = f"/enterprises/{created['enterprise_id']}/devices/{device_id}/online"
    for online, state in ((False, 60), (True, 1), (False, 60)):
        assert json_of(_post(own, path, {"online": online})) == {"id": device_id, "status": state}
        [device] = [d for d in _devices(own, created) if d.id == device_id]
        assert device.status == device.state == state


def test_online_for_a_device_of_another_enterprise_is_404(own: EmulatorServer) -> None:
    mine = json_of(_post(own, "/enterprises", {"devices": 1}), 201)
    theirs = json_of(_post(own, "/enterprises", {"devices": 1}), 201)
    for device_id in (theirs["device_ids"][0], "00000000-0000-4000-8000-000000000000", "x"):
        path = f"/enterprises/{mine['enterprise_id']}/devices/{device_id}/online"
        assert (
            esper_error(_post(own, path, {"online": True}), 404)["message"] == "Device not found."
        )


def test_the_clock_moves_forward_and_shows_in_timestamps(own: EmulatorServer) -> None:
    created = json_of(_post(own, "/enterprises", {"devices": 1}), 201)
    start = _offset(own)
    day = json_of(_post(own, "/clock/advance", {"seconds": 86400}))
    assert day == {"offset_seconds": start + 86400}
    half = json_of(_post(own, "/clock/advance", {"seconds": 0.5}))
    assert half == {"offset_seconds": start + 86400.5}
    later = json_of(_post(own, "/enterprises", {"devices": 1}), 201)
    [before], [after] = _devices(own, created), _devices(own, later)
    assert (after.created_on - before.created_on).total_seconds() >= 86400.5


def test_reset_deletes_everything(
    start_server: Callable[..., EmulatorServer], make_apk: Callable[..., Path]
) -> None:
    own = start_server()
    created = json_of(_post(own, "/enterprises", {"devices": 2}), 201)
    configuration = make_configuration(own.host, created["api_key"])
    with esperclient.ApiClient(configuration) as client:
        esperclient.ApplicationApi(client).upload(created["enterprise_id"], make_apk())
    json_of(_post(own, "/clock/advance", {"seconds": 60}))
    files = own.emulator.settings.files_dir
    assert any(p.is_file() for p in files.rglob("*"))

    assert json_of(_post(own, "/reset")) == {"status": "reset"}

    url = f"{own.host}/enterprise/{created['enterprise_id']}/device/"
    assert esper_error(call("GET", url, key=created["api_key"]), 401)["message"] == "Invalid token."
    assert not any(p.is_file() for p in files.rglob("*"))
    assert json_of(_post(own, "/clock/advance", {"seconds": 1})) == {"offset_seconds": 1}
    again = json_of(_post(own, "/enterprises", {"devices": 1}), 201)
    assert len(_devices(own, again)) == 1


def test_a_reset_database_serves_again_after_a_restart(
    start_server: Callable[..., EmulatorServer], new_database: Callable[..., Any]
) -> None:
    with new_database() as db:
        first = start_server(db=db)
        json_of(_post(first, "/enterprises", {"devices": 1}), 201)
        assert json_of(_post(first, "/reset")) == {"status": "reset"}
        first.stop()
        again = start_server(db=db)  # the schema's version outlived the reset
        created = json_of(_post(again, "/enterprises", {"devices": 2}), 201)
        assert len(_devices(again, created)) == 2


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/enterprises", b"{", "body"),
        ("/enterprises", b"[]", "body"),
        ("/enterprises", b'{"devices": "many"}', "devices"),
        ("/enterprises", b'{"devices": -1}', "devices"),
        ("/enterprises", b'{"devices": 100001}', "devices"),
        ("/enterprises/{enterprise_id}/devices", b'{"count": 100001}', "count"),
        ("/enterprises", b'{"name": ""}', "name"),
        ("/enterprises", b'{"colour": "red"}', "colour"),
        ("/enterprises/{enterprise_id}/devices", b'{"count": -2}', "count"),
        ("/enterprises/{enterprise_id}/devices", b'{"online_ratio": 1.5}', "online_ratio"),
        ("/enterprises/{enterprise_id}/devices", b'{"online_ratio": "half"}', "online_ratio"),
        ("/enterprises/{enterprise_id}/devices/{device_id}/online", b"{}", "online"),
        ("/enterprises/{enterprise_id}/devices/{device_id}/online", b'{"online": "yes"}', "online"),
        ("/clock/advance", b"{}", "seconds"),
        ("/clock/advance", b'{"seconds": -5}', "seconds"),
        ("/clock/advance", b'{"seconds": "soon"}', "seconds"),
        ("/clock/advance", b'{"seconds": 1e300}', "seconds"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(
    own: EmulatorServer, path: str, body: bytes, field: str
) -> None:
    created = json_of(_post(own, "/enterprises", {"devices": 1}), 201)
    offset, before = _offset(own), _devices(own, created)
    url = (
        own.url
        + "/_emulator"
        + path.format(enterprise_id=created["enterprise_id"], device_id=created["device_ids"][0])
    )
    error = esper_error(
        call("POST", url, body=body, headers={"Content-Type": "application/json"}), 400
    )
    assert error["message"].startswith(f"{field}: ") or field == "body"
    assert _offset(own) == offset
    assert _devices(own, created) == before


def test_a_wrong_method_or_path_on_the_side_door_is_an_esper_error(own: EmulatorServer) -> None:
    esper_error(call("GET", f"{own.url}/_emulator/reset"), 405)
    esper_error(call("GET", f"{own.url}/_emulator/nothing"), 404)


def test_without_the_side_door_only_the_api_is_served(
    start_server: Callable[..., EmulatorServer],
) -> None:
    closed = start_server(control=False)
    esper_error(call("GET", f"{closed.url}/_emulator/health"), 404)
    esper_error(call("POST", f"{closed.url}/_emulator/reset", json={}), 404)
    creds = closed.create_enterprise(devices=2)
    url = f"{closed.host}/enterprise/{creds.enterprise_id}/device/"
    assert json_of(call("GET", url, key=creds.api_key))["count"] == 2
