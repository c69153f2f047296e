"""Shared fixtures: one real emulator over HTTP per session, a fresh enterprise per test."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
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
from tests import postgres

HTTP_TIMEOUT = 120.0
"""Seconds a raw request of a test may wait for its answer: far more than any takes, even
on a busy machine (``urllib3.request`` waits 3 s unless told)."""

BACKENDS = ("sqlite", "postgres")
"""The databases the suites that touch storage run on (their ``backend`` parameters)."""

ON_EACH_BACKEND = (
    "tests/emulator/",
    "tests/sdk/test_commands_api.py",
    "tests/sdk/test_converges.py",
    "tests/sdk/test_devices_v2.py",
    "tests/sdk/test_run_many_commands_api.py",
    "tests/reliability/test_load.py",
)
"""The suites that touch storage, each in its own way: their emulators run on each of
``BACKENDS``; every other test's on SQLite."""

_POSTGRES_FOLDER = pytest.StashKey[Path]()
_WORKER_INPUT = "esper_postgres_folder"


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process owns the folder where the session's PostgreSQL is recorded."""
    if not hasattr(config, "workerinput"):
        config.stash[_POSTGRES_FOLDER] = Path(tempfile.mkdtemp(prefix="esper-pg-session-"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Each pytest-xdist worker finds the session's PostgreSQL in the controller's folder."""
    node.workerinput[_WORKER_INPUT] = str(node.config.stash[_POSTGRES_FOLDER])


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controlling process stops the session's PostgreSQL, if a test started it."""
    folder = config.stash.get(_POSTGRES_FOLDER, None)
    if folder is not None:
        postgres.stop_recorded(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster(request: pytest.FixtureRequest) -> postgres.Cluster:
    """The session's private PostgreSQL, shared by the pytest-xdist workers.

    When it cannot start, its tests fail with the reason in CI (``CI`` set) or where
    PostgreSQL is installed; a machine without PostgreSQL skips them.
    """
    config = request.config
    worker_input = getattr(config, "workerinput", None)
    folder = Path(worker_input[_WORKER_INPUT]) if worker_input else config.stash[_POSTGRES_FOLDER]
    try:
        return postgres.shared(folder)
    except postgres.PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() in ("", "0", "false") and not postgres.installed():
            pytest.skip(f"PostgreSQL: {error}")
        pytest.fail(f"PostgreSQL could not start: {error}", pytrace=False)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The suites of ``ON_EACH_BACKEND`` run once on each database."""
    if "backend" in metafunc.fixturenames and metafunc.definition.nodeid.startswith(
        ON_EACH_BACKEND
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The database behind the emulators a test starts: SQLite, or each of ``BACKENDS``."""
    return str(getattr(request, "param", "sqlite"))


NewDatabase = Callable[[], AbstractContextManager[str]]
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def new_database(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> NewDatabase:
    """A new empty database on ``backend`` while the block runs: its ``Settings.db``."""
    if backend == "postgres":
        cluster: postgres.Cluster = request.getfixturevalue("postgres_cluster")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

        @contextmanager
        def on_postgres() -> Iterator[str]:
            name = f"esper_{worker}_{next(_databases)}"
            yield cluster.create_database(name)
            cluster.drop_database(name)

        return on_postgres
    folder = tmp_path_factory.mktemp("emulator")

    @contextmanager
    def on_sqlite() -> Iterator[str]:
        yield str(folder / f"esper-{next(_databases)}.db")

    return on_sqlite


@dataclass(frozen=True)
class Tenant:
    """An enterprise of the session's emulator, with its key and devices."""

    host: str
    enterprise_id: str
    api_key: str
    device_ids: list[str]


@pytest.fixture(scope="session")
def server(new_database: NewDatabase) -> Iterator[EmulatorServer]:
    with new_database() as db, EmulatorServer(Settings(db=db)) as running:
        yield running


def new_tenant(server: EmulatorServer, name: str = "Test Enterprise", devices: int = 30) -> Tenant:
    """A new enterprise of ``server`` with ``devices`` devices and its own key."""
    with server.emulator.store.transaction():
        made = server.emulator.seeder.tenant(name, devices)
    return Tenant(server.host, made.enterprise_id, made.api_key, made.device_ids)


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
def start_server(new_database: NewDatabase) -> Iterator[Callable[..., EmulatorServer]]:
    """Start an emulator of the test's own with the given ``Settings`` fields; stopped after."""
    with ExitStack() as started:

        def start(**settings: Any) -> EmulatorServer:
            if "db" not in settings:
                settings["db"] = started.enter_context(new_database())
            running = EmulatorServer(Settings(**settings)).start()
            started.callback(running.stop)
            return running

        yield start


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
