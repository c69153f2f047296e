"""Persistence: a restarted emulator (in-process or the real CLI) keeps its data and keys."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from esperclient import CommandRequest
from tests.conftest import NewDatabase, make_configuration
from tests.emulator.conftest import call, json_of

SUCCESS, INITIATED = "Command Success", "Command Initiated"


@contextmanager
def _client(host: str, api_key: str) -> Iterator[esperclient.ApiClient]:
    with esperclient.ApiClient(make_configuration(host, api_key)) as client:
        yield client


def _states(client: esperclient.ApiClient, enterprise_id: str) -> dict[int, list[str]]:
    page = esperclient.DeviceApi(client).get_all_devices(enterprise_id, limit=100)
    found: dict[int, list[str]] = {}
    for device in page.results:
        found.setdefault(device.state, []).append(device.id)
    return found


def _command(client: esperclient.ApiClient, enterprise_id: str, device_id: str) -> str:
    api = esperclient.CommandsApi(client)
    return api.run_command(enterprise_id, device_id, CommandRequest(command="REBOOT")).id


def _state_of(client: esperclient.ApiClient, enterprise_id: str, device_id: str, cid: str) -> str:
    return str(esperclient.CommandsApi(client).get_command(cid, device_id, enterprise_id).state)


def test_a_restarted_server_keeps_keys_devices_apps_and_commands(
    tmp_path: Path, make_apk: Callable[..., Path]
) -> None:
    db = str(tmp_path / "kept.db")
    apk = make_apk()
    with EmulatorServer(Settings(db=db)) as first:
        creds = first.seed_demo(5)
        with _client(first.host, creds.api_key) as client:
            states = _states(client, creds.enterprise_id)
            online, offline = states[1][0], states[60][0]
            app = esperclient.ApplicationApi(client).upload(creds.enterprise_id, apk).application
            done = _command(client, creds.enterprise_id, online)
            assert _state_of(client, creds.enterprise_id, online, done) == SUCCESS
            waiting = _command(client, creds.enterprise_id, offline)

    with EmulatorServer(Settings(db=db)) as second:
        assert second.seed_demo(5) == creds
        assert second.seed_demo(50) == creds  # the demo is made once per database
        with _client(second.host, creds.api_key) as client:
            assert _states(client, creds.enterprise_id) == states
            device = esperclient.DeviceApi(client).get_device_by_id(creds.enterprise_id, online)
            assert device.url.startswith(second.host)  # links follow the new port
            apps = esperclient.ApplicationApi(client).get_all_applications(creds.enterprise_id)
            assert [(a.id, a.versions) for a in apps.results] == [
                (app.id, [v for v in apps.results[0].versions if v.id == app.versions[0].id])
            ]
            assert _state_of(client, creds.enterprise_id, online, done) == SUCCESS
            assert _state_of(client, creds.enterprise_id, offline, waiting) == INITIATED
        [stored] = (Path(f"{db}.files") / creds.enterprise_id).iterdir()
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == app.versions[0].hash_string


def _plain(db: str) -> str:
    """``db`` as users write it: a PostgreSQL URL without its driver."""
    return db.replace("postgresql+psycopg://", "postgresql://")


def test_the_clock_is_kept_across_a_restart(new_database: NewDatabase) -> None:
    """Time the side door moved on stays moved on: pending commands keep their schedule."""
    with new_database() as db:
        _clock_kept({"db": _plain(db), "latency_ms": 60_000})


def _clock_kept(settings: dict[str, Any]) -> None:
    with EmulatorServer(Settings(**settings)) as first:
        created = json_of(
            call("POST", f"{first.url}/_emulator/enterprises", json={"devices": 1}), 201
        )
        device_id = created["device_ids"][0]
        path = f"/_emulator/enterprises/{created['enterprise_id']}/devices/{device_id}/online"
        json_of(call("POST", first.url + path, json={"online": True}))
        with _client(first.host, created["api_key"]) as client:
            command = _command(client, created["enterprise_id"], device_id)
        json_of(call("POST", f"{first.url}/_emulator/clock/advance", json={"seconds": 30}))

    with EmulatorServer(Settings(**settings)) as second:
        advanced = call("POST", f"{second.url}/_emulator/clock/advance", json={"seconds": 90})
        assert json_of(advanced) == {"offset_seconds": 120}
        with _client(second.host, created["api_key"]) as client:
            assert _state_of(client, created["enterprise_id"], device_id, command) == SUCCESS


def _hardware_ids(server: EmulatorServer, devices: int) -> list[tuple[str, ...]]:
    created = call("POST", f"{server.url}/_emulator/enterprises", json={"devices": devices})
    body = json_of(created, 201)
    with _client(server.host, body["api_key"]) as client:
        page = esperclient.DeviceApi(client).get_all_devices(body["enterprise_id"], limit=100)
    return [
        (
            d.network_info["imei1"],
            d.network_info["wifiMacAddress"],
            d.hardware_info["serialNumber"],
            d.suid,
        )
        for d in page.results
    ]


def test_devices_made_after_a_restart_are_new_devices(new_database: NewDatabase) -> None:
    """IMEIs, MACs and serials stay unique in a database, however often it is reopened."""
    with new_database() as db:
        with EmulatorServer(Settings(db=db)) as first:
            before = _hardware_ids(first, 5)
        with EmulatorServer(Settings(db=db)) as second:
            after = _hardware_ids(second, 5)
    for column in zip(*(before + after), strict=True):
        assert len(set(column)) == len(column)


# the real command line


def _serve(db: Path, credentials: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "esper_emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--seed",
        "demo",
        "--devices",
        "5",
        "--credentials",
        str(credentials),
        "--latency-ms",
        "0",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(credentials: Path, process: subprocess.Popen[bytes], log: Path) -> dict[str, str]:
    deadline = time.monotonic() + 30
    while not credentials.exists():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"no credentials file\n{log.read_text()}"
        time.sleep(0.05)
    data: dict[str, str] = json.loads(credentials.read_text())
    return data


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.terminate()
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def test_the_cli_serves_persists_and_hands_out_the_same_key(
    tmp_path: Path, make_apk: Callable[..., Path]
) -> None:
    db, credentials, log = tmp_path / "cli.db", tmp_path / "creds.json", tmp_path / "cli.log"
    process = _serve(db, credentials, log)
    try:
        first = _wait_for(credentials, process, log)
        assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
        assert set(first) == {"host", "api_key", "enterprise_id"}
        with _client(first["host"], first["api_key"]) as client:
            states = _states(client, first["enterprise_id"])
            assert sum(len(ids) for ids in states.values()) == 5
            app = esperclient.ApplicationApi(client).upload(first["enterprise_id"], make_apk())
            device_id = next(iter(states.get(1, states.get(60, []))))
            command = _command(client, first["enterprise_id"], device_id)
    finally:
        assert _stop(process) == 0, log.read_text()
    assert not Path(f"{db}-wal").exists()  # closed cleanly: the WAL is folded into the file

    credentials.unlink()
    process = _serve(db, credentials, log)
    try:
        second = _wait_for(credentials, process, log)
        assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
        assert (second["api_key"], second["enterprise_id"]) == (
            first["api_key"],
            first["enterprise_id"],
        )
        with _client(second["host"], second["api_key"]) as client:
            assert _states(client, second["enterprise_id"]) == states
            apps = esperclient.ApplicationApi(client).get_all_applications(second["enterprise_id"])
            assert [a.id for a in apps.results] == [app.application.id]
            state = _state_of(client, second["enterprise_id"], device_id, command)
            assert state == (SUCCESS if device_id in states.get(1, []) else INITIATED)
    finally:
        assert _stop(process) == 0, log.read_text()


def test_the_cli_refuses_credentials_without_the_demo(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "esper_emulator",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "x.db"),
            "--credentials",
            str(tmp_path / "c.json"),
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2 and b"--credentials needs --seed demo" in result.stderr
    assert not (tmp_path / "c.json").exists()


def test_a_database_of_another_schema_is_refused_clearly(tmp_path: Path) -> None:
    import sqlite3

    from esper_emulator.store.db import SchemaMismatch, create_store_engine

    db = tmp_path / "old.db"
    create_store_engine(str(db)).dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(SchemaMismatch, match="start with a new --db file"):
        create_store_engine(str(db))
    create_store_engine(str(tmp_path / "new.db")).dispose()  # a new file is fine
