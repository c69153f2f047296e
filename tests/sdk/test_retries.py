"""The SDK's retries against an emulator that misbehaves on purpose.

Each test has an emulator of its own with faults (``Settings``), so its counters
(``/_emulator/stats``) are the test's alone. Reads must come back right however often
they fail; a command must never be sent twice, and every device gets exactly one outcome.
No test measures time: what the server counted is the evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import pytest
import urllib3
from sqlalchemy import select

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.services.seed import Credentials
from esper_emulator.store import schema
from tests.conftest import HTTP_TIMEOUT, Tenant, make_configuration
from tests.reliability._support import retry_waits
from tests.sdk.test_esper import MODES, aw, run

StartServer = Callable[..., EmulatorServer]
MakeTenant = Callable[..., tuple[EmulatorServer, Tenant]]

STATUS_OF_STATE = {
    "Command Success": "success",
    "Command Failure": "failure",
    "Command Initiated": "pending",
    "Command Acknowledged": "pending",
}


@pytest.fixture
def enterprise(start_server: StartServer) -> MakeTenant:
    """An emulator with the given fault settings, and an enterprise of ``devices`` on it."""

    def make(
        devices: int = 10, online_ratio: float = 0.7, **settings: Any
    ) -> tuple[EmulatorServer, Tenant]:
        server = start_server(**settings)
        creds = server.create_enterprise(devices=devices, online_ratio=online_ratio)
        ids = device_ids(server, creds)
        return server, Tenant(server.host, creds.enterprise_id, creds.api_key, ids)

    return make


@pytest.fixture
def fast_retries() -> Iterator[None]:
    """Retry waits of a millisecond or so for every client made in the test."""
    with retry_waits(backoff=0.001, max_backoff=0.005):
        yield


def device_ids(server: EmulatorServer, creds: Credentials) -> list[str]:
    """The enterprise's device ids, oldest first, read from the store."""
    c = schema.devices.c
    with server.emulator.store.transaction() as store:
        query = select(c.id).where(c.enterprise_id == creds.enterprise_id).order_by(c.pk)
        return [row.id for row in store.conn.execute(query)]


def stats(server: EmulatorServer) -> dict[str, Any]:
    """What the emulator counted (``GET /_emulator/stats``)."""
    answer = urllib3.request("GET", f"{server.url}/_emulator/stats", timeout=HTTP_TIMEOUT)
    assert answer.status == 200
    result: dict[str, Any] = msgspec.json.decode(answer.data)
    return result


def commands_per_device(server: EmulatorServer, enterprise_id: str) -> dict[str, list[Any]]:
    """Each device's commands on the server, ``(id, state)`` each."""
    c = schema.commands.c
    found: dict[str, list[Any]] = {}
    with server.emulator.store.transaction() as store:
        query = select(c.device_id, c.id, c.state).where(c.enterprise_id == enterprise_id)
        for row in store.conn.execute(query):
            found.setdefault(row.device_id, []).append((row.id, row.state))
    return found


def total(counted: dict[str, int]) -> int:
    return sum(counted.values())


# reads


def test_reads_through_the_drop_in_client_survive_errors_and_resets(
    enterprise: MakeTenant,
) -> None:
    server, tenant = enterprise(
        devices=40, fault_rate=0.3, fault_kinds=("error", "reset"), fault_seed=1
    )
    configuration = make_configuration(tenant.host, tenant.api_key)
    configuration.retries = 6
    configuration.retry_backoff, configuration.retry_max_backoff = 0.001, 0.005
    with esperclient.ApiClient(configuration) as client:
        api = esperclient.DeviceApi(client)
        read = [api.get_device_by_id(tenant.enterprise_id, d).id for d in tenant.device_ids]
        listed = api.get_all_devices(tenant.enterprise_id, limit=100)
    assert read == tenant.device_ids
    assert [d.id for d in listed.results] == tenant.device_ids and listed.count == 40
    counted = stats(server)
    injected = total(counted["faults"])
    assert injected >= 10 and counted["faults"]["drop"] == 0
    assert counted["requests"] == 41 + injected  # each fault cost exactly one more request


@MODES
def test_reads_through_esper_survive_errors_and_resets(
    mode: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    server, tenant = enterprise(
        devices=40, fault_rate=0.3, fault_kinds=("error", "reset"), fault_seed=2
    )

    async def scenario(esper: Any) -> None:
        read = [(await aw(esper.devices.get(d))).id for d in tenant.device_ids]
        assert read == tenant.device_ids

    run(mode, tenant, scenario, max_retries=6)
    counted = stats(server)
    injected = total(counted["faults"])
    assert injected >= 10
    assert counted["requests"] == 40 + injected


@MODES
def test_429s_are_retried_until_every_read_lands(
    mode: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    # seeded throttle faults: the same 429s however fast this machine sends
    server, tenant = enterprise(devices=5, fault_rate=0.3, fault_kinds=("throttle",), fault_seed=6)

    async def scenario(esper: Any) -> None:
        for n in range(100):
            device_id = tenant.device_ids[n % 5]
            assert (await aw(esper.devices.get(device_id))).id == device_id

    run(mode, tenant, scenario, max_retries=1)  # 429s in a row: a 429 spends no retry
    counted = stats(server)
    assert counted["rate_limited"] == counted["faults"]["throttle"] >= 10
    assert counted["requests"] == 100 + counted["rate_limited"]  # each 429 retried, none lost


@MODES
def test_a_client_rate_limit_matching_the_server_meets_no_429(
    mode: str, enterprise: MakeTenant
) -> None:
    server, tenant = enterprise(devices=5, rate_limit=5)

    async def scenario(esper: Any) -> None:
        for n in range(12):  # over twice the server's burst of 5
            await aw(esper.devices.get(tenant.device_ids[n % 5]))

    run(mode, tenant, scenario, rate_limit=5)
    counted = stats(server)
    assert counted["requests"] == 12 and counted["rate_limited"] == 0


def test_without_the_client_rate_limit_the_same_burst_meets_429s(
    enterprise: MakeTenant,
) -> None:
    server, tenant = enterprise(devices=5, rate_limit=5)

    async def scenario(esper: Any) -> None:
        for n in range(12):  # a 429 unless 12 reads take over 1.4 s (117 ms each)
            await aw(esper.devices.get(tenant.device_ids[n % 5]))

    run("sync", tenant, scenario, max_retries=5)
    assert stats(server)["rate_limited"] > 0  # so the test above could have failed


# commands


def check_report(
    report: esperclient.BulkReport, tenant: Tenant, server: EmulatorServer
) -> list[esperclient.Outcome]:
    """One outcome per device; one command per device on the server at most; every
    answered outcome is the server's command in its state. The errors whose command the
    server holds all the same (a dropped POST ran) are returned."""
    assert [o.device_id for o in report.outcomes] == tenant.device_ids
    on_server = commands_per_device(server, tenant.enterprise_id)
    assert all(len(commands) == 1 for commands in on_server.values()), "a command was doubled"
    assert stats(server)["commands"]["most_per_device"] <= 1
    for outcome in report.by_status("error"):
        assert isinstance(outcome.error, (esperclient.ServerError, esperclient.ApiConnectionError))
    answered = [o for o in report.outcomes if o.status != "error"]
    for outcome in answered:
        assert outcome.command is not None
        [(command_id, state)] = on_server[outcome.device_id]
        assert command_id == str(outcome.command.id)
        if outcome.status != "pending":  # a pending one may have finished since
            assert STATUS_OF_STATE[state] == outcome.status
    ran_unseen = [o for o in report.by_status("error") if o.device_id in on_server]
    assert stats(server)["commands"]["total"] == len(answered) + len(ran_unseen)
    return ran_unseen


def run_many(mode: str, tenant: Tenant, **options: Any) -> esperclient.BulkReport:
    """``commands.run_many`` of REBOOT to every device of ``tenant``, with fast retries."""
    reports: list[esperclient.BulkReport] = []
    send = {"timeout": 30.0, "poll_interval": 0.02, **options}

    async def scenario(esper: Any) -> None:
        reports.append(await aw(esper.commands.run_many(tenant.device_ids, "REBOOT", **send)))

    run(mode, tenant, scenario, max_retries=6)
    return reports[0]


def faulty_fleet(
    enterprise: MakeTenant, devices: int = 200, **faults: Any
) -> tuple[EmulatorServer, Tenant]:
    """``devices`` devices, online (so the runs end when every command is final, however
    slow the machine), 10 commands doomed to fail, and (unless told) one request in ten
    meeting a fault of any kind."""
    settings = {"fault_rate": 0.1, "fault_seed": 5, **faults}
    return enterprise(devices=devices, online_ratio=1.0, fail_next_commands=10, **settings)


def settled(report: esperclient.BulkReport, counted: dict[str, Any]) -> None:
    """Every command that was answered ran to its end; the server's states agree."""
    by_state = counted["commands"]["by_state"]
    assert report.by_status("pending") == []
    assert len(report.by_status("failure")) <= by_state["Command Failure"] == 10
    assert len(report.by_status("success")) <= by_state["Command Success"]
    assert set(by_state) == {"Command Success", "Command Failure"}


@MODES
def test_run_many_one_command_per_device_never_doubles_through_faults(
    mode: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    server, tenant = faulty_fleet(enterprise, fault_rate=0.15)
    report = run_many(mode, tenant, via="device")
    ran_unseen = check_report(report, tenant, server)
    counted = stats(server)
    post = counted["faults_by_method"]["POST"]
    errors = report.by_status("error")
    assert len(errors) == total(post) <= total(counted["faults"])  # only a failed send errs
    assert len(ran_unseen) == post["drop"] > 0  # each dropped POST ran, once
    settled(report, counted)


@MODES
def test_run_many_over_2000_devices_with_one_request_in_ten_failing(
    mode: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    server, tenant = faulty_fleet(enterprise, devices=2_000, fault_seed=20)
    report = run_many(mode, tenant, via="device", concurrency=32)
    ran_unseen = check_report(report, tenant, server)
    counted = stats(server)
    post = counted["faults_by_method"]["POST"]
    assert len(report.by_status("error")) == total(post) > 100
    assert len(ran_unseen) == post["drop"]
    settled(report, counted)


@MODES
def test_run_many_by_v0_requests_never_doubles_through_faults(
    mode: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    server, tenant = faulty_fleet(enterprise, fault_rate=0.5, fault_seed=10)
    report = run_many(mode, tenant, via="v0")
    assert check_report(report, tenant, server) == []
    counted = stats(server)
    assert total(counted["faults"]) > 0 and "POST" not in counted["faults_by_method"]
    settled(report, counted)


@MODES
def test_run_many_by_commands_api_requests_never_doubles_through_faults(
    mode: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    server, tenant = faulty_fleet(enterprise, devices=2_500, fault_rate=0.4, fault_seed=2)
    report = run_many(mode, tenant, via="commands")
    ran_unseen = check_report(report, tenant, server)
    counted = stats(server)
    post = counted["faults_by_method"].get("POST", {})
    # requests of 1,000, 1,000 and 500: one whose POST met a fault is never sent again,
    # and all its devices are errors
    batches = [tenant.device_ids[i : i + 1_000] for i in range(0, 2_500, 1_000)]
    errors = {o.device_id for o in report.by_status("error")}
    failed = [batch for batch in batches if errors & set(batch)]
    assert all(set(batch) <= errors for batch in failed)
    assert len(failed) == total(post) >= 1
    unseen = {o.device_id for o in ran_unseen}  # a dropped answer: its request ran
    ran = [batch for batch in failed if unseen & set(batch)]
    assert all(set(batch) <= unseen for batch in ran) and len(ran) == post.get("drop", 0)
    assert total(counted["faults"]) > total(post)  # reads met faults too, and were retried
    settled(report, counted)


@MODES
@pytest.mark.parametrize("via", ["v0", "commands"])
@pytest.mark.parametrize("kind", ["error", "drop", "reset"])
def test_a_batch_that_fails_is_never_sent_again(
    mode: str, via: str, kind: str, enterprise: MakeTenant, fast_retries: None
) -> None:
    server, tenant = enterprise(devices=40, fault_rate=1.0, fault_kinds=(kind,))
    report = run_many(mode, tenant, via=via)
    assert len(report.by_status("error")) == 40
    ran_unseen = check_report(report, tenant, server)
    assert len(ran_unseen) == (40 if kind == "drop" else 0)
    assert stats(server)["requests"] == 1  # the one POST, not repeated, not split up


@MODES
@pytest.mark.parametrize("via", ["device", "v0", "commands"])
def test_fail_next_commands_gives_exactly_that_many_failures(
    mode: str, via: str, enterprise: MakeTenant
) -> None:
    server, tenant = enterprise(devices=20, online_ratio=1.0, fail_next_commands=5)
    report = run_many(mode, tenant, via=via, timeout=30)
    failures = report.by_status("failure")
    assert len(failures) == 5 and len(report.by_status("success")) == 15
    said = {
        getattr(o.command, "details", None) or getattr(o.command, "reason", None) for o in failures
    }
    assert said == {"injected failure"}
    assert stats(server)["commands"]["injected_failures"] == 5


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_max_retries_zero_sends_a_read_once_even_when_it_is_reset(
    mode: str, enterprise: MakeTenant
) -> None:
    server, tenant = enterprise(devices=1, fault_rate=1.0, fault_kinds=("reset",))

    async def scenario(esper: Any) -> None:
        with pytest.raises(esperclient.ApiConnectionError):
            await aw(esper.devices.get(tenant.device_ids[0]))

    run(mode, tenant, scenario, max_retries=0)
    assert stats(server)["requests"] == 1
