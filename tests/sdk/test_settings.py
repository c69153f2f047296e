"""First contact: missing settings, a host without ``/api``, and a missing ``async`` extra."""

from __future__ import annotations

import asyncio
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient._settings import TransportSettings
from tests.conftest import Tenant, import_blocker
from tests.sdk.test_esper import MODES, aw, run

VARIABLES = ("ESPER_HOST", "ESPER_API_KEY", "ESPER_ENTERPRISE_ID")
CLIENTS = {"sync": esperclient.Esper, "async": esperclient.AsyncEsper}


@pytest.fixture
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@MODES
@pytest.mark.usefixtures("no_environment")
def test_a_missing_host_or_key_is_named_before_any_request(mode: str, tenant: Tenant) -> None:
    client = CLIENTS[mode]
    with pytest.raises(esperclient.MissingSettingError) as no_host:
        client(api_key=tenant.api_key, enterprise_id=tenant.enterprise_id)
    assert str(no_host.value) == (
        "no host (e.g. https://TENANT-api.esper.cloud/api): pass host= or set ESPER_HOST"
    )
    assert (no_host.value.setting, no_host.value.variable) == ("host", "ESPER_HOST")
    with pytest.raises(esperclient.MissingSettingError) as no_key:
        client(host=tenant.host, enterprise_id=tenant.enterprise_id)
    assert str(no_key.value) == "no API key: pass api_key= or set ESPER_API_KEY"
    assert isinstance(no_key.value, esperclient.ApiException)
    assert isinstance(no_key.value, ValueError)
    assert no_key.value.status == 0


@MODES
@pytest.mark.usefixtures("no_environment")
def test_a_missing_enterprise_is_named_at_the_first_call_that_needs_one(
    mode: str, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPER_HOST", tenant.host)
    monkeypatch.setenv("ESPER_API_KEY", tenant.api_key)

    async def main() -> None:
        esper: Any = CLIENTS[mode]()
        try:
            info = await aw(esper.token.info())  # needs no enterprise
            assert info.enterprise == tenant.enterprise_id
            with pytest.raises(esperclient.MissingSettingError) as caught:
                await aw(esper.enterprise.get())
            assert str(caught.value) == (
                "no enterprise: pass enterprise_id= or set ESPER_ENTERPRISE_ID"
            )
        finally:
            await aw(esper.close() if mode == "sync" else esper.aclose())

    asyncio.run(main())


def test_the_0_1_3_configuration_keeps_its_default_host(no_environment: None) -> None:
    assert esperclient.Configuration().host == "https://foo-api.esper.cloud/api"


@MODES
def test_a_host_without_api_gets_a_404_that_says_what_the_host_should_be(
    mode: str, tenant: Tenant, server: EmulatorServer
) -> None:
    bare = Tenant(server.url, tenant.enterprise_id, tenant.api_key, tenant.device_ids)

    async def wrong_host(esper: Any) -> None:
        with pytest.raises(esperclient.NotFoundError) as caught:
            await aw(esper.enterprise.get())
        assert caught.value.status == 404
        assert caught.value.message == (
            f"Not found. (check the host, {server.url}: the Esper API's base URL ends in /api,"
            f" e.g. {server.url}/api)"
        )
        with pytest.raises(esperclient.NotFoundError) as raw:
            await aw(esper.request("GET", "/v1/token-info/"))
        assert raw.value.message == caught.value.message

    async def right_host(esper: Any) -> None:
        with pytest.raises(esperclient.NotFoundError) as caught:
            await aw(esper.devices.get("00000000-0000-0000-0000-000000000000"))
        assert caught.value.message == "Device not found."  # the API's own 404: no hint

    run(mode, bare, wrong_host)
    run(mode, tenant, right_host)


class _NoApiHere(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    """A web server that is not the Esper API: a plain HTML 404 for every path.

    The emulator answers every path, even unknown ones, with the Esper error body, so
    it cannot stand for a host that is some other server.
    """
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NoApiHere) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api"
        httpd.shutdown()
        thread.join(timeout=30)


@MODES
def test_a_404_from_another_server_says_what_the_host_should_be(
    mode: str, tenant: Tenant, web_server: str
) -> None:
    elsewhere = Tenant(web_server, tenant.enterprise_id, tenant.api_key, tenant.device_ids)

    async def scenario(esper: Any) -> None:
        with pytest.raises(esperclient.NotFoundError) as caught:
            await aw(esper.devices.get("00000000-0000-0000-0000-000000000000"))
        assert caught.value.status == 404
        assert caught.value.message == (
            f"Not Found (check the host, {web_server}: the Esper API's base URL ends in /api,"
            " e.g. https://TENANT-api.esper.cloud/api)"
        )

    run(mode, elsewhere, scenario)


def test_without_aiohttp_async_esper_says_which_extra_to_install() -> None:
    # The dev environment has aiohttp: a child interpreter blocks it to see what a user
    # without the async extra sees.
    code = (
        import_blocker("aiohttp") + "import esperclient\n"
        "assert esperclient.Esper\n"  # the sync client needs no aiohttp
        "try:\n"
        "    from esperclient import AsyncEsper\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc.name, '|', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "aiohttp | esperclient's async client needs 'aiohttp': pip install 'esperclient[async]'\n"
    )


@MODES
def test_a_legacy_default_configuration_does_not_reach_the_new_clients(
    mode: str, tenant: Tenant, tmp_path: Path
) -> None:
    """0.1.3 code may set a process-wide default; ``Esper`` must keep its own settings."""
    legacy = esperclient.Configuration()
    legacy.cert_file = str(tmp_path / "absent-client-cert.pem")
    legacy.retry_backoff = 30.0
    legacy.assert_hostname = "elsewhere.example"
    esperclient.Configuration.set_default(legacy)
    try:
        assert esperclient.Configuration().cert_file == legacy.cert_file  # applies to 0.1.3
        seen: list[Any] = []

        async def scenario(esper: Any) -> None:
            seen.append((await aw(esper.token.info())).enterprise)
            seen.append(esper._client.transport.settings)

        run(mode, tenant, scenario)
        assert seen == [tenant.enterprise_id, TransportSettings()]
    finally:
        esperclient.Configuration.set_default(None)
