"""List commands ask for pages ahead (``PREFETCH``) and print the same rows, in order,
against an emulator that adds latency to every request. Requests in flight are counted by
a hook on the sync client's transport; the requests still go to the emulator."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

import esperclient
from esper_cli.output import PREFETCH, prefetch_for
from esper_emulator.server import EmulatorServer
from esperclient.rest import RESTClientObject
from tests.cli.conftest import run_esper
from tests.conftest import Tenant, new_tenant
from tests.sdk.test_prefetch import DEADLINE, DEVICES, PAGE, slow_server  # noqa: F401  (the fixture)


class Flight:
    """The list requests sent and the most in flight at once.

    With ``gate`` set, a request after the first is held until ``gate`` are in flight or
    all ``pages`` were asked for, so the most in flight does not depend on how fast the
    emulator answers.
    """

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.sent = 0
        self.gate = 0
        self.pages = 0
        self._lock = threading.Condition()

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.sent += 1
            self.most = max(self.most, self.now)
            self._lock.notify_all()
            self._lock.wait_for(lambda: not self._held(), timeout=DEADLINE)

    def _held(self) -> bool:
        return 1 < self.sent < self.pages and self.now < self.gate

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


@pytest.fixture
def flight(monkeypatch: pytest.MonkeyPatch) -> Flight:
    counts = Flight()
    send = RESTClientObject.send

    def counted(self: RESTClientObject, request: Any, timeout: Any) -> Any:
        counts.enter()
        try:
            return send(self, request, timeout)
        finally:
            counts.leave()

    monkeypatch.setattr(RESTClientObject, "send", counted)
    return counts


@pytest.fixture
def slow_env(slow_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tenant]:  # noqa: F811
    tenant = new_tenant(slow_server, "CLI prefetch", devices=DEVICES)
    monkeypatch.setenv("ESPER_HOST", tenant.host)
    monkeypatch.setenv("ESPER_API_KEY", tenant.api_key)
    monkeypatch.setenv("ESPER_ENTERPRISE_ID", tenant.enterprise_id)
    yield tenant


def test_devices_list_asks_for_pages_ahead_and_prints_every_row_in_order(
    slow_env: Tenant, flight: Flight
) -> None:
    with esperclient.Esper() as esper:
        expected = [d.id for d in esper.devices.list(page_size=PAGE)]
    flight.most = flight.sent = 0
    flight.gate, flight.pages = PREFETCH, DEVICES // PAGE
    result = run_esper("devices", "list", "--page-size", str(PAGE), "-o", "json")
    assert result.code == 0, result.stderr
    assert [row["id"] for row in result.json()] == expected
    assert flight.sent == DEVICES // PAGE
    assert flight.most == PREFETCH


def test_a_limit_within_one_page_costs_one_request(slow_env: Tenant, flight: Flight) -> None:
    result = run_esper("devices", "list", "--limit", "5", "-o", "json")
    assert result.code == 0, result.stderr
    assert len(result.json()) == 5
    assert flight.sent == 1


def test_prefetch_for_asks_for_no_page_a_limit_does_not_need() -> None:
    assert prefetch_for(None) == PREFETCH
    assert prefetch_for(5) == 0
    assert prefetch_for(25, 10) == 2
    assert prefetch_for(10_000, 10) == PREFETCH
