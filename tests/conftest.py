"""Shared fixtures: one real emulator over HTTP per session, a fresh enterprise per test."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis.internal.conjecture import providers
from sortedcontainers import SortedSet

import esperclient
from esper_emulator.apk import build_apk
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings


@dataclass(frozen=True)
class Tenant:
    """An enterprise of the session's emulator, with its key and devices."""

    host: str
    enterprise_id: str
    api_key: str
    device_ids: list[str]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    db = tmp_path_factory.mktemp("emulator") / "esper.db"
    with EmulatorServer(Settings(db=str(db))) as running:
        yield running


def new_tenant(server: EmulatorServer, name: str = "Test Enterprise", devices: int = 30) -> Tenant:
    """A new enterprise of ``server`` with ``devices`` devices and its own key."""
    with server.emulator.store.transaction():
        seeder = server.emulator.seeder
        enterprise_id = seeder.enterprise(name)
        device_ids = seeder.devices(enterprise_id, devices)
        key = server.emulator.auth.issue(enterprise_id)
    return Tenant(server.host, enterprise_id, key, device_ids)


@pytest.fixture
def tenant(server: EmulatorServer) -> Tenant:
    return new_tenant(server)


def make_configuration(host: str, api_key: str) -> esperclient.Configuration:
    """A 0.1.3-style configuration, set up the way the SDK page shows."""
    configuration = esperclient.Configuration()
    configuration.host = host
    configuration.api_key["Authorization"] = api_key
    configuration.api_key_prefix["Authorization"] = "Bearer"
    return configuration


@pytest.fixture
def configuration(tenant: Tenant) -> esperclient.Configuration:
    return make_configuration(tenant.host, tenant.api_key)


@pytest.fixture
def api_client(configuration: esperclient.Configuration) -> Iterator[esperclient.ApiClient]:
    with esperclient.ApiClient(configuration) as client:
        yield client


_packages = itertools.count(1)


@pytest.fixture
def make_apk(tmp_path: Path) -> Callable[..., Path]:
    """Build a real APK; each call gets a new package name unless one is given."""

    def make(package_name: str | None = None, **options: object) -> Path:
        package = package_name or f"com.example.app{next(_packages)}"
        path = tmp_path / f"{package}-{options.get('version_code', 1)}.apk"
        return build_apk(path, package_name=package, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., EmulatorServer]]:
    """Start an emulator of the test's own with the given ``Settings`` fields; stopped after."""
    started: list[EmulatorServer] = []

    def start(**settings: Any) -> EmulatorServer:
        settings.setdefault("db", str(tmp_path / f"own-{len(started)}.db"))
        running = EmulatorServer(Settings(**settings)).start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def no_local_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hypothesis mixes into its draws the constants of every local module loaded so far,
    so a derandomized test would still depend on which tests ran before it (and on the
    order pytest-xdist gives them). Without them, the same examples on every run."""
    empty = providers.Constants(
        integers=SortedSet(), floats=SortedSet(), bytes=SortedSet(), strings=SortedSet()
    )
    monkeypatch.setattr(providers, "_get_local_constants", lambda: empty)
    monkeypatch.setattr(providers, "CONSTANTS_CACHE", {})


def import_blocker(*packages: str) -> str:
    """Python source that, run first in a child interpreter, makes importing ``packages``
    fail as if they were not installed (the development environment has every extra)."""
    return (
        "import sys\n"
        f"_blocked = {packages!r}\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in _blocked:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Block())\n"
    )
