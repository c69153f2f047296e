"""Object URLs: each one ``services.urls`` writes is the one documents show, and it answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import urllib3

from esper_emulator.services import urls
from tests.conftest import HTTP_TIMEOUT, Tenant
from tests.emulator.conftest import call, json_of


def _served(tenant: Tenant, url: str) -> str:
    """``url`` as a client sees it: the mark replaced by the server's address."""
    return url.replace(urls.BASE_URL_MARK, tenant.host.removesuffix("/api"))


def _get(tenant: Tenant, url: str) -> Any:
    return json_of(call("GET", url, key=tenant.api_key))


def _post(tenant: Tenant, path: str, **fields: Any) -> Any:
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/{path}"
    return json_of(call("POST", url, key=tenant.api_key, json=fields), 201)


def _upload(tenant: Tenant, url: str, field: str, name: str, data: bytes, status: int) -> Any:
    headers = {"Authorization": f"Bearer {tenant.api_key}"}
    fields = {field: (name, data, "application/octet-stream")}
    return json_of(
        urllib3.request("POST", url, fields=fields, headers=headers, timeout=HTTP_TIMEOUT), status
    )


def test_device_enterprise_and_group_urls_answer_what_they_name(tenant: Tenant) -> None:
    enterprise_id, device_id = tenant.enterprise_id, tenant.device_ids[0]
    device_url = _served(tenant, urls.device_url(enterprise_id, device_id))
    device = _get(tenant, device_url)
    assert device["url"] == device_url
    assert device["enterprise"] == _served(tenant, urls.enterprise_url(enterprise_id))
    assert _get(tenant, device["enterprise"])["id"] == enterprise_id
    group = _post(tenant, "devicegroup/", name="Lobby", device_ids=[device_id])
    group_url = _served(tenant, urls.group_url(enterprise_id, group["id"]))
    assert _get(tenant, device_url)["groups"] == [group_url]
    assert _get(tenant, group_url)["name"] == "Lobby"
    command = _post(tenant, f"devicegroup/{group['id']}/command/", command="REBOOT")
    command_url = _served(tenant, urls.group_command_url(enterprise_id, group["id"], command["id"]))
    assert command["group"] == group_url
    assert _get(tenant, command_url)["id"] == command["id"]


def test_application_and_version_urls_answer_what_they_name(
    tenant: Tenant, make_apk: Callable[..., Path]
) -> None:
    enterprise_id = tenant.enterprise_id
    upload = f"{tenant.host}/enterprise/{enterprise_id}/application/upload/"
    apk = make_apk("com.example.urls")
    app = _upload(tenant, upload, "app_file", apk.name, apk.read_bytes(), 201)["application"]
    version_id = app["versions"][0]["id"]
    app_url = _served(tenant, urls.application_url(enterprise_id, app["id"]))
    version_url = _served(tenant, urls.app_version_url(enterprise_id, app["id"], version_id))
    version = _get(tenant, version_url)
    assert version["application"] == app_url
    assert version["app_file"] == _served(
        tenant, urls.app_file_url(enterprise_id, app["id"], version_id)
    )
    assert _get(tenant, app_url)["package_name"] == "com.example.urls"


def test_policy_and_content_urls_answer_what_they_name(tenant: Tenant) -> None:
    enterprise_id = tenant.enterprise_id
    policy = _post(tenant, "policy/", name="Kiosk", policy={})
    policy_id = int(policy["url"].rstrip("/").rsplit("/", 1)[-1])  # a policy has no id field
    assert policy["url"] == _served(tenant, urls.policy_url(enterprise_id, policy_id))
    assert _get(tenant, policy["url"])["name"] == "Kiosk"
    upload = f"{tenant.host}/v0/enterprise/{enterprise_id}/content/upload/"
    content = _upload(tenant, upload, "key", "notes.txt", b"hello", 200)
    assert (
        _get(tenant, _served(tenant, urls.content_url(enterprise_id, content["id"])))["id"]
        == (content["id"])
    )
    download = _served(tenant, urls.content_download_url(enterprise_id, content["id"]))
    assert content["download_url"] == download
    assert call("GET", download, key=tenant.api_key).data == b"hello"


def test_text_that_looks_like_a_url_template_is_served_as_sent(tenant: Tenant) -> None:
    """Only the one-byte mark stands for the server's address: names with ``@@`` or
    ``{base}`` in them come back unchanged."""
    names = ["@@base@@/api", "{base}/api", "%(base)s"]
    for name in names:
        group = _post(tenant, "devicegroup/", name=name)
        url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/devicegroup/{group['id']}/"
        assert (group["name"], _get(tenant, url)["name"]) == (name, name)
