"""The ``esper`` pytest plugin: an Esper API emulator for your own tests.

Installed with esperclient and loaded by pytest on its own (entry point
``pytest11: esper``; ``-p no:esper`` turns it off); its fixtures need the ``emulator``
extra, and say so when it is missing. Fixtures:

- ``esper_emulator``: an ``esper_emulator.testing.Sandbox``: an enterprise with its own
  API key and devices on an emulator of the test's own (fresh, in memory), with
  ``host``, ``api_key``, ``enterprise_id``, ``device_ids`` and the levers
  (``set_online``, ``add_devices``, ``fail_next_commands``, ``advance_clock``,
  ``set_faults``, ``set_rate_limit``, ``stats``).
- ``esper``: an ``esperclient.Esper`` for that enterprise.
- ``esper_api_client``: an esperclient 0.1.3 ``ApiClient`` for it (``Configuration``
  set up as the SDK page shows: ``api_key['Authorization']``, prefix ``Bearer``).
- ``esper_emulator_session``: one ``RunningEmulator`` for the whole session; each
  ``.sandbox()`` call makes another enterprise on it.

A test adjusts its emulator with the marker
``@pytest.mark.esper_emulator(devices=3, online_ratio=0.5, latency_ms=500, ...)``:
``devices``, ``online_ratio`` and ``name`` shape the enterprise, anything else is a
field of ``esper_emulator.Settings``. Ini options: ``esper_emulator_devices`` (devices
per enterprise, default 5) and ``esper_emulator_shared`` (true: ``esper_emulator``
is a new enterprise on the session's emulator, much cheaper than an emulator per test;
the faults and rate limit a test sets are put back after it; a test whose marker
names emulator settings, or says ``shared=False``, still gets an emulator of its own).

This module is imported in every pytest run of every project that installs esperclient,
so it imports nothing itself until a fixture is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from esper_emulator import INSTALL, load

if TYPE_CHECKING:
    import esperclient
    from esper_emulator.testing import RunningEmulator, Sandbox

MARKER = "esper_emulator"
DEVICES_INI = "esper_emulator_devices"
SHARED_INI = "esper_emulator_shared"
_SANDBOX_OPTIONS = ("devices", "online_ratio", "name")
_RESTORED_FAULTS = ("rate", "latency_ms", "kinds", "fail_next_commands")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the plugin's ini options."""
    parser.addini(DEVICES_INI, "devices in each esper_emulator enterprise (default 5)", default="5")
    parser.addini(
        SHARED_INI,
        "esper_emulator: a new enterprise on one emulator per session, "
        "not an emulator per test (default false)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``esper_emulator`` marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(devices=5, online_ratio=1.0, name=..., shared=..., **settings): shape the "
        "enterprise of the esper_emulator fixture; settings (latency_ms, rate_limit, "
        "fault_rate...) give the test an emulator of its own",
    )


def _testing() -> ModuleType:
    """``esper_emulator.testing``, or a clear failure when the emulator extra is missing."""
    try:
        load("esper_emulator.server")  # the emulator's dependencies, which testing imports late
        return load("esper_emulator.testing")
    except ImportError as exc:
        missing = exc.name
    pytest.fail(
        f"the Esper emulator fixtures need the emulator extra: {INSTALL} (no module {missing!r})",
        pytrace=False,
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The marker's options (the closest marker wins), over the ini defaults."""
    options: dict[str, Any] = {"devices": int(request.config.getini(DEVICES_INI))}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER} takes keyword arguments only, e.g. devices=3"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture(scope="session")
def esper_emulator_session() -> Iterator[RunningEmulator]:
    """One emulator for the whole session: ``.sandbox(devices=...)`` makes an enterprise."""
    with _testing().start() as running:
        yield running


@pytest.fixture
def esper_emulator(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """An enterprise with its own key and devices on an emulator of the test's own."""
    testing = _testing()
    options = _options(request)
    shaping = {key: options.pop(key) for key in _SANDBOX_OPTIONS if key in options}
    shared = options.pop("shared", request.config.getini(SHARED_INI))
    if shared and not options:
        running: RunningEmulator = request.getfixturevalue("esper_emulator_session")
        faults, rate = running.faults(), running.rate_limit()
        yield running.sandbox(**shaping)
        running.set_faults(**{key: faults[key] for key in _RESTORED_FAULTS if key in faults})
        running.set_rate_limit(rate)
        return
    with testing.emulator(**shaping, **options) as sandbox:
        yield sandbox


@pytest.fixture
def esper(esper_emulator: Sandbox) -> Iterator[esperclient.Esper]:
    """An ``esperclient.Esper`` for the ``esper_emulator`` enterprise."""
    with esper_emulator.client() as client:
        yield client


@pytest.fixture
def esper_api_client(esper_emulator: Sandbox) -> Iterator[esperclient.ApiClient]:
    """An esperclient 0.1.3 ``ApiClient`` for the ``esper_emulator`` enterprise."""
    with esper_emulator.api_client() as client:
        yield client
