"""Content: uploads kept safely on disk, metadata, search, tags, deletion, tenancy."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import urllib3

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.conftest import Tenant, make_configuration
from tests.emulator.conftest import call, count, esper_error, json_of


@pytest.fixture
def contents(api_client: esperclient.ApiClient) -> esperclient.ContentApi:
    return esperclient.ContentApi(api_client)


def _url(tenant: Tenant, content_id: object = None) -> str:
    base = f"{tenant.host}/v0/enterprise/{tenant.enterprise_id}/content/"
    return base if content_id is None else f"{base}{content_id}/"


def _post_raw(tenant: Tenant, filename: bytes, data: bytes, field: str = "key") -> Any:
    """An upload whose ``filename`` goes on the wire byte for byte."""
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="'
        + field.encode()
        + b'"; filename="'
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--XyZ--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=XyZ"}
    return call("POST", _url(tenant) + "upload/", key=tenant.api_key, headers=headers, body=body)


def _kept(server: EmulatorServer) -> list[Path]:
    """Every file under the emulator's file store, wherever it is."""
    return sorted(p for p in server.emulator.settings.files_dir.rglob("*") if p.is_file())


def _library(server: EmulatorServer, tenant: Tenant) -> Path:
    return server.emulator.settings.files_dir / "content" / tenant.enterprise_id


def test_an_upload_describes_the_file_and_keeps_it(
    server: EmulatorServer, tenant: Tenant, contents: esperclient.ContentApi, tmp_path: Path
) -> None:
    source = tmp_path / "price list.csv"
    source.write_bytes(b"sku,price\n1,2\n")
    created, status, _ = contents.post_content_with_http_info(tenant.enterprise_id, source)
    assert status == 200  # as the spec says, not 201
    assert isinstance(created.id, int) and created.name == "price list.csv"
    assert created.kind == "text/csv" and created.size == "14"
    assert created.hash == hashlib.sha256(source.read_bytes()).hexdigest()
    assert created.tags == [] and created.description == "" and created.is_dir is False
    assert created.key.endswith("/price list.csv") and created.path == "/price list.csv"
    assert created.enterprise.endswith(f"/api/v1/enterprise/{tenant.enterprise_id}/")
    assert created.owner.username and isinstance(created.owner.id, int)
    assert created.created == created.modified
    assert contents.get_content(created.id, tenant.enterprise_id) == created
    [kept] = _library(server, tenant).iterdir()
    assert kept.read_bytes() == source.read_bytes()
    download = call("GET", created.download_url, key=tenant.api_key)
    assert download.status == 200 and download.data == source.read_bytes()
    assert download.headers["Content-Type"].startswith("text/csv")


def test_an_open_binary_file_can_be_uploaded(
    tenant: Tenant, contents: esperclient.ContentApi
) -> None:
    handle = io.BytesIO(b"\x89PNG\r\n\x1a\n")
    handle.name = "logo.png"
    created = contents.post_content(tenant.enterprise_id, handle)
    assert (created.name, created.kind, created.size) == ("logo.png", "image/png", "8")


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        (b"../../escape.txt", "escape.txt"),
        (b"/etc/passwd", "passwd"),
        (b"..\\..\\windows\\win.ini", "win.ini"),
        (b"C:\\boot.ini", "boot.ini"),
        (b"nul\x00byte.txt", "nulbyte.txt"),
        (b"..", "upload"),
        (b"", "upload"),
    ],
)
def test_a_path_in_the_file_name_never_reaches_the_disk(
    server: EmulatorServer, tenant: Tenant, filename: bytes, shown: str
) -> None:
    before = set(_kept(server))
    created = json_of(_post_raw(tenant, filename, b"data"))
    assert created["name"] == shown
    [new] = set(_kept(server)) - before
    assert new.parent == _library(server, tenant) and shown not in new.name
    assert not (server.emulator.settings.files_dir.parent / "escape.txt").exists()


def test_a_very_long_name_is_shortened_keeping_its_extension(tenant: Tenant) -> None:
    created = json_of(_post_raw(tenant, b"x" * 400 + b".pdf", b"%PDF"))
    assert len(created["name"]) == 200 and created["name"].endswith(".pdf")
    assert created["kind"] == "application/pdf" and len(created["key"]) <= 255


def test_an_upload_over_the_limit_is_413_and_leaves_nothing(
    start_server: Callable[..., EmulatorServer], tmp_path: Path
) -> None:
    own = start_server(max_upload_bytes=4096)
    creds = own.create_enterprise(devices=1)
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * 8192)
    config = make_configuration(own.host, creds.api_key)
    with (
        esperclient.ApiClient(config) as client,
        pytest.raises(esperclient.PayloadTooLargeError),
    ):
        esperclient.ContentApi(client).post_content(creds.enterprise_id, big)
    assert count(own, schema.contents) == 0 and _kept(own) == []


def test_a_chunked_upload_is_cut_off_at_the_limit(
    start_server: Callable[..., EmulatorServer],
) -> None:
    own = start_server(max_upload_bytes=4096)
    creds = own.create_enterprise(devices=1)
    head = b'--B\r\nContent-Disposition: form-data; name="key"; filename="a.bin"\r\n\r\n'
    chunks = [head, *([b"\0" * 1024] * 8), b"\r\n--B--\r\n"]  # no Content-Length
    response = urllib3.PoolManager(retries=False).request(
        "POST",
        f"{own.host}/v0/enterprise/{creds.enterprise_id}/content/upload/",
        body=iter(chunks),
        chunked=True,
        headers={
            "Authorization": f"Bearer {creds.api_key}",
            "Content-Type": "multipart/form-data; boundary=B",
        },
    )
    esper_error(response, 413)
    assert count(own, schema.contents) == 0 and _kept(own) == []


def test_a_missing_file_or_a_form_that_is_not_multipart_is_refused(tenant: Tenant) -> None:
    response = _post_raw(tenant, b"a.txt", b"data", field="file")
    assert "key" in esper_error(response, 400)["errors"][0]
    not_a_form = call("POST", _url(tenant) + "upload/", key=tenant.api_key, json={"key": "x"})
    esper_error(not_a_form, 415)
    assert json_of(call("GET", _url(tenant), key=tenant.api_key))["count"] == 0


def test_tags_and_description_can_be_patched_and_searched(
    tenant: Tenant, contents: esperclient.ContentApi
) -> None:
    eid = tenant.enterprise_id
    menu = json_of(_post_raw(tenant, b"menu.pdf", b"1"))["id"]
    video = json_of(_post_raw(tenant, b"intro.mp4", b"2"))["id"]
    json_of(_post_raw(tenant, b"notes.txt", b"3"))
    patched = contents.patch_content(
        menu, eid, data=esperclient.Data(tags=["lobby", "food"], description="Summer menu")
    )
    assert patched.tags == ["lobby", "food"] and patched.description == "Summer menu"
    assert patched.modified > patched.created
    contents.patch_content(video, eid, data=esperclient.Data(tags=["Lobby"]))
    assert [c.id for c in contents.get_all_content(eid, search="lobby").results] == [menu, video]
    assert [c.id for c in contents.get_all_content(eid, search="SUMMER").results] == [menu]
    assert [c.id for c in contents.get_all_content(eid, search="intro").results] == [video]
    page = contents.get_all_content(eid, limit=2, offset=2)
    assert page.count == 3 and len(page.results) == 1 and page.previous is not None
    assert contents.patch_content(menu, eid) == contents.get_content(menu, eid)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"tags": [""]}, "tags"), ({"tags": ["t" * 256]}, "tags"), ({"tags": "x"}, "tags")],
)
def test_a_bad_tag_is_a_400_and_changes_nothing(
    tenant: Tenant, body: dict[str, object], field: str
) -> None:
    created = json_of(_post_raw(tenant, b"a.txt", b"1"))
    body = {"description": "Changed", **body}
    response = call("PATCH", _url(tenant, created["id"]), key=tenant.api_key, json=body)
    assert field in esper_error(response, 400)["errors"][0]
    assert json_of(call("GET", _url(tenant, created["id"]), key=tenant.api_key)) == created


def test_delete_is_204_and_removes_the_file(
    server: EmulatorServer, tenant: Tenant, contents: esperclient.ContentApi
) -> None:
    created = json_of(_post_raw(tenant, b"old.txt", b"bye"))
    _, status, _ = contents.delete_content_with_http_info(created["id"], tenant.enterprise_id)
    assert status == 204
    assert list(_library(server, tenant).iterdir()) == []
    with pytest.raises(esperclient.NotFoundError):
        contents.get_content(created["id"], tenant.enterprise_id)
    with pytest.raises(esperclient.NotFoundError):
        contents.delete_content(created["id"], tenant.enterprise_id)
    esper_error(call("GET", created["download_url"], key=tenant.api_key), 404)


def test_ids_are_integers(tenant: Tenant) -> None:
    for content_id in ("abc", "1e3", "5a0d8b0e-1d4b-4b8e-9f0a-0a0a0a0a0a0a"):
        response = call("GET", _url(tenant, content_id), key=tenant.api_key)
        assert "content_id" in esper_error(response, 400)["errors"][0]
    for content_id in (0, 999_999, 2**40, 2**63 - 1, 2**70):  # past 32 bits too
        esper_error(call("GET", _url(tenant, content_id), key=tenant.api_key), 404)


def test_another_enterprise_content_is_404_under_my_path_and_403_under_theirs(
    tenant: Tenant, other: Tenant
) -> None:
    theirs = json_of(_post_raw(other, b"secret.txt", b"s3cret"))
    for method in ("GET", "PATCH", "DELETE"):
        esper_error(call(method, _url(tenant, theirs["id"]), key=tenant.api_key, json={}), 404)
        esper_error(call(method, _url(other, theirs["id"]), key=tenant.api_key, json={}), 403)
    mine_path = f"{_url(tenant, theirs['id'])}download/"
    esper_error(call("GET", mine_path, key=tenant.api_key), 404)
    esper_error(call("GET", theirs["download_url"], key=tenant.api_key), 403)
    esper_error(call("GET", theirs["download_url"]), 401)
    assert json_of(call("GET", _url(other, theirs["id"]), key=other.api_key)) == theirs
