"""Applications one by one: get, delete, versions (legacy or standardized), install devices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, count, esper_error, json_of, wait_for_final

MakeApk = Callable[..., Path]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def apps(api_client: esperclient.ApiClient) -> esperclient.ApplicationApi:
    return esperclient.ApplicationApi(api_client)


@pytest.fixture
def online(api_client: esperclient.ApiClient, tenant: Tenant) -> list[esperclient.Device]:
    """The tenant's online devices, in list order (at least four of them)."""
    devices = esperclient.DeviceApi(api_client).get_all_devices(
        tenant.enterprise_id, state=1, limit=100
    )
    assert len(devices.results) >= 4
    return list(devices.results)


def _upload(
    apps: esperclient.ApplicationApi, tenant: Tenant, apk: Path
) -> tuple[str, esperclient.ApplicationVersion]:
    """Upload ``apk``: the application's id and the new version's summary."""
    app = apps.upload(tenant.enterprise_id, apk).application
    return app.id, app.versions[0]


def _install(
    api_client: esperclient.ApiClient, tenant: Tenant, version_id: str, device_ids: list[str]
) -> None:
    """Install the version on each (online) device and see every command succeed."""
    commands = esperclient.CommandsApi(api_client)
    request = esperclient.CommandRequest(
        command="INSTALL", command_args=esperclient.CommandArgs(app_version=version_id)
    )
    for device_id in device_ids:
        command = commands.run_command(tenant.enterprise_id, device_id, request)
        final = wait_for_final(commands, tenant, device_id, command.id)
        assert final.state == "Command Success", final.details


def _device_app_refs(server: EmulatorServer, device_id: str) -> list[tuple[str, str | None]]:
    """``(package_name, app_version_id)`` of each uploaded app the store has on the device."""
    a = schema.device_apps.c
    with server.emulator.store.transaction() as store:
        query = select(a.package_name, a.app_version_id).where(
            a.device_id == device_id, a.package_name.startswith("com.example.")
        )
        return [(row.package_name, row.app_version_id) for row in store.conn.execute(query)]


def _stored_file(server: EmulatorServer, tenant: Tenant, version_id: str) -> Path:
    return server.emulator.settings.files_dir / tenant.enterprise_id / f"{version_id}.apk"


def _versions_url(tenant: Tenant, app_id: str) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/application/{app_id}/version/"


# get


def test_get_application_answers_it_with_its_versions(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app_id, _ = _upload(apps, tenant, make_apk("com.example.one", label="One"))
    _upload(apps, tenant, make_apk("com.example.one", version_code=2, version_name="2.0"))
    app = apps.get_application(app_id, tenant.enterprise_id)
    assert (app.id, app.package_name, app.application_name) == (app_id, "com.example.one", "One")
    assert [v.build_number for v in app.versions] == ["2", "1"]
    assert all(v.download_url.startswith(tenant.host) for v in app.versions)
    assert app.enterprise.endswith(f"/enterprise/{tenant.enterprise_id}/")


def test_get_app_version_is_the_legacy_format_unless_asked_otherwise(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app_id, summary = _upload(apps, tenant, make_apk(version_code=42, version_name="4.2.0"))
    for legacy in ({}, {"legacy_format": True}):
        version = apps.get_app_version(summary.id, app_id, tenant.enterprise_id, **legacy)
        assert (version.id, version.version_code, version.build_number) == (
            summary.id,
            "4.2.0",
            "42",
        )
    standard = apps.get_app_version(summary.id, app_id, tenant.enterprise_id, legacy_format=False)
    assert (standard.version_code, standard.version_name, standard.build_number) == (
        "42",
        "4.2.0",
        None,
    )
    assert standard.hash_string == summary.hash_string
    assert standard.application.endswith(f"/application/{app_id}/")


def test_the_standardized_format_leaves_build_number_out_of_the_json(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app_id, summary = _upload(apps, tenant, make_apk(version_code=7, version_name="0.7"))
    url = f"{_versions_url(tenant, app_id)}{summary.id}/"
    body = json_of(call("GET", f"{url}?legacy_format=false", key=tenant.api_key))
    assert "build_number" not in body and body["version_code"] == "7"
    page = json_of(
        call("GET", f"{_versions_url(tenant, app_id)}?legacy_format=false", key=tenant.api_key)
    )
    assert "build_number" not in page["results"][0]
    legacy = json_of(call("GET", url, key=tenant.api_key))
    assert (legacy["version_code"], legacy["build_number"]) == ("0.7", "7")


def test_get_app_versions_honours_legacy_format(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    for code in (1, 2):
        app_id, _ = _upload(
            apps, tenant, make_apk("com.example.fmt", version_code=code, version_name=f"v{code}")
        )
    legacy = apps.get_app_versions(app_id, tenant.enterprise_id)
    assert sorted((v.version_code, v.build_number) for v in legacy.results) == [
        ("v1", "1"),
        ("v2", "2"),
    ]
    standard = apps.get_app_versions(app_id, tenant.enterprise_id, legacy_format=False)
    assert sorted((v.version_code, v.version_name, v.build_number) for v in standard.results) == [
        ("1", "v1", None),
        ("2", "v2", None),
    ]
    by_code = apps.get_app_versions(
        app_id, tenant.enterprise_id, legacy_format=False, version_code="2"
    )
    assert [v.version_name for v in by_code.results] == ["v2"]
    by_name = apps.get_app_versions(app_id, tenant.enterprise_id, version_code="v1")
    assert [v.build_number for v in by_name.results] == ["1"]


def test_legacy_format_must_be_a_boolean(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app_id, summary = _upload(apps, tenant, make_apk())
    for url in (_versions_url(tenant, app_id), f"{_versions_url(tenant, app_id)}{summary.id}/"):
        body = esper_error(call("GET", f"{url}?legacy_format=maybe", key=tenant.api_key), 400)
        assert body["message"].startswith("legacy_format: ")


# delete a version


def test_delete_app_version_is_204_and_removes_it_and_its_file(
    server: EmulatorServer,
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
    online: list[esperclient.Device],
) -> None:
    app_id, old = _upload(apps, tenant, make_apk("com.example.del"))
    _, new = _upload(apps, tenant, make_apk("com.example.del", version_code=2))
    _install(api_client, tenant, old.id, [online[0].id])
    assert _stored_file(server, tenant, old.id).exists()

    data, status, _ = apps.delete_app_version_with_http_info(old.id, app_id, tenant.enterprise_id)
    assert (data, status) == (None, 204)
    with pytest.raises(esperclient.NotFoundError) as caught:
        apps.get_app_version(old.id, app_id, tenant.enterprise_id)
    assert caught.value.message == "App version not found."
    assert [v.id for v in apps.get_application(app_id, tenant.enterprise_id).versions] == [new.id]
    assert [v.id for v in apps.get_app_versions(app_id, tenant.enterprise_id).results] == [new.id]
    assert not _stored_file(server, tenant, old.id).exists()
    assert _stored_file(server, tenant, new.id).exists()
    assert _device_app_refs(server, online[0].id) == [("com.example.del", None)]
    with pytest.raises(esperclient.NotFoundError):
        apps.delete_app_version(old.id, app_id, tenant.enterprise_id)


def test_deleting_the_last_version_leaves_the_application_without_versions(
    server: EmulatorServer, tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app_id, only = _upload(apps, tenant, make_apk())
    apps.delete_app_version(only.id, app_id, tenant.enterprise_id)
    assert apps.get_application(app_id, tenant.enterprise_id).versions == []
    assert apps.get_app_versions(app_id, tenant.enterprise_id).count == 0
    assert apps.get_all_applications(tenant.enterprise_id).count == 1
    assert count(server, schema.app_versions, enterprise_id=tenant.enterprise_id) == 0


# delete an application


def test_delete_application_is_204_and_removes_its_versions_and_files(
    server: EmulatorServer,
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
    online: list[esperclient.Device],
) -> None:
    app_id, first = _upload(apps, tenant, make_apk("com.example.gone"))
    _, second = _upload(apps, tenant, make_apk("com.example.gone", version_code=2))
    kept_id, kept = _upload(apps, tenant, make_apk("com.example.kept"))
    _install(api_client, tenant, second.id, [online[0].id])

    data, status, _ = apps.delete_application_with_http_info(app_id, tenant.enterprise_id)
    assert (data, status) == (None, 204)
    with pytest.raises(esperclient.NotFoundError) as caught:
        apps.get_application(app_id, tenant.enterprise_id)
    assert caught.value.message == "Application not found."
    with pytest.raises(esperclient.NotFoundError):
        apps.get_app_version(first.id, app_id, tenant.enterprise_id)
    with pytest.raises(esperclient.NotFoundError):
        apps.delete_application(app_id, tenant.enterprise_id)
    assert [a.id for a in apps.get_all_applications(tenant.enterprise_id).results] == [kept_id]
    assert count(server, schema.app_versions, application_id=app_id) == 0
    assert not _stored_file(server, tenant, first.id).exists()
    assert not _stored_file(server, tenant, second.id).exists()
    assert _stored_file(server, tenant, kept.id).exists()
    assert _device_app_refs(server, online[0].id) == [("com.example.gone", None)]


def test_an_install_queued_for_a_deleted_version_fails(
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
) -> None:
    app_id, version = _upload(apps, tenant, make_apk())
    devices = esperclient.DeviceApi(api_client).get_all_devices(tenant.enterprise_id, state=60)
    offline = devices.results[0].id
    commands = esperclient.CommandsApi(api_client)
    request = esperclient.CommandRequest(
        command="INSTALL", command_args=esperclient.CommandArgs(app_version=version.id)
    )
    queued = commands.run_command(tenant.enterprise_id, offline, request)
    apps.delete_application(app_id, tenant.enterprise_id)
    side_door = tenant.host.removesuffix("/api") + "/_emulator"
    url = f"{side_door}/enterprises/{tenant.enterprise_id}/devices/{offline}/online"
    json_of(call("POST", url, json={"online": True}))
    assert wait_for_final(commands, tenant, offline, queued.id).state == "Command Failure"


def test_the_same_package_can_be_uploaded_again_after_a_delete(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    apk = make_apk("com.example.again")
    app_id, _ = _upload(apps, tenant, apk)
    apps.delete_application(app_id, tenant.enterprise_id)
    new_id, version = _upload(apps, tenant, apk)
    assert new_id != app_id and version.build_number == "1"


# install devices


def test_install_devices_lists_the_devices_that_have_the_version(
    server: EmulatorServer,
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
    online: list[esperclient.Device],
) -> None:
    app_id, version = _upload(apps, tenant, make_apk("com.example.inst"))
    _, other_version = _upload(apps, tenant, make_apk("com.example.inst", version_code=2))
    installed = online[:3]
    _install(api_client, tenant, version.id, [d.id for d in installed])
    _install(api_client, tenant, other_version.id, [online[3].id])
    with server.emulator.store.transaction():
        server.emulator.seeder.group(tenant.enterprise_id, "Lobby", [installed[0].id])
        server.emulator.seeder.group(tenant.enterprise_id, "Later", [installed[0].id])  # moves it

    page = apps.get_install_devices(version.id, app_id, tenant.enterprise_id)
    assert page.count == 3 and page.next is None and page.previous is None
    assert [(d.id, d.device_name, d.alias_name) for d in page.results] == [
        (d.id, d.device_name, d.alias_name) for d in installed
    ]
    assert [d.group_name for d in page.results] == ["Later", "All devices", "All devices"]
    other_page = apps.get_install_devices(other_version.id, app_id, tenant.enterprise_id)
    assert [d.id for d in other_page.results] == [online[3].id]


def test_install_devices_pages_and_searches(
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
    online: list[esperclient.Device],
) -> None:
    app_id, version = _upload(apps, tenant, make_apk())
    installed = online[:3]
    _install(api_client, tenant, version.id, [d.id for d in installed])
    ids = [d.id for d in installed]

    first = apps.get_install_devices(version.id, app_id, tenant.enterprise_id, limit=2)
    assert first.count == 3 and [d.id for d in first.results] == ids[:2]
    assert first.next is not None and first.previous is None
    rest = apps.get_install_devices(version.id, app_id, tenant.enterprise_id, limit=2, offset=2)
    assert [d.id for d in rest.results] == ids[2:] and rest.next is None
    beyond = apps.get_install_devices(version.id, app_id, tenant.enterprise_id, offset=5)
    assert beyond.count == 3 and beyond.results == []

    name = installed[1].device_name
    found = apps.get_install_devices(version.id, app_id, tenant.enterprise_id, search=name.lower())
    assert [d.id for d in found.results] == [installed[1].id]
    none = apps.get_install_devices(version.id, app_id, tenant.enterprise_id, search="zz%_zz")
    assert none.count == 0 and none.results == []


def test_an_upgrade_moves_the_device_to_the_new_versions_install_devices(
    tenant: Tenant,
    api_client: esperclient.ApiClient,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
    online: list[esperclient.Device],
) -> None:
    app_id, old = _upload(apps, tenant, make_apk("com.example.up"))
    _, new = _upload(apps, tenant, make_apk("com.example.up", version_code=2))
    for version in (old, new):
        _install(api_client, tenant, version.id, [online[0].id])
    assert apps.get_install_devices(old.id, app_id, tenant.enterprise_id).count == 0
    assert apps.get_install_devices(new.id, app_id, tenant.enterprise_id).count == 1


# tenancy and ids


Op = Callable[[esperclient.ApplicationApi, str, str, str], Any]

OPS_ON_A_VERSION: dict[str, Op] = {
    "get_app_version": lambda a, v, app, e: a.get_app_version(v, app, e),
    "delete_app_version": lambda a, v, app, e: a.delete_app_version(v, app, e),
    "get_install_devices": lambda a, v, app, e: a.get_install_devices(v, app, e),
}
OPS_ON_AN_APP: dict[str, Op] = {
    "get_application": lambda a, v, app, e: a.get_application(app, e),
    "delete_application": lambda a, v, app, e: a.delete_application(app, e),
    "get_app_versions": lambda a, v, app, e: a.get_app_versions(app, e),
}
ALL_OPS = {**OPS_ON_A_VERSION, **OPS_ON_AN_APP}


@pytest.mark.parametrize("op", ALL_OPS.values(), ids=list(ALL_OPS))
def test_another_enterprises_ids_are_404_and_left_alone(
    tenant: Tenant,
    other: Tenant,
    apps: esperclient.ApplicationApi,
    make_apk: MakeApk,
    op: Op,
) -> None:
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        theirs = esperclient.ApplicationApi(client)
        their_app, their_version = _upload(theirs, other, make_apk())
        with pytest.raises(esperclient.NotFoundError):
            op(apps, their_version.id, their_app, tenant.enterprise_id)
        still = theirs.get_application(their_app, other.enterprise_id)
        assert [v.id for v in still.versions] == [their_version.id]


@pytest.mark.parametrize("op", OPS_ON_A_VERSION.values(), ids=list(OPS_ON_A_VERSION))
def test_a_version_under_another_application_is_404(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk, op: Op
) -> None:
    _, version = _upload(apps, tenant, make_apk())
    other_app, _ = _upload(apps, tenant, make_apk())
    with pytest.raises(esperclient.NotFoundError) as caught:
        op(apps, version.id, other_app, tenant.enterprise_id)
    assert caught.value.message == "App version not found."
    with pytest.raises(esperclient.NotFoundError) as unknown:
        op(apps, version.id, UNKNOWN, tenant.enterprise_id)
    assert unknown.value.message == "Application not found."


@pytest.mark.parametrize("op", ALL_OPS.values(), ids=list(ALL_OPS))
def test_malformed_ids_are_400(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk, op: Op
) -> None:
    app_id, version = _upload(apps, tenant, make_apk())
    with pytest.raises(esperclient.BadRequestError) as bad_app:
        op(apps, version.id, "not-a-uuid", tenant.enterprise_id)
    assert "application_id" in bad_app.value.field_errors
    if op in OPS_ON_A_VERSION.values():
        with pytest.raises(esperclient.BadRequestError) as bad_version:
            op(apps, "not-a-uuid", app_id, tenant.enterprise_id)
        assert "version_id" in bad_version.value.field_errors


def test_another_enterprises_path_is_403(
    tenant: Tenant, other: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app_id, version = _upload(apps, tenant, make_apk())
    with pytest.raises(esperclient.PermissionDeniedError):
        apps.get_application(app_id, other.enterprise_id)
    with pytest.raises(esperclient.PermissionDeniedError):
        apps.delete_app_version(version.id, app_id, other.enterprise_id)
    assert apps.get_app_version(version.id, app_id, tenant.enterprise_id).id == version.id


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_the_upload_path_is_not_an_application_id(tenant: Tenant, method: str) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/application/upload/"
    response = call(method, url, key=tenant.api_key)
    assert esper_error(response, 405)["message"] == f'Method "{method}" not allowed.'
    assert response.headers["Allow"] == "POST"
