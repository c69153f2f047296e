"""``kill -9`` of the real emulator in the middle of a stream of writes, three times over.

The emulator runs as ``python -m esper_emulator serve`` on a SQLite file (WAL mode). Six
threads write through their own clients, without retries (so each write is either
acknowledged with a 2xx or has an unknown outcome): device commands (``Esper`` and the
drop-in ``CommandsApi``), v0 command requests, groups (created, then renamed with members
set, which takes them out of their group) and APK uploads. Once enough writes of the
round are acknowledged, the process gets a SIGKILL. Then:

- the files the crash left (database, WAL) pass ``PRAGMA integrity_check`` (read from a
  copy, so the restart recovers the WAL itself);
- the emulator restarts on the same file, and every acknowledged write is there as it
  was answered (each uploaded APK's stored file has the hash the upload reported);
  writes in flight at the kill are there at most once;
- the command state machines resume: commands still on their way at the kill (checked:
  there were some) reach a final state as the clock moves on; none is stuck.

Each command step takes 200 ms of the emulator's clock (which is real time), so at each
kill the newest commands are still ``Command Initiated`` and slightly older ones
``Command Acknowledged``: both kinds must finish after the restart. After the third
crash a last restart checks everything, then a clean stop leaves an intact file and no
WAL.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esperclient import CommandRequest, CommandState
from tests.reliability._support import (
    Served,
    drop_in_configuration,
    guarded,
    integrity,
    query,
    serve,
)

CRASHES = 3
DEVICES = 200
LATENCY_MS = 200  # per command step: Initiated -> Acknowledged -> Success
KILL_AFTER = 300  # acknowledged writes of a round before its SIGKILL
MAX_WRITES = 5_000  # per writer and round: a bound, never reached before the kill


@dataclass
class Ledger:
    """Every write: acknowledged (what the server answered) or in flight at a kill."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    round_acked: int = 0
    writes: int = 0  # acknowledged group writes (creates and renames)
    commands: dict[str, str] = field(default_factory=dict)  # id -> device
    requests: dict[str, list[str]] = field(default_factory=dict)  # id -> devices
    groups: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    group_in_flight: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    apps: dict[str, str] = field(default_factory=dict)  # application id -> file hash
    in_flight: dict[str, int] = field(default_factory=dict)  # kind -> writes cut by a kill
    failures: list[str] = field(default_factory=list)

    def acked(self, table: dict[str, Any], key: str, value: Any) -> None:
        """Note an acknowledged write: ``table[key] = value``."""
        with self.lock:
            table[key] = value
            self.round_acked += 1
            if table is self.groups:
                self.writes += 1

    def lost(self, kind: str, exc: Exception) -> None:
        """Note a write that got no answer (its writer stops: the server is gone).

        One that reached the server was in flight at the kill; one that could not connect
        never left. Any other error is a failure of the test.
        """
        with self.lock:
            if not isinstance(exc, esperclient.ApiConnectionError):
                self.failures.append(f"{kind}: {exc!r}")
            elif exc.reached_server:
                self.in_flight[kind] = self.in_flight.get(kind, 0) + 1


@dataclass
class Tenant:
    enterprise_id: str
    online: list[str]
    others: list[str]


Writer = Callable[[Served, Tenant, Ledger, threading.Event, int], None]


def esper_of(served: Served) -> esperclient.Esper:
    return esperclient.Esper(
        host=served.host,
        api_key=served.api_key,
        enterprise_id=served.enterprise_id,
        max_retries=0,
        timeout=10.0,
    )


def writes(stop: threading.Event) -> Iterator[int]:
    return itertools.takewhile(lambda _: not stop.is_set(), range(MAX_WRITES))


def command_writer(slot: int) -> Writer:
    """Device commands through ``Esper``, to online devices of its own."""

    def write(
        served: Served, tenant: Tenant, ledger: Ledger, stop: threading.Event, _: int
    ) -> None:
        mine = tenant.online[slot::3]
        with esper_of(served) as esper:
            for n in writes(stop):
                device_id = mine[n % len(mine)]
                try:
                    sent = esper.commands.run(device_id, "REBOOT" if n % 2 else "LOCK")
                except esperclient.ApiException as exc:
                    ledger.lost("command", exc)
                    return
                ledger.acked(ledger.commands, str(sent.id), device_id)

    return write


def drop_in_command_writer(
    served: Served, tenant: Tenant, ledger: Ledger, stop: threading.Event, _: int
) -> None:
    """Device commands through the 0.1.3 surface."""
    mine = tenant.online[2::3]
    configuration = drop_in_configuration(served.host, served.api_key, retries=0, timeout=10.0)
    with esperclient.ApiClient(configuration) as client:
        api = esperclient.CommandsApi(client)
        for n in writes(stop):
            device_id = mine[n % len(mine)]
            try:
                sent = api.run_command(
                    tenant.enterprise_id, device_id, CommandRequest(command="REBOOT")
                )
            except esperclient.ApiException as exc:
                ledger.lost("command", exc)
                return
            ledger.acked(ledger.commands, str(sent.id), device_id)


def request_writer(
    served: Served, tenant: Tenant, ledger: Ledger, stop: threading.Event, _: int
) -> None:
    """v0 command requests to two online devices each."""
    with esper_of(served) as esper:
        for n in writes(stop):
            pair = [
                tenant.online[n % len(tenant.online)],
                tenant.online[(n + 7) % len(tenant.online)],
            ]
            try:
                made = esper.command_requests.create("UPDATE_HEARTBEAT", devices=pair)
            except esperclient.ApiException as exc:
                ledger.lost("request", exc)
                return
            ledger.acked(ledger.requests, str(made.id), pair)


def group_writer(
    served: Served, tenant: Tenant, ledger: Ledger, stop: threading.Event, crash: int
) -> None:
    """Groups: each created, then renamed with members set."""
    with esper_of(served) as esper:
        for n in writes(stop):
            name = f"crash-{crash}-{n}"
            try:
                group = esper.groups.create(name)
            except esperclient.ApiException as exc:
                ledger.lost("group", exc)
                return
            group_id = str(group.id)
            ledger.acked(ledger.groups, group_id, (name, frozenset()))
            members = frozenset(tenant.others[n % len(tenant.others) :][:3])
            change = (f"{name}-renamed", members)
            with ledger.lock:
                ledger.group_in_flight[group_id] = change
            try:
                esper.groups.update(group_id, name=change[0], device_ids=sorted(members))
            except esperclient.ApiException as exc:
                ledger.lost("group update", exc)
                return
            ledger.acked(ledger.groups, group_id, change)
            with ledger.lock:
                del ledger.group_in_flight[group_id]


def upload_writer(apks: Callable[[], Path]) -> Writer:
    """APK uploads through the 0.1.3 surface, each a new package."""

    def write(
        served: Served, tenant: Tenant, ledger: Ledger, stop: threading.Event, _: int
    ) -> None:
        configuration = drop_in_configuration(served.host, served.api_key, retries=0, timeout=10.0)
        with esperclient.ApiClient(configuration) as client:
            api = esperclient.ApplicationApi(client)
            for _ in writes(stop):
                apk = apks()
                try:
                    app = api.upload(tenant.enterprise_id, str(apk)).application
                except esperclient.ApiException as exc:
                    ledger.lost("upload", exc)
                    return
                expected = hashlib.sha256(apk.read_bytes()).hexdigest()
                assert app.versions[0].hash_string == expected
                ledger.acked(ledger.apps, str(app.id), expected)

    return write


# the checks


def autopsy(db: Path, where: Path) -> tuple[str, Counter[str]]:
    """What the crash left, read from a copy: integrity, and the commands not final by state."""
    where.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{db}{suffix}")
        if source.exists():
            shutil.copy2(source, where / f"copy.db{suffix}")
    copy = where / "copy.db"
    assert Path(f"{copy}-wal").stat().st_size > 0  # the restart has a WAL to recover
    waiting = Counter(
        {
            state: int(n)
            for state, n in query(copy, "SELECT state, count(*) FROM commands GROUP BY state")
            if state not in CommandState.FINAL
        }
    )
    return integrity(copy), waiting


def settle(served: Served, db: Path) -> None:
    """Requests until every command is final (each request applies what fell due)."""
    finals = ",".join(f"'{state}'" for state in sorted(CommandState.FINAL))
    waiting = -1
    with esper_of(served) as esper:
        for _ in range(600):  # a bound: a command needs one second of the clock
            esper.enterprise.get()  # any request moves the due commands on
            [(waiting,)] = query(db, f"SELECT count(*) FROM commands WHERE state NOT IN ({finals})")
            if waiting == 0:
                return
            time.sleep(0.05)
    pytest.fail(f"{waiting} commands stuck in a non-final state after the restart")


def check_everything(served: Served, db: Path, tenant: Tenant, ledger: Ledger) -> None:
    """Every acknowledged write is there; what was in flight is there at most once."""
    assert ledger.failures == []
    rows = query(db, "SELECT id, device_id, request_id FROM commands")
    device_commands = {cid: device for cid, device, request in rows if request is None}
    assert set(ledger.commands) <= set(device_commands), "an acknowledged command is lost"
    assert all(device_commands[cid] == device for cid, device in ledger.commands.items())
    extra = len(device_commands) - len(ledger.commands)
    assert 0 <= extra <= ledger.in_flight.get("command", 0)

    by_request: dict[str, list[str]] = {}
    for _, device, request in rows:
        if request is not None:
            by_request.setdefault(request, []).append(device)
    for request_id, pair in ledger.requests.items():
        assert sorted(by_request.get(request_id, [])) == sorted(pair), "a request lost commands"
    extra = len(by_request) - len(ledger.requests)
    assert 0 <= extra <= ledger.in_flight.get("request", 0)

    members: dict[str, set[str]] = {}
    for group_id, device_id in query(db, "SELECT group_id, device_id FROM group_members"):
        members.setdefault(group_id, set()).add(device_id)
    names = {
        group_id: name
        for group_id, name in query(db, "SELECT id, name FROM device_groups")
        if name.startswith("crash-")
    }
    for group_id, (name, _) in ledger.groups.items():
        assert group_id in names, "an acknowledged group is lost"
        assert names[group_id] in (name, ledger.group_in_flight.get(group_id, (name,))[0])
    for group_id, expected in group_devices(ledger, names).items():
        assert members.get(group_id, set()) == expected
    assert 0 <= len(names) - len(ledger.groups) <= ledger.in_flight.get("group", 0)

    [(apps,)] = query(db, "SELECT count(*) FROM applications")
    assert 0 <= apps - len(ledger.apps) <= ledger.in_flight.get("upload", 0)
    stored = {
        app_id: path
        for app_id, path in query(db, "SELECT application_id, file_path FROM app_versions")
    }
    with esper_of(served) as esper:
        for app_id, expected in ledger.apps.items():
            assert app_id in stored, "an acknowledged upload is lost"
            assert hashlib.sha256(Path(stored[app_id]).read_bytes()).hexdigest() == expected
            assert esper.applications.get(app_id).versions[0].hash_string == expected
        probe = list(ledger.commands.items())[:: max(1, len(ledger.commands) // 50)]
        for command_id, device_id in probe:  # and the API serves them
            assert esper.commands.get(device_id, command_id).state in CommandState.FINAL


def group_devices(ledger: Ledger, names: dict[str, str]) -> dict[str, set[str]]:
    """Each written group's devices: a device is in one group, the last one given it.

    The one writer sets the groups' members in the order it made them. An update in flight
    at a kill ran if the group has its new name (name and members change together).
    """
    owner: dict[str, str] = {}
    for group_id, (_, given) in ledger.groups.items():
        name, in_flight = ledger.group_in_flight.get(group_id, ("", frozenset()))
        owner.update(dict.fromkeys(in_flight if names.get(group_id) == name else given, group_id))
    devices: dict[str, set[str]] = {group_id: set() for group_id in ledger.groups}
    for device_id, group_id in owner.items():
        devices[group_id].add(device_id)
    return devices


@pytest.mark.slow
def test_three_sigkills_mid_stream_lose_no_acknowledged_write(
    tmp_path: Path, make_apk: Callable[..., Path]
) -> None:
    db = tmp_path / "crash.db"
    ledger = Ledger()
    seen: dict[str, int] = {"crashes": 0, "acknowledged": 0}
    waiting_at_kills: Counter[str] = Counter()

    def scenario() -> None:
        served = serve(db, devices=DEVICES, latency_ms=LATENCY_MS, workdir=tmp_path)
        with esper_of(served) as esper:
            devices = list(esper.devices.list())
        online = [d.id for d in devices if d.status == 1]
        tenant = Tenant(served.enterprise_id, online, [d.id for d in devices])
        writers: list[Writer] = [
            command_writer(0),
            command_writer(1),
            drop_in_command_writer,
            request_writer,
            group_writer,
            upload_writer(make_apk),
        ]
        for crash in range(CRASHES):
            ledger.round_acked = 0
            stop = threading.Event()
            threads = [
                threading.Thread(target=w, args=(served, tenant, ledger, stop, crash), daemon=True)
                for w in writers
            ]
            for thread in threads:
                thread.start()
            for _ in range(3_000):  # 30 s at most
                if ledger.round_acked >= KILL_AFTER or not any(t.is_alive() for t in threads):
                    break
                time.sleep(0.01)
            served.kill()
            stop.set()
            for thread in threads:
                thread.join(30)
                assert not thread.is_alive(), "a writer hung on a dead server"
            assert ledger.round_acked >= KILL_AFTER, f"writers stopped early: {ledger.failures}"
            state, waiting = autopsy(db, tmp_path / f"autopsy-{crash}")
            assert state == "ok"
            assert sum(waiting.values()) > 0  # the kill caught commands on their way
            seen["crashes"] += 1
            waiting_at_kills.update(waiting)
            seen["acknowledged"] += ledger.round_acked

            served = serve(db, devices=DEVICES, latency_ms=LATENCY_MS, workdir=tmp_path)
            assert served.enterprise_id == tenant.enterprise_id
            settle(served, db)
            check_everything(served, db, tenant, ledger)
            assert integrity(db) == "ok"
        assert served.stop() == 0, served.output()
        assert not Path(f"{db}-wal").exists()  # a clean stop folds the WAL into the file
        assert integrity(db) == "ok"

    guarded(scenario, 300, "the crash test")
    print(
        f"\n{seen['crashes']} crashes; {seen['acknowledged']} writes acknowledged, all kept: "
        f"{len(ledger.commands)} commands, {len(ledger.requests)} v0 requests, "
        f"{len(ledger.groups)} groups ({ledger.writes} writes), "
        f"{len(ledger.apps)} uploads; in flight at the kills: {ledger.in_flight}; "
        f"not final at the kills: {dict(waiting_at_kills)}, all final after the restarts"
    )
    assert seen["crashes"] == CRASHES and seen["acknowledged"] >= CRASHES * KILL_AFTER
    assert (
        waiting_at_kills["Command Initiated"] > 0 and waiting_at_kills["Command Acknowledged"] > 0
    )


# a frozen server: no hang past a timeout


def frozen_calls(served: Served, online: list[str], apk: Path) -> dict[str, object]:
    """Every kind of call, on each surface (the three at once), to a server that never answers."""
    outcomes: dict[str, object] = {}

    def attempt(name: str, call: Callable[[], Any]) -> None:
        try:
            outcomes[name] = call()
        except esperclient.ApiException as exc:
            outcomes[name] = exc

    eid = served.enterprise_id
    settings = {"host": served.host, "api_key": served.api_key, "enterprise_id": eid}

    def drop_in() -> None:
        forever = drop_in_configuration(served.host, served.api_key, retries=1, timeout=None)
        with esperclient.ApiClient(forever) as client:  # 0.1.3's default: no timeout at all
            devices = esperclient.DeviceApi(client)
            attempt(
                "drop-in get, _request_timeout",
                lambda: devices.get_device_by_id(eid, online[0], _request_timeout=0.3),
            )
        short = drop_in_configuration(served.host, served.api_key, retries=1, timeout=(0.3, 0.3))
        with esperclient.ApiClient(short) as client:
            commands = esperclient.CommandsApi(client)
            apps = esperclient.ApplicationApi(client)
            attempt("drop-in list", lambda: esperclient.DeviceApi(client).get_all_devices(eid))
            attempt(
                "drop-in command",
                lambda: commands.run_command(eid, online[0], CommandRequest(command="REBOOT")),
            )
            attempt("drop-in upload", lambda: apps.upload(eid, str(apk)))

    def sync() -> None:
        with esperclient.Esper(**settings, timeout=0.3, max_retries=1) as esper:
            attempt("Esper get", lambda: esper.devices.get(online[1]))
            attempt("Esper list", lambda: list(esper.devices.list()))
            attempt("Esper command", lambda: esper.commands.run(online[1], "REBOOT"))
            attempt(
                "Esper run_many",
                lambda: esper.commands.run_many(online[2:4], "REBOOT", via="device", timeout=1.0),
            )

    async def on_async() -> None:
        async with esperclient.AsyncEsper(**settings, timeout=(0.3, 0.3), max_retries=1) as esper:
            calls: dict[str, Callable[[], Any]] = {
                "AsyncEsper get": lambda: esper.devices.get(online[4]),
                "AsyncEsper list": lambda: esper.devices.list().to_list(),
                "AsyncEsper command": lambda: esper.commands.run(online[4], "REBOOT"),
                "AsyncEsper run_many": lambda: esper.commands.run_many(
                    online[5:7], "REBOOT", via="v0", timeout=1.0
                ),
            }
            for name, call in calls.items():
                try:
                    outcomes[name] = await call()
                except esperclient.ApiException as exc:
                    outcomes[name] = exc

    with ThreadPoolExecutor(3) as pool:
        for running in [
            pool.submit(drop_in),
            pool.submit(sync),
            pool.submit(asyncio.run, on_async()),
        ]:
            running.result()
    return outcomes


def test_every_call_to_a_frozen_emulator_ends_at_its_timeout(
    tmp_path: Path, make_apk: Callable[..., Path]
) -> None:
    """SIGSTOP: connections are still accepted (by the kernel), nothing is ever answered."""
    db = tmp_path / "frozen.db"
    served = serve(db, devices=20, latency_ms=0, workdir=tmp_path)
    with esper_of(served) as esper:
        online = [d.id for d in esper.devices.list(state=1)]
    assert len(online) >= 7
    apk = make_apk()
    os.kill(served.process.pid, signal.SIGSTOP)
    try:
        outcomes = guarded(
            lambda: frozen_calls(served, online, apk), 120, "calls to a frozen server"
        )
    finally:
        os.kill(served.process.pid, signal.SIGCONT)
    for name, outcome in outcomes.items():
        if isinstance(outcome, esperclient.BulkReport):
            errors = [o.error for o in outcome.outcomes]
            assert all(isinstance(e, esperclient.ApiTimeoutError) for e in errors), name
        else:
            assert isinstance(outcome, esperclient.ApiTimeoutError), f"{name}: {outcome!r}"
    assert len(outcomes) == 12
    with esper_of(served) as esper:  # thawed, it serves again; what it ran, it ran once
        assert esper.enterprise.get().id == served.enterprise_id
    rows = query(db, "SELECT device_id, count(*) FROM commands GROUP BY device_id")
    assert all(count == 1 for _, count in rows)
    assert served.stop() == 0, served.output()
