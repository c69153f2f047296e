"""No one is let in: keys on every route, keys kept hashed, the side door closed, the
server on loopback, the key out of logs and errors, and TLS verified by the SDK.

Routes are enumerated from the ASGI app itself (recursing into mounts), so a route
added later is checked without being listed here, and a route that is neither API
nor side door fails the test until it is classified.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import urllib3
import uvicorn
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

import esperclient
from esper_emulator import cli
from esper_emulator.app import create_app
from esper_emulator.server import EmulatorServer, bind
from esper_emulator.settings import SIDE_DOOR_HEADER, Settings
from esper_emulator.store import schema
from esperclient._operations import OPERATIONS
from tests.conftest import Tenant, make_configuration, new_tenant
from tests.emulator.conftest import api_error, call, esper_error, json_of

# ---------------------------------------------------------------------------
# Route enumeration


def walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, full path) served, recursing into mounts; anything else fails."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield method, prefix + route.path
        else:
            raise AssertionError(f"a route of an unknown kind: {route!r}")


def served(app: Starlette) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The app's API routes and side-door routes; every route must be one or the other."""
    api, side_door = [], []
    for method, path in walk(list(app.routes)):
        if path.startswith("/api/"):
            api.append((method, path))
        elif path.startswith("/_emulator/"):
            side_door.append((method, path))
        else:
            raise AssertionError(f"{method} {path} is neither API nor side door: classify it")
    return api, side_door


def fill(template: str, enterprise_id: str) -> str:
    """``template`` with the enterprise and well-formed ids that name nothing in particular."""
    path = template.replace("{enterprise_id}", enterprise_id)
    while "{" in path:
        start = path.index("{")
        name = path[start + 1 : path.index("}", start)]
        value = "1" if name in ("policy_id", "content_id") else str(uuid.uuid4())
        path = path.replace(f"{{{name}}}", value)
    return path


def send(method: str, url: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
    """A plausible request (a JSON body on writes), so only the key can refuse it."""
    if method in ("POST", "PUT", "PATCH"):
        return call(method, url, headers=headers, json={"command": "REBOOT", "name": "x"})
    return call(method, url, headers=headers)


def _state_of(server: EmulatorServer, enterprise_id: str | None = None) -> list[list[str]]:
    """Every row of ``enterprise_id`` in every table (of every enterprise when ``None``)."""
    tables = schema.metadata.sorted_tables
    if enterprise_id is not None:
        tables = [t for t in tables if "enterprise_id" in t.c]
    with server.emulator.store.transaction() as store:
        return [
            sorted(
                repr(tuple(row))
                for row in store.conn.execute(
                    select(table)
                    if enterprise_id is None
                    else select(table).where(table.c.enterprise_id == enterprise_id)
                )
            )
            for table in tables
        ]


def test_the_enumeration_reaches_every_operation_and_the_side_door(
    server: EmulatorServer,
) -> None:
    api, side_door = served(create_app(emulator=server.emulator))
    expected = {(op.method, "/api" + op.path) for op in OPERATIONS.values()}
    assert expected <= set(api), expected - set(api)
    assert len(api) == len(set(api)) >= len(OPERATIONS)
    assert ("POST", "/_emulator/reset") in side_door and len(side_door) >= 10


def test_every_api_route_refuses_missing_malformed_unknown_expired_and_foreign_keys(
    server: EmulatorServer, tenant: Tenant
) -> None:
    """401 without a valid key, 403 with another enterprise's key; nothing written or shown."""
    victim = new_tenant(server, "Victim", devices=2)
    expired = server.issue_key(victim.enterprise_id, lifetime=-1)
    expired_foreign = server.issue_key(tenant.enterprise_id, lifetime=0)
    headers: dict[str, tuple[dict[str, str], int, str | None]] = {
        "missing": ({}, 401, "Authentication credentials were not provided."),
        "empty": ({"Authorization": ""}, 401, None),
        "no key": ({"Authorization": "Bearer "}, 401, None),
        "wrong scheme": ({"Authorization": f"Token {victim.api_key}"}, 401, None),
        "basic": ({"Authorization": f"Basic {victim.api_key}"}, 401, None),
        "key first": ({"Authorization": f"{victim.api_key} Bearer"}, 401, None),
        "two keys": ({"Authorization": f"Bearer {victim.api_key} {victim.api_key}"}, 401, None),
        "truncated": ({"Authorization": f"Bearer {victim.api_key[:-1]}"}, 401, "Invalid token."),
        "padded": ({"Authorization": f"Bearer {victim.api_key}x"}, 401, "Invalid token."),
        "unknown": ({"Authorization": f"Bearer {uuid.uuid4().hex}"}, 401, "Invalid token."),
        "expired": ({"Authorization": f"Bearer {expired}"}, 401, "Token has expired."),
        "expired, foreign": (
            {"Authorization": f"Bearer {expired_foreign}"},
            401,
            "Token has expired.",
        ),
        "foreign": ({"Authorization": f"Bearer {tenant.api_key}"}, 403, None),
    }
    api, _ = served(create_app(emulator=server.emulator))
    before = _state_of(server, victim.enterprise_id)
    tried = 0
    for method, template in api:
        url = server.url + fill(template, victim.enterprise_id)
        for label, (sent, status, message) in headers.items():
            if status == 403 and "{enterprise_id}" not in template:
                continue  # token-info and /v2/ name no enterprise: the key's own is answered
            response = send(method, url, sent)
            body = api_error(response, status)
            if status == 401:
                assert response.headers["WWW-Authenticate"].startswith("Bearer"), label
            if message is not None:
                assert body["message"] == message, (method, template, label)
            assert victim.api_key not in response.data.decode(), (method, template, label)
            tried += 1
    assert tried >= len(api) * (len(headers) - 1)
    assert _state_of(server, victim.enterprise_id) == before


def test_an_expired_key_says_when_it_expired_and_a_fresh_one_works(
    server: EmulatorServer, tenant: Tenant
) -> None:
    fresh = server.issue_key(tenant.enterprise_id, lifetime=3600)
    info = json_of(call("GET", f"{server.host}/v1/token-info/", key=fresh))
    assert info["expires_on"] and info["enterprise"] == tenant.enterprise_id
    expired = server.issue_key(tenant.enterprise_id, lifetime=-60)
    url = f"{server.host}/v1/token-info/"
    assert esper_error(call("GET", url, key=expired), 401)["message"] == "Token has expired."


# ---------------------------------------------------------------------------
# Keys at rest


def test_keys_are_stored_hashed_issued_renewed_or_expired(
    server: EmulatorServer, tenant: Tenant
) -> None:
    """The database holds sha256(key) for each key, and no key in the clear anywhere."""
    expired = server.issue_key(tenant.enterprise_id, lifetime=-1)
    with esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    ) as esper:
        renewed = esper.token.renew().token
    made = json_of(call("POST", f"{server.url}/_emulator/enterprises", json={}), 201)["api_key"]
    keys = [renewed, expired, made]
    with server.emulator.store.transaction() as store:
        hashes = {row.token_hash for row in store.conn.execute(select(schema.tokens))}
    for key in keys:
        assert hashlib.sha256(key.encode()).hexdigest() in hashes
    assert hashlib.sha256(tenant.api_key.encode()).hexdigest() not in hashes  # renewed away
    db = Path(server.emulator.settings.db)
    stored = b"".join(
        path.read_bytes()
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if path.exists()
    )
    assert stored and tenant.enterprise_id.encode() in stored
    for key in [*keys, tenant.api_key]:
        assert key.encode() not in stored


def test_the_key_is_found_by_its_hash_and_compared_in_constant_time() -> None:
    """The lookup is by SHA-256 (see services/auth.py for why that leaks nothing)."""
    import inspect

    from esper_emulator.services import auth

    source = inspect.getsource(auth.Auth.authenticate)
    assert "_hash(key)" in source and "hmac.compare_digest" in source
    assert "key ==" not in source and "== key" not in source
    control_source = inspect.getsource(__import__("esper_emulator.control").control._check_token)
    assert "hmac.compare_digest" in control_source


# ---------------------------------------------------------------------------
# The side door


def test_the_side_door_is_closed_unless_asked_for() -> None:
    assert Settings().control is None
    _, side_door = served(create_app(Settings()))
    assert side_door == []
    _, side_door = served(create_app(Settings(control=True)))
    assert side_door
    parse = cli.parser().parse_args
    assert cli.settings_of(parse(["serve"])).control is False
    assert cli.settings_of(parse(["serve", "--control"])).control is True
    assert cli.settings_of(parse(["serve", "--control", "--no-control"])).control is False


def test_the_test_harness_opens_the_side_door_only_as_documented(
    start_server: Callable[..., EmulatorServer],
) -> None:
    opened = start_server()
    assert opened.emulator.settings.control is True
    json_of(call("GET", f"{opened.url}/_emulator/health"))
    closed = start_server(control=False)
    esper_error(call("GET", f"{closed.url}/_emulator/health"), 404)


def test_a_side_door_token_guards_every_side_door_route(
    start_server: Callable[..., EmulatorServer],
) -> None:
    token = "side-door-" + uuid.uuid4().hex
    own = start_server(control=True, control_token=token)
    assert token not in repr(own.emulator.settings)
    _, side_door = served(create_app(emulator=own.emulator))
    assert len(side_door) >= 10
    before = _state_of(own)
    for method, template in side_door:
        url = own.url + fill(template, str(uuid.uuid4()))
        for sent in (
            {},
            {SIDE_DOOR_HEADER: ""},
            {SIDE_DOOR_HEADER: token + "x"},
            {SIDE_DOOR_HEADER: "x"},
        ):
            response = call(method, url, headers=sent, json={} if method == "POST" else None)
            assert SIDE_DOOR_HEADER in esper_error(response, 401)["message"], (method, template)
    assert _state_of(own) == before
    assert esper_error(call("GET", f"{own.url}/_emulator/health", key=token), 401)
    json_of(call("GET", f"{own.url}/_emulator/health", headers={SIDE_DOOR_HEADER: token}))
    made = call(
        "POST", f"{own.url}/_emulator/enterprises", headers={SIDE_DOOR_HEADER: token}, json={}
    )
    assert json_of(made, 201)["api_key"]


def _serve(tmp_path: Path, *flags: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "esper_emulator", "serve", "--port", "0"]
    command += ["--db", str(tmp_path / "cli.db"), "--seed", "demo", "--devices", "1"]
    command += ["--latency-ms", "0", "--credentials", str(tmp_path / "creds.json"), *flags]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


@contextmanager
def _cli(tmp_path: Path, *flags: str) -> Iterator[tuple[str, str]]:
    """``esper-emulator serve`` in a subprocess: (base URL, API key); stopped after."""
    (tmp_path / "creds.json").unlink(missing_ok=True)
    process = _serve(tmp_path, *flags)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "creds.json").exists():
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.05)
        import json

        creds = json.loads((tmp_path / "creds.json").read_text())
        yield creds["host"].removesuffix("/api"), creds["api_key"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def test_the_cli_serves_loopback_only_and_no_side_door_by_default(tmp_path: Path) -> None:
    with _cli(tmp_path) as (url, key):
        assert url.startswith("http://127.0.0.1:")
        esper_error(call("GET", f"{url}/_emulator/health"), 404)
        esper_error(call("POST", f"{url}/_emulator/enterprises", json={}), 404)
        json_of(call("GET", f"{url}/api/v1/token-info/", key=key))
        port = int(url.rsplit(":", 1)[1])
        _assert_not_listening_on("127.0.0.2", port)
    with _cli(tmp_path, "--control") as (url, _):
        json_of(call("GET", f"{url}/_emulator/health"))


def test_the_cli_refuses_an_open_side_door_beyond_loopback(tmp_path: Path) -> None:
    for host in ("0.0.0.0", "::", "192.0.2.1"):  # never bound: refused before binding
        command = [sys.executable, "-m", "esper_emulator", "serve", "--host", host, "--control"]
        result = subprocess.run(
            [*command, "--db", str(tmp_path / "refused.db")],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 2 and "--control-token" in result.stderr, result.stderr
    assert cli.is_loopback("127.0.0.1") and cli.is_loopback("::1")
    assert cli.is_loopback("localhost") and cli.is_loopback("127.5.6.7")
    assert not cli.is_loopback("0.0.0.0")
    assert not cli.is_loopback("example.com")


# ---------------------------------------------------------------------------
# Binding


def _assert_not_listening_on(host: str, port: int) -> None:
    """Nothing answers on ``host``:``port`` (another loopback address than the bound one)."""
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.settimeout(5)
        probe.connect((host, port))


def test_the_server_binds_127_0_0_1_unless_told_otherwise(server: EmulatorServer) -> None:
    assert cli.parser().parse_args(["serve"]).host == "127.0.0.1"
    with bind() as sock:
        host, port = sock.getsockname()[:2]
        assert host == "127.0.0.1"
        _assert_not_listening_on("127.0.0.2", port)
    assert server.url.startswith("http://127.0.0.1:")
    _assert_not_listening_on("127.0.0.2", int(server.url.rsplit(":", 1)[1]))
    with bind("127.0.0.2") as other:
        assert other.getsockname()[0] == "127.0.0.2"


# ---------------------------------------------------------------------------
# The key stays out of logs, errors and reprs


@contextmanager
def serving(app: Any, **config: Any) -> Iterator[str]:
    """``app`` on its own uvicorn server on 127.0.0.1 (``config``: ssl, logging...)."""
    sock = bind()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the server failed to start"
            time.sleep(0.01)
        scheme = "https" if "ssl_certfile" in config else "http"
        yield f"{scheme}://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


LOGGERS = (
    "",
    "esperclient",
    "urllib3",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "aiohttp",
    "aiohttp.client",
    "asyncio",
    "esper_emulator",
)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        self.lines.append(f"{record.name} {record.levelname} {text}")


@contextmanager
def everything_logged() -> Iterator[_Lines]:
    """Every record of the SDK, urllib3, aiohttp, uvicorn and the emulator, at DEBUG."""
    handler = _Lines()
    handler.setFormatter(logging.Formatter("%(message)s %(exc_info)s"))
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_the_key_never_reaches_logs_errors_or_reprs(server: EmulatorServer) -> None:
    tenant = new_tenant(server, "Logged", devices=2)
    key = tenant.api_key
    shown: list[str] = []
    app = create_app(emulator=server.emulator)
    with (
        serving(app, log_level="debug", access_log=True) as url,
        everything_logged() as log,
    ):
        host = url + "/api"
        configuration = make_configuration(host, key)
        configuration.debug = True
        configuration.retries = 0
        try:
            with esperclient.ApiClient(configuration) as client:
                shown += [repr(configuration), repr(client), str(client.configuration)]
                info = esperclient.TokenApi(client).get_token_info()
                assert info.token == key  # the object carries it, its repr does not
                shown += [repr(info), info.to_str()]
                devices = esperclient.DeviceApi(client)
                failures: list[Callable[[], Any]] = [
                    lambda: devices.get_device_by_id(tenant.enterprise_id, str(uuid.uuid4())),
                    lambda: devices.get_all_devices(str(uuid.uuid4())),
                    lambda: devices.get_all_devices(tenant.enterprise_id, limit=0),
                    lambda: esperclient.CommandsApi(client).run_command(
                        tenant.enterprise_id,
                        tenant.device_ids[0],
                        esperclient.CommandRequest(command="NOT_A_COMMAND"),
                    ),
                ]
                for failing in failures:
                    with pytest.raises(esperclient.ApiException) as caught:
                        failing()
                    shown += [str(caught.value), repr(caught.value), str(caught.value.args)]
        finally:
            configuration.debug = False
        shown += _esper_failures(host, key, tenant.enterprise_id)
        shown += asyncio.run(_async_esper_failures(host, key, tenant.enterprise_id))
    text = "\n".join(log.lines)
    assert "GET" in text and "/api/v1/token-info/" in text  # the access log and the SDK's
    assert any(line.startswith("uvicorn.access") for line in log.lines)
    assert any(line.startswith("urllib3") for line in log.lines)
    assert any(line.startswith("esperclient DEBUG") for line in log.lines)
    assert len(shown) >= 20
    for item in [*shown, text]:
        assert key not in item
        assert key[:12] not in item


def _esper_failures(host: str, key: str, enterprise_id: str) -> list[str]:
    shown = []
    with esperclient.Esper(
        host=host, api_key=key, enterprise_id=enterprise_id, max_retries=0
    ) as esper:
        shown.append(repr(esper))
        shown.append(repr(esper.token.info()))
        for failing in (
            lambda: esper.devices.get(str(uuid.uuid4())),
            lambda: esper.request("GET", "/v1/nothing/"),
            lambda: esper.request("POST", f"/enterprise/{enterprise_id}/devicegroup/", json={}),
        ):
            with pytest.raises(esperclient.ApiException) as caught:
                failing()
            shown += [str(caught.value), repr(caught.value)]
    with (
        socket.socket() as unused,
        esperclient.Esper(
            host=f"http://127.0.0.1:{_free_port(unused)}/api", api_key=key, max_retries=0
        ) as nowhere,
        pytest.raises(esperclient.ApiConnectionError) as refused,
    ):
        nowhere.token.info()
    shown += [str(refused.value), repr(refused.value), repr(nowhere)]
    return shown


async def _async_esper_failures(host: str, key: str, enterprise_id: str) -> list[str]:
    shown = []
    async with esperclient.AsyncEsper(
        host=host, api_key=key, enterprise_id=enterprise_id, max_retries=0
    ) as esper:
        shown.append(repr(esper))
        await esper.token.info()
        with pytest.raises(esperclient.NotFoundError) as caught:
            await esper.devices.get(str(uuid.uuid4()))
        shown += [str(caught.value), repr(caught.value)]
    with socket.socket() as unused:
        async with esperclient.AsyncEsper(
            host=f"http://127.0.0.1:{_free_port(unused)}/api", api_key=key, max_retries=0
        ) as nowhere:
            with pytest.raises(esperclient.ApiConnectionError) as refused:
                await nowhere.token.info()
            shown += [str(refused.value), repr(refused.value), repr(nowhere)]
    return shown


def _free_port(sock: socket.socket) -> int:
    """A port nothing listens on: ``sock`` holds it, bound but not listening."""
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    return port


# ---------------------------------------------------------------------------
# TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), made with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = [openssl, "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=esper-emulator test"]
    command += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    command += ["-keyout", str(key), "-out", str(cert), "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


@pytest.fixture(scope="module")
def https_host(
    server: EmulatorServer, certificate: tuple[Path, Path]
) -> Iterator[tuple[str, Tenant]]:
    """The session's emulator also served over HTTPS with the self-signed certificate."""
    cert, key = certificate
    tenant = new_tenant(server, "TLS", devices=1)
    app = create_app(emulator=server.emulator)
    config = {"ssl_certfile": str(cert), "ssl_keyfile": str(key), "log_level": "critical"}
    with serving(app, **config) as url:
        yield url + "/api", tenant


def _drop_in(host: str, key: str, **tls: Any) -> esperclient.TokenInfoV1:
    configuration = make_configuration(host, key)
    configuration.retries = 0
    for name, value in tls.items():
        setattr(configuration, name, value)
    with esperclient.ApiClient(configuration) as client:
        return esperclient.TokenApi(client).get_token_info()


def _idiomatic(host: str, key: str, **tls: Any) -> esperclient.TokenInfoV1:
    with esperclient.Esper(host=host, api_key=key, max_retries=0, **tls) as esper:
        return esper.token.info()


def _idiomatic_async(host: str, key: str, **tls: Any) -> esperclient.TokenInfoV1:
    async def main() -> esperclient.TokenInfoV1:
        async with esperclient.AsyncEsper(host=host, api_key=key, max_retries=0, **tls) as esper:
            return await esper.token.info()

    return asyncio.run(main())


CLIENTS = {
    "ApiClient": (_drop_in, "verify_ssl", "ssl_ca_cert"),
    "Esper": (_idiomatic, "verify_ssl", "ca_file"),
    "AsyncEsper": (_idiomatic_async, "verify_ssl", "ca_file"),
}


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_tls_is_verified_by_default_and_trusted_when_told(
    https_host: tuple[str, Tenant], certificate: tuple[Path, Path], client: str
) -> None:
    host, tenant = https_host
    cert, _ = certificate
    connect, verify_name, ca_name = CLIENTS[client]
    assert esperclient.Configuration().verify_ssl is True
    with pytest.raises(esperclient.ApiConnectionError) as refused:
        connect(host, tenant.api_key)
    assert isinstance(refused.value, esperclient.ApiException) and refused.value.status == 0
    message = refused.value.message
    assert message.startswith("TLS failed for GET https://127.0.0.1:"), message
    assert "certificate verify failed" in message and tenant.api_key not in message
    # the same certificate, reached by a name it was not issued for, is refused too
    with pytest.raises(esperclient.ApiConnectionError) as wrong_name:
        connect(host.replace("127.0.0.1", "localhost"), tenant.api_key, **{ca_name: str(cert)})
    assert wrong_name.value.message.startswith("TLS failed")
    assert connect(host, tenant.api_key, **{ca_name: str(cert)}).enterprise == (
        tenant.enterprise_id
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
        unverified = connect(host, tenant.api_key, **{verify_name: False})
    assert unverified.enterprise == tenant.enterprise_id
