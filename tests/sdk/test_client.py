"""The drop-in client against the real emulator: call options, errors, secrets, transport."""

from __future__ import annotations

import io
import logging
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import msgspec
import pytest
import urllib3

import esperclient
from esperclient import ApiException
from tests.conftest import Tenant, make_configuration


def test_with_http_info_returns_data_status_and_headers(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    data, status, headers = esperclient.DeviceApi(api_client).get_device_by_id_with_http_info(
        tenant.enterprise_id, tenant.device_ids[0]
    )
    assert isinstance(data, esperclient.Device) and data.id == tenant.device_ids[0]
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert api_client.last_response is not None and api_client.last_response.status == 200


def test_async_req_returns_a_handle_with_get(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    devices = esperclient.DeviceApi(api_client)
    handles = [
        devices.get_device_by_id(tenant.enterprise_id, d, async_req=True)
        for d in tenant.device_ids[:5]
    ]
    assert [h.get(timeout=10).id for h in handles] == tenant.device_ids[:5]


def test_preload_content_false_returns_the_raw_response(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    raw = esperclient.DeviceApi(api_client).get_all_devices(
        tenant.enterprise_id, limit=3, _preload_content=False, _request_timeout=5
    )
    assert isinstance(raw, urllib3.BaseHTTPResponse)
    body = msgspec.json.decode(raw.data)
    assert body["count"] == 30 and len(body["results"]) == 3


def test_arguments_are_checked_as_0_1_3_checked_them(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    devices = esperclient.DeviceApi(api_client)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        devices.get_all_devices(tenant.enterprise_id, colour="red")
    with pytest.raises(ValueError, match="Missing the required parameter `device_id`"):
        devices.get_device_by_id(tenant.enterprise_id, None)  # type: ignore[arg-type]
    by_keyword = devices.get_device_by_id(
        device_id=tenant.device_ids[1], enterprise_id=tenant.enterprise_id
    )
    assert by_keyword.id == tenant.device_ids[1]


def test_http_errors_are_api_exceptions_with_the_server_message(tenant: Tenant) -> None:
    client = esperclient.ApiClient(make_configuration(tenant.host, "not-a-key"))
    with pytest.raises(esperclient.AuthenticationError) as caught:
        esperclient.DeviceApi(client).get_all_devices(tenant.enterprise_id)
    error = caught.value
    assert isinstance(error, ApiException) and isinstance(error, esperclient.rest.ApiException)
    assert error.status == 401
    assert error.message == "Invalid token."
    assert str(error).startswith("(401)\nReason: Unauthorized\n")
    assert msgspec.json.decode(error.body or "")["status"] == 401


def test_not_found_and_bad_request_carry_details(
    tenant: Tenant, api_client: esperclient.ApiClient
) -> None:
    devices = esperclient.DeviceApi(api_client)
    with pytest.raises(esperclient.NotFoundError):
        devices.get_device_by_id(tenant.enterprise_id, "00000000-0000-4000-8000-000000000000")
    with pytest.raises(esperclient.BadRequestError) as caught:
        devices.get_all_devices(tenant.enterprise_id, limit=0)
    assert "limit" in caught.value.field_errors


def test_bodies_may_be_models_or_dicts(tenant: Tenant, api_client: esperclient.ApiClient) -> None:
    online = (
        esperclient.DeviceApi(api_client)
        .get_all_devices(tenant.enterprise_id, state=1, limit=1)
        .results[0]
    )
    command = esperclient.CommandsApi(api_client).run_command(
        tenant.enterprise_id, online.id, {"command": "REBOOT"}
    )
    assert command.command == "REBOOT" and command.state == "Command Initiated"


def test_file_parameters_take_a_path_or_an_open_file(
    tenant: Tenant, api_client: esperclient.ApiClient, make_apk: Any
) -> None:
    apps = esperclient.ApplicationApi(api_client)
    by_path = apps.upload(tenant.enterprise_id, str(make_apk("com.example.bypath")))
    assert by_path.application.package_name == "com.example.bypath"
    with Path(make_apk("com.example.byfile")).open("rb") as handle:
        by_file = apps.upload(tenant.enterprise_id, handle)
    assert by_file.application.package_name == "com.example.byfile"
    in_memory = io.BytesIO(Path(make_apk("com.example.inmemory")).read_bytes())
    assert apps.upload(tenant.enterprise_id, in_memory).application.package_name == (
        "com.example.inmemory"
    )


def test_one_client_serves_many_threads(tenant: Tenant, api_client: esperclient.ApiClient) -> None:
    devices = esperclient.DeviceApi(api_client)
    ids = tenant.device_ids * 4
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda d: devices.get_device_by_id(tenant.enterprise_id, d).id, ids))
    assert got == ids


def test_the_generic_call_api_still_works(api_client: esperclient.ApiClient) -> None:
    info = api_client.call_api(
        "/v1/token-info/",
        "GET",
        response_type="TokenInfoV1",
        auth_settings=["apiKey"],
        _return_http_data_only=True,
    )
    assert isinstance(info, esperclient.TokenInfoV1) and info.scope == ["read", "write"]


def test_the_api_key_stays_out_of_repr_errors_and_logs(
    tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    configuration = make_configuration(tenant.host, tenant.api_key)
    configuration.debug = True
    try:
        with caplog.at_level(logging.DEBUG):
            client = esperclient.ApiClient(configuration)
            esperclient.TokenApi(client).get_token_info()
            with pytest.raises(esperclient.PermissionDeniedError) as caught:
                esperclient.EnterpriseApi(client).get_enterprise(
                    "00000000-0000-4000-8000-000000000000"
                )
    finally:
        configuration.debug = False
    assert "GET" in caplog.text
    for text in (repr(configuration), str(caught.value), repr(caught.value), caplog.text):
        assert tenant.api_key not in text


def test_an_unreachable_server_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = esperclient.ApiClient(make_configuration(f"http://127.0.0.1:{port}/api", "k"))
    with pytest.raises(esperclient.ApiConnectionError) as caught:
        esperclient.TokenApi(client).get_token_info()
    assert caught.value.status == 0 and "Could not reach" in caught.value.message


def test_a_silent_server_is_a_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        client = esperclient.ApiClient(make_configuration(f"http://127.0.0.1:{port}/api", "k"))
        with pytest.raises(esperclient.ApiTimeoutError):
            esperclient.TokenApi(client).get_token_info(_request_timeout=(1, 0.2))


def test_configuration_defaults_can_be_set_once() -> None:
    template = esperclient.Configuration()
    template.host = "http://example.invalid/api"
    esperclient.Configuration.set_default(template)
    try:
        assert esperclient.Configuration().host == "http://example.invalid/api"
    finally:
        esperclient.Configuration.set_default(None)
    assert esperclient.Configuration().host == "https://foo-api.esper.cloud/api"
    assert esperclient.Configuration().verify_ssl is True
