"""Pages fetched ahead (``prefetch=N``) on both clients, against an emulator that adds
latency to every request, so that the pages asked for ahead are in flight together.

Requests in flight are counted by a hook on the client's transport (the requests still
go to the emulator over HTTP); no assertion reads a clock.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Iterator
from contextlib import aclosing
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from tests.conftest import Tenant, new_tenant
from tests.sdk.test_esper import MODES, collect, run

LATENCY_MS = 150
DEVICES = 120
PAGE = 10
DEADLINE = 60.0


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    db = tmp_path_factory.mktemp("prefetch") / "esper.db"
    with EmulatorServer(Settings(db=str(db), fault_latency_ms=LATENCY_MS)) as running:
        yield running


@pytest.fixture
def fleet(slow_server: EmulatorServer) -> Tenant:
    return new_tenant(slow_server, "Prefetch", devices=DEVICES)


class InFlight:
    """Counts the client's requests in flight, the most at once, the URLs sent and the
    answers that came back.

    With ``gate``, a request after the first (which learns the list's size) is held
    until ``gate`` requests are in flight or all ``pages`` were asked for: how many a
    paginator keeps in flight then depends on what it sends before it waits for an
    answer, never on how fast the machine answers.
    """

    def __init__(self, esper: Any, *, gate: int = 0, pages: int = 0) -> None:
        self.now = 0
        self.most = 0
        self.urls: list[str] = []
        self.answered = 0
        self._gate = gate
        self._pages = pages
        self._lock = threading.Condition()
        transport = esper._client.transport
        send = transport.send
        if inspect.iscoroutinefunction(send):

            async def counted(request: Any, timeout: Any) -> Any:
                self._enter(request.url)
                deadline = time.monotonic() + DEADLINE
                while self._held() and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
                try:
                    answer = await send(request, timeout)
                finally:
                    self._leave()
                self.answered += 1
                return answer

            transport.send = counted
        else:

            def counted_sync(request: Any, timeout: Any) -> Any:
                self._enter(request.url)
                with self._lock:
                    self._lock.wait_for(lambda: not self._held(), timeout=DEADLINE)
                try:
                    answer = send(request, timeout)
                finally:
                    self._leave()
                with self._lock:
                    self.answered += 1
                return answer

            transport.send = counted_sync

    def _enter(self, url: str) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.urls.append(url)
            self._lock.notify_all()

    def _held(self) -> bool:
        return 1 < len(self.urls) < self._pages and self.now < self._gate

    def _leave(self) -> None:
        with self._lock:
            self.now -= 1

    async def sent(self, requests: int) -> None:
        """Wait until ``requests`` requests were sent."""
        deadline = time.monotonic() + DEADLINE
        while len(self.urls) < requests and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert len(self.urls) >= requests


def page_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("esper-page")]


async def sequential_ids(esper: Any) -> list[str]:
    return [d.id for d in await collect(esper.devices.list(page_size=PAGE))]


@MODES
def test_prefetch_yields_every_item_in_order_with_n_requests_in_flight(
    mode: str, fleet: Tenant
) -> None:
    async def scenario(esper: Any) -> None:
        expected = await sequential_ids(esper)
        flight = InFlight(esper, gate=4, pages=DEVICES // PAGE)
        got = [d.id for d in await collect(esper.devices.list(page_size=PAGE, prefetch=4))]
        assert got == expected and len(set(got)) == DEVICES
        assert len(flight.urls) == DEVICES // PAGE  # each page once, none past the end
        assert flight.most == 4
        assert not page_threads()

    run(mode, fleet, scenario)


@MODES
def test_sequential_paging_keeps_one_request_at_a_time(mode: str, fleet: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        flight = InFlight(esper)
        assert len(await sequential_ids(esper)) == DEVICES
        assert flight.most == 1

    run(mode, fleet, scenario)


@MODES
def test_a_break_cancels_the_pages_in_flight_and_stops_the_threads(
    mode: str, fleet: Tenant
) -> None:
    async def scenario(esper: Any) -> None:
        flight = InFlight(esper)
        first = None
        if mode == "sync":
            for device in esper.devices.list(page_size=PAGE, prefetch=4):
                first = device
                break
            assert flight.now == 0 and not page_threads()
        else:
            listed = esper.devices.list(page_size=PAGE, prefetch=4)
            async with aclosing(listed.__aiter__()) as devices:
                async for device in devices:
                    first = device
                    break
            # closed: the pages asked for ahead were cancelled, none answered
            assert flight.now == 0 and flight.answered == 1
        assert first is not None
        assert len(flight.urls) <= 1 + 4

    run(mode, fleet, scenario)


@MODES
def test_a_failed_page_raises_where_its_items_start_after_every_item_before_it(
    mode: str, fleet: Tenant, slow_server: EmulatorServer
) -> None:
    faults = slow_server.emulator.faults
    got: list[str] = []

    async def scenario(esper: Any) -> None:
        expected = await sequential_ids(esper)
        flight = InFlight(esper)
        with pytest.raises(esperclient.ServerError):
            async for device in _each(esper.devices.list(page_size=PAGE, prefetch=3)):
                if not got:  # every page asked for from now on fails
                    faults.rate, faults.kinds = 1.0, ("error",)
                got.append(device.id)
        assert flight.now == 0  # the pages in flight were cancelled (or, sync, waited for)
        assert got == expected[: len(got)]
        assert PAGE <= len(got) < DEVICES and len(got) % PAGE == 0
        assert not page_threads()

    try:
        run(mode, fleet, scenario, max_retries=0)
    finally:
        faults.rate = 0.0


@MODES
def test_a_list_that_changes_mid_iteration_raises_rather_than_repeat_or_skip(
    mode: str, fleet: Tenant, slow_server: EmulatorServer
) -> None:
    got: list[str] = []

    def add_devices() -> None:
        with slow_server.emulator.store.transaction():
            slow_server.emulator.seeder.devices(fleet.enterprise_id, 5)

    async def scenario(esper: Any) -> None:
        with pytest.raises(esperclient.ListChangedError) as raised:
            async for device in _each(esper.devices.list(page_size=PAGE, prefetch=3)):
                if not got:
                    add_devices()
                got.append(device.id)
        assert len(got) == len(set(got)) == raised.value.offset
        assert raised.value.offset % PAGE == 0 and raised.value.offset < DEVICES
        assert isinstance(raised.value, esperclient.ApiException)
        # read again, the list is whole
        again = [d.id for d in await collect(esper.devices.list(page_size=PAGE, prefetch=3))]
        assert len(again) == len(set(again)) == DEVICES + 5

    run(mode, fleet, scenario)


@MODES
def test_sequential_paging_raises_too_when_the_list_changes(
    mode: str, fleet: Tenant, slow_server: EmulatorServer
) -> None:
    async def scenario(esper: Any) -> None:
        pages = esper.devices.list(page_size=PAGE).pages()
        with pytest.raises(esperclient.ListChangedError):
            async for page in _each(pages):
                if page.offset == 0:
                    with slow_server.emulator.store.transaction():
                        slow_server.emulator.seeder.devices(fleet.enterprise_id, 1)

    run(mode, fleet, scenario)


@MODES
def test_cursor_paging_fetches_the_next_page_while_this_one_is_read(
    mode: str, fleet: Tenant
) -> None:
    async def scenario(esper: Any) -> None:
        expected = [d.id for d in await collect(esper.devices_v2.list(page_size=PAGE))]
        flight = InFlight(esper)
        pages = []
        async for page in _each(esper.devices_v2.list(page_size=PAGE, prefetch=4).pages()):
            pages.append(page)
            if page.next_cursor:  # the next page is asked for while this one is read
                await flight.sent(len(pages) + 1)
        got = [d.id for page in pages for d in page.results]
        assert got == expected and len(set(got)) == DEVICES
        assert len(flight.urls) == len(pages) and flight.most == 1
        assert not page_threads()

    run(mode, fleet, scenario)


def test_every_paged_method_takes_prefetch() -> None:
    with esperclient.Esper(host="http://127.0.0.1:9/api", api_key="k", enterprise_id="e") as esper:
        paged = list(_paged_methods(esper))
    assert len(paged) > 100
    assert [
        name for name, method in paged if "prefetch" not in inspect.signature(method).parameters
    ] == []


def _paged_methods(
    root: Any, seen: set[int] | None = None, path: str = "esper"
) -> Iterator[tuple[str, Any]]:
    """Every method under ``root`` that takes ``page_size``: the paged lists."""
    seen = seen if seen is not None else set()
    if id(root) in seen:
        return
    seen.add(id(root))
    for name in dir(root):
        if name.startswith("_"):
            continue
        value = getattr(root, name)
        if inspect.ismethod(value):
            if "page_size" in inspect.signature(value).parameters:
                yield f"{path}.{name}", value
        elif type(value).__module__.startswith("esperclient._sync"):
            yield from _paged_methods(value, seen, f"{path}.{name}")


async def _each(items: Any) -> Any:
    """The items of a sync or an async iterable, as an async iterator."""
    if hasattr(items, "__aiter__"):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
