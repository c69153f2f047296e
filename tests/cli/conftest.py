"""Helpers for the ``esper`` command line's tests: run it in-process, against the emulator.

Every test gets a config folder of its own and none of the user's ``ESPER_*`` variables,
so nothing reads or writes the real profiles.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import urllib3
from typer.testing import CliRunner

import esperclient
from esper_cli.app import app
from esper_emulator.server import EmulatorServer
from tests.conftest import HTTP_TIMEOUT, Tenant

ESPER_VARIABLES = (
    "ESPER_HOST",
    "ESPER_API_KEY",
    "ESPER_ENTERPRISE_ID",
    "ESPER_PROFILE",
    "ESPER_OUTPUT",
    "ESPER_CONFIG_DIR",
)


@dataclass
class Run:
    """What one ``esper`` run did: its exit status and what it wrote."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout as JSON."""
        return json.loads(self.stdout)

    def lines(self) -> list[Any]:
        """stdout as JSON lines."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    @property
    def everything(self) -> str:
        """stdout and stderr together (to check what never appears)."""
        return self.stdout + self.stderr


def run_esper(
    *args: str, input: str | None = None, env: dict[str, str | None] | None = None
) -> Run:
    """Run ``esper ARGS`` in-process through its entry point (the typer app)."""
    result = CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder of the test's own; the user's ESPER_* variables are gone."""
    for name in ESPER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "esper-config"
    monkeypatch.setenv("ESPER_CONFIG_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return folder


@pytest.fixture
def env(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> Tenant:
    """The tenant's settings in ESPER_HOST, ESPER_API_KEY and ESPER_ENTERPRISE_ID."""
    monkeypatch.setenv("ESPER_HOST", tenant.host)
    monkeypatch.setenv("ESPER_API_KEY", tenant.api_key)
    monkeypatch.setenv("ESPER_ENTERPRISE_ID", tenant.enterprise_id)
    return tenant


@pytest.fixture
def sdk(tenant: Tenant) -> Iterator[esperclient.Esper]:
    """The SDK on the tenant, to set things up and check what the command line did."""
    with esperclient.Esper(
        host=tenant.host, api_key=tenant.api_key, enterprise_id=tenant.enterprise_id
    ) as client:
        yield client


def online_devices(sdk: esperclient.Esper) -> list[esperclient.Device]:
    """The tenant's online devices."""
    return list(sdk.devices.list(state=1))


def offline_devices(sdk: esperclient.Esper) -> list[esperclient.Device]:
    """The tenant's offline devices."""
    return list(sdk.devices.list(state=60))


def side_door(server: EmulatorServer, path: str, body: dict[str, Any]) -> Any:
    """POST to the emulator's ``/_emulator`` control routes."""
    response = urllib3.request(
        "POST",
        f"{server.url}/_emulator{path}",
        json=body,
        retries=False,
        redirect=False,
        timeout=HTTP_TIMEOUT,
    )
    assert response.status == 200, response.data
    return response.json()
