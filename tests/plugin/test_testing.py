"""``esper_emulator.testing``: the context manager and its levers, seen through the API."""

from __future__ import annotations

from pathlib import Path

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from esper_emulator.testing import ControlError, Sandbox, connect, emulator, start
from esperclient import (
    ApiConnectionError,
    AuthenticationError,
    RateLimitError,
    ServerError,
)

ONLINE, OFFLINE = 1, 60
YEAR = 365 * 24 * 3600


def _states(sandbox: Sandbox) -> dict[str, int | None]:
    with sandbox.client() as esper:
        return {device.id or "": device.status for device in esper.devices.list()}


def test_the_emulator_serves_an_enterprise_until_the_block_ends() -> None:
    with emulator(devices=3, name="Acme Retail") as sandbox:
        assert sandbox.host == sandbox.url + "/api"
        assert len(sandbox.device_ids) == 3
        with sandbox.client() as esper:
            assert esper.enterprise_id == sandbox.enterprise_id
            assert esper.enterprise.get().name == "Acme Retail"
        assert _states(sandbox) == dict.fromkeys(sandbox.device_ids, ONLINE)
        assert sandbox.api_key not in repr(sandbox)
        assert sandbox.environ() == {
            "ESPER_HOST": sandbox.host,
            "ESPER_API_KEY": sandbox.api_key,
            "ESPER_ENTERPRISE_ID": sandbox.enterprise_id,
        }
    with sandbox.client(max_retries=0) as esper, pytest.raises(ApiConnectionError):
        esper.devices.list().total()


def test_the_0_1_3_configuration_is_the_sdk_pages() -> None:
    with emulator(devices=2) as sandbox:
        configuration = sandbox.configuration()
        assert configuration.host == sandbox.host
        assert configuration.api_key == {"Authorization": sandbox.api_key}
        assert configuration.api_key_prefix == {"Authorization": "Bearer"}
        with sandbox.api_client() as client:
            page = esperclient.DeviceApi(client).get_all_devices(sandbox.enterprise_id)
        assert [device.id for device in page.results] == sandbox.device_ids


def test_devices_go_offline_come_online_and_are_added() -> None:
    with emulator(devices=3, online_ratio=0) as sandbox:
        assert set(_states(sandbox).values()) == {OFFLINE}
        sandbox.set_online(sandbox.device_ids[:2])
        sandbox.set_offline(sandbox.device_ids[0])
        online = sandbox.add_devices(2)
        offline = sandbox.add_devices(1, online_ratio=0)
        assert sandbox.device_ids[3:] == online + offline
        states = _states(sandbox)
        expected = [OFFLINE, ONLINE, OFFLINE, ONLINE, ONLINE, OFFLINE]
        assert [states[i] for i in sandbox.device_ids] == expected


def test_the_next_commands_fail_then_they_work_again() -> None:
    with emulator(devices=1) as sandbox, sandbox.api_client() as client:
        commands = esperclient.CommandsApi(client)
        request = esperclient.CommandRequest(command="REBOOT")
        sandbox.fail_next_commands(2)
        assert sandbox.emulator.faults()["fail_next_commands"] == 2
        sent = [
            commands.run_command(sandbox.enterprise_id, sandbox.device_ids[0], request)
            for _ in range(3)
        ]
        states = [
            commands.get_command(c.id, sandbox.device_ids[0], sandbox.enterprise_id) for c in sent
        ]
        assert [(c.state, c.details) for c in states] == [
            ("Command Failure", "injected failure"),
            ("Command Failure", "injected failure"),
            ("Command Success", None),
        ]
        assert sandbox.stats()["commands"]["injected_failures"] == 2


def test_a_slow_device_is_moved_on_by_the_clock_and_keys_expire() -> None:
    with emulator(devices=1, latency_ms=30_000) as sandbox, sandbox.client() as esper:
        device_id = sandbox.device_ids[0]
        command = esper.commands.run(device_id, "LOCK")
        assert sandbox.advance_clock(0) == 0
        assert esper.commands.get(device_id, str(command.id)).state == "Command Initiated"
        assert sandbox.advance_clock(60) == 60
        assert esper.commands.get(device_id, str(command.id)).state == "Command Success"
        sandbox.advance_clock(YEAR)
        with pytest.raises(AuthenticationError):
            esper.devices.get(device_id)


def test_faults_and_the_rate_limit_change_at_run_time() -> None:
    with emulator(devices=1) as sandbox, sandbox.client(max_retries=0) as esper:
        changed = sandbox.set_faults(rate=1, kinds=["error"], seed=7)
        assert (changed["rate"], changed["kinds"], changed["seed"]) == (1, ["error"], 7)
        with pytest.raises(ServerError):
            esper.enterprise.get()
        sandbox.set_faults(rate=0)
        esper.enterprise.get()
        assert sandbox.stats()["faults"]["error"] == 1

        sandbox.set_rate_limit(0.01)  # one request, then one every 100 s: on any machine
        assert sandbox.emulator.rate_limit() == 0.01
        with pytest.raises(RateLimitError) as limited:
            for _ in range(5):
                esper.enterprise.get()
        assert limited.value.retry_after is not None
        sandbox.set_rate_limit(None)
        assert sandbox.emulator.rate_limit() is None
        esper.enterprise.get()
        assert sandbox.stats()["rate_limited"] == 1


def test_a_file_database_keeps_the_enterprise(tmp_path: Path) -> None:
    db = str(tmp_path / "fleet.db")
    with emulator(devices=2, db=db) as sandbox, sandbox.client() as esper:
        esper.groups.create("Kiosks")
    with start(db=db) as running:
        kept = Sandbox(running, sandbox.enterprise_id, sandbox.api_key)
        with kept.client() as esper:
            assert [d.id for d in esper.devices.list()] == sandbox.device_ids
            assert esper.groups.get_by_name("Kiosks").name == "Kiosks"


def test_many_enterprises_on_one_emulator_and_connect() -> None:
    with start() as running:
        first, second = running.sandbox(devices=1), running.sandbox(devices=2)
        assert first.enterprise_id != second.enterprise_id
        with connect(running.url) as reached:
            third = reached.sandbox(devices=3)
            assert third.host == running.host
        assert [len(s.device_ids) for s in (first, second, third)] == [1, 2, 3]
        assert len(_states(third)) == 3


def test_the_side_door_token_is_sent() -> None:
    with start(control_token="s3cret") as running:
        assert running.sandbox(devices=1).device_ids
        with pytest.raises(ControlError) as refused:
            connect(running.url)
        assert refused.value.status == 401
        assert connect(running.url, token="s3cret").stats()["requests"] >= 0


def test_side_door_refusals_are_control_errors() -> None:
    with emulator(devices=1) as sandbox:
        with pytest.raises(ControlError) as unknown:
            sandbox.set_online("00000000-0000-4000-8000-000000000000")
        assert unknown.value.status == 404
        assert "Device" in unknown.value.message
        with pytest.raises(ControlError) as invalid:
            sandbox.set_faults(rate=2)
        assert invalid.value.status == 400


def test_an_emulator_without_a_side_door_is_refused() -> None:
    with pytest.raises(ValueError, match="side door"):
        start(control=False)
    with EmulatorServer(Settings(control=False)) as closed, pytest.raises(ControlError) as caught:
        connect(closed.url)
    assert caught.value.status == 404
    assert "start the emulator with --control" in str(caught.value)
