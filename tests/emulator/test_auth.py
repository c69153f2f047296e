"""Authentication and tenancy: every served route needs a key, and a key sees one enterprise."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3
from sqlalchemy import select
from starlette.routing import Route

import esperclient
from esper_emulator.app import create_app
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.conftest import HTTP_TIMEOUT, Tenant, make_configuration
from tests.emulator.conftest import api_error, call, count, esper_error, json_of

Probe = tuple[str, str]  # (method, path template)


def _served(server: EmulatorServer) -> list[Probe]:
    """Every (method, path) the emulator serves under ``/api``, read from the app itself."""
    probes = []
    for route in create_app(emulator=server.emulator).routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            probes += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return probes


@dataclass(frozen=True)
class Objects:
    """Real ids of one enterprise's objects, to fill route templates with."""

    tenant: Tenant
    application_id: str
    command_id: str

    def ids(self) -> dict[str, str]:
        return {
            "enterprise_id": self.tenant.enterprise_id,
            "device_id": self.tenant.device_ids[0],
            "application_id": self.application_id,
            "command_id": self.command_id,
        }

    def url(self, template: str, **override: str) -> str:
        values = {**self.ids(), **override}
        path = template
        for name in _placeholders(template):
            path = path.replace(f"{{{name}}}", values.get(name, str(uuid.uuid4())))
        return self.tenant.host.removesuffix("/api") + path


def _placeholders(template: str) -> list[str]:
    return [part[1:-1] for part in template.split("/") if part.startswith("{")]


@pytest.fixture
def objects_of_b(other: Tenant, make_apk: Callable[..., Path]) -> Objects:
    """Enterprise B with an uploaded application and a command, all made through the API."""
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        uploaded = esperclient.ApplicationApi(client).upload(other.enterprise_id, make_apk())
        command = esperclient.CommandsApi(client).run_command(
            other.enterprise_id, other.device_ids[0], esperclient.CommandRequest(command="REBOOT")
        )
    return Objects(other, uploaded.application.id, command.id)


def _counts(server: EmulatorServer, enterprise_id: str) -> list[int]:
    tables = (schema.commands, schema.app_versions, schema.applications, schema.devices)
    return [count(server, table, enterprise_id=enterprise_id) for table in tables]


def _send(method: str, url: str, key: str | None, apk: Path) -> urllib3.BaseHTTPResponse:
    """A plausible request for the route, so that only authorization can refuse it."""
    if url.endswith("/upload/"):
        fields = {
            "app_file": (apk.name, apk.read_bytes(), "application/vnd.android.package-archive")
        }
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return urllib3.request(method, url, fields=fields, headers=headers, timeout=HTTP_TIMEOUT)
    if method == "POST":
        return call(method, url, key=key, json={"command": "REBOOT"})
    return call(method, url, key=key)


def test_the_probe_list_covers_the_api(server: EmulatorServer) -> None:
    probes = _served(server)
    assert ("GET", "/api/enterprise/{enterprise_id}/device/") in probes
    assert ("POST", "/api/enterprise/{enterprise_id}/application/upload/") in probes
    assert len(probes) >= 9


@pytest.mark.parametrize(
    "header",
    [None, "", "Token abc", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "abc"],
)
def test_missing_or_malformed_authorization_is_401_on_every_route(
    server: EmulatorServer, objects_of_b: Objects, header: str | None
) -> None:
    for method, template in _served(server):
        url = objects_of_b.url(template)
        headers = {} if header is None else {"Authorization": header}
        if method == "POST" and not url.endswith("/upload/"):
            response = call(method, url, headers=headers, json={"command": "REBOOT"})
        else:
            response = call(method, url, headers=headers)
        body = api_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert objects_of_b.tenant.enterprise_id not in response.data.decode()
        if header is None:
            assert body["message"] == "Authentication credentials were not provided."


def test_an_unknown_key_is_401_on_every_route(
    server: EmulatorServer, objects_of_b: Objects, make_apk: Callable[..., Path]
) -> None:
    apk = make_apk()
    for method, template in _served(server):
        response = _send(method, objects_of_b.url(template), "not-a-key-" + uuid.uuid4().hex, apk)
        assert api_error(response, 401)["message"] == "Invalid token."


def test_the_scheme_is_case_insensitive_and_the_key_trimmed(tenant: Tenant) -> None:
    url = f"{tenant.host}/v1/token-info/"
    for header in (f"bearer {tenant.api_key}", f"BEARER   {tenant.api_key}  "):
        info = json_of(call("GET", url, headers={"Authorization": header}))
        assert info["enterprise"] == tenant.enterprise_id


def test_a_key_with_a_space_inside_is_refused(tenant: Tenant) -> None:
    response = call("GET", f"{tenant.host}/v1/token-info/", key=f"{tenant.api_key} extra")
    esper_error(response, 401)


def test_a_key_of_a_on_the_path_of_b_is_403_on_every_route_and_shows_nothing_of_b(
    server: EmulatorServer,
    tenant: Tenant,
    objects_of_b: Objects,
    make_apk: Callable[..., Path],
) -> None:
    apk = make_apk()
    secrets_of_b = [*objects_of_b.ids().values(), objects_of_b.tenant.api_key]
    before = _counts(server, objects_of_b.tenant.enterprise_id)
    checked = 0
    for method, template in _served(server):
        if "{enterprise_id}" not in template:
            # token-info and the newer services (/v2/..., /commands/v0/...) take the
            # enterprise from the key
            assert template == "/api/v1/token-info/" or template.startswith(
                ("/api/v2/", "/api/commands/")
            )
            continue
        response = _send(method, objects_of_b.url(template), tenant.api_key, apk)
        esper_error(response, 403)
        text = response.data.decode()
        assert not [s for s in secrets_of_b if s in text], (method, template, text)
        checked += 1
    assert checked >= 9
    assert _counts(server, objects_of_b.tenant.enterprise_id) == before


def test_403_comes_before_any_check_of_the_other_ids(
    server: EmulatorServer, tenant: Tenant, objects_of_b: Objects
) -> None:
    """A malformed id on B's path must not tell A anything but 'not yours'."""
    for method, template in _served(server):
        names = [n for n in _placeholders(template) if n != "enterprise_id"]
        if "{enterprise_id}" not in template or not names:
            continue
        url = objects_of_b.url(template, **dict.fromkeys(names, "not-a-uuid"))
        response = call(method, url, key=tenant.api_key, json={"command": "REBOOT"})
        esper_error(response, 403)


def test_a_key_of_a_cannot_reach_objects_of_b_under_its_own_path(
    tenant: Tenant, objects_of_b: Objects
) -> None:
    b = objects_of_b.tenant
    with esperclient.ApiClient(make_configuration(tenant.host, tenant.api_key)) as client:
        with pytest.raises(esperclient.NotFoundError) as device:
            esperclient.DeviceApi(client).get_device_by_id(tenant.enterprise_id, b.device_ids[0])
        with pytest.raises(esperclient.NotFoundError):
            esperclient.CommandsApi(client).run_command(
                tenant.enterprise_id, b.device_ids[0], esperclient.CommandRequest(command="REBOOT")
            )
        with pytest.raises(esperclient.NotFoundError):
            esperclient.CommandsApi(client).get_command(
                objects_of_b.command_id, b.device_ids[0], tenant.enterprise_id
            )
        with pytest.raises(esperclient.NotFoundError):
            esperclient.ApplicationApi(client).get_app_versions(
                objects_of_b.application_id, tenant.enterprise_id
            )
        listed = esperclient.DeviceApi(client).get_all_devices(tenant.enterprise_id, limit=100)
        apps = esperclient.ApplicationApi(client).get_all_applications(tenant.enterprise_id)
    assert device.value.status == 404 and b.device_ids[0] not in (device.value.body or "")
    assert {d.id for d in listed.results}.isdisjoint(b.device_ids)
    assert listed.count == len(tenant.device_ids)
    assert objects_of_b.application_id not in {a.id for a in apps.results}


def test_token_info_and_enterprise_describe_the_key_owner(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    info = esperclient.TokenApi(api_client).get_token_info()
    enterprise = esperclient.EnterpriseApi(api_client).get_enterprise(tenant.enterprise_id)
    assert info.enterprise == tenant.enterprise_id and info.token == tenant.api_key
    assert enterprise.id == tenant.enterprise_id and enterprise.name == "Test Enterprise"


def test_an_expired_key_is_401(start_server: Callable[..., EmulatorServer]) -> None:
    own = start_server()
    creds = own.create_enterprise(devices=1)
    url = f"{own.host}/v1/enterprise/{creds.enterprise_id}/"
    json_of(call("GET", url, key=creds.api_key))
    json_of(call("POST", f"{own.url}/_emulator/clock/advance", json={"seconds": 366 * 86400}))
    assert esper_error(call("GET", url, key=creds.api_key), 401)["message"] == "Token has expired."


def test_an_unknown_api_path_is_an_esper_404(tenant: Tenant) -> None:
    for path in ("/nothing/", "/enterprise/", f"/enterprise/{tenant.enterprise_id}/gadget/"):
        response = call("GET", tenant.host + path, key=tenant.api_key)
        assert esper_error(response, 404)["message"] == "Not found."


def test_a_wrong_method_is_an_esper_405_naming_the_allowed_ones(tenant: Tenant) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"
    response = call("DELETE", url, key=tenant.api_key)
    assert esper_error(response, 405)["message"] == 'Method "DELETE" not allowed.'
    assert "GET" in response.headers["Allow"]
    upload = call("GET", f"{url.removesuffix('device/')}application/upload/", key=tenant.api_key)
    esper_error(upload, 405)


def _everything_stored(server: EmulatorServer) -> bytes:
    """Every value of every row, and the database's files when it is SQLite's."""
    with server.emulator.store.transaction() as store:
        rows = [
            row
            for table in schema.metadata.sorted_tables
            for row in store.conn.execute(select(table))
        ]
    values = (v if isinstance(v, bytes) else str(v).encode() for row in rows for v in row)
    db = server.emulator.settings.db
    files = [] if "://" in db else [Path(db), Path(db + "-wal")]
    return b"".join([*values, *(f.read_bytes() for f in files if f.exists())])


def test_keys_are_stored_only_as_hashes(server: EmulatorServer, tenant: Tenant) -> None:
    stored = _everything_stored(server)
    assert tenant.enterprise_id.encode() in stored
    assert tenant.api_key.encode() not in stored
