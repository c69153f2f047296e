"""A long mixed run through every kind of injected fault, on the sync and the async client.

Per client flavour, over 5,000 SDK calls go to one emulator that misbehaves on purpose:
reads (a device, a group's members page by page, a group, groups by name, the apps, an
app, its versions) and writes (group create, rename-and-set-members and delete; device
commands; v0 command requests; ``run_many`` one by one and through a v0 request). Three
phases, the faults set through the side door:

A. 15% of requests meet a fault: a 503 before handling, a connection reset before
   handling, or the answer cut off after the server committed ("drop"); every request
   also waits an added latency. One client is shared by 16 workers (threads or tasks).
B. 429s instead: 16 clients, each with a key of its own, meet ``throttle`` faults (the
   rate limit's 429 with ``Retry-After``) on a seeded schedule, the latency still added.
   A real rate limit's 429s depend on how fast the machine sends; these do not, so the
   count below holds on any machine.
C. the server slower than the client's timeout: every call ends in ``ApiTimeoutError``.

The truth is a fault-free pass made before the faults start: every read must equal it.
Writes are checked on the emulator's own store once the faults are off: no device holds
more than one command (every write targets devices nothing else touches), every
acknowledged write is there as answered, and the writes whose answer was lost ran exactly
when the server says it cut their answer off: the POSTs that ran unseen are exactly the
dropped POSTs, the PATCHes that ran unseen exactly the dropped PATCHes. Each bulk report
holds one outcome per device and counted each device once. The whole run sits in a guard
that fails the test rather than hang it. Nothing is timed. The run is made once more
on two workers over one PostgreSQL database (``serve --workers 2``): the same checks hold
whichever worker each request lands on.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.reliability._support import (
    Harness,
    aw,
    collect,
    drive,
    guarded,
    retry_waits,
    set_faults,
    stats,
    workers,
)

MODES = pytest.mark.parametrize("mode", ["sync", "async"])

WORKERS = 16
DEVICES = 2_000
STABLE = 20  # devices only ever read: the members of the stable group
PHASE_A_JOBS = 3_900
PHASE_B_JOBS = 40  # per client, one client (and key) per worker
PHASE_B_THROTTLE = 0.25  # the share of phase B's requests that meet a 429
SLOW_CALLS = 20  # GETs, and as many POSTs, in phase C
FAULT_RATE = 0.15
LATENCY_MS = 2.0
UNKNOWN = (esperclient.ServerError, esperclient.ApiConnectionError)
"""What a write may end in when its outcome is unknown (5xx, reset, cut-off answer)."""

Job = Callable[[Any], Coroutine[Any, Any, Any]]


@dataclass
class Tenant:
    server: Harness
    enterprise_id: str
    api_key: str
    stable: list[str]
    fresh: Iterator[str]  # devices nothing has touched yet, handed out once each
    stable_group: str
    apps: list[str]
    members: list[str]  # devices the written groups take as members

    def devices(self, n: int) -> list[str]:
        taken = list(itertools.islice(self.fresh, n))
        assert len(taken) == n, "the fleet is too small for the plan"
        return taken

    def client(self, **options: Any) -> dict[str, Any]:
        return {
            "host": self.server.host,
            "api_key": self.api_key,
            "enterprise_id": self.enterprise_id,
            **options,
        }


@dataclass
class Truth:
    """What the reads must give: read once, before any fault."""

    devices: dict[str, esperclient.Device]
    members: list[esperclient.Device]
    group: esperclient.DeviceGroup
    named: list[esperclient.DeviceGroup]
    apps: list[esperclient.Application]
    app: dict[str, esperclient.Application]
    versions: dict[str, list[esperclient.AppVersion]]


@dataclass
class Call:
    """One SDK call of the run and what it came to."""

    kind: str
    method: str
    targets: tuple[str, ...] = ()
    created: str | None = None  # the id the server answered with
    error: Exception | None = None
    wrong: bool = False  # a read that came back different from the truth


@dataclass
class GroupLife:
    """A group created, then renamed with members set, then (every other one) deleted."""

    name: str
    members: list[str]
    id: str | None = None
    create: object = None  # "ok" or the exception
    update: object = None
    delete: object = None

    @property
    def renamed(self) -> str:
        return f"{self.name}-renamed"


@dataclass
class Bulk:
    """A ``run_many``: its targets, its report, and every ``on_progress`` call."""

    via: str
    targets: list[str]
    report: esperclient.BulkReport | None = None
    progress: list[esperclient.BulkProgress] = field(default_factory=list)


@dataclass
class Record:
    """Everything one mode's run did."""

    calls: list[Call] = field(default_factory=list)
    lives: list[GroupLife] = field(default_factory=list)
    bulks: list[Bulk] = field(default_factory=list)
    slow: list[Call] = field(default_factory=list)

    def add(self, done: Call | list[Call]) -> None:
        self.calls.extend(done if isinstance(done, list) else [done])


# the fleet and the truth


def read_truth(
    settings: dict[str, Any], group_id: str, stable: list[str], apps: list[str]
) -> Truth:
    """Everything the reads ask for, read once through a client, without faults."""
    with esperclient.Esper(**settings, max_retries=0) as esper:
        return Truth(
            devices={d: esper.devices.get(d) for d in stable},
            members=list(esper.devices.list(group=group_id, page_size=7)),
            group=esper.groups.get(group_id),
            named=list(esper.groups.list(name="stable")),
            apps=list(esper.applications.list(page_size=2)),
            app={a: esper.applications.get(a) for a in apps},
            versions={a: list(esper.applications.versions(a)) for a in apps},
        )


def prepare(server: Harness, make_apk: Callable[..., Path]) -> tuple[Tenant, Truth]:
    """An enterprise of online devices, a stable group, three apps, and the truth."""
    creds = server.create_enterprise(devices=DEVICES, online_ratio=1.0)
    c = schema.devices.c
    with server.emulator.store.transaction() as store:
        query = select(c.id).where(c.enterprise_id == creds.enterprise_id).order_by(c.pk)
        ids = [row.id for row in store.conn.execute(query)]
    stable, writable = ids[:STABLE], ids[STABLE:]
    settings = {"host": server.host, "api_key": creds.api_key, "enterprise_id": creds.enterprise_id}
    with esperclient.Esper(**settings, max_retries=0) as esper:
        group_id = str(esper.groups.create("stable").id)
        esper.groups.update(group_id, device_ids=stable)
        apps = [str(esper.applications.upload(make_apk()).id) for _ in range(3)]
    truth = read_truth(settings, group_id, stable, apps)
    assert len(truth.members) == STABLE and truth.group.device_count == STABLE
    tenant = Tenant(
        server,
        creds.enterprise_id,
        creds.api_key,
        stable,
        iter(writable[100:]),
        group_id,
        apps,
        writable[:100],
    )
    return tenant, truth


# jobs: each a coroutine run on either client


def read_job(kind: str, fetch: Callable[[Any], Any], expected: Any) -> Job:
    async def job(esper: Any) -> Call:
        try:
            got = await fetch(esper)
        except esperclient.ApiException as exc:
            return Call(kind, "GET", error=exc)
        return Call(kind, "GET", wrong=got != expected)

    return job


def read_jobs(tenant: Tenant, truth: Truth, rng: random.Random) -> list[Job]:
    """One of each kind of read, on a random stable object."""
    device = rng.choice(tenant.stable)
    app = rng.choice(tenant.apps)
    group = tenant.stable_group

    async def get_device(esper: Any) -> Any:
        return await aw(esper.devices.get(device))

    async def members(esper: Any) -> Any:
        return await collect(esper.devices.list(group=group, page_size=7))

    async def get_group(esper: Any) -> Any:
        return await aw(esper.groups.get(group))

    async def named(esper: Any) -> Any:
        return await collect(esper.groups.list(name="stable"))

    async def apps(esper: Any) -> Any:
        return await collect(esper.applications.list(page_size=2))

    async def get_app(esper: Any) -> Any:
        return await aw(esper.applications.get(app))

    async def versions(esper: Any) -> Any:
        return await collect(esper.applications.versions(app))

    return [
        read_job("device", get_device, truth.devices[device]),
        read_job("group members", members, truth.members),
        read_job("group", get_group, truth.group),
        read_job("groups by name", named, truth.named),
        read_job("apps", apps, truth.apps),
        read_job("app", get_app, truth.app[app]),
        read_job("app versions", versions, truth.versions[app]),
    ]


def command_job(device_id: str) -> Job:
    async def job(esper: Any) -> Call:
        try:
            sent = await aw(esper.commands.run(device_id, "REBOOT"))
        except esperclient.ApiException as exc:
            return Call("command", "POST", (device_id,), error=exc)
        return Call("command", "POST", (device_id,), created=str(sent.id))

    return job


def v0_job(device_ids: list[str]) -> Job:
    async def job(esper: Any) -> Call:
        targets = tuple(device_ids)
        try:
            sent = await aw(
                esper.command_requests.create(
                    "UPDATE_HEARTBEAT", devices=device_ids, device_type="all"
                )
            )
        except esperclient.ApiException as exc:
            return Call("v0 request", "POST", targets, error=exc)
        return Call("v0 request", "POST", targets, created=str(sent.id))

    return job


def group_job(life: GroupLife, delete: bool) -> Job:
    async def job(esper: Any) -> list[Call]:
        calls = [Call("group create", "POST")]
        try:
            group = await aw(esper.groups.create(life.name))
        except esperclient.ApiException as exc:
            life.create = calls[-1].error = exc
            return calls
        life.id, life.create = str(group.id), "ok"
        calls.append(Call("group update", "PATCH"))
        try:
            await aw(esper.groups.update(life.id, name=life.renamed, device_ids=life.members))
        except esperclient.ApiException as exc:
            life.update = calls[-1].error = exc
            return calls  # left as it is: whether the PATCH ran is then visible
        life.update = "ok"
        if delete:
            calls.append(Call("group delete", "DELETE"))
            try:
                await aw(esper.groups.delete(life.id))
            except esperclient.NotFoundError as exc:
                life.delete = exc  # the retry of a DELETE whose answer was dropped
            except esperclient.ApiException as exc:
                life.delete = calls[-1].error = exc
            else:
                life.delete = "ok"
        return calls

    return job


def bulk_job(bulk: Bulk) -> Job:
    async def job(esper: Any) -> Call:
        bulk.report = await aw(
            esper.commands.run_many(
                bulk.targets,
                "REBOOT",
                via=bulk.via,
                concurrency=8,
                timeout=60.0,
                poll_interval=0.02,
                on_progress=bulk.progress.append,
            )
        )
        return Call(f"run_many via {bulk.via}", "POST", tuple(bulk.targets))

    return job


def plan_a(tenant: Tenant, truth: Truth, record: Record, prefix: str) -> list[Job]:
    """Phase A's jobs, mixed in a seeded order: about 60% reads, the rest writes."""
    rng = random.Random(7)
    jobs: list[Job] = []
    for n in range(PHASE_A_JOBS):
        draw = rng.random()
        if draw < 0.60:
            jobs.append(rng.choice(read_jobs(tenant, truth, rng)))
        elif draw < 0.82:
            jobs.append(command_job(tenant.devices(1)[0]))
        elif draw < 0.87:
            jobs.append(v0_job(tenant.devices(2)))
        else:
            life = GroupLife(f"{prefix}{n}", rng.sample(tenant.members, 2))
            record.lives.append(life)
            jobs.append(group_job(life, delete=n % 2 == 0))
    for at, via in ((PHASE_A_JOBS // 3, "device"), (2 * PHASE_A_JOBS // 3, "v0")):
        bulk = Bulk(via, tenant.devices(100))
        record.bulks.append(bulk)
        jobs.insert(at, bulk_job(bulk))
    return jobs


# running jobs on one shared client, or on one client per key


def run_shared(mode: str, jobs: Sequence[Job], workers: int, settings: dict[str, Any]) -> list[Any]:
    """Every job, ``workers`` at a time, all on one client."""
    if mode == "sync":
        with (
            esperclient.Esper(**settings) as esper,
            ThreadPoolExecutor(workers) as pool,
        ):
            return list(pool.map(lambda job: drive(job(esper)), jobs))

    async def main() -> list[Any]:
        async with esperclient.AsyncEsper(**settings) as esper:
            gate = asyncio.Semaphore(workers)

            async def one(job: Job) -> Any:
                async with gate:
                    return await job(esper)

            return list(await asyncio.gather(*(one(job) for job in jobs)))

    return asyncio.run(main())


def run_per_key(
    mode: str, plans: list[tuple[str, list[Job]]], settings: dict[str, Any]
) -> list[Any]:
    """Each ``(api_key, jobs)`` on a client of its own, its jobs one after the other."""
    if mode == "sync":

        def client(plan: tuple[str, list[Job]]) -> list[Any]:
            key, jobs = plan
            with esperclient.Esper(**{**settings, "api_key": key}) as esper:
                return [drive(job(esper)) for job in jobs]

        with ThreadPoolExecutor(len(plans)) as pool:
            return [done for results in pool.map(client, plans) for done in results]

    async def main() -> list[Any]:
        async def aclient(key: str, jobs: list[Job]) -> list[Any]:
            async with esperclient.AsyncEsper(**{**settings, "api_key": key}) as esper:
                return [await job(esper) for job in jobs]

        results = await asyncio.gather(*(aclient(key, jobs) for key, jobs in plans))
        return [done for each in results for done in each]

    return asyncio.run(main())


def the_run(mode: str, tenant: Tenant, truth: Truth, record: Record) -> None:
    """Phases A, B and C (see the module's text)."""
    url = tenant.server.url
    options = {"timeout": 10.0, "max_retries": 8}
    set_faults(
        url, rate=FAULT_RATE, kinds=["error", "drop", "reset"], latency_ms=LATENCY_MS, seed=11
    )
    jobs = plan_a(tenant, truth, record, f"w-{mode}-")
    for done in run_shared(mode, jobs, WORKERS, tenant.client(**options)):
        record.add(done)

    rng = random.Random(8)
    with tenant.server.emulator.store.transaction():
        keys = [tenant.server.emulator.auth.issue(tenant.enterprise_id) for _ in range(WORKERS)]
    plans: list[tuple[str, list[Job]]] = []
    for key in keys:
        jobs = [
            command_job(tenant.devices(1)[0])
            if rng.random() < 0.3
            else rng.choice(read_jobs(tenant, truth, rng))
            for _ in range(PHASE_B_JOBS)
        ]
        plans.append((key, jobs))
    set_faults(url, rate=PHASE_B_THROTTLE, kinds=["throttle"], seed=12)
    for done in run_per_key(mode, plans, tenant.client(**options)):
        record.add(done)
    set_faults(url, rate=0.0)

    set_faults(url, latency_ms=500.0)
    slow_jobs = [read_jobs(tenant, truth, rng)[0] for _ in range(SLOW_CALLS)]
    slow_jobs += [command_job(device) for device in tenant.devices(SLOW_CALLS)]
    record.slow = run_shared(mode, slow_jobs, WORKERS, tenant.client(timeout=0.1, max_retries=1))
    set_faults(url, latency_ms=0.0)


# what the server holds


def commands_on_server(server: Harness, enterprise_id: str) -> dict[str, list[Any]]:
    """Each device's commands: ``(id, request_id, state)`` each."""
    c = schema.commands.c
    found: dict[str, list[Any]] = {}
    with server.emulator.store.transaction() as store:
        query = select(c.device_id, c.id, c.request_id, c.state).where(
            c.enterprise_id == enterprise_id
        )
        for row in store.conn.execute(query):
            found.setdefault(row.device_id, []).append((row.id, row.request_id, row.state))
    return found


@dataclass
class ServerGroup:
    id: str
    name: str
    members: set[str]
    device_count: int


def groups_on_server(server: Harness, enterprise_id: str) -> list[ServerGroup]:
    """The enterprise's groups with their members (the membership table, not the doc)."""
    g, m = schema.device_groups.c, schema.group_members.c
    groups: list[ServerGroup] = []
    with server.emulator.store.transaction() as store:
        rows = store.conn.execute(
            select(g.id, g.name, g.doc).where(g.enterprise_id == enterprise_id)
        )
        for row in rows:
            doc = msgspec.json.decode(row.doc, type=esperclient.DeviceGroup)
            groups.append(ServerGroup(row.id, row.name, set(), doc.device_count or 0))
        by_id = {group.id: group for group in groups}
        for row in store.conn.execute(select(m.group_id, m.device_id)):
            if row.group_id in by_id:
                by_id[row.group_id].members.add(row.device_id)
    return groups


# the checks


def check_reads(record: Record) -> int:
    reads = [call for call in record.calls if call.method == "GET"]
    failed = [(call.kind, repr(call.error)) for call in reads if call.error is not None]
    assert failed == [], f"{len(failed)} reads never came back right: {failed[:5]}"
    assert [call.kind for call in reads if call.wrong] == [], "a read differed from the truth"
    return len(reads)


def unknown(error: object) -> bool:
    """Whether a write's error leaves its outcome unknown (anything else is a failure)."""
    assert isinstance(error, UNKNOWN), f"a write failed with {error!r}"
    return True


@dataclass
class Tally:
    """The commands on the server, by how the client learnt of them."""

    answered: int = 0  # in an answer the client read
    unseen: int = 0  # made by a POST whose answer was lost
    unseen_posts: int = 0  # those POSTs (a v0 request makes a command per device)

    def lost(self, commands: int) -> None:
        self.unseen += commands
        self.unseen_posts += 1


def check_commands(record: Record, on_server: dict[str, list[Any]]) -> Tally:
    """Every write's commands against the server's."""
    doubled = {device: cmds for device, cmds in on_server.items() if len(cmds) > 1}
    assert doubled == {}, f"{len(doubled)} devices got a command twice"
    tally = Tally()
    targeted = {device for call in record.slow for device in call.targets}
    for call in record.calls:
        targeted.update(call.targets)
        if call.kind == "command":
            [device] = call.targets
            held = on_server.get(device, [])
            if call.created is not None:
                assert [(cid, rid) for cid, rid, _ in held] == [(call.created, None)]
                tally.answered += 1
            elif unknown(call.error) and held:
                tally.lost(1)
        elif call.kind == "v0 request":
            reached = [on_server[device][0] for device in call.targets if device in on_server]
            requests = {request_id for _, request_id, _ in reached}
            if call.created is not None:
                assert requests == {call.created} and len(reached) == len(call.targets)
                tally.answered += len(reached)
            elif unknown(call.error) and reached:
                assert len(reached) == len(call.targets) and len(requests) == 1
                tally.lost(len(reached))
    for bulk in record.bulks:
        check_bulk(bulk, on_server, tally)
    assert set(on_server) <= targeted, "a command appeared on a device nobody sent one"
    return tally


def check_bulk(bulk: Bulk, on_server: dict[str, list[Any]], tally: Tally) -> None:
    """One outcome per device, each counted once, each true to the server."""
    report = bulk.report
    assert report is not None
    assert [o.device_id for o in report.outcomes] == bulk.targets
    n = len(bulk.targets)
    assert [p.sent + p.finished for p in bulk.progress] == list(range(1, 2 * n + 1))
    assert bulk.progress[-1] == esperclient.BulkProgress(sent=n, finished=n, total=n)
    assert report.by_status("pending") == []
    requests: set[str] = set()
    lost: list[str] = []
    for outcome in report.outcomes:
        held = on_server.get(outcome.device_id, [])
        if outcome.status == "error":
            if unknown(outcome.error) and held:
                lost.append(outcome.device_id)
            continue
        assert outcome.command is not None and len(held) == 1
        [(command_id, request_id, state)] = held
        if bulk.via == "device":
            assert command_id == str(outcome.command.id) and request_id is None
        else:
            requests.add(request_id)
        assert state == "Command Success" and outcome.status == "success"
        tally.answered += 1
    if bulk.via == "device":
        for _ in lost:
            tally.lost(1)
    elif lost:  # the one v0 request of 100 devices ran, its answer lost: all or none
        assert len(lost) == n and not requests
        tally.lost(n)


def check_groups(record: Record, server: Any, enterprise_id: str, prefix: str) -> dict[str, int]:
    """Each group's life against the server; what ran unseen, by method."""
    found = [g for g in groups_on_server(server, enterprise_id) if g.name.startswith(prefix)]
    for group in found:
        assert group.device_count == len(group.members), "a group miscounts its members"
    by_name: dict[str, list[ServerGroup]] = {}
    for group in found:
        by_name.setdefault(group.name.removesuffix("-renamed"), []).append(group)
    assert all(len(groups) == 1 for groups in by_name.values()), "a group was created twice"
    lives = {life.name: life for life in record.lives}
    assert set(by_name) <= set(lives), "a group appeared that nobody created"
    wanted = Counter(device for life in record.lives for device in life.members)
    counted = {"POST": 0, "PATCH": 0, "DELETE 404": 0}
    for life in record.lives:
        [held] = by_name.get(life.name, [None])
        if life.create != "ok":
            if unknown(life.create) and held is not None:
                assert (held.name, held.members) == (life.name, set())
                counted["POST"] += 1
            continue
        if life.delete == "ok" or isinstance(life.delete, esperclient.NotFoundError):
            assert held is None, "a group said to be deleted is still there"
            counted["DELETE 404"] += life.delete != "ok"
            continue
        if life.delete is not None and held is None:
            assert unknown(life.delete)  # the DELETE ran, its answer lost
            continue
        assert held is not None and held.id == life.id, "an acknowledged group is missing"
        if life.update == "ok" or (unknown(life.update) and held.name == life.renamed):
            assert held.name == life.renamed  # name and members are set together
            counted["PATCH"] += life.update != "ok"
            taken = set(life.members) - held.members  # by a later group: a device is in one
            assert held.members <= set(life.members) and all(wanted[d] > 1 for d in taken)
        else:
            assert (held.name, held.members) == (life.name, set())
    return counted


def check_slow_phase(record: Record, on_server: dict[str, list[Any]]) -> int:
    """Every call of phase C timed out (none hung); no POST of it ran twice."""
    assert len(record.slow) == 2 * SLOW_CALLS
    for call in record.slow:
        assert isinstance(call.error, esperclient.ApiTimeoutError), call
        for device in call.targets:
            assert len(on_server.get(device, [])) <= 1
    return len(record.slow)


@pytest.mark.slow
@MODES
def test_five_thousand_mixed_calls_through_faults_read_right_and_write_once(
    mode: str, start_server: Callable[..., EmulatorServer], make_apk: Callable[..., Path]
) -> None:
    run_and_check(mode, start_server(), make_apk)


@pytest.mark.slow
def test_five_thousand_mixed_calls_through_faults_on_two_workers_over_postgresql(
    postgres_database: str, tmp_path: Path, make_apk: Callable[..., Path]
) -> None:
    with workers(postgres_database, tmp_path, count=2) as server:
        run_and_check("sync", server, make_apk)


def run_and_check(mode: str, server: Harness, make_apk: Callable[..., Path]) -> None:
    """The run of the module's text on ``server``, then every check."""
    tenant, truth = prepare(server, make_apk)
    record = Record()
    with retry_waits(backoff=0.001, max_backoff=0.25):
        guarded(lambda: the_run(mode, tenant, truth, record), 240, f"the {mode} fault run")

    set_faults(server.url, rate=0.0, latency_ms=0.0)
    counted = stats(server.url)  # also moves every due command to its next state
    after = read_truth(tenant.client(), tenant.stable_group, tenant.stable, tenant.apps)
    assert after == truth  # nothing the run wrote reached what it read
    on_server = commands_on_server(server, tenant.enterprise_id)
    reads = check_reads(record)
    tally = check_commands(record, on_server)
    groups = check_groups(record, server, tenant.enterprise_id, f"w-{mode}-")
    timed_out = check_slow_phase(record, on_server)

    calls = len(record.calls) + timed_out
    commands = sum(len(held) for held in on_server.values())
    slow_ran = sum(len(on_server.get(d, [])) for call in record.slow for d in call.targets)
    dropped = {m: kinds.get("drop", 0) for m, kinds in counted["faults_by_method"].items()}
    faults = counted["faults"]
    print(
        f"\n{mode}: {calls} calls, {reads} reads, {counted['requests']} requests; faults "
        f"{faults}, dropped by method {dropped}, {counted['rate_limited']} x 429, "
        f"{counted['delayed']} delayed, {timed_out} timed out ({slow_ran} of them ran); "
        f"{commands} commands: {tally}; {len(record.lives)} groups, unseen {groups}; "
        f"bulk {[(b.via, len(b.targets)) for b in record.bulks]}"
    )
    assert calls >= 5_000 and reads >= 2_500
    throttled = faults.pop("throttle")
    assert min(faults.values()) >= 200 and counted["rate_limited"] == throttled >= 200
    assert counted["delayed"] >= calls
    assert commands >= 1_000 and commands == tally.answered + tally.unseen + slow_ran
    # a write whose answer was lost ran exactly when the server had cut its answer off
    assert tally.unseen_posts + groups["POST"] == dropped.get("POST", 0) > 0
    assert groups["PATCH"] == dropped.get("PATCH", 0)
    assert groups["DELETE 404"] <= dropped.get("DELETE", 0)
    assert set(counted["commands"]["by_state"]) == {"Command Success"}


@MODES
def test_a_delete_whose_answer_was_lost_is_not_reported_as_not_found(
    mode: str, start_server: Callable[..., EmulatorServer]
) -> None:
    server = start_server()
    creds = server.create_enterprise(devices=0)
    settings = {"host": server.host, "api_key": creds.api_key, "enterprise_id": creds.enterprise_id}
    with esperclient.Esper(**settings) as esper:
        ids = [esper.groups.create(f"doomed-{n}").id for n in range(40)]
    set_faults(server.url, rate=0.5, kinds=["drop"], seed=3)
    jobs: list[Job] = []
    for group_id in ids:

        async def delete(esper: Any, group_id: Any = group_id) -> object:
            try:
                await aw(esper.groups.delete(group_id))
            except esperclient.ApiException as exc:
                return exc
            return "ok"

        jobs.append(delete)
    with retry_waits():
        outcomes = guarded(
            lambda: run_shared(mode, jobs, 1, {**settings, "max_retries": 8}), 60, "deletes"
        )
    set_faults(server.url, rate=0.0)
    # every delete ran; the root group "All devices" cannot be deleted
    assert [g.name for g in groups_on_server(server, creds.enterprise_id)] == ["All devices"]
    assert stats(server.url)["faults_by_method"]["DELETE"]["drop"] > 0
    assert [o for o in outcomes if o != "ok"] == []
