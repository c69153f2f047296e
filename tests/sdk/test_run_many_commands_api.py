"""``commands.run_many(..., via="commands")``: bulk commands through the Commands API,
on both clients, against the emulator (no simulated latency: an online device's
command is final by the first read after it was sent, however slow the machine).

The emulator's side door counts the HTTP requests a run made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.services.commands import COMMANDS
from esper_emulator.services.fleet import OS_PLATFORMS
from esperclient import ApiCommand, BulkProgress, CommandState, DevicePlatform
from esperclient._bulk import pick_via
from esperclient._generated.v0 import CommandStatus
from tests.conftest import Tenant
from tests.sdk.test_commands_api import _set_online
from tests.sdk.test_esper import MODES, aw, collect, run
from tests.sdk.test_retries import device_ids, stats

StartServer = Callable[..., EmulatorServer]


def own_fleet(start_server: StartServer, devices: int) -> tuple[EmulatorServer, Tenant]:
    """An emulator of the test's own (its counters are the test's) with ``devices``
    online Android devices."""
    server = start_server()
    creds = server.create_enterprise(devices=devices, online_ratio=1.0)
    ids = device_ids(server, creds)
    return server, Tenant(server.host, creds.enterprise_id, creds.api_key, ids)


def add_device(server: EmulatorServer, tenant: Tenant, platform: str) -> str:
    """A new online device of ``platform`` in ``tenant``."""
    os_name = next(os for os, its in OS_PLATFORMS.items() if its == platform)
    with server.emulator.store.transaction():
        [device_id] = server.emulator.seeder.devices(tenant.enterprise_id, 1, 1.0, os=os_name)
    return device_id


def test_the_sdk_knows_the_same_50_commands_as_the_emulator() -> None:
    served = {name for name, spec in COMMANDS.items() if "commands" in spec.apis}
    assert len(ApiCommand.ALL) == 50 and set(ApiCommand.ALL) == served


@pytest.mark.parametrize(
    ("command", "devices", "chosen"),
    [
        ("REBOOT", 16, "device"),  # a small run: one command per device
        ("REBOOT", 17, "commands"),  # more devices than the concurrency
        ("SET_KIOSK_APP", 1, "commands"),  # only the Commands API (and v0) know it
        ("BEEP_DEVICE", 1, "commands"),  # only the Commands API knows it
        ("NOT_A_COMMAND", 100, "device"),  # the device API's refusal, as before
    ],
)
def test_auto_picks_the_commands_api_for_large_runs_and_its_own_commands(
    command: str, devices: int, chosen: str
) -> None:
    assert pick_via(command, devices, 16) == chosen


@MODES
def test_2500_devices_take_three_requests_and_a_read_of_each(
    mode: str, start_server: StartServer
) -> None:
    server, tenant = own_fleet(start_server, 2_500)
    progress: list[BulkProgress] = []
    before = stats(server)["requests"]

    async def scenario(esper: Any) -> None:
        report = await aw(
            esper.commands.run_many(
                tenant.device_ids,
                "REBOOT",
                timeout=60,
                poll_interval=0.05,
                on_progress=progress.append,
            )
        )
        assert [o.device_id for o in report.outcomes] == tenant.device_ids
        assert report.ok
        assert all(isinstance(o.command, CommandStatus) for o in report.outcomes)
        assert {o.command.state for o in report.outcomes} == {CommandState.SUCCESS}

    run(mode, tenant, scenario)
    # auto chose the Commands API: 3 requests (1,000, 1,000, 500), then one page of
    # statuses each, all final
    assert stats(server)["requests"] - before == 3 + 3
    n = len(tenant.device_ids)
    assert [p.sent + p.finished for p in progress] == list(range(1, 2 * n + 1))
    assert progress[-1] == BulkProgress(sent=n, finished=n, total=n)

    async def requests(esper: Any) -> None:
        sent = await collect(esper.commands_api.list())
        assert sorted(len(r.devices) for r in sent) == [500, 1_000, 1_000]

    run(mode, tenant, requests)


@MODES
def test_an_offline_device_stays_pending_and_a_cancelled_one_fails(
    mode: str, tenant: Tenant
) -> None:
    online, offline = tenant.device_ids[:3], tenant.device_ids[3:5]
    for device_id in online + offline:
        _set_online(tenant, device_id, device_id in online)
    settings = {"host": tenant.host, "api_key": tenant.api_key}
    settings["enterprise_id"] = tenant.enterprise_id

    async def held(esper: Any) -> None:
        # the online devices are final at the first read; the offline one never moves
        report = await aw(
            esper.commands.run_many(
                [*online, offline[0]], "REBOOT", via="commands", timeout=0.3, poll_interval=0.05
            )
        )
        assert [o.status for o in report.outcomes] == ["success"] * 3 + ["pending"]
        assert report.outcomes[-1].command.state == CommandState.QUEUED

    run(mode, tenant, held)

    cancelled: list[CommandStatus] = []

    def cancel_when_sent() -> None:
        """Cancel the second offline device's command once the run has sent it."""
        with esperclient.Esper(**settings) as esper:
            for _ in range(600):
                found = esper.commands_api.statuses(device=offline[1]).first()
                if found is not None:
                    cancelled.append(esper.commands_api.cancel(str(found.id), "not today"))
                    return
                threading.Event().wait(0.05)

    async def cancelled_on_the_way(esper: Any) -> None:
        canceller = threading.Thread(target=cancel_when_sent)
        canceller.start()
        # ends once the cancel lands: the generous timeout is never waited out
        report = await aw(
            esper.commands.run_many(
                [*online, offline[1]], "REBOOT", via="commands", timeout=60, poll_interval=0.05
            )
        )
        canceller.join()
        assert [o.status for o in report.outcomes] == ["success"] * 3 + ["failure"]
        last = report.outcomes[-1].command
        assert last.state == CommandState.CANCELLED and last.reason == "not today"
        assert last.id == cancelled[0].id

    run(mode, tenant, cancelled_on_the_way)


@MODES
def test_a_device_whose_platform_lacks_the_command_is_an_error(
    mode: str, server: EmulatorServer, tenant: Tenant
) -> None:
    linux = add_device(server, tenant, DevicePlatform.LINUX)
    android = tenant.device_ids[:2]
    for device_id in android:
        _set_online(tenant, device_id, True)

    async def scenario(esper: Any) -> None:
        report = await aw(
            esper.commands.run_many([*android, linux], "LOCK", via="commands", timeout=60)
        )
        assert [o.status for o in report.outcomes] == ["success", "success", "error"]
        assert "platform" in report.outcomes[-1].error.message

    run(mode, tenant, scenario)


@MODES
def test_arguments_go_by_wire_name_and_a_refused_request_errs_each_device(
    mode: str, tenant: Tenant
) -> None:
    devices = tenant.device_ids[:2]
    for device_id in devices:
        _set_online(tenant, device_id, True)

    async def scenario(esper: Any) -> None:
        report = await aw(
            esper.commands.run_many(
                devices, "SET_TIMEZONE", timezone_string="Asia/Tokyo", poll_interval=0.05
            )
        )
        assert report.ok, report.outcomes
        assert (await aw(esper.devices.get(devices[0]))).software_info["timezone"] == "Asia/Tokyo"
        missing = await aw(esper.commands.run_many(devices, "SET_KIOSK_APP"))
        assert {o.status for o in missing.outcomes} == {"error"}
        assert isinstance(missing.outcomes[0].error, esperclient.BadRequestError)
        assert "package_name" in missing.outcomes[0].error.message

    run(mode, tenant, scenario)


def test_an_unknown_way_is_refused(tenant: Tenant) -> None:
    settings = {"host": tenant.host, "api_key": tenant.api_key}
    with (
        esperclient.Esper(**settings, enterprise_id=tenant.enterprise_id) as esper,
        pytest.raises(ValueError, match="via must be one of"),
    ):
        esper.commands.run_many(tenant.device_ids[:1], "REBOOT", via="carrier-pigeon")


@MODES
def test_a_request_refused_for_an_unknown_device_goes_device_by_device(
    mode: str, tenant: Tenant
) -> None:
    devices = tenant.device_ids[:3]
    for device_id in devices:
        _set_online(tenant, device_id, True)
    unknown = "00000000-0000-4000-8000-000000000000"

    async def scenario(esper: Any) -> None:
        before = len(await collect(esper.commands_api.list()))
        report = await aw(
            esper.commands.run_many(
                [*devices, unknown], "REBOOT", via="commands", timeout=60, poll_interval=0.05
            )
        )
        assert [o.status for o in report.outcomes] == ["success"] * 3 + ["error"]
        assert isinstance(report.outcomes[-1].error, esperclient.NotFoundError)
        # the refused request wrote nothing: the devices got one device command each
        assert len(await collect(esper.commands_api.list())) == before
        assert all(isinstance(o.command, esperclient.DeviceCommand) for o in report.outcomes[:3])

    run(mode, tenant, scenario)
