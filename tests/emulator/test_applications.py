"""Applications: uploads of real APKs, what is kept on disk, refusals, lists and versions."""

from __future__ import annotations

import hashlib
import select
import socket
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import urllib3

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.conftest import HTTP_TIMEOUT, Tenant, make_configuration
from tests.emulator.conftest import call, count, esper_error, json_of

MakeApk = Callable[..., Path]


@pytest.fixture
def apps(api_client: esperclient.ApiClient) -> esperclient.ApplicationApi:
    return esperclient.ApplicationApi(api_client)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stored_files(server: EmulatorServer, tenant: Tenant) -> list[Path]:
    folder = server.emulator.settings.files_dir / tenant.enterprise_id
    return sorted(folder.iterdir()) if folder.exists() else []


def _incoming(server: EmulatorServer) -> list[Path]:
    folder = server.emulator.settings.files_dir / "incoming"
    return sorted(folder.iterdir()) if folder.exists() else []


def _upload_url(tenant: Tenant) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/application/upload/"


def _post_file(
    tenant: Tenant, name: str, data: bytes, field: str = "app_file"
) -> urllib3.BaseHTTPResponse:
    fields = {field: (name, data, "application/octet-stream")}
    headers = {"Authorization": f"Bearer {tenant.api_key}"}
    return urllib3.request(
        "POST", _upload_url(tenant), fields=fields, headers=headers, timeout=HTTP_TIMEOUT
    )


# uploads


def test_an_upload_answers_201_with_the_application(
    tenant: Tenant, api_client: esperclient.ApiClient, make_apk: MakeApk
) -> None:
    apk = make_apk(
        "com.example.scanner",
        version_code=42,
        version_name="4.2.0",
        min_sdk=24,
        target_sdk=33,
        label="Scanner",
        permissions=["android.permission.CAMERA", "android.permission.INTERNET"],
    )
    created, status, _ = esperclient.ApplicationApi(api_client).upload_with_http_info(
        tenant.enterprise_id, apk
    )
    app = created.application
    assert status == 201
    assert app.package_name == "com.example.scanner" and app.application_name == "Scanner"
    assert app.enterprise.endswith(f"/api/v1/enterprise/{tenant.enterprise_id}/")
    assert app.is_hidden is False and app.is_active is True
    [version] = app.versions
    assert (version.version_code, version.version_name, version.build_number) == (
        "4.2.0",
        "4.2.0",
        "42",
    )
    assert (version.min_sdk_version, version.target_sdk_version) == ("24", "33")
    assert version.hash_string == _sha256(apk)
    assert version.download_url.startswith(tenant.host)


def test_the_version_lists_the_permissions_and_size(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    permissions = ["android.permission.CAMERA", "android.permission.ACCESS_FINE_LOCATION"]
    apk = make_apk(permissions=permissions)
    app = apps.upload(tenant.enterprise_id, apk).application
    [version] = apps.get_app_versions(app.id, tenant.enterprise_id).results
    assert [p.permission for p in version.permissions] == permissions
    assert version.installed_count == 0 and version.hash_string == _sha256(apk)
    assert version.size_in_mb == round(apk.stat().st_size / 1_048_576, 3)
    assert version.application.endswith(f"/application/{app.id}/")


def test_an_app_without_a_label_is_named_by_its_package(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    app = apps.upload(tenant.enterprise_id, make_apk("com.example.nolabel", label=None)).application
    assert app.application_name == "com.example.nolabel"


def test_an_app_labelled_by_a_string_resource_gets_its_real_name(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    labels = {"": "Tiny Notepad", "fr": "Petit bloc-notes"}
    apk = make_apk("com.robot15.tiny.notepad", label=labels)

    app = apps.upload(tenant.enterprise_id, apk).application

    assert app.application_name == "Tiny Notepad"
    assert apps.get_application(app.id, tenant.enterprise_id).application_name == "Tiny Notepad"


def test_the_file_is_kept_in_the_files_dir_byte_for_byte(
    server: EmulatorServer, tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    apk = make_apk()
    version = apps.upload(tenant.enterprise_id, apk).application.versions[0]
    [stored] = _stored_files(server, tenant)
    assert stored.name == f"{version.id}.apk"
    assert _sha256(stored) == _sha256(apk) == version.hash_string
    assert _incoming(server) == []


def test_a_second_version_joins_the_same_application(
    server: EmulatorServer, tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    first = apps.upload(tenant.enterprise_id, make_apk("com.example.twice")).application
    second = apps.upload(
        tenant.enterprise_id, make_apk("com.example.twice", version_code=2, version_name="2.0")
    ).application
    assert second.id == first.id
    assert [v.build_number for v in second.versions] == ["2", "1"]
    listed = apps.get_all_applications(tenant.enterprise_id, package_name="com.example.twice")
    assert listed.count == 1 and len(listed.results[0].versions) == 2
    versions = apps.get_app_versions(first.id, tenant.enterprise_id)
    assert sorted(v.build_number for v in versions.results) == ["1", "2"]
    assert len(_stored_files(server, tenant)) == 2


def test_the_same_version_again_is_400_and_writes_nothing(
    server: EmulatorServer, tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    apk = make_apk("com.example.again")
    apps.upload(tenant.enterprise_id, apk)
    before = count(server, schema.app_versions, enterprise_id=tenant.enterprise_id)
    files = _stored_files(server, tenant)
    with pytest.raises(esperclient.BadRequestError) as caught:
        apps.upload(tenant.enterprise_id, apk)
    assert caught.value.message == "App version already exists"  # esper-cli's tests
    assert caught.value.field_errors == {"app_file": ["App version already exists"]}
    assert count(server, schema.app_versions, enterprise_id=tenant.enterprise_id) == before
    assert _stored_files(server, tenant) == files and _incoming(server) == []


def test_the_same_package_in_two_enterprises_is_two_applications(
    tenant: Tenant, other: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    apk = make_apk("com.example.shared")
    mine = apps.upload(tenant.enterprise_id, apk).application
    with esperclient.ApiClient(make_configuration(other.host, other.api_key)) as client:
        theirs = esperclient.ApplicationApi(client).upload(other.enterprise_id, apk).application
    assert mine.id != theirs.id and mine.package_name == theirs.package_name


def _zip_without_manifest(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("classes.dex", b"dex\n035\0")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.txt", lambda _: b"just some text\n", "not a zip archive"),
        ("nomanifest.apk", _zip_without_manifest, "AndroidManifest.xml is missing"),
    ],
)
def test_what_is_not_an_apk_is_400_saying_why_and_leaves_nothing(
    server: EmulatorServer,
    tenant: Tenant,
    tmp_path: Path,
    name: str,
    content: Callable[[Path], bytes],
    reason: str,
) -> None:
    response = _post_file(tenant, name, content(tmp_path / name))
    body = esper_error(response, 400)
    assert body["message"].startswith("app_file: not an APK") and reason in body["message"]
    assert body["errors"] == [{"app_file": [body["message"].removeprefix("app_file: ")]}]
    assert count(server, schema.app_versions, enterprise_id=tenant.enterprise_id) == 0
    assert _stored_files(server, tenant) == [] and _incoming(server) == []


def test_an_empty_file_is_400_as_esper_says_it(server: EmulatorServer, tenant: Tenant) -> None:
    body = esper_error(_post_file(tenant, "empty.apk", b""), 400)
    assert body["message"] == "app_file: The submitted file is empty."  # esper-cli's tests
    assert body["errors"] == [{"app_file": ["The submitted file is empty."]}]
    assert _incoming(server) == []


def test_a_form_without_app_file_is_400(server: EmulatorServer, tenant: Tenant) -> None:
    body = esper_error(_post_file(tenant, "a.apk", b"PK", field="file"), 400)
    assert body["errors"] == [{"app_file": ["No file was submitted."]}]
    assert _incoming(server) == []


def test_two_files_are_400(tenant: Tenant, make_apk: MakeApk) -> None:
    data = make_apk().read_bytes()
    fields = [("app_file", ("a.apk", data)), ("app_file", ("b.apk", data))]
    response = urllib3.request(
        "POST",
        _upload_url(tenant),
        fields=fields,
        headers={"Authorization": f"Bearer {tenant.api_key}"},
        timeout=HTTP_TIMEOUT,
    )
    esper_error(response, 400)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/octet-stream", "text/plain", None]
)
def test_a_body_that_is_not_a_form_is_415(tenant: Tenant, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = call(
        "POST", _upload_url(tenant), key=tenant.api_key, headers=headers, body=b'{"app_file": "x"}'
    )
    assert "multipart/form-data" in esper_error(response, 415)["message"]


def test_a_broken_multipart_body_is_400(server: EmulatorServer, tenant: Tenant) -> None:
    headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
    response = call(
        "POST", _upload_url(tenant), key=tenant.api_key, headers=headers, body=b"--xyz\r\nnonsense"
    )
    esper_error(response, 400)
    assert _incoming(server) == []


# size limit


@pytest.fixture
def small(start_server: Callable[..., EmulatorServer]) -> Iterator[tuple[EmulatorServer, Tenant]]:
    own = start_server(max_upload_bytes=4096)
    creds = own.create_enterprise(devices=1)
    yield own, Tenant(own.host, creds.enterprise_id, creds.api_key, [])


def _big_apk(make_apk: MakeApk) -> Path:
    permissions = [f"com.example.permission.P{n:04d}" for n in range(400)]
    apk = make_apk(permissions=permissions)
    assert apk.stat().st_size > 4096
    return apk


def test_an_upload_over_the_limit_is_413(
    small: tuple[EmulatorServer, Tenant], make_apk: MakeApk
) -> None:
    own, tenant = small
    with esperclient.ApiClient(make_configuration(tenant.host, tenant.api_key)) as client:
        apps = esperclient.ApplicationApi(client)
        with pytest.raises(esperclient.PayloadTooLargeError) as caught:
            apps.upload(tenant.enterprise_id, _big_apk(make_apk))
        assert caught.value.status == 413 and "4096" in caught.value.message
        assert apps.upload(tenant.enterprise_id, make_apk()).application is not None
    assert count(own, schema.app_versions) == 1 and _incoming(own) == []


def test_a_chunked_upload_is_refused_while_it_streams_in(
    small: tuple[EmulatorServer, Tenant],
) -> None:
    """Without a Content-Length, the 413 comes once the limit is passed, not at the end."""
    own, tenant = small
    host, port = own.url.removeprefix("http://").split(":")
    path = f"/api/enterprise/{tenant.enterprise_id}/application/upload/"
    part = (
        b'--b0undary\r\nContent-Disposition: form-data; name="app_file"; filename="big.apk"'
        b"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes(16 * 1024)
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {tenant.api_key}\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: multipart/form-data; boundary=b0undary\r\n\r\n".encode()
            + f"{len(part):x}\r\n".encode()
            + part
            + b"\r\n"
        )
        answered, _, _ = select.select([sock], [], [], 10)  # the body never ends
        assert answered, "no answer while the body was still coming"
        head = sock.recv(65536).split(b"\r\n", 1)[0]
    assert head == b"HTTP/1.1 413 Request Entity Too Large"
    assert count(own, schema.app_versions) == 0 and _incoming(own) == []


# lists


def test_list_applications_filters_and_pages(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    for n, label in enumerate(["Inventory Pro", "Inventory Lite", "Time Clock"]):
        apps.upload(tenant.enterprise_id, make_apk(f"com.example.list{n}", label=label))
    everything = apps.get_all_applications(tenant.enterprise_id)
    assert everything.count == 3 and everything.next is None
    named = apps.get_all_applications(tenant.enterprise_id, application_name="inventory")
    assert [a.application_name for a in named.results] == ["Inventory Pro", "Inventory Lite"]
    by_package = apps.get_all_applications(tenant.enterprise_id, package_name="com.example.list2")
    assert [a.application_name for a in by_package.results] == ["Time Clock"]
    assert apps.get_all_applications(tenant.enterprise_id, package_name="com.example").count == 0
    assert apps.get_all_applications(tenant.enterprise_id, is_hidden=False).count == 3
    assert apps.get_all_applications(tenant.enterprise_id, is_hidden=True).count == 0
    page = apps.get_all_applications(tenant.enterprise_id, limit=2, offset=1)
    assert [a.application_name for a in page.results] == ["Inventory Lite", "Time Clock"]
    assert page.next is None and page.previous is not None


def test_list_applications_validates_its_query(tenant: Tenant) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/application/"
    for query, field in (("limit=0", "limit"), ("is_hidden=perhaps", "is_hidden"), ("x=1", "x")):
        body = esper_error(call("GET", f"{url}?{query}", key=tenant.api_key), 400)
        assert body["message"].startswith(f"{field}: ")


def test_app_versions_filter_by_version_code_and_build_number(
    tenant: Tenant, apps: esperclient.ApplicationApi, make_apk: MakeApk
) -> None:
    for code in (1, 2, 3):
        app = apps.upload(
            tenant.enterprise_id,
            make_apk("com.example.versions", version_code=code, version_name=f"{code}.0"),
        ).application
    by_code = apps.get_app_versions(app.id, tenant.enterprise_id, version_code="2.0")
    assert [v.build_number for v in by_code.results] == ["2"]
    by_build = apps.get_app_versions(app.id, tenant.enterprise_id, build_number="3")
    assert [v.version_code for v in by_build.results] == ["3.0"]
    assert apps.get_app_versions(app.id, tenant.enterprise_id, build_number="9").count == 0
    page = apps.get_app_versions(app.id, tenant.enterprise_id, limit=1)
    assert page.count == 3 and len(page.results) == 1 and page.next is not None


def test_versions_of_an_unknown_application_are_404(
    tenant: Tenant, apps: esperclient.ApplicationApi
) -> None:
    with pytest.raises(esperclient.NotFoundError) as caught:
        apps.get_app_versions("00000000-0000-4000-8000-000000000000", tenant.enterprise_id)
    assert caught.value.message == "Application not found."
    with pytest.raises(esperclient.BadRequestError) as malformed:
        apps.get_app_versions("nope", tenant.enterprise_id)
    assert "application_id" in malformed.value.field_errors


def test_the_files_answer_json(tenant: Tenant, apps: esperclient.ApplicationApi) -> None:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/application/?limit=5"
    page = json_of(call("GET", url, key=tenant.api_key))
    assert page == {"count": 0, "next": None, "previous": None, "results": []}
