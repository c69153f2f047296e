"""``esper.blueprints`` on both clients, against the emulator; ``diff`` on its own."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

import esperclient
from esperclient._generated.v2 import BlueprintV2, SettingsV2
from tests.conftest import Tenant
from tests.sdk.test_esper import MODES, aw, collect, run

WIFI = {"apply_policy": "ALWAYS APPLY", "allow_wifi": True, "wifi_state": "ENABLE"}
BLUETOOTH = {"apply_policy": "IGNORE", "allow_bluetooth": False}


@MODES
def test_create_update_publish_and_read_every_version(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        created = await aw(
            esper.blueprints.create(
                "Lobby", settings={"android": {"wifi_settings": WIFI}}, description="kiosks"
            )
        )
        assert (created.version_number, created.minor_version_number, created.publish) == (
            1,
            0,
            True,
        )
        assert created.settings.android.wifi_settings.wifi_state == "ENABLE"
        draft = await aw(esper.blueprints.update(created.id, comments="trying"))
        assert (draft.version_number, draft.minor_version_number, draft.publish) == (1, 1, False)
        assert (draft.description, draft.comments) == ("kiosks", "trying")
        settings = msgspec.convert({"android": {"bluetooth_settings": BLUETOOTH}}, SettingsV2)
        published = await aw(esper.blueprints.publish(created.id, settings=settings))
        assert (published.version_number, published.minor_version_number) == (2, 0)
        assert published.publish is True
        assert await aw(esper.blueprints.get(created.id)) == published

        versions = await collect(esper.blueprints.versions(created.id, page_size=2))
        assert versions == [created, draft, published]
        newest = await collect(
            esper.blueprints.versions(created.id, ordering="-version_number,-minor_version_number")
        )
        assert newest == [published, draft, created]
        assert await collect(esper.blueprints.versions(created.id, published=True)) == [
            created,
            published,
        ]
        assert await collect(esper.blueprints.versions(created.id, published=False)) == [draft]
        assert await collect(esper.blueprints.versions(created.id, version_number=1)) == [
            created,
            draft,
        ]
        assert await aw(esper.blueprints.version(created.id, draft.version_id)) == draft
        assert esper.blueprints.diff(created, published) == [
            "android.bluetooth_settings",
            "android.wifi_settings",
        ]

    run(mode, tenant, scenario)


@MODES
def test_list_filters_orders_and_pages(mode: str, tenant: Tenant, make_apk: Any) -> None:
    async def scenario(esper: Any) -> None:
        uploaded = await aw(esper.applications.upload(make_apk()))
        app = {
            "app_id": uploaded.id,
            "app_version_id": uploaded.versions[0].id,
            "package_name": uploaded.package_name,
            "installation_rule": "POST PROVISIONING",
            "state": "SHOW",
            "type": "ENTERPRISE",
            "auto_update_mode": "autoUpdateDefault",
        }
        await aw(esper.blueprints.create("Kiosk A", settings={"android": {"apps": [app]}}))
        await aw(esper.blueprints.create("kiosk B"))
        await aw(esper.blueprints.create("Signage"))
        names = [b.name for b in await collect(esper.blueprints.list(page_size=2))]
        assert names == ["Kiosk A", "kiosk B", "Signage"]
        assert await aw(esper.blueprints.list().total()) == 3
        kiosks = await collect(esper.blueprints.list(name="kiosk", ordering="-name"))
        assert [b.name for b in kiosks] == ["kiosk B", "Kiosk A"]
        with_app = await collect(esper.blueprints.list(app_id=uploaded.id))
        assert [b.name for b in with_app] == ["Kiosk A"]

    run(mode, tenant, scenario)


@MODES
def test_errors_are_api_exceptions_with_the_servers_message(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        made = await aw(esper.blueprints.create("Once"))
        with pytest.raises(esperclient.BadRequestError) as duplicate:
            await aw(esper.blueprints.create("Once"))
        assert duplicate.value.status == 400
        assert duplicate.value.message == "name: A blueprint with this name already exists."
        bad = {"android": {"wifi_settings": {**WIFI, "apply_policy": "OFTEN"}}}
        with pytest.raises(esperclient.BadRequestError) as refused:
            await aw(esper.blueprints.update(made.id, settings=bad))
        assert refused.value.message.startswith("settings.android.wifi_settings.apply_policy: ")
        await aw(esper.blueprints.delete(made.id))
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.blueprints.get(made.id))
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.blueprints.version(made.id, made.version_id))
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.blueprints.delete(made.id))

    run(mode, tenant, scenario)


def _blueprint(settings: dict[str, Any]) -> BlueprintV2:
    return BlueprintV2(name="x", settings=msgspec.convert(settings, SettingsV2))


APP = {
    "app_id": "a1",
    "app_version_id": "v1",
    "package_name": "com.example.a",
    "installation_rule": "POST PROVISIONING",
    "state": "SHOW",
    "type": "ENTERPRISE",
    "auto_update_mode": "autoUpdateDefault",
}


@pytest.mark.parametrize(
    ("a", "b", "paths"),
    [
        ({}, {}, []),
        ({"android": {"wifi_settings": WIFI}}, {"android": {"wifi_settings": WIFI}}, []),
        (
            {"android": {"wifi_settings": WIFI}},
            {"android": {"wifi_settings": {**WIFI, "wifi_state": "DISABLE"}}},
            ["android.wifi_settings.wifi_state"],
        ),
        ({}, {"ios": {}}, ["ios"]),
        (
            {"android": {"apps": [APP]}},
            {"android": {"apps": [{**APP, "state": "HIDE"}, {**APP, "app_id": "a2"}]}},
            ["android.apps[0].state", "android.apps[1]"],
        ),
        (
            {"android": {"wifi_settings": WIFI, "bluetooth_settings": BLUETOOTH}},
            {"windows": {}, "android": {"wifi_settings": WIFI}},
            ["android.bluetooth_settings", "windows"],
        ),
    ],
)
def test_diff_names_the_settings_paths_that_differ(
    a: dict[str, Any], b: dict[str, Any], paths: list[str]
) -> None:
    # nothing is sent: the port is closed
    with esperclient.Esper(host="http://127.0.0.1:9/api", api_key="k") as esper:
        diff = esper.blueprints.diff
        assert diff(_blueprint(a), _blueprint(b)) == paths
        assert diff(a, b) == paths  # plain dicts of settings work the same
        assert diff(msgspec.convert(b, SettingsV2), _blueprint(a)) == paths


@MODES
def test_settings_given_as_a_dict_are_checked_by_the_server(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        with pytest.raises(esperclient.BadRequestError) as refused:
            await aw(esper.blueprints.create("Typed", settings={"android": {"wifi_settings": 3}}))
        assert refused.value.message.startswith("settings.android.wifi_settings: ")

    run(mode, tenant, scenario)
