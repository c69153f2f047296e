"""50 clients at once against the real emulator: 5,000 requests, no 5xx, counts that add up.

The emulator runs as ``python -m esper_emulator serve`` (its own process) on a SQLite
file, then with two workers (``--workers 2``) on a PostgreSQL database: whichever worker
each request lands on, the tallies must come out exact. 50 threads start together, each
with a client of its own (25 ``Esper``, 25 drop-in ``ApiClient``) and exactly 100
requests to make, without retries (a 5xx or a broken connection would surface as an
error, never be hidden by a retry): 40% reads (devices, pages of devices, groups, apps,
versions, install lists, its own commands) and 60% writes (commands and app installs to
devices of its own, adding and removing its devices in five shared groups, v0 command
requests, groups created and deleted).

Afterwards, read through the API and from the database:

- every request succeeded;
- each group's ``device_count`` equals its membership, which equals what the clients'
  last adds and removes left (a device is in one group: an add moves it there, a remove
  sends it back to ``All devices``), and every device's own ``groups`` list agrees;
- each app version's ``installed_count`` and its list of install devices equal the
  devices the clients installed it on;
- the commands on the server are exactly the clients' (by kind, all final), and so are
  the v0 requests; a SQLite file passes ``PRAGMA integrity_check`` after a clean stop.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest

import esperclient
from esperclient import (
    CommandArgs,
    CommandRequest,
    CommandState,
    DeviceGroupPartialUpdate,
    DeviceGroupUpdate,
    V0CommandRequest,
)
from tests.conftest import NewDatabase
from tests.reliability._support import (
    Served,
    drop_in_configuration,
    guarded,
    integrity,
    query,
    serve,
)

CLIENTS = 50
REQUESTS = 100  # per client
DEVICES = 400
SHARED_GROUPS = 5
APPS = 3


@dataclass
class Setup:
    served: Served
    db: str
    devices: list[str]
    online: list[str]
    groups: list[str]  # the shared groups, empty at the start
    root: str  # the group All devices, where every device starts
    initial: dict[str, set[str]]  # every group's members at the start
    # Each group's non-Android devices, which the legacy device list does not show and
    # the load never moves; the groups' counts include them.
    others: dict[str, set[str]]
    versions: list[tuple[str, str]]  # (application id, version id)


@dataclass
class Client:
    """What one client did: the requests it made, and what its writes should leave."""

    number: int
    own: list[str]
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    group_of: dict[str, str] = field(default_factory=dict)  # device -> its group, if moved
    installed: set[tuple[str, str]] = field(default_factory=set)  # (version, device)
    commands: Counter[str] = field(default_factory=Counter)  # by command
    command_ids: list[tuple[str, str]] = field(default_factory=list)  # (device, id)
    requests_made: int = 0  # v0 requests


class EsperOps:
    """The operations of the load, through ``Esper``."""

    def __init__(self, served: Served) -> None:
        self.api = esperclient.Esper(
            host=served.host,
            api_key=served.api_key,
            enterprise_id=served.enterprise_id,
            max_retries=0,
            timeout=30.0,
        )

    def close(self) -> None:
        self.api.close()

    def device(self, device_id: str) -> Any:
        return self.api.devices.get(device_id).id

    def devices_page(self, offset: int) -> Any:
        path = f"/enterprise/{self.api.enterprise_id}/device/"
        return self.api.request("GET", path, params={"limit": 50, "offset": offset})["count"]

    def group(self, group_id: str) -> Any:
        return self.api.groups.get(group_id).device_count

    def groups_page(self) -> Any:
        return self.api.groups.list(page_size=20).total()

    def app(self, app_id: str) -> Any:
        return self.api.applications.get(app_id).id

    def versions_page(self, app_id: str) -> Any:
        return self.api.applications.versions(app_id).first()

    def installs_page(self, app_id: str, version_id: str) -> Any:
        return self.api.applications.install_devices(app_id, version_id).total()

    def command(self, device_id: str, command_id: str) -> Any:
        return self.api.commands.get(device_id, command_id).state

    def run(self, device_id: str, command: str, version_id: str | None = None) -> str:
        args = {"app_version": version_id} if version_id else {}
        return str(self.api.commands.run(device_id, command, **args).id)

    def member(self, group_id: str, device_id: str, add: bool) -> None:
        if add:
            self.api.groups.add_devices(group_id, [device_id])
        else:
            self.api.groups.remove_devices(group_id, [device_id])

    def v0(self, device_ids: list[str]) -> None:
        self.api.command_requests.create("UPDATE_HEARTBEAT", devices=device_ids, device_type="all")

    def new_group(self, name: str) -> str:
        return str(self.api.groups.create(name).id)

    def delete_group(self, group_id: str) -> None:
        self.api.groups.delete(group_id)


class DropInOps:
    """The same operations through the esperclient 0.1.3 surface."""

    def __init__(self, served: Served) -> None:
        configuration = drop_in_configuration(served.host, served.api_key, retries=0, timeout=30.0)
        self.client = esperclient.ApiClient(configuration)
        self.eid = served.enterprise_id
        self.devices = esperclient.DeviceApi(self.client)
        self.groups = esperclient.DeviceGroupApi(self.client)
        self.apps = esperclient.ApplicationApi(self.client)
        self.commands = esperclient.CommandsApi(self.client)
        self.v0_api = esperclient.CommandsV2Api(self.client)

    def close(self) -> None:
        self.client.close()

    def device(self, device_id: str) -> Any:
        return self.devices.get_device_by_id(self.eid, device_id).id

    def devices_page(self, offset: int) -> Any:
        return self.devices.get_all_devices(self.eid, limit=50, offset=offset).count

    def group(self, group_id: str) -> Any:
        return self.groups.get_group_by_id(group_id, self.eid).device_count

    def groups_page(self) -> Any:
        return self.groups.get_all_groups(self.eid, limit=20).count

    def app(self, app_id: str) -> Any:
        return self.apps.get_application(app_id, self.eid).id

    def versions_page(self, app_id: str) -> Any:
        return self.apps.get_app_versions(app_id, self.eid).count

    def installs_page(self, app_id: str, version_id: str) -> Any:
        return self.apps.get_install_devices(version_id, app_id, self.eid).count

    def command(self, device_id: str, command_id: str) -> Any:
        return self.commands.get_command(command_id, device_id, self.eid).state

    def run(self, device_id: str, command: str, version_id: str | None = None) -> str:
        args = CommandArgs(app_version=version_id) if version_id else None
        sent = self.commands.run_command(
            self.eid, device_id, CommandRequest(command=command, command_args=args)
        )
        return str(sent.id)

    def member(self, group_id: str, device_id: str, add: bool) -> None:
        change = DeviceGroupPartialUpdate(device_ids=[device_id])
        action = "add" if add else "remove"
        self.groups.partial_update_group(group_id, self.eid, change, action=action)

    def v0(self, device_ids: list[str]) -> None:
        request = V0CommandRequest(
            command_type="DEVICE",
            devices=device_ids,
            device_type="all",
            command="UPDATE_HEARTBEAT",
        )
        self.v0_api.create_command(self.eid, request)

    def new_group(self, name: str) -> str:
        return str(self.groups.create_group(self.eid, DeviceGroupUpdate(name=name)).id)

    def delete_group(self, group_id: str) -> None:
        self.groups.delete_group(group_id, self.eid)


def client_run(setup: Setup, client: Client, start: threading.Barrier) -> Client:
    """One client's 100 requests, in a mix drawn from its own seed."""
    ops: EsperOps | DropInOps
    ops = EsperOps(setup.served) if client.number % 2 else DropInOps(setup.served)
    rng = random.Random(client.number)
    start.wait(timeout=60)
    try:
        while client.requests < REQUESTS:
            try:
                step(ops, setup, client, rng)
            except esperclient.ApiException as exc:
                client.requests += 1
                client.errors.append(repr(exc))
    finally:
        ops.close()
    return client


def step(ops: EsperOps | DropInOps, setup: Setup, client: Client, rng: random.Random) -> None:
    """One request (two for a group made and deleted when there is room for both)."""
    draw = rng.random()
    app_id, version_id = rng.choice(setup.versions)
    device = rng.choice(client.own)
    if draw < 0.40:
        read = rng.randrange(8)
        client.requests += 1
        if read == 0:
            ops.device(rng.choice(setup.devices))
        elif read == 1:
            ops.devices_page(50 * rng.randrange(DEVICES // 50))
        elif read == 2:
            ops.group(rng.choice(setup.groups))
        elif read == 3:
            ops.groups_page()
        elif read == 4:
            ops.app(app_id)
        elif read == 5:
            ops.versions_page(app_id)
        elif read == 6:
            ops.installs_page(app_id, version_id)
        elif client.command_ids:
            ops.command(*rng.choice(client.command_ids))
        else:
            ops.device(device)
    elif draw < 0.55:
        client.requests += 1
        command_id = ops.run(device, "REBOOT")
        client.commands["REBOOT"] += 1
        client.command_ids.append((device, command_id))
    elif draw < 0.70:
        client.requests += 1
        command_id = ops.run(device, "INSTALL", version_id)
        client.commands["INSTALL"] += 1
        client.command_ids.append((device, command_id))
        client.installed.add((version_id, device))
    elif draw < 0.88:
        group = rng.choice(setup.groups)
        add = rng.random() < 0.6
        client.requests += 1
        ops.member(group, device, add)
        if add:
            client.group_of[device] = group
        elif client.group_of.get(device) == group:
            client.group_of[device] = setup.root
    elif draw < 0.95:
        client.requests += 1
        ops.v0(client.own[:2])
        client.commands["UPDATE_HEARTBEAT"] += 2
        client.requests_made += 1
    elif client.requests <= REQUESTS - 2:
        client.requests += 1
        group_id = ops.new_group(f"load-{client.number}-{client.requests}")
        client.requests += 1
        ops.delete_group(group_id)


def prepare(served: Served, db: str, make_apk: Callable[..., Path]) -> Setup:
    """Three apps and five empty shared groups, made before the load; the starting state."""
    with esperclient.Esper(
        host=served.host, api_key=served.api_key, enterprise_id=served.enterprise_id
    ) as esper:
        devices = list(esper.devices.list())
        versions = []
        for _ in range(APPS):
            app = esper.applications.upload(make_apk())
            versions.append((str(app.id), str(app.versions[0].id)))
        shared = [str(esper.groups.create(f"shared-{n}").id) for n in range(SHARED_GROUPS)]
        initial = {
            str(group.id): {d.id for d in esper.devices.list(group=group.id)}
            for group in esper.groups.list()
        }
        others = {
            group_id: {str(d.id) for d in esper.devices_v2.list(group_immediate=group_id)} - members
            for group_id, members in initial.items()
        }
        root = esper.groups.list(name="All devices").first()
        assert root is not None
    online = [d.id for d in devices if d.status == 1]
    ids = [d.id for d in devices]
    return Setup(served, db, ids, online, shared, str(root.id), initial, others, versions)


def check_groups(setup: Setup, clients: list[Client], esper: esperclient.Esper) -> int:
    """Counts, memberships and the devices' own group lists all agree with the clients."""
    expected = {group: set(members) for group, members in setup.initial.items()}
    for client in clients:
        for device, group in client.group_of.items():
            for members in expected.values():
                members.discard(device)
            expected[group].add(device)
    groups = {str(g.id): g for g in esper.groups.list()}
    assert set(groups) == set(expected), "groups made by the load were left behind"
    for group_id, group in groups.items():
        listed = {d.id for d in esper.devices.list(group=group_id)}
        assert listed == expected[group_id]
        assert group.device_count == len(expected[group_id] | setup.others[group_id])
    rows = query(setup.db, "SELECT group_id, device_id FROM group_members")
    members = {g: expected[g] | setup.others[g] for g in expected}
    assert {(g, d) for g, d in rows} == {(g, d) for g, ds in members.items() for d in ds}
    for device in esper.devices.list():
        in_groups = {url.rstrip("/").rsplit("/", 1)[-1] for url in device.groups or []}
        assert in_groups == {g for g, members in expected.items() if device.id in members}
    return sum(len(members) for members in expected.values())


def check_installs(setup: Setup, clients: list[Client], esper: esperclient.Esper) -> int:
    """Each version's ``installed_count`` and install list are the devices it was put on."""
    total = 0
    for app_id, version_id in setup.versions:
        expected = {d for c in clients for v, d in c.installed if v == version_id}
        version = esper.applications.version(app_id, version_id)
        listed = {d.id for d in esper.applications.install_devices(app_id, version_id)}
        assert version.installed_count == len(expected) and listed == expected
        total += len(expected)
    return total


def check_commands(setup: Setup, clients: list[Client]) -> int:
    """The server's commands are the clients', kind by kind, all final; so are the v0 requests."""
    db = setup.db
    expected: Counter[str] = Counter()
    for client in clients:
        expected.update(client.commands)
    rows = query(db, "SELECT state, doc FROM commands")
    kinds: Counter[str] = Counter()
    for state, doc in rows:
        assert state in CommandState.FINAL and state == "Command Success"
        kinds[str(msgspec.json.decode(doc, type=esperclient.DeviceCommand).command)] += 1
    assert kinds == expected
    [(requests,)] = query(db, "SELECT count(*) FROM command_requests")
    assert requests == sum(c.requests_made for c in clients)
    return len(rows)


@pytest.mark.slow
def test_fifty_clients_five_thousand_requests_no_5xx_and_counts_add_up(
    tmp_path: Path, make_apk: Callable[..., Path], new_database: NewDatabase, backend: str
) -> None:
    with new_database() as db:
        load_and_check(db, tmp_path, make_apk, workers=2 if backend == "postgres" else 1)
        if backend == "sqlite":
            assert integrity(Path(db)) == "ok"


def load_and_check(
    db: str, tmp_path: Path, make_apk: Callable[..., Path], workers: int = 1
) -> None:
    """Fifty clients' requests to an emulator on ``db`` (served by ``workers``
    processes), then every count checked."""
    served = serve(db, devices=DEVICES, latency_ms=0, workdir=tmp_path, workers=workers)
    try:
        setup = prepare(served, db, make_apk)
        own = [setup.online[n::CLIENTS] for n in range(CLIENTS)]
        assert min(len(devices) for devices in own) >= 2
        clients = [Client(n, own[n]) for n in range(CLIENTS)]
        start = threading.Barrier(CLIENTS)

        def load() -> list[Client]:
            with ThreadPoolExecutor(CLIENTS) as pool:
                return list(pool.map(lambda c: client_run(setup, c, start), clients))

        done = guarded(load, 240, "50 clients' requests")
        assert [(c.number, c.errors) for c in done if c.errors] == []
        assert sum(c.requests for c in done) == CLIENTS * REQUESTS
        with esperclient.Esper(
            host=served.host, api_key=served.api_key, enterprise_id=served.enterprise_id
        ) as esper:
            esper.enterprise.get()  # a request: every due command moves on
            memberships = check_groups(setup, done, esper)
            installs = check_installs(setup, done, esper)
        commands = check_commands(setup, done)
    finally:
        status = served.stop()
    assert status == 0, served.output()
    print(
        f"\n{CLIENTS} clients, {CLIENTS * REQUESTS} requests, 0 errors; {commands} commands, "
        f"{sum(c.requests_made for c in done)} v0 requests, {installs} installs, "
        f"{memberships} group memberships, all as the clients left them"
    )
    assert commands >= 1_000 and installs >= 100
