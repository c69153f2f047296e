"""Failures: one line on stderr, a hint where it helps, and a distinct exit status."""

from __future__ import annotations

import socket

import pytest

from esper_cli.errors import describe, redact
from esper_emulator.server import EmulatorServer
from esperclient import BadRequestError
from tests.cli.conftest import run_esper
from tests.conftest import Tenant

MISSING = "00000000-0000-0000-0000-000000000000"


def closed_port_url() -> str:
    """The URL of a local port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


def test_404_is_one_line_and_exit_4(env: Tenant) -> None:
    result = run_esper("devices", "show", MISSING)
    assert result.code == 4
    assert result.stdout == ""
    assert result.stderr == "error: 404 Not Found: Device not found.\n"


def test_a_host_without_api_says_what_the_host_should_be(
    env: Tenant, server: EmulatorServer
) -> None:
    result = run_esper("--host", server.url, "devices", "list")
    assert result.code == 4
    assert result.stderr.splitlines() == [
        f"error: 404 Not Found: Not found. (check the host, {server.url}: the Esper API's base"
        f" URL ends in /api, e.g. {server.url}/api)",
        f"hint: use {server.url}/api as the host (--host, ESPER_HOST or `esper configure`)",
    ]
    tenant_404 = run_esper("--host", server.url + "/api", "devices", "show", MISSING)
    assert tenant_404.stderr == "error: 404 Not Found: Device not found.\n"  # a right host


def test_400_names_the_field_and_exits_1(env: Tenant) -> None:
    result = run_esper("geofences", "create", "Nowhere", "--lat", "0", "--lon", "500")
    assert result.code == 1
    assert result.stderr.splitlines() == [
        "error: 400 Bad Request: longitude: Ensure this value is between -180 and 180."
    ]


def test_401_hints_at_esper_configure_and_exits_3(
    env: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPER_API_KEY", "expired-or-wrong")
    result = run_esper("devices", "list")
    assert result.code == 3
    first, hint = result.stderr.splitlines()
    assert first.startswith("error: 401 Unauthorized: ")
    assert hint == "hint: the API key was refused: run `esper configure` or check ESPER_API_KEY"
    assert "expired-or-wrong" not in result.everything
    named = run_esper("--profile", "ci", "devices", "list")
    assert named.code == 3  # no such profile
    assert "esper configure --profile ci" in named.stderr


def test_an_unreachable_host_hints_at_the_host_and_exits_5(
    env: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = closed_port_url()
    result = run_esper("--host", host, "devices", "list")
    assert result.code == 5
    assert result.stderr.splitlines() == [
        f"error: could not connect to {host}: connection refused",
        "hint: check the host (--host, ESPER_HOST or `esper configure`) and that the server is up",
    ]
    assert env.api_key not in result.everything


def test_usage_errors_exit_2(env: Tenant) -> None:
    assert run_esper("devices", "list", "--limit", "0").code == 2
    assert run_esper("devices", "frobnicate").code == 2
    missing_file = run_esper("apps", "upload", "/nonexistent/app.apk")
    assert missing_file.code == 2
    assert run_esper("content", "show", "not-a-number").code == 2


def test_fields_the_message_leaves_out_are_added_and_secrets_are_scrubbed() -> None:
    body = '{"message": "Invalid input.", "errors": [{"name": ["This field is required."]}]}'
    refused = BadRequestError(status=400, reason="Bad Request", body=body)
    assert describe(refused) == (
        "400 Bad Request: Invalid input. (name: This field is required.)",
        None,
        1,
    )
    scrubbed = redact("Bearer s3cr3t-key in a message", ["s3cr3t-key", ""])
    assert scrubbed == "Bearer **** in a message"
