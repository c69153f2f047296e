"""One client object shared by 16 threads at once: the drop-in ``ApiClient`` and ``Esper``.

Each of 16 threads reads (a device, a page of a group's members, some through
``async_req=True``) and writes its own things (groups, device commands, v0 command
requests) through the one shared client, while one request in ten meets a 503 or a reset
connection. Every answer a thread reads must be the truth (read before, without faults)
or its own write read back; afterwards the server must hold exactly the writes that were
acknowledged (a 503 or a reset comes before handling: a refused write left no trace).

Two more: threads making their first ``async_req`` call at once share one pool, and 16
callers sharing a client over the server's rate limit all get their reads (a 429 holds
the whole client back and does not use up a retry).
"""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from esperclient import CommandRequest, DeviceGroupUpdate, V0CommandRequest
from tests.reliability._support import (
    drop_in_configuration,
    guarded,
    retry_waits,
    set_faults,
    stats,
)

THREADS = 16
ROUNDS = 60  # steps per thread (a step is one to three calls)
STABLE = 20
OWN = 4  # devices each thread writes to
REFUSED = (esperclient.ServerError, esperclient.ApiConnectionError)


@dataclass
class Tenant:
    server: EmulatorServer
    enterprise_id: str
    api_key: str
    stable: list[str]
    stable_group: str
    own: list[list[str]]  # per thread
    devices: dict[str, esperclient.Device]  # the truth of the stable devices
    members: list[esperclient.Device]  # the stable group's members, in order

    def url_of(self, device_id: str) -> str:
        return f"{self.server.host}/enterprise/{self.enterprise_id}/device/{device_id}/"


@dataclass
class Seen:
    """What one thread did and read."""

    thread: int
    calls: int = 0
    wrong: list[str] = field(default_factory=list)
    groups: dict[str, set[str]] = field(default_factory=dict)  # name -> members
    commands: set[str] = field(default_factory=set)
    requests: set[str] = field(default_factory=set)
    refused: int = 0

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.wrong.append(what)


def prepare(start_server: Callable[..., EmulatorServer]) -> Tenant:
    server = start_server()
    creds = server.create_enterprise(devices=STABLE + THREADS * OWN, online_ratio=1.0)
    c = schema.devices.c
    with server.emulator.store.transaction() as store:
        query = select(c.id).where(c.enterprise_id == creds.enterprise_id).order_by(c.pk)
        ids = [row.id for row in store.conn.execute(query)]
    settings = {"host": server.host, "api_key": creds.api_key, "enterprise_id": creds.enterprise_id}
    with esperclient.Esper(**settings) as esper:
        group = esper.groups.create("stable")
        esper.groups.add_devices(group.id, ids[:STABLE])
        devices = {d: esper.devices.get(d) for d in ids[:STABLE]}
        members = list(esper.devices.list(group=group.id))
    own = [ids[STABLE + OWN * t : STABLE + OWN * (t + 1)] for t in range(THREADS)]
    tenant = Tenant(
        server,
        creds.enterprise_id,
        creds.api_key,
        ids[:STABLE],
        str(group.id),
        own,
        devices,
        members,
    )
    set_faults(server.url, rate=0.1, kinds=["error", "reset"], seed=4)
    return tenant


def drop_in_thread(client: esperclient.ApiClient, tenant: Tenant, t: int) -> Seen:
    """One thread's steps through the shared 0.1.3-style client."""
    eid = tenant.enterprise_id
    devices = esperclient.DeviceApi(client)
    groups = esperclient.DeviceGroupApi(client)
    commands = esperclient.CommandsApi(client)
    requests = esperclient.CommandsV2Api(client)
    seen = Seen(t)
    own = tenant.own[t]
    for i in range(ROUNDS):
        step = i % 5
        seen.calls += 1
        if step == 0:
            device_id = tenant.stable[(t + i) % STABLE]
            if i % 2:
                got = devices.get_device_by_id(eid, device_id, async_req=True).get(timeout=60)
            else:
                got = devices.get_device_by_id(eid, device_id)
            seen.check(got == tenant.devices[device_id], f"device {device_id}")
        elif step == 1:
            offset = 7 * (i % 3)
            page = devices.get_all_devices(eid, group=tenant.stable_group, limit=7, offset=offset)
            expected = tenant.members[offset : offset + 7]
            seen.check(page.results == expected and page.count == STABLE, f"page at {offset}")
        elif step == 2:
            name, members = f"t{t}-{i}", own[i % OWN : i % OWN + 2]
            try:
                made = groups.create_group(eid, DeviceGroupUpdate(name=name, device_ids=members))
            except REFUSED:
                seen.refused += 1
                continue
            seen.groups[name] = set(members)
            seen.calls += 1
            back = groups.get_group_by_id(made.id, eid)
            seen.check(back == made and made.name == name, f"group {name}")
            seen.check(made.device_count == len(members), f"group {name} count")
        elif step == 3:
            device_id = own[i % OWN]
            try:
                sent = commands.run_command(eid, device_id, CommandRequest(command="REBOOT"))
            except REFUSED:
                seen.refused += 1
                continue
            seen.commands.add(str(sent.id))
            seen.calls += 1
            back = commands.get_command(sent.id, device_id, eid)
            seen.check(back.id == sent.id and back.device == sent.device, f"command {sent.id}")
            seen.check(str(sent.device).endswith(f"/device/{device_id}/"), "command's device")
        else:
            body = V0CommandRequest(
                command_type="DEVICE",
                devices=own[:2],
                device_type="all",
                command="UPDATE_HEARTBEAT",
            )
            try:
                made_request = requests.create_command(eid, body)
            except REFUSED:
                seen.refused += 1
                continue
            seen.requests.add(str(made_request.id))
            seen.calls += 1
            statuses = requests.get_command_request_status(eid, made_request.id)
            reached = sorted(str(s.device).rstrip("/").rsplit("/", 1)[-1] for s in statuses.results)
            seen.check(reached == sorted(own[:2]), f"request {made_request.id}")
    return seen


def esper_thread(esper: esperclient.Esper, tenant: Tenant, t: int) -> Seen:
    """One thread's steps through the shared ``Esper``."""
    seen = Seen(t)
    own = tenant.own[t]
    for i in range(ROUNDS):
        step = i % 5
        seen.calls += 1
        if step == 0:
            device_id = tenant.stable[(t + i) % STABLE]
            seen.check(esper.devices.get(device_id) == tenant.devices[device_id], device_id)
        elif step == 1:
            listed = list(esper.devices.list(group=tenant.stable_group, page_size=7))
            seen.calls += 2  # three pages
            seen.check(listed == tenant.members, "the stable group's members")
        elif step == 2:
            name, members = f"t{t}-{i}", own[i % OWN : i % OWN + 2]
            try:
                made = esper.groups.create(name)
            except REFUSED:
                seen.refused += 1
                continue
            seen.groups[name] = set()
            seen.calls += 2
            try:
                esper.groups.add_devices(made.id, members)
            except REFUSED:  # PATCH is not repeated; with these faults it never ran
                seen.refused += 1
                continue
            seen.groups[name] = set(members)
            back = esper.groups.get(made.id)
            seen.check(back.name == name and back.device_count == len(members), name)
        elif step == 3:
            device_id = own[i % OWN]
            try:
                sent = esper.commands.run(device_id, "REBOOT")
            except REFUSED:
                seen.refused += 1
                continue
            seen.commands.add(str(sent.id))
            seen.calls += 1
            back = esper.commands.get(device_id, str(sent.id))
            seen.check(back.id == sent.id and back.device == sent.device, f"command {sent.id}")
            seen.check(str(sent.device).endswith(f"/device/{device_id}/"), "command's device")
        else:
            try:
                made_request = esper.command_requests.create(
                    "UPDATE_HEARTBEAT", devices=own[:2], device_type="all"
                )
            except REFUSED:
                seen.refused += 1
                continue
            seen.requests.add(str(made_request.id))
            seen.calls += 1
            statuses = esper.command_requests.statuses(str(made_request.id))
            reached = sorted(str(s.device).rstrip("/").rsplit("/", 1)[-1] for s in statuses)
            seen.check(reached == sorted(own[:2]), f"request {made_request.id}")
    return seen


def on_server(tenant: Tenant) -> tuple[dict[str, set[str]], set[str], set[str]]:
    """Groups (name -> members), device commands and v0 requests the server holds."""
    g, m, c = schema.device_groups.c, schema.group_members.c, schema.commands.c
    with tenant.server.emulator.store.transaction() as store:
        conn = store.conn
        groups = {
            row.id: row.name
            for row in conn.execute(
                select(g.id, g.name).where(g.enterprise_id == tenant.enterprise_id)
            )
        }
        members: dict[str, set[str]] = {name: set() for name in groups.values()}
        for row in conn.execute(select(m.group_id, m.device_id)):
            if row.group_id in groups:
                members[groups[row.group_id]].add(row.device_id)
        rows = list(
            conn.execute(select(c.id, c.request_id).where(c.enterprise_id == tenant.enterprise_id))
        )
    commands = {row.id for row in rows if row.request_id is None}
    requests = {row.request_id for row in rows if row.request_id is not None}
    return members, commands, requests


def run_threads(work: Callable[[int], Seen]) -> list[Seen]:
    """``work(t)`` on 16 threads at once."""
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, range(THREADS)))


def placed(tenant: Tenant, seen: list[Seen]) -> dict[str, set[str]]:
    """Each group's devices: a device is in one group, the last one it was put in.

    The threads' own devices do not overlap, and each thread made its groups in order.
    """
    group_of = dict.fromkeys([d for own in tenant.own for d in own], "All devices")
    group_of.update(dict.fromkeys(tenant.stable, "stable"))
    for s in seen:
        for name, members in s.groups.items():
            group_of.update(dict.fromkeys(members, name))
    groups: dict[str, set[str]] = {name: set() for s in seen for name in s.groups}
    groups |= {"All devices": set(), "stable": set()}
    for device_id, name in group_of.items():
        groups[name].add(device_id)
    return groups


def check(tenant: Tenant, seen: list[Seen]) -> tuple[int, int]:
    """Right answers on every thread; the server holds exactly the acknowledged writes."""
    assert [(s.thread, s.wrong) for s in seen if s.wrong] == []
    groups, commands, requests = on_server(tenant)
    assert groups == placed(tenant, seen)
    assert commands == {c for s in seen for c in s.commands}
    assert requests == {r for s in seen for r in s.requests}
    return sum(s.calls for s in seen), sum(s.refused for s in seen)


def test_one_drop_in_api_client_shared_by_16_threads(
    start_server: Callable[..., EmulatorServer],
) -> None:
    tenant = prepare(start_server)
    configuration = drop_in_configuration(
        tenant.server.host, tenant.api_key, retries=6, timeout=10.0
    )
    configuration.retry_backoff, configuration.retry_max_backoff = 0.001, 0.01

    def scenario() -> list[Seen]:
        with esperclient.ApiClient(configuration) as client:
            return run_threads(lambda t: drop_in_thread(client, tenant, t))

    seen = guarded(scenario, 120, "16 threads on one ApiClient")
    set_faults(tenant.server.url, rate=0.0)
    calls, refused = check(tenant, seen)
    faults = stats(tenant.server.url)["faults"]
    print(f"\ndrop-in, {THREADS} threads: {calls} calls, faults {faults}, {refused} writes refused")
    assert calls >= 1_000 and faults["error"] + faults["reset"] >= 50


def test_one_esper_shared_by_16_threads(start_server: Callable[..., EmulatorServer]) -> None:
    tenant = prepare(start_server)
    settings = {
        "host": tenant.server.host,
        "api_key": tenant.api_key,
        "enterprise_id": tenant.enterprise_id,
    }

    def scenario() -> list[Seen]:
        with esperclient.Esper(**settings, max_retries=6, timeout=10.0) as esper:
            return run_threads(lambda t: esper_thread(esper, tenant, t))

    with retry_waits(max_backoff=0.01):
        seen = guarded(scenario, 120, "16 threads on one Esper")
    set_faults(tenant.server.url, rate=0.0)
    calls, refused = check(tenant, seen)
    faults = stats(tenant.server.url)["faults"]
    print(f"\nEsper, {THREADS} threads: {calls} calls, faults {faults}, {refused} writes refused")
    assert calls >= 1_000 and faults["error"] + faults["reset"] >= 50


# once bugs: each fixed, each kept


def test_threads_making_their_first_async_req_call_at_once_share_one_pool(
    start_server: Callable[..., EmulatorServer],
) -> None:
    server = start_server()
    creds = server.create_enterprise(devices=3)
    start = threading.Barrier(THREADS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = esperclient.ApiClient(drop_in_configuration(server.host, creds.api_key))
        api = esperclient.DeviceApi(client)

        def first_call(_: int) -> Any:
            start.wait(timeout=30)
            return api.get_all_devices(creds.enterprise_id, limit=3, async_req=True)

        with ThreadPoolExecutor(THREADS) as pool:
            pending = list(pool.map(first_call, range(THREADS)))
        assert [result.get(timeout=30).count for result in pending] == [3] * THREADS
        client.close()
        del pending
        gc.collect()
    # a pool dropped while running says so: "unclosed running multiprocessing pool"
    orphans = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert [str(w.message) for w in orphans] == []


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_16_callers_sharing_a_client_through_429s_all_get_their_reads(
    mode: str, start_server: Callable[..., EmulatorServer]
) -> None:
    server = start_server()
    creds = server.create_enterprise(devices=5)
    settings = {"host": server.host, "api_key": creds.api_key, "enterprise_id": creds.enterprise_id}
    with esperclient.Esper(**settings) as esper:
        ids = [d.id for d in esper.devices.list()]
    # seeded throttle faults (the rate limit's 429): as many on any machine
    set_faults(server.url, rate=0.2, kinds=["throttle"], seed=9)
    reads = 16 * 20

    def read(esper: Any, n: int) -> Any:
        return esper.devices.get(ids[n % 5])

    def scenario() -> list[Any]:
        if mode == "sync":
            with (
                esperclient.Esper(**settings, max_retries=5) as esper,
                ThreadPoolExecutor(16) as pool,
            ):
                return list(pool.map(lambda n: capture(lambda: read(esper, n)), range(reads)))

        async def main() -> list[Any]:
            async with esperclient.AsyncEsper(**settings, max_retries=5) as esper:
                gate = asyncio.Semaphore(16)

                async def one(n: int) -> Any:
                    async with gate:
                        try:
                            return await read(esper, n)
                        except esperclient.ApiException as exc:
                            return exc

                return list(await asyncio.gather(*(one(n) for n in range(reads))))

        return asyncio.run(main())

    with retry_waits(max_backoff=0.05):
        results = guarded(scenario, 120, "reads through 429s")
    counted = stats(server.url)
    assert counted["rate_limited"] == counted["faults"]["throttle"] > 0
    assert counted["requests"] == 1 + reads + counted["rate_limited"]
    failed = [r for r in results if isinstance(r, esperclient.ApiException)]
    assert failed == []
    assert [r.id for r in results] == [ids[n % 5] for n in range(reads)]


def capture(call: Callable[[], Any]) -> Any:
    """The call's result, or the API error it raised."""
    try:
        return call()
    except esperclient.ApiException as exc:
        return exc
