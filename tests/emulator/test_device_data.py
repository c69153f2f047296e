"""What devices report: their apps, app installs and status events, with filters and paging."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.services import effects
from esper_emulator.store import schema
from esperclient import CommandArgs, CommandRequest
from tests.conftest import Tenant
from tests.emulator.conftest import call, count, esper_error, json_of, wait_for_final

UNKNOWN = "00000000-0000-4000-8000-000000000000"
SYSTEM_PACKAGES = [effects.AGENT_PACKAGE, "com.android.settings", "com.android.chrome"]


@pytest.fixture
def devices(
    server: EmulatorServer, tenant: Tenant, api_client: esperclient.ApiClient
) -> esperclient.DeviceApi:
    return esperclient.DeviceApi(api_client)


@pytest.fixture
def device_id(tenant: Tenant) -> str:
    """An online device of the tenant."""
    device_id = tenant.device_ids[0]
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{device_id}/online"
    json_of(call("POST", url, json={"online": True}))
    return device_id


def _query(link: str | None) -> dict[str, list[str]]:
    assert link is not None
    return parse_qs(urlsplit(link).query)


def _run(
    api_client: esperclient.ApiClient, tenant: Tenant, device_id: str, command: str, **args: object
) -> esperclient.DeviceCommand:
    commands = esperclient.CommandsApi(api_client)
    request = CommandRequest(command=command, command_args=CommandArgs(**args) if args else None)
    sent = commands.run_command(tenant.enterprise_id, device_id, request)
    return wait_for_final(commands, tenant, device_id, sent.id)


def _install(
    api_client: esperclient.ApiClient, tenant: Tenant, device_id: str, apk: Path
) -> esperclient.Application:
    app = esperclient.ApplicationApi(api_client).upload(tenant.enterprise_id, apk).application
    done = _run(api_client, tenant, device_id, "INSTALL", app_version=app.versions[0].id)
    assert done.state == "Command Success", done.details
    return app


# device apps


def test_a_seeded_device_has_its_system_apps(
    devices: esperclient.DeviceApi, tenant: Tenant
) -> None:
    page = devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[0])
    assert page.count == 3 and page.next is None and page.previous is None
    assert [app.package_name for app in page.results] == SYSTEM_PACKAGES
    for app in page.results:
        assert app.device == tenant.device_ids[0] and app.app_name and app.version_name
        assert app.is_uninstallable is False and app.is_active is True
    by_id = devices.get_device_app_by_id(
        page.results[2].id, tenant.enterprise_id, tenant.device_ids[0]
    )
    assert by_id == page.results[2]


def test_a_seeded_device_has_its_system_apps_and_one_event(
    devices: esperclient.DeviceApi, tenant: Tenant
) -> None:
    assert devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[1]).count == 3
    assert devices.get_device_event(tenant.enterprise_id, tenant.device_ids[1], 0).count == 1


@pytest.mark.parametrize(
    ("filters", "packages"),
    [
        ({"package_name": "com.android.chrome"}, ["com.android.chrome"]),
        ({"package_name": "com.android"}, []),
        ({"whitelisted": "true"}, [effects.AGENT_PACKAGE]),
        ({"whitelisted": "false"}, SYSTEM_PACKAGES[1:]),
        ({"search": "chr"}, ["com.android.chrome"]),
        ({"search": "SETT"}, ["com.android.settings"]),
        ({"search": "com.android"}, []),  # the app name, not the package
        ({"search": "e", "whitelisted": "false"}, SYSTEM_PACKAGES[1:]),
    ],
)
def test_device_app_filters(
    devices: esperclient.DeviceApi, tenant: Tenant, filters: dict[str, str], packages: list[str]
) -> None:
    page = devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[0], **filters)
    assert [app.package_name for app in page.results] == packages and page.count == len(packages)


def test_device_apps_come_in_pages(devices: esperclient.DeviceApi, tenant: Tenant) -> None:
    first = devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[0], limit=2)
    assert first.count == 3 and len(first.results) == 2 and first.previous is None
    assert _query(first.next) == {"limit": ["2"], "offset": ["2"]}
    last = devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[0], limit=2, offset=2)
    assert [app.package_name for app in last.results] == SYSTEM_PACKAGES[2:]
    assert last.next is None and _query(last.previous) == {"limit": ["2"]}
    filtered = devices.get_device_apps(
        tenant.enterprise_id, tenant.device_ids[0], whitelisted="false", limit=1
    )
    assert filtered.count == 2 and _query(filtered.next)["whitelisted"] == ["false"]


def test_an_installed_app_joins_the_list_and_whitelisting_shows(
    devices: esperclient.DeviceApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    device_id: str,
    make_apk: Callable[..., Path],
) -> None:
    app = _install(api_client, tenant, device_id, make_apk(version_code=7, version_name="1.7"))
    page = devices.get_device_apps(tenant.enterprise_id, device_id, package_name=app.package_name)
    (installed,) = page.results
    assert (installed.version_code, installed.version_name) == ("7", "1.7")
    assert installed.is_uninstallable is True and installed.whitelisted is False
    _run(api_client, tenant, device_id, "ADD_TO_WHITELIST", package_name=app.package_name)
    whitelisted = devices.get_device_apps(tenant.enterprise_id, device_id, whitelisted="true")
    assert [a.package_name for a in whitelisted.results] == [
        effects.AGENT_PACKAGE,
        app.package_name,
    ]


def test_a_device_app_is_read_only_through_its_own_device(
    devices: esperclient.DeviceApi, tenant: Tenant
) -> None:
    mine, another = tenant.device_ids[:2]
    app_id = devices.get_device_apps(tenant.enterprise_id, mine).results[0].id
    with pytest.raises(esperclient.NotFoundError) as caught:
        devices.get_device_app_by_id(app_id, tenant.enterprise_id, another)
    assert caught.value.message == "Device app not found."
    with pytest.raises(esperclient.NotFoundError):
        devices.get_device_app_by_id(UNKNOWN, tenant.enterprise_id, mine)
    with pytest.raises(esperclient.BadRequestError) as bad:
        devices.get_device_app_by_id("not-a-uuid", tenant.enterprise_id, mine)
    assert list(bad.value.field_errors) == ["app_id"]


# app installs


def test_app_installs_record_each_install_and_uninstall(
    devices: esperclient.DeviceApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    device_id: str,
    make_apk: Callable[..., Path],
) -> None:
    app = _install(api_client, tenant, device_id, make_apk(version_code=3, version_name="0.3"))
    _run(api_client, tenant, device_id, "UNINSTALL", package_name=app.package_name)
    page = devices.get_app_installs(tenant.enterprise_id, device_id)
    # the values Esper sends, as esper-cli's tests and README record them; the spec lists
    # the names (INSTALL_SUCCESS), but its description maps them to these
    assert [i.install_state for i in page.results] == ["Install Success", "Uninstall Success"]
    install = page.results[0]
    assert install.application.package_name == app.package_name
    assert install.application.application_name == app.application_name
    assert install.application.is_enabled is True
    version = install.application.version
    assert (version.app_version_id, version.version_name, version.build_number) == (
        app.versions[0].id,
        "0.3",
        "3",
    )
    assert install.device == f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{device_id}/"
    assert install.enterprise == f"{tenant.host}/v1/enterprise/{tenant.enterprise_id}/"
    assert install.is_active is True and install.created_on is not None


def test_app_install_filters_and_paging(
    devices: esperclient.DeviceApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    device_id: str,
    make_apk: Callable[..., Path],
) -> None:
    first = _install(api_client, tenant, device_id, make_apk(label="First"))
    second = _install(api_client, tenant, device_id, make_apk(label="Second"))
    _run(api_client, tenant, device_id, "UNINSTALL", package_name="com.example.absent")

    def states(**filters: object) -> list[str]:
        page = devices.get_app_installs(tenant.enterprise_id, device_id, **filters)
        assert page.count == len(page.results)
        return [f"{i.application.package_name}:{i.install_state}" for i in page.results]

    assert states(package_name=second.package_name) == [f"{second.package_name}:Install Success"]
    assert states(application_name=first.application_name) == [
        f"{first.package_name}:Install Success"
    ]
    assert states(install_state="Uninstall Failed") == ["com.example.absent:Uninstall Failed"]
    assert states(install_state="Install Failed") == []
    assert len(states(device=device_id)) == 3
    assert states(device=tenant.device_ids[1]) == []
    page = devices.get_app_installs(tenant.enterprise_id, device_id, limit=2, offset=1)
    assert page.count == 3 and len(page.results) == 2 and page.next is None
    assert _query(page.previous) == {"limit": ["2"]}
    assert devices.get_app_installs(tenant.enterprise_id, tenant.device_ids[1]).count == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("install_state=DONE", "install_state"),
        ("install_state=INSTALL_SUCCESS", "install_state"),  # a name, not a value
        ("device=not-a-uuid", "device"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("colour=red", "colour"),
    ],
)
def test_bad_app_install_queries_are_400(tenant: Tenant, query: str, field: str) -> None:
    base = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}"
    error = esper_error(call("GET", f"{base}/install/?{query}", key=tenant.api_key), 400)
    assert [key for item in error["errors"] for key in item] == [field]


# status events


def test_a_seeded_device_has_its_first_event(
    devices: esperclient.DeviceApi, tenant: Tenant
) -> None:
    page = devices.get_device_event(tenant.enterprise_id, tenant.device_ids[0], 1)
    (event,) = page.results
    assert page.count == 1 and page.next is None and page.previous is None
    assert json.loads(event.data)["event"] == "ENROLLED"
    assert isinstance(event.id, int) and event.created_on is not None
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}/"
    assert (event.device, event.enterprise) == (
        url,
        f"{tenant.host}/v1/enterprise/{tenant.enterprise_id}/",
    )


def test_latest_event_one_is_the_newest_and_zero_is_all_newest_first(
    devices: esperclient.DeviceApi,
    api_client: esperclient.ApiClient,
    tenant: Tenant,
    device_id: str,
) -> None:
    lock = _run(api_client, tenant, device_id, "LOCK")
    reboot = _run(api_client, tenant, device_id, "REBOOT")
    every = devices.get_device_event(tenant.enterprise_id, device_id, 0)
    assert every.count == 3
    data = [json.loads(e.data) for e in every.results]
    assert [d.get("command_id") for d in data] == [reboot.id, lock.id, None]
    assert [e.id for e in every.results] == sorted((e.id for e in every.results), reverse=True)
    latest = devices.get_device_event(tenant.enterprise_id, device_id, 1)
    assert latest.count == 1 and latest.results == every.results[:1]


def test_a_new_device_has_only_its_enrollment_event(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    page = esperclient.DeviceApi(api_client).get_device_event(
        tenant.enterprise_id, tenant.device_ids[0], 0
    )
    assert page.count == 1 and "ENROLLED" in (page.results[0].data or "")


@pytest.mark.parametrize("query", ["", "latest_event=2", "latest_event=-1", "latest_event=yes"])
def test_latest_event_must_be_0_or_1(tenant: Tenant, query: str) -> None:
    base = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}"
    error = esper_error(call("GET", f"{base}/status/?{query}", key=tenant.api_key), 400)
    assert [key for item in error["errors"] for key in item] == ["latest_event"]


# refusals common to every route

ROUTES = ["app/", f"app/{UNKNOWN}/", "install/", "status/?latest_event=1"]


@pytest.mark.parametrize("route", ROUTES)
def test_without_a_valid_key_is_401(tenant: Tenant, route: str) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{tenant.device_ids[0]}/{route}"
    esper_error(call("GET", url), 401)
    esper_error(call("GET", url, key="not-a-key"), 401)


@pytest.mark.parametrize("route", ROUTES)
def test_another_enterprise_is_403(tenant: Tenant, other: Tenant, route: str) -> None:
    url = f"{tenant.host}/enterprise/{other.enterprise_id}/device/{other.device_ids[0]}/{route}"
    esper_error(call("GET", url, key=tenant.api_key), 403)


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_or_foreign_device_is_404(tenant: Tenant, other: Tenant, route: str) -> None:
    for device_id in (UNKNOWN, "not-a-uuid", other.device_ids[0]):
        url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{device_id}/{route}"
        error = esper_error(call("GET", url, key=tenant.api_key), 404)
        assert error["message"] == "Device not found."


def test_the_sdk_raises_for_the_refusals(
    devices: esperclient.DeviceApi, tenant: Tenant, other: Tenant
) -> None:
    with pytest.raises(esperclient.NotFoundError):
        devices.get_device_apps(tenant.enterprise_id, UNKNOWN)
    with pytest.raises(esperclient.PermissionDeniedError):
        devices.get_app_installs(other.enterprise_id, other.device_ids[0])
    with pytest.raises(esperclient.BadRequestError) as caught:
        devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[0], whitelisted="maybe")
    assert list(caught.value.field_errors) == ["whitelisted"]


def test_reading_device_data_writes_nothing(
    server: EmulatorServer, devices: esperclient.DeviceApi, tenant: Tenant
) -> None:
    before = count(server, schema.device_events, device_id=tenant.device_ids[0])
    devices.get_device_apps(tenant.enterprise_id, tenant.device_ids[0])
    devices.get_device_event(tenant.enterprise_id, tenant.device_ids[0], 0)
    assert count(server, schema.device_events, device_id=tenant.device_ids[0]) == before
