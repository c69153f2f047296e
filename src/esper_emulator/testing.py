"""Helpers for your own tests: an emulator with an enterprise, its credentials and levers.

For unittest, scripts, or any test runner::

    from esper_emulator.testing import emulator

    with emulator(devices=10) as sandbox:
        esper = sandbox.client()  # a ready esperclient.Esper
        device_id = sandbox.device_ids[0]
        sandbox.set_online(device_id, False)
        assert esper.devices.get(device_id).status == 60

``emulator()`` starts an emulator of its own (in-memory database, in a background
thread), creates an enterprise with ``devices`` devices (all online unless
``online_ratio`` says otherwise) and yields a ``Sandbox``; everything is gone when the
block ends. ``start()`` gives the emulator itself (a ``RunningEmulator``), on which each
``sandbox()`` call makes another enterprise; ``connect(url)`` reaches an emulator that
is already running elsewhere, e.g. ``esper-emulator serve`` in a CI service container.

Every lever goes through the emulator's side door (``/_emulator``, see
``esper_emulator.control``) over HTTP, so what it changes is what the API then shows,
whichever process serves it. Pytest users get all of this as fixtures from the
``esper`` plugin (``esper_emulator.pytest_plugin``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import msgspec
import urllib3

import esperclient
from esper_emulator.settings import SIDE_DOOR_ENV, SIDE_DOOR_HEADER

if TYPE_CHECKING:
    from esper_emulator.server import EmulatorServer
    from esperclient import AsyncEsper

__all__ = [
    "DEFAULT_DEVICES",
    "ControlError",
    "RunningEmulator",
    "Sandbox",
    "connect",
    "emulator",
    "start",
]

DEFAULT_DEVICES = 5
"""Devices in a new sandbox unless told otherwise."""


ONLINE = 1
"""``Device.status`` (and ``state``) of an online device."""
OFFLINE = 60
"""``Device.status`` (and ``state``) of an offline device."""


class ControlError(RuntimeError):
    """The emulator's side door refused a request, or is closed (open it with ``--control``)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"side door answered {status}: {message}")
        self.status = status
        self.message = message


class RunningEmulator:
    """An emulator reached at ``url``: new enterprises, and the levers that act on all of them.

    The clock, the faults, the rate limit and ``fail_next_commands`` belong to the
    emulator, so they act on every enterprise it serves. ``close()`` stops the emulator
    when this object started it (``start()``), and only releases connections otherwise.
    """

    def __init__(
        self, url: str, *, token: str | None = None, server: EmulatorServer | None = None
    ) -> None:
        self.url = url.rstrip("/")
        """The emulator's base URL, e.g. ``http://127.0.0.1:PORT``."""
        self.host = self.url + "/api"
        """The Esper API's base URL, for ``Esper(host=...)`` and ``Configuration.host``."""
        self.server = server
        """The in-process server, when this object started one (else ``None``)."""
        self._headers = {SIDE_DOOR_HEADER: token} if token is not None else {}
        self._http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(30.0))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the emulator if this object started it; release the connections."""
        self._http.clear()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the side door: ``control("POST", "/clock/advance", {"seconds": 60})``.

        Returns the decoded JSON answer; ``ControlError`` for anything but a 2xx.
        """
        data = None if body is None else msgspec.json.encode(body)
        headers = dict(self._headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        response = self._http.request(
            method, f"{self.url}/_emulator{path}", body=data, headers=headers
        )
        if not 200 <= response.status < 300:
            try:
                message = str(msgspec.json.decode(response.data).get("message"))
            except (msgspec.DecodeError, AttributeError):
                message = response.data.decode("utf-8", "replace") or str(response.reason)
            raise ControlError(response.status, message)
        return msgspec.json.decode(response.data) if response.data else None

    def sandbox(
        self,
        devices: int = DEFAULT_DEVICES,
        *,
        online_ratio: float = 1.0,
        name: str = "Test Enterprise",
    ) -> Sandbox:
        """A new enterprise with its own API key and ``devices`` devices.

        ``online_ratio`` is the share of devices that start online (each drawn at
        random, repeatably for a fresh database): 1 (the default) for all, 0 for none.
        """
        created = self.control("POST", "/enterprises", {"name": name, "devices": 0})
        sandbox = Sandbox(self, created["enterprise_id"], created["api_key"])
        if devices:
            sandbox.add_devices(devices, online_ratio=online_ratio)
        return sandbox

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's time forward by ``seconds`` (never back).

        Commands due in that time finish as they would have; API keys expire after a
        simulated year. Returns how far the clock is ahead of real time, in seconds.
        """
        answer = self.control("POST", "/clock/advance", {"seconds": seconds})
        return float(answer["offset_seconds"])

    def fail_next_commands(self, count: int = 1) -> None:
        """Make the next ``count`` device commands end in ``Command Failure``.

        Their ``details`` read ``injected failure`` and their effect is not applied;
        ``count=0`` cancels what is left.
        """
        self.control("POST", "/faults", {"fail_next_commands": count})

    def faults(self) -> dict[str, Any]:
        """The faults in force: ``rate``, ``latency_ms``, ``kinds``, ``seed``,
        ``fail_next_commands``."""
        answer: dict[str, Any] = self.control("GET", "/faults")
        return answer

    def set_faults(
        self,
        *,
        rate: float | None = None,
        latency_ms: float | None = None,
        kinds: Iterable[str] | None = None,
        seed: int | None = None,
        fail_next_commands: int | None = None,
    ) -> dict[str, Any]:
        """Change the given fault settings (the others stay); returns them all.

        ``rate`` is the chance (0 to 1) that an ``/api`` request meets one of ``kinds``:
        ``"error"`` (a 503, nothing done), ``"reset"`` (the connection reset, nothing
        done), ``"drop"`` (done, then the answer cut off) or ``"throttle"`` (a 429 with
        ``Retry-After``, nothing done). ``latency_ms`` is added to
        every ``/api`` request; ``seed`` restarts the draws, so a run can be repeated.
        """
        change: dict[str, Any] = {}
        if rate is not None:
            change["rate"] = rate
        if latency_ms is not None:
            change["latency_ms"] = latency_ms
        if kinds is not None:
            change["kinds"] = list(kinds)
        if seed is not None:
            change["seed"] = seed
        if fail_next_commands is not None:
            change["fail_next_commands"] = fail_next_commands
        answer: dict[str, Any] = self.control("POST", "/faults", change)
        return answer

    def rate_limit(self) -> float | None:
        """Requests per second allowed per API key, or ``None`` when there is no limit."""
        rate = self.control("GET", "/rate-limit")["rate"]
        return None if rate is None else float(rate)

    def set_rate_limit(self, rate: float | None) -> None:
        """Allow at most ``rate`` ``/api`` requests per second per API key (``None``: no limit).

        Over it, the emulator answers 429 with ``Retry-After``.
        """
        self.control("POST", "/rate-limit", {"rate": rate})

    def stats(self) -> dict[str, Any]:
        """What the emulator counted: ``requests``, ``rate_limited``, ``faults``, ``commands``..."""
        answer: dict[str, Any] = self.control("GET", "/stats")
        return answer


class Sandbox:
    """One enterprise of an emulator: its credentials, ready clients and levers.

    ``device_ids`` lists the enterprise's devices in the order they were made (those
    added with ``add_devices`` included). The emulator-wide levers (``advance_clock``,
    ``fail_next_commands``, ``set_faults``, ``set_rate_limit``, ``stats``) are those of
    ``emulator``, shared with any other enterprise it serves.
    """

    def __init__(self, emulator: RunningEmulator, enterprise_id: str, api_key: str) -> None:
        self.emulator = emulator
        """The emulator this enterprise lives on."""
        self.enterprise_id = enterprise_id
        """The enterprise's id, for ``Esper(enterprise_id=...)`` and the 0.1.3 calls."""
        self.api_key = api_key
        """The enterprise's API key (sent as ``Authorization: Bearer <key>``)."""
        self.device_ids: list[str] = []
        """The ids of the enterprise's devices, oldest first."""

    def __repr__(self) -> str:  # the key stays out of logs and assertion messages
        return (
            f"{type(self).__name__}(host={self.host!r}, enterprise_id={self.enterprise_id!r}, "
            f"devices={len(self.device_ids)})"
        )

    @property
    def url(self) -> str:
        """The emulator's base URL, e.g. ``http://127.0.0.1:PORT``."""
        return self.emulator.url

    @property
    def host(self) -> str:
        """The Esper API's base URL (``url + "/api"``)."""
        return self.emulator.host

    def environ(self) -> dict[str, str]:
        """``ESPER_HOST``, ``ESPER_API_KEY`` and ``ESPER_ENTERPRISE_ID``: what ``Esper()`` reads."""
        return {
            "ESPER_HOST": self.host,
            "ESPER_API_KEY": self.api_key,
            "ESPER_ENTERPRISE_ID": self.enterprise_id,
        }

    # clients

    def client(self, **options: Any) -> esperclient.Esper:
        """An ``esperclient.Esper`` for this enterprise; ``options`` go to its constructor.

        Close it when done (or use it in a ``with`` block).
        """
        return esperclient.Esper(
            host=self.host, api_key=self.api_key, enterprise_id=self.enterprise_id, **options
        )

    def async_client(self, **options: Any) -> AsyncEsper:
        """An ``esperclient.AsyncEsper`` for this enterprise (needs the ``async`` extra).

        Use it in ``async with``; it opens its connections in the running event loop.
        """
        from esperclient import AsyncEsper

        return AsyncEsper(
            host=self.host, api_key=self.api_key, enterprise_id=self.enterprise_id, **options
        )

    def configuration(self) -> esperclient.Configuration:
        """A 0.1.3-style ``Configuration``, set up the way the SDK page shows."""
        configuration = esperclient.Configuration()
        configuration.host = self.host
        configuration.api_key["Authorization"] = self.api_key
        configuration.api_key_prefix["Authorization"] = "Bearer"
        return configuration

    def api_client(self) -> esperclient.ApiClient:
        """A 0.1.3-style ``ApiClient`` on ``configuration()``; close it when done."""
        return esperclient.ApiClient(self.configuration())

    # devices

    def add_devices(
        self, count: int = 1, *, online_ratio: float = 1.0, os: str = "Android"
    ) -> list[str]:
        """Enroll ``count`` more devices (``online_ratio`` of them online) running ``os``
        (``"iOS"``, ``"Windows"``...: only Android ones are in the legacy list); their ids."""
        path = f"/enterprises/{self.enterprise_id}/devices"
        body = {"count": count, "online_ratio": online_ratio, "os": os}
        ids: list[str] = self.emulator.control("POST", path, body)["device_ids"]
        self.device_ids.extend(ids)
        return ids

    def set_online(self, device_ids: str | Iterable[str], online: bool = True) -> None:
        """Bring devices online (their queued commands start) or take them offline.

        A command sent to an offline device (or not yet acknowledged when it went
        offline) waits in ``Command Initiated`` until the device is back.
        """
        ids = [device_ids] if isinstance(device_ids, str) else list(device_ids)
        for device_id in ids:
            path = f"/enterprises/{self.enterprise_id}/devices/{device_id}/online"
            self.emulator.control("POST", path, {"online": online})

    def set_offline(self, device_ids: str | Iterable[str]) -> None:
        """Take devices offline: ``set_online(device_ids, False)``."""
        self.set_online(device_ids, False)

    # the emulator's levers

    def advance_clock(self, seconds: float) -> float:
        """``RunningEmulator.advance_clock``: move the emulator's time forward."""
        return self.emulator.advance_clock(seconds)

    def fail_next_commands(self, count: int = 1) -> None:
        """``RunningEmulator.fail_next_commands``: the next commands end in failure."""
        self.emulator.fail_next_commands(count)

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        """``RunningEmulator.set_faults``: change the injected faults."""
        return self.emulator.set_faults(**changes)

    def set_rate_limit(self, rate: float | None) -> None:
        """``RunningEmulator.set_rate_limit``: requests per second per API key."""
        self.emulator.set_rate_limit(rate)

    def stats(self) -> dict[str, Any]:
        """``RunningEmulator.stats``: what the emulator counted."""
        return self.emulator.stats()


def start(*, db: str = ":memory:", latency_ms: float = 0.0, **settings: Any) -> RunningEmulator:
    """Start an emulator in a background thread on a free local port; ``close()`` stops it.

    ``db`` is ``:memory:`` (the default: nothing kept), a SQLite file path (data kept
    across runs) or a SQLAlchemy URL. ``latency_ms`` is the simulated time a device takes
    for each step of a command; 0 finishes a command by the next request. Other
    ``settings`` are fields of ``esper_emulator.Settings``: ``rate_limit``,
    ``fault_rate``, ``fault_kinds``, ``fault_seed``, ``fault_latency_ms``,
    ``fail_next_commands``, ``max_upload_bytes``...
    """
    from esper_emulator.server import EmulatorServer
    from esper_emulator.settings import Settings

    if settings.get("control") is False:
        raise ValueError("the test helpers need the side door: leave control on")
    server = EmulatorServer(Settings(db=db, latency_ms=latency_ms, **settings)).start()
    return RunningEmulator(server.url, token=settings.get("control_token"), server=server)


def connect(url: str, *, token: str | None = None) -> RunningEmulator:
    """An emulator already running at ``url`` (e.g. ``http://127.0.0.1:8000``).

    Its side door must be open (``esper-emulator serve --control``); ``token`` is its
    ``--control-token`` when it has one (by default ``$ESPER_EMULATOR_CONTROL_TOKEN``).
    """
    running = RunningEmulator(url, token=token or os.environ.get(SIDE_DOOR_ENV) or None)
    try:
        running.control("GET", "/health")
    except ControlError as exc:
        running.close()
        if exc.status == 404:
            raise ControlError(
                404, f"no side door at {running.url}: start the emulator with --control"
            ) from None
        raise
    return running


@contextmanager
def emulator(
    devices: int = DEFAULT_DEVICES,
    *,
    online_ratio: float = 1.0,
    name: str = "Test Enterprise",
    db: str = ":memory:",
    latency_ms: float = 0.0,
    **settings: Any,
) -> Iterator[Sandbox]:
    """An emulator of its own with one enterprise of ``devices`` devices; stopped after.

    ``online_ratio``: the share of devices online at first (all by default). ``db``,
    ``latency_ms`` and ``settings``: as ``start()``.
    """
    running = start(db=db, latency_ms=latency_ms, **settings)
    try:
        yield running.sandbox(devices, online_ratio=online_ratio, name=name)
    finally:
        running.close()
