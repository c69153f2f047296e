"""Blueprints v2 over HTTP: CRUD, versions, filters, ordering, validation, 404s."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import esperclient
from esper_emulator.services.blueprints import APP_CHOICES, APPLY_POLICIES, DRIFT_POLICIES
from esperclient._generated.v2 import BlueprintCreate, BlueprintV2, BlueprintV2Put, SettingsV2
from tests.conftest import Tenant
from tests.emulator.conftest import call, json_of, make_tenant

SETTINGS_KEYS = ["android", "ios", "wifi_settings", "apply_policy", "apps", "app_id", "allow_wifi"]
SPEC = Path(__file__).resolve().parents[2] / "spec" / "esper-openapi" / "v2.yaml"


@pytest.fixture
def esper(tenant: Tenant) -> Iterator[esperclient.Esper]:
    with esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    ) as client:
        yield client


@pytest.fixture
def app(esper: esperclient.Esper, make_apk: Callable[..., Path]) -> dict[str, str]:
    """An app of the enterprise, as a blueprint's Android ``apps[]`` entry."""
    uploaded = esper.applications.upload(make_apk())
    return _app_entry(uploaded)


def _app_entry(application: esperclient.Application) -> dict[str, str]:
    return {
        "app_id": application.id,
        "app_version_id": application.versions[0].id,
        "package_name": application.package_name,
        "installation_rule": "DURING PROVISIONING",
        "state": "SHOW",
        "type": "ENTERPRISE",
        "auto_update_mode": "autoUpdateDefault",
    }


def _settings(**android: Any) -> SettingsV2:
    return msgspec.convert({"android": android}, SettingsV2)


def _create(esper: esperclient.Esper, name: str, **fields: Any) -> BlueprintV2:
    return esper.v2.blueprints.create(body=BlueprintCreate(name=name, **fields))


def _url(tenant: Tenant, *parts: str) -> str:
    return f"{tenant.host}/v2/blueprints/" + "".join(f"{part}/" for part in parts)


def _names(blueprints: Any) -> list[str | None]:
    return [blueprint.name for blueprint in blueprints]


WIFI_ON = {
    "wifi_settings": {"apply_policy": "ALWAYS APPLY", "allow_wifi": True, "wifi_state": "ENABLE"}
}


def test_create_answers_201_in_the_envelope_with_version_1_0_published(
    tenant: Tenant, esper: esperclient.Esper
) -> None:
    response = call(
        "POST",
        _url(tenant),
        key=tenant.api_key,
        json={"name": "Kiosk", "description": "Lobby", "comments": "first", "settings": {}},
    )
    body = json_of(response, 201)
    assert (body["code"], body["message"]) == (201, "Created")
    created = body["content"]
    assert uuid.UUID(created["id"]) and uuid.UUID(created["version_id"])
    assert (created["version_number"], created["minor_version_number"]) == (1, 0)
    assert created["publish"] is True
    assert (created["name"], created["description"], created["comments"]) == (
        "Kiosk",
        "Lobby",
        "first",
    )
    user = esper.token.info().user
    assert created["created_by"] == created["updated_by"] == user
    assert created["created_at"] == created["updated_at"]
    got = esper.v2.blueprints.get(created["id"])
    assert msgspec.to_builtins(got) == created


def test_put_adds_drafts_then_a_published_version_and_keeps_every_one(
    tenant: Tenant, esper: esperclient.Esper
) -> None:
    first = _create(esper, "Lobby", settings=_settings(**WIFI_ON))
    assert first.id and first.version_id
    draft = esper.v2.blueprints.update(first.id, body=BlueprintV2Put(description="draft"))
    second_draft = esper.v2.blueprints.update(first.id, body=BlueprintV2Put(comments="again"))
    published = esper.v2.blueprints.update(
        first.id, body=BlueprintV2Put(publish=True, settings=_settings())
    )
    numbers = [
        (v.version_number, v.minor_version_number, v.publish)
        for v in (first, draft, second_draft, published)
    ]
    assert numbers == [(1, 0, True), (1, 1, False), (1, 2, False), (2, 0, True)]
    assert len({v.version_id for v in (first, draft, second_draft, published)}) == 4
    assert (second_draft.description, second_draft.comments) == ("draft", "again")
    assert draft.settings == first.settings and published.settings == _settings()
    assert published.created_at == first.created_at
    assert esper.v2.blueprints.get(first.id) == published

    versions = list(esper.v2.blueprints.list_versions(first.id))
    assert versions == [first, draft, second_draft, published]
    for version in versions:
        assert version.version_id
        assert esper.v2.blueprints.get_version(first.id, version.version_id) == version


def test_versions_filter_and_order(tenant: Tenant, esper: esperclient.Esper) -> None:
    blueprint = _create(esper, "Versions")
    assert blueprint.id
    for publish in (False, True, False):
        esper.v2.blueprints.update(blueprint.id, body=BlueprintV2Put(publish=publish))
    newest_first = list(
        esper.v2.blueprints.list_versions(
            blueprint.id, ordering="-version_number,-minor_version_number"
        )
    )
    assert [(v.version_number, v.minor_version_number) for v in newest_first] == [
        (2, 1),
        (2, 0),
        (1, 1),
        (1, 0),
    ]
    published = esper.v2.blueprints.list_versions(blueprint.id, publish="true")
    assert [(v.version_number, v.minor_version_number) for v in published] == [(1, 0), (2, 0)]
    second = esper.v2.blueprints.list_versions(blueprint.id, version_number="2")
    assert [v.minor_version_number for v in second] == [0, 1]
    page = json_of(
        call(
            "GET", _url(tenant, blueprint.id, "versions") + "?limit=3&offset=3", key=tenant.api_key
        )
    )["content"]
    assert page["count"] == 4 and len(page["results"]) == 1 and page["next"] is None
    assert page["previous"] is not None


def test_the_versions_list_filters_by_the_settings_of_each_version(
    esper: esperclient.Esper, app: dict[str, str]
) -> None:
    blueprint = _create(esper, "Apps", settings=_settings(apps=[app]))
    assert blueprint.id
    esper.v2.blueprints.update(blueprint.id, body=BlueprintV2Put(settings=_settings()))
    with_app = list(
        esper.v2.blueprints.list_versions(blueprint.id, settings_android_app_id=app["app_id"])
    )
    assert [v.minor_version_number for v in with_app] == [0]


def test_list_filters_by_name_and_orders(tenant: Tenant, esper: esperclient.Esper) -> None:
    for name in ("Warehouse Kiosk", "kiosk lobby", "Signage"):
        _create(esper, name)
    assert _names(esper.v2.blueprints.list()) == ["Warehouse Kiosk", "kiosk lobby", "Signage"]
    assert _names(esper.v2.blueprints.list(name="KIOSK")) == ["Warehouse Kiosk", "kiosk lobby"]
    assert _names(esper.v2.blueprints.list(name_exact="kiosk lobby")) == ["kiosk lobby"]
    assert _names(esper.v2.blueprints.list(name_exact="Kiosk Lobby")) == []
    assert _names(esper.v2.blueprints.list(ordering="-name")) == [
        "kiosk lobby",
        "Warehouse Kiosk",
        "Signage",
    ]
    assert _names(esper.v2.blueprints.list(ordering="-created_at")) == [
        "Signage",
        "kiosk lobby",
        "Warehouse Kiosk",
    ]


def test_list_orders_by_several_fields(esper: esperclient.Esper) -> None:
    for name in ("b", "a", "c"):
        _create(esper, name)
    bumped = esper.v2.blueprints.list(name_exact="c").first()
    assert bumped and bumped.id
    esper.v2.blueprints.update(bumped.id, body=BlueprintV2Put(publish=True))
    ordered = esper.v2.blueprints.list(ordering="-version_number,name")
    assert _names(ordered) == ["c", "a", "b"]


def test_list_pages_by_limit_and_offset(tenant: Tenant, esper: esperclient.Esper) -> None:
    for i in range(5):
        _create(esper, f"bp-{i}")
    pages = list(esper.v2.blueprints.list(page_size=2).pages())
    assert [len(p.results) for p in pages] == [2, 2, 1]
    raw = json_of(call("GET", _url(tenant) + "?limit=2&offset=4", key=tenant.api_key))
    assert raw["code"] == 200 and raw["content"]["count"] == 5
    assert [b["name"] for b in raw["content"]["results"]] == ["bp-4"]


SETTINGS_FILTERS = {
    "settings_android_app_id": ("android", "apps", "app_id"),
    "settings_android_app_version_id": ("android", "apps", "app_version_id"),
    "settings_ios_app_id": ("ios", "apps", "app_id"),
    "settings_ios_app_version_id": ("ios", "apps", "app_version_id"),
    "settings_windows_app_id": ("windows", "apps", "app_id"),
    "settings_windows_app_version_id": ("windows", "apps", "app_version_id"),
    "settings_android_file_id": ("android", "files", "file_id"),
    "settings_android_wifi_network_id": ("android", "wifi_networks", "wifi_network_id"),
    "settings_ios_provisioning_profile_id": ("ios", "provisioning_profiles", "profile_id"),
    "settings_ios_provisioning_profile_version_id": (
        "ios",
        "provisioning_profiles",
        "profile_version_id",
    ),
}


def _referring(esper: esperclient.Esper, app: dict[str, str]) -> dict[str, str]:
    """Create one blueprint that lists an app, file, network and profile of each kind;
    the id each settings filter looks for."""
    ios_app = {"app_id": str(uuid.uuid4()), "app_version_id": str(uuid.uuid4())}
    windows_app = {"app_id": str(uuid.uuid4()), "app_version_id": str(uuid.uuid4())}
    file_id, wifi_id = str(uuid.uuid4()), str(uuid.uuid4())
    profile = {"profile_id": str(uuid.uuid4()), "profile_version_id": str(uuid.uuid4())}
    settings = {
        "android": {
            "apps": [app],
            "files": [{"file_id": file_id, "destination_path": "/sdcard/a.txt"}],
            "wifi_networks": [{"wifi_network_id": wifi_id}],
        },
        "ios": {
            "apps": [{**ios_app, "state": "SHOW", "app_type": "VPP"}],
            "provisioning_profiles": [profile],
        },
        "windows": {"apps": [{**windows_app, "state": "SHOW", "app_type": "TENANT_WINDOWS"}]},
    }
    _create(esper, "Everything", settings=msgspec.convert(settings, SettingsV2))
    _create(esper, "Nothing")
    return {
        name: settings[platform][entries][0][key]  # type: ignore[index]
        for name, (platform, entries, key) in SETTINGS_FILTERS.items()
    }


def test_each_settings_filter_keeps_the_blueprints_listing_that_id(
    esper: esperclient.Esper, app: dict[str, str]
) -> None:
    wanted = _referring(esper, app)
    assert _names(esper.v2.blueprints.list()) == ["Everything", "Nothing"]
    for name, value in wanted.items():
        assert _names(esper.v2.blueprints.list(**{name: value})) == ["Everything"], name
        assert _names(esper.v2.blueprints.list(**{name: str(uuid.uuid4())})) == [], name


def test_settings_filters_read_the_latest_version(
    esper: esperclient.Esper, app: dict[str, str]
) -> None:
    blueprint = _create(esper, "Dropped", settings=_settings(apps=[app]))
    assert blueprint.id
    assert _names(esper.v2.blueprints.list(settings_android_app_id=app["app_id"])) == ["Dropped"]
    esper.v2.blueprints.update(blueprint.id, body=BlueprintV2Put(settings=_settings()))
    assert _names(esper.v2.blueprints.list(settings_android_app_id=app["app_id"])) == []


def _refused(response: Any, field: str) -> str:
    """The text ``content`` of a blueprint's 400, checked to name ``field``."""
    body = json_of(response, 400)
    assert set(body) == {"code", "message", "content"} and body["code"] == 400
    assert isinstance(body["content"], str) and body["content"].startswith(f"{field}: ")
    assert body["message"] == body["content"]
    content: str = body["content"]
    return content


ANY_APP = {"app_id": "a", "app_version_id": "b", "state": "SHOW"}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (
            {
                "android": {
                    "wifi_settings": {**WIFI_ON["wifi_settings"], "apply_policy": "SOMETIMES"}
                }
            },
            "settings.android.wifi_settings.apply_policy",
        ),
        (
            {
                "android": {
                    "bluetooth_settings": {
                        "apply_policy": "IGNORE",
                        "allow_bluetooth": True,
                        "drift_policy": "HUGE",
                    }
                }
            },
            "settings.android.bluetooth_settings.drift_policy",
        ),
        (
            {"android": {"wifi_settings": {**WIFI_ON["wifi_settings"], "apply_policy": 3}}},
            "settings.android.wifi_settings.apply_policy",
        ),
        (
            {"android": {"wifi_settings": {"apply_policy": "IGNORE", "wifi_state": "ENABLE"}}},
            "settings.android.wifi_settings.allow_wifi",
        ),
        (
            {"ios": {"apps": [{**ANY_APP, "state": "HIDE", "app_type": "VPP"}]}},
            "settings.ios.apps[0].state",
        ),
        (
            {"windows": {"apps": [{**ANY_APP, "app_type": "ESPER_IOS"}]}},
            "settings.windows.apps[0].app_type",
        ),
        ({"windows": {"apps": [{"app_id": "a"}]}}, "settings.windows.apps[0].app_version_id"),
    ],
)
def test_settings_that_break_the_spec_are_refused_naming_the_field(
    tenant: Tenant, settings: dict[str, Any], field: str
) -> None:
    response = call(
        "POST", _url(tenant), key=tenant.api_key, json={"name": "Bad", "settings": settings}
    )
    _refused(response, field)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"installation_rule": "LATER"}, "installation_rule", "not a valid choice"),
        ({"state": "GONE"}, "state", "not a valid choice"),
        ({"type": "SIDELOADED"}, "type", "not a valid choice"),
        ({"auto_update_mode": "never"}, "auto_update_mode", "not a valid choice"),
        ({"app_version_id": str(uuid.uuid4())}, "app_version_id", "does not exist"),
        ({"app_id": str(uuid.uuid4())}, "app_id", "is not a version of this app"),
        ({"package_name": "com.example.other"}, "package_name", "is of package"),
    ],
)
def test_android_apps_are_checked(
    tenant: Tenant, app: dict[str, str], change: dict[str, str], field: str, problem: str
) -> None:
    body = {"name": "Apps", "settings": {"android": {"apps": [{**app, **change}]}}}
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert problem in _refused(response, f"settings.android.apps[0].{field}")


def test_an_android_app_entry_needs_every_field(tenant: Tenant, app: dict[str, str]) -> None:
    entry = {key: value for key, value in app.items() if key != "installation_rule"}
    body = {"name": "Apps", "settings": {"android": {"apps": [entry]}}}
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert "installation_rule" in _refused(response, "settings.android.apps[0].installation_rule")


def test_another_enterprises_app_version_is_refused(
    server: Any, tenant: Tenant, make_apk: Callable[..., Path]
) -> None:
    other = make_tenant(server)
    with esperclient.Esper(
        host=other.host, api_key=other.api_key, enterprise_id=other.enterprise_id
    ) as theirs:
        their_app = _app_entry(theirs.applications.upload(make_apk()))
    body = {"name": "Theirs", "settings": {"android": {"apps": [their_app]}}}
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert "does not exist" in _refused(response, "settings.android.apps[0].app_version_id")


def test_an_update_is_checked_too_and_a_refusal_adds_no_version(
    tenant: Tenant, esper: esperclient.Esper
) -> None:
    blueprint = _create(esper, "Checked")
    assert blueprint.id
    wifi = {**WIFI_ON["wifi_settings"], "apply_policy": "NEVER"}
    bad = {"settings": {"android": {"wifi_settings": wifi}}}
    response = call("PUT", _url(tenant, blueprint.id), key=tenant.api_key, json=bad)
    _refused(response, "settings.android.wifi_settings.apply_policy")
    assert esper.v2.blueprints.list_versions(blueprint.id).total() == 1


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": None}])
def test_a_name_is_required(tenant: Tenant, body: dict[str, Any]) -> None:
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert "required" in _refused(response, "name")


def test_a_body_less_create_is_refused_for_its_name(tenant: Tenant) -> None:
    _refused(call("POST", _url(tenant), key=tenant.api_key), "name")


def test_a_too_long_name_is_refused(tenant: Tenant) -> None:
    response = call("POST", _url(tenant), key=tenant.api_key, json={"name": "x" * 256})
    _refused(response, "name")


def test_a_name_is_unique_in_the_enterprise(
    server: Any, tenant: Tenant, esper: esperclient.Esper
) -> None:
    taken = _create(esper, "Taken")
    other = _create(esper, "Other")
    assert taken.id and other.id
    again = call("POST", _url(tenant), key=tenant.api_key, json={"name": "Taken"})
    assert "already exists" in _refused(again, "name")
    renamed = call("PUT", _url(tenant, other.id), key=tenant.api_key, json={"name": "Taken"})
    _refused(renamed, "name")
    same = esper.v2.blueprints.update(taken.id, body=BlueprintV2Put(name="Taken"))
    assert same.name == "Taken"
    elsewhere = make_tenant(server)
    theirs = call("POST", _url(elsewhere), key=elsewhere.api_key, json={"name": "Taken"})
    assert theirs.status == 201


def test_delete_answers_204_and_the_versions_are_gone(
    tenant: Tenant, esper: esperclient.Esper
) -> None:
    blueprint = _create(esper, "Short-lived")
    assert blueprint.id and blueprint.version_id
    response = call("DELETE", _url(tenant, blueprint.id), key=tenant.api_key)
    assert response.status == 204 and response.data == b""
    for url in (
        _url(tenant, blueprint.id),
        _url(tenant, blueprint.id, "versions"),
        _url(tenant, blueprint.id, "versions", blueprint.version_id),
    ):
        _not_found(call("GET", url, key=tenant.api_key))
    _not_found(call("DELETE", _url(tenant, blueprint.id), key=tenant.api_key))
    assert _names(esper.v2.blueprints.list()) == []


def _not_found(response: Any) -> None:
    body = json_of(response, 404)
    assert body["code"] == 404 and body["content"] == {} and "not found" in body["message"]


def test_unknown_ids_are_404s(tenant: Tenant, esper: esperclient.Esper) -> None:
    blueprint = _create(esper, "Known")
    assert blueprint.id
    unknown = str(uuid.uuid4())
    _not_found(call("GET", _url(tenant, unknown), key=tenant.api_key))
    _not_found(call("PUT", _url(tenant, unknown), key=tenant.api_key, json={"name": "x"}))
    _not_found(call("GET", _url(tenant, blueprint.id, "versions", unknown), key=tenant.api_key))
    with pytest.raises(esperclient.NotFoundError):
        esper.v2.blueprints.get(unknown)


def test_another_enterprises_blueprint_is_a_404(
    server: Any, tenant: Tenant, esper: esperclient.Esper
) -> None:
    blueprint = _create(esper, "Mine")
    assert blueprint.id and blueprint.version_id
    other = make_tenant(server)
    for method, url in (
        ("GET", _url(other, blueprint.id)),
        ("DELETE", _url(other, blueprint.id)),
        ("GET", _url(other, blueprint.id, "versions")),
        ("GET", _url(other, blueprint.id, "versions", blueprint.version_id)),
    ):
        _not_found(call(method, url, key=other.api_key))
    assert esper.v2.blueprints.get(blueprint.id) == blueprint


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("ordering=colour", "ordering"),
        ("ordering=name,-settings", "ordering"),
    ],
)
def test_bad_list_queries_are_400s(tenant: Tenant, query: str, field: str) -> None:
    response = call("GET", f"{_url(tenant)}?{query}", key=tenant.api_key)
    body = json_of(response, 400)
    assert body["code"] == 400 and body["message"].startswith(f"{field}: ")


@pytest.mark.parametrize("query", ["version_number=two", "publish=maybe"])
def test_bad_version_queries_are_400s(tenant: Tenant, esper: esperclient.Esper, query: str) -> None:
    blueprint = _create(esper, "Queried")
    assert blueprint.id
    response = call("GET", f"{_url(tenant, blueprint.id, 'versions')}?{query}", key=tenant.api_key)
    body = json_of(response, 400)
    assert body["message"].startswith(query.split("=")[0] + ": ")


def _spec_enum(schema: str, field: str) -> list[str]:
    schemas = json.loads(SPEC.read_text())["components"]["schemas"]
    found: list[str] = schemas[schema]["properties"][field]["enum"]
    return found


def test_the_checked_enums_are_the_specs() -> None:
    assert (
        list(APPLY_POLICIES)
        == json.loads(SPEC.read_text())["components"]["schemas"]["apply_policy"]["enum"]
    )
    assert (
        list(DRIFT_POLICIES)
        == json.loads(SPEC.read_text())["components"]["schemas"]["drift_policy"]["enum"]
    )
    schemas = {"android": "app", "ios": "ios_app", "windows": "windows_app"}
    for platform, choices in APP_CHOICES.items():
        for field, allowed in choices.items():
            assert list(allowed) == _spec_enum(schemas[platform], field), (platform, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a\x00b"}, "name"),
        ({"name": "ok", "description": "\x00"}, "description"),
        ({"name": "ok", "comments": "\x00"}, "comments"),
        (
            {"name": "ok", "settings": {"android": {"timezone_settings": {"timezone": "\x00"}}}},
            "settings.android.timezone_settings.timezone",
        ),
    ],
)
def test_null_characters_are_refused(tenant: Tenant, body: dict[str, Any], field: str) -> None:
    response = call("POST", _url(tenant), key=tenant.api_key, json=body)
    assert "Null characters" in _refused(response, field)


def test_an_apps_managed_config_is_its_own_business(
    esper: esperclient.Esper, app: dict[str, str]
) -> None:
    config = {"apply_policy": "whatever the app means", "kiosk": True}
    made = _create(
        esper, "Configured", settings=_settings(apps=[{**app, "managed_config": config}])
    )
    assert made.settings and made.settings.android and made.settings.android.apps
    assert made.settings.android.apps[0].managed_config == config


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(SETTINGS_KEYS), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(body=st.dictionaries(st.sampled_from(["name", "settings", "publish", "comments"]), JSON))
def test_any_json_body_is_answered_without_5xx_and_a_refusal_adds_nothing(
    server: Any, body: dict[str, Any]
) -> None:
    owner = make_tenant(server, devices=0)
    made = json_of(call("POST", _url(owner), key=owner.api_key, json={"name": "Base"}), 201)
    blueprint_id = made["content"]["id"]

    def counts() -> tuple[int, int]:
        listed = json_of(call("GET", _url(owner), key=owner.api_key))
        versions = json_of(call("GET", _url(owner, blueprint_id, "versions"), key=owner.api_key))
        return listed["content"]["count"], versions["content"]["count"]

    for method, url, added in (
        ("POST", _url(owner), (1, 0)),
        ("PUT", _url(owner, blueprint_id), (0, 1)),
    ):
        before = counts()
        response = call(method, url, key=owner.api_key, json=body)
        assert response.status in (200, 201, 400), (method, body, response.data[:300])
        grown = (0, 0) if response.status == 400 else added
        assert counts() == (before[0] + grown[0], before[1] + grown[1]), (method, body)
