"""Several workers over one PostgreSQL database behave as one process.

``python -m esper_emulator serve --workers 2 --control`` runs on a new database of the
session's PostgreSQL; requests go over connections of their own, so that either worker
may take each. Whatever worker a request lands on, it sees and changes the same state:
a side-door change made through one holds on the other, a command ends once with its
effect applied once, a key over the rate limit is refused wherever its requests go,
and killing a worker loses nothing that was acknowledged. Underneath, writers take
turns on one lock, and a read-only transaction cannot write. On SQLite, one process.
"""

from __future__ import annotations

import http.client
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
import sqlalchemy
import urllib3

from esper_emulator.cli import SEVERAL_WORKERS, main
from esper_emulator.control import WORKER_HEADER
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from esper_emulator.store import Store, create_store_engine
from esper_emulator.store.db import WRITER_LOCK
from esperclient.models import ConvergeStatus
from tests.conftest import HTTP_TIMEOUT
from tests.emulator.conftest import call, json_of
from tests.emulator.test_converge import LATENCY, SCREEN, Rig
from tests.reliability._support import Workers, fresh, guarded, query, workers


def run_command(w: Workers, api_key: str, enterprise_id: str, device_id: str) -> str | None:
    """A REBOOT of the device over a fresh connection: its id when the answer was a 200."""
    answer = fresh(
        "POST",
        f"{w.host}/enterprise/{enterprise_id}/device/{device_id}/command/",
        {"command": "REBOOT"},
        Authorization=f"Bearer {api_key}",
    )
    if answer.status != 200:
        return None
    command_id: str = msgspec.json.decode(answer.data)["id"]
    return command_id


def events_per_command(db: str, enterprise_id: str) -> Counter[str]:
    """How many ``DeviceStatus`` events each command logged (one when it ended)."""
    rows = query(db, "SELECT doc FROM device_events WHERE enterprise_id = %s", enterprise_id)
    data = (msgspec.json.decode(msgspec.json.decode(bytes(doc))["data"]) for (doc,) in rows)
    return Counter(event["command_id"] for event in data if "command_id" in event)


def test_on_postgresql_writers_take_turns_and_a_read_only_transaction_cannot_write(
    postgres_database: str,
) -> None:
    first, second = (Store(create_store_engine(postgres_database)) for _ in range(2))
    entered = threading.Event()

    def write_second() -> None:
        with second.transaction():
            entered.set()

    try:
        with first.transaction():
            waiter = threading.Thread(target=write_second, daemon=True)
            waiter.start()
            deadline = time.monotonic() + 60
            while not waiting_for_writer_lock(postgres_database):
                assert time.monotonic() < deadline, "the second writer never asked for the lock"
                time.sleep(0.05)
            assert not entered.is_set()
        waiter.join(60)
        assert entered.is_set()
        with (
            pytest.raises(sqlalchemy.exc.InternalError, match="read-only transaction"),
            first.transaction(read_only=True),
        ):
            first.meta_set("written", "in a read-only transaction")
    finally:
        first.close()
        second.close()


def waiting_for_writer_lock(db: str) -> bool:
    """Whether a transaction waits for the writer lock another one holds."""
    rows = query(
        db,
        "SELECT granted FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
        WRITER_LOCK,
    )
    return sorted(granted for (granted,) in rows) == [False, True]


def test_a_command_cancelled_on_one_worker_ends_its_converge_on_another(
    postgres_database: str, make_apk: Callable[..., Path]
) -> None:
    # Two emulators in this process over one database stand for two workers: the test
    # drives each one's requests, which worker would take them is then no matter of chance.
    settings = Settings(db=postgres_database, latency_ms=LATENCY * 1000)
    with EmulatorServer(settings) as first, EmulatorServer(settings) as second:
        rig = Rig(first, make_apk())
        device = rig.ids[1]
        rig.online(device, False)
        rig.push(rig.blueprint(**SCREEN), [device])
        [converge] = rig.converges(device)
        rig.advance()
        rig.advance()
        [sent] = rig.commands(converge["id"])
        [status] = rig.esper.commands_api.statuses(request=sent["command_request_id"])
        on_second = f"{second.host}/v2/converge/{converge['id']}"
        assert json_of(call("GET", on_second, key=rig.tenant.api_key))["content"]["status"] == (
            ConvergeStatus.IN_PROGRESS
        )
        rig.esper.commands_api.cancel(str(status.id), reason="not today")
        done = json_of(call("GET", on_second, key=rig.tenant.api_key))["content"]
        assert (done["status"], done["reason"]) == (ConvergeStatus.FAILURE, "not today")
        rig.esper.close()


def test_several_workers_need_postgresql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--workers", "2", "--db", str(tmp_path / "one.db")]) == 2
    assert SEVERAL_WORKERS in capsys.readouterr().err
    assert not (tmp_path / "one.db").exists()


def test_both_workers_serve_and_a_side_door_change_holds_on_each(
    postgres_database: str, tmp_path: Path
) -> None:
    db = postgres_database
    with workers(db, tmp_path) as w:
        assert len(w.until_each_worker("GET", "/health")) == 2

        w.side_door("POST", "/clock/advance", {"seconds": 3600})
        offsets = w.until_each_worker("POST", "/clock/advance", {"seconds": 0})
        assert {answer["offset_seconds"] for answer in offsets.values()} == {3600}

        change = {"latency_ms": 1.0, "kinds": ["throttle"], "seed": 5, "fail_next_commands": 2}
        w.side_door("POST", "/faults", change)
        for answer in w.until_each_worker("GET", "/faults").values():
            assert answer == {**change, "rate": 0.0}

        w.side_door("POST", "/rate-limit", {"rate": 500})
        assert all(a == {"rate": 500.0} for a in w.until_each_worker("GET", "/rate-limit").values())
        w.side_door("POST", "/rate-limit", {"rate": None})

        creds = w.create_enterprise(devices=6, online_ratio=1.0)
        devices = [
            row[0]
            for row in query(
                db, "SELECT id FROM devices WHERE enterprise_id = %s", creds.enterprise_id
            )
        ]
        sent = [run_command(w, creds.api_key, creds.enterprise_id, d) for d in devices]
        assert None not in sent
        _, counted = w.side_door("GET", "/stats")  # every due command moves on first
        assert counted["commands"]["by_state"] == {"Command Failure": 2, "Command Success": 4}
        assert counted["commands"]["injected_failures"] == 2
        assert counted["requests"] == len(devices) and counted["delayed"] == len(devices)
        assert {
            a["fail_next_commands"] for a in w.until_each_worker("GET", "/faults").values()
        } == {0}


def test_connections_opened_at_once_are_shared_by_the_workers(
    postgres_database: str, tmp_path: Path
) -> None:
    # Each worker listens on a socket of its own (SO_REUSEPORT), so the kernel spreads
    # connections by a hash of their addresses: a worker takes fewer than 5 of 50 about
    # once in two billion runs. On one shared socket, the first worker to wake took most.
    with workers(postgres_database, tmp_path) as w:
        host, port = urllib3.util.parse_url(w.url).host, urllib3.util.parse_url(w.url).port
        connections = [
            http.client.HTTPConnection(host, port, timeout=HTTP_TIMEOUT) for _ in range(50)
        ]
        try:
            for connection in connections:
                connection.connect()
            served: Counter[int] = Counter()
            for connection in connections:
                connection.request("GET", "/_emulator/health")
                answer = connection.getresponse()
                answer.read()
                served[int(answer.headers[WORKER_HEADER])] += 1
        finally:
            for connection in connections:
                connection.close()
        assert len(served) == 2 and min(served.values()) >= 5, served


def test_commands_from_many_connections_end_once_each(
    postgres_database: str, tmp_path: Path
) -> None:
    threads, each = 8, 25
    db = postgres_database
    with workers(db, tmp_path) as w:
        creds = w.create_enterprise(devices=40, online_ratio=1.0)
        rows = query(db, "SELECT id FROM devices WHERE enterprise_id = %s", creds.enterprise_id)
        devices = [row[0] for row in rows]

        def client(n: int) -> list[str | None]:
            rng = random.Random(n)
            return [
                run_command(w, creds.api_key, creds.enterprise_id, rng.choice(devices))
                for _ in range(each)
            ]

        def load() -> list[str | None]:
            done: list[list[str | None]] = [[] for _ in range(threads)]
            runners = [
                threading.Thread(target=lambda n=n: done[n].extend(client(n)))
                for n in range(threads)
            ]
            for runner in runners:
                runner.start()
            for runner in runners:
                runner.join()
            return [command for made in done for command in made]

        sent: list[str | None] = []
        deadline = time.monotonic() + 120
        while workers_that_counted(w, db, "requests") < 2:  # the kernel spreads connections
            assert time.monotonic() < deadline, "one worker took every request"
            sent += guarded(load, 240, "commands from 8 clients")
        assert None not in sent and len(set(sent)) == len(sent)
        _, counted = w.side_door("GET", "/stats")
        assert counted["commands"]["by_state"] == {"Command Success": len(sent)}
        assert counted["requests"] == len(sent)
        assert events_per_command(db, creds.enterprise_id) == Counter(dict.fromkeys(sent, 1))


def test_a_key_over_the_rate_limit_is_refused_on_every_worker(
    postgres_database: str, tmp_path: Path
) -> None:
    db = postgres_database
    with workers(db, tmp_path) as w:
        w.side_door("POST", "/rate-limit", {"rate": 0.001})  # one request, then one in 1,000 s
        served = w.served
        url = f"{w.host}/enterprise/{served.enterprise_id}/device/"
        statuses: Counter[int] = Counter()
        deadline = time.monotonic() + 60
        # in rounds until both workers refused the key (which takes a connection is
        # the kernel's choice)
        while workers_that_counted(w, db, "rate_limited") < 2:
            assert time.monotonic() < deadline, "one worker took every request"
            statuses.update(
                fresh("GET", url, Authorization=f"Bearer {served.api_key}").status
                for _ in range(10)
            )
        assert statuses[200] == 1 and set(statuses) == {200, 429}
        _, counted = w.side_door("GET", "/stats")
        assert (counted["requests"], counted["rate_limited"]) == (statuses.total(), statuses[429])


def workers_that_counted(w: Workers, db: str, counter: str) -> int:
    """How many workers counted some ``counter`` (once /stats made each write its own)."""
    w.side_door("GET", "/stats")
    rows = query(db, "SELECT counters FROM workers")
    return sum(1 for (raw,) in rows if msgspec.json.decode(bytes(raw))[counter] > 0)


def test_a_worker_killed_mid_load_loses_no_acknowledged_write(
    postgres_database: str, tmp_path: Path
) -> None:
    db = postgres_database
    with workers(db, tmp_path) as w:
        creds = w.create_enterprise(devices=20, online_ratio=1.0)
        rows = query(db, "SELECT id FROM devices WHERE enterprise_id = %s", creds.enterprise_id)
        devices = [row[0] for row in rows]
        pids = set(w.until_each_worker("GET", "/health"))
        acknowledged: list[str] = []
        stop = threading.Event()

        def writer(n: int) -> None:
            rng = random.Random(n)
            while not stop.is_set():
                try:
                    made = run_command(w, creds.api_key, creds.enterprise_id, rng.choice(devices))
                except urllib3.exceptions.HTTPError:  # the killed worker's connections
                    made = None
                if made is not None:
                    acknowledged.append(made)

        def acknowledged_reach(n: int) -> None:
            deadline = time.monotonic() + 120
            while len(acknowledged) < n:
                assert time.monotonic() < deadline, f"{len(acknowledged)} writes acknowledged"
                time.sleep(0.05)

        writers = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(4)]
        for thread in writers:
            thread.start()
        try:
            acknowledged_reach(40)
            victim = min(pids)
            os.kill(victim, 9)
            before = len(acknowledged)
            acknowledged_reach(before + 80)  # the other worker, or its replacement, writes on
        finally:
            stop.set()
            for thread in writers:
                thread.join(60)
        deadline = time.monotonic() + 60
        while not set(w.until_each_worker("GET", "/health")) - pids:
            assert time.monotonic() < deadline, "no worker replaced the killed one"
        _, counted = w.side_door("GET", "/stats")
        stored = {row[0]: row[1] for row in query(db, "SELECT id, state FROM commands")}
        assert set(acknowledged) <= set(stored)
        assert counted["commands"]["by_state"] == {"Command Success": len(stored)}
