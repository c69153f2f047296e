"""The idiomatic clients, ``Esper`` and ``AsyncEsper``, on every resource, against the emulator.

Each scenario is written once and run on both clients: ``aw`` awaits what the async
client returns and passes the sync client's answers through.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.conftest import Tenant, new_tenant
from tests.emulator.conftest import count

Scenario = Callable[[Any], Awaitable[None]]


async def aw(value: Any) -> Any:
    """The value, awaited when the async client returned an awaitable."""
    return await value if inspect.isawaitable(value) else value


async def collect(items: Any) -> list[Any]:
    """Every item of a sync or async iterable."""
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def run(mode: str, tenant: Tenant, scenario: Scenario, **options: Any) -> None:
    """Run ``scenario`` with a client of ``mode`` ("sync" or "async") for ``tenant``."""
    settings = {
        "host": tenant.host,
        "api_key": tenant.api_key,
        "enterprise_id": tenant.enterprise_id,
    }

    async def main() -> None:
        if mode == "sync":
            with esperclient.Esper(**settings, **options) as esper:
                await scenario(esper)
        else:
            async with esperclient.AsyncEsper(**settings, **options) as esper:
                await scenario(esper)

    asyncio.run(main())


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
def test_paging_visits_every_device_once_and_fetches_lazily(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        ids = [d.id for d in await collect(esper.devices.list(page_size=7))]
        assert sorted(ids) == sorted(tenant.device_ids)
        pages = await collect(esper.devices.list(page_size=7).pages())
        assert [len(p.results) for p in pages] == [7, 7, 7, 7, 2]
        assert {p.count for p in pages} == {30} and pages[-1].offset == 28
        assert await aw(esper.devices.list().total()) == 30
        online = await collect(esper.devices.list(state=1))
        assert online and all(d.status == 1 for d in online)

    run(mode, tenant, scenario)


@MODES
def test_devices_by_id_by_name_and_their_data(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        device = await aw(esper.devices.get(tenant.device_ids[0]))
        assert (await aw(esper.devices.get_by_name(device.device_name))).id == device.id
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.devices.get_by_name("no such device"))
        apps = await collect(esper.devices.apps(device.id))
        assert apps and (await aw(esper.devices.app(device.id, apps[0].id))).id == apps[0].id
        assert await collect(esper.devices.installs(device.id)) == []
        events = await aw(esper.devices.events(device.id, latest=True))
        assert len(events) == 1
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.devices.get("00000000-0000-4000-8000-000000000000"))

    run(mode, tenant, scenario)


@MODES
def test_commands_run_wait_fail_and_time_out(
    mode: str, tenant: Tenant, server: EmulatorServer
) -> None:
    async def scenario(esper: Any) -> None:
        online = await aw(esper.devices.list(state=1).first())
        sent = await aw(esper.commands.run(online.id, "REBOOT"))
        done = await aw(esper.commands.wait(sent, poll_interval=0.01))
        assert done.state == "Command Success"
        doomed = await aw(esper.commands.run(online.id, "UNINSTALL", package_name="com.nope"))
        with pytest.raises(esperclient.CommandFailedError) as failed:
            await aw(esper.commands.wait(doomed, poll_interval=0.01))
        assert failed.value.last.state == "Command Failure"
        offline = await aw(esper.devices.list(state=60).first())
        queued = await aw(esper.commands.run(offline.id, "REBOOT"))
        polled: list[Any] = []
        with pytest.raises(esperclient.WaitTimeoutError) as late:
            await aw(
                esper.commands.wait(queued, timeout=1, poll_interval=0.05, on_poll=polled.append)
            )
        assert late.value.last.state == "Command Initiated"
        assert polled and {c.state for c in polled} == {"Command Initiated"}  # each read

    run(mode, tenant, scenario)


@MODES
def test_arguments_a_model_refuses_raise_its_value_error_and_send_nothing(
    mode: str, tenant: Tenant, server: EmulatorServer
) -> None:
    async def scenario(esper: Any) -> None:
        online = await aw(esper.devices.list(state=1).first())
        before = count(server, schema.commands, enterprise_id=tenant.enterprise_id)
        with pytest.raises(ValueError, match="brightness_value`, must be a value greater"):
            await aw(esper.commands.run(online.id, "SET_BRIGHTNESS_SCALE", brightness_value=0))
        assert count(server, schema.commands, enterprise_id=tenant.enterprise_id) == before
        zipcode = (await aw(esper.enterprise.get())).zipcode
        with pytest.raises(ValueError, match="zipcode`, length must be less than or equal"):
            await aw(esper.enterprise.update(zipcode="123456789"))
        assert (await aw(esper.enterprise.get())).zipcode == zipcode

    run(mode, tenant, scenario)


@MODES
def test_run_many_reports_every_device_exactly_once(mode: str, tenant: Tenant) -> None:
    progress: list[esperclient.BulkProgress] = []
    unknown = "00000000-0000-4000-8000-000000000000"

    async def scenario(esper: Any) -> None:
        online = {d.id for d in await collect(esper.devices.list(state=1))}
        reachable = [d for d in tenant.device_ids if d in online]
        offline = [d for d in tenant.device_ids if d not in online]
        # online devices finish: the generous timeout is never waited out
        targets = [*reachable, unknown]
        report = await aw(
            esper.commands.run_many(
                targets,
                "REBOOT",
                via="device",
                concurrency=8,
                timeout=60,
                poll_interval=0.05,
                on_progress=progress.append,
            )
        )
        assert [o.device_id for o in report.outcomes] == targets
        assert [o.status for o in report.outcomes] == ["success"] * len(reachable) + ["error"]
        assert isinstance(report.by_status("error")[0].error, esperclient.NotFoundError)
        assert not report.ok and len(report.succeeded) == len(reachable)
        # one call per device sent and one per device finished, counts never going back
        n = len(targets)
        assert [p.sent + p.finished for p in progress] == list(range(1, 2 * n + 1))
        assert progress[-1] == esperclient.BulkProgress(sent=n, finished=n, total=n)
        # offline devices never move on: still pending whenever waiting stops
        waiting: list[esperclient.BulkProgress] = []
        held = await aw(
            esper.commands.run_many(
                offline, "REBOOT", via="device", timeout=0.2, on_progress=waiting.append
            )
        )
        assert [o.device_id for o in held.outcomes] == offline and offline
        assert {o.status for o in held.outcomes} == {"pending"}
        assert waiting[-1] == esperclient.BulkProgress(len(offline), 0, len(offline))

    run(mode, tenant, scenario)


class _SendingClock:
    """The bulk run's clock: each command sent takes a second; a sleep passes its time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self.sent = 0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def on_progress(self, progress: esperclient.BulkProgress) -> None:
        if progress.sent > self.sent:
            self.sent, self.now = progress.sent, self.now + 1.0


@MODES
def test_run_many_reads_each_command_again_a_poll_interval_after_it_was_sent(
    mode: str, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent at 1, 2 and 3 s with reads 2 s apart: the first is read again at once, at 3 s,
    the others at 4 and 5 s; not all of them 2 s after the last was sent."""
    clock = _SendingClock()
    bulk_run = importlib.import_module(f"esperclient._{mode}._bulk_run")
    monkeypatch.setattr(bulk_run, "time", clock)
    sleep = "sleep" if mode == "sync" else "async_sleep"
    monkeypatch.setattr(bulk_run, sleep, getattr(clock, sleep))

    async def scenario(esper: Any) -> None:
        online = [d.id for d in await collect(esper.devices.list(state=1))][:3]
        report = await aw(
            esper.commands.run_many(
                online,
                "REBOOT",
                via="device",
                concurrency=1,
                poll_interval=2.0,
                on_progress=clock.on_progress,
            )
        )
        assert report.ok and len(report.succeeded) == 3
        assert clock.slept == [0.0, 1.0, 1.0]

    run(mode, tenant, scenario)


@MODES
def test_run_many_sends_a_v0_only_command_as_a_v0_request_when_asked(
    mode: str, tenant: Tenant
) -> None:
    async def scenario(esper: Any) -> None:
        online = [d.id for d in await collect(esper.devices.list(state=1))][:2]
        report = await aw(
            esper.commands.run_many(
                online, "SET_DEVICE_LOCKDOWN_STATE", via="v0", poll_interval=0.05, state="LOCKED"
            )
        )
        assert report.ok, report.outcomes
        assert all(isinstance(o.command, esperclient.V0CommandStatus) for o in report.outcomes)
        missing = await aw(
            esper.commands.run_many(online, "SET_KIOSK_APP", via="v0", poll_interval=0.05)
        )
        assert {o.status for o in missing.outcomes} == {"error"}  # the v0 API's refusal, kept
        assert "package_name" in str(missing.outcomes[0].error)

    run(mode, tenant, scenario)


@MODES
def test_applications_upload_with_progress_and_versions(
    mode: str, tenant: Tenant, make_apk: Any
) -> None:
    sent: list[int] = []

    async def scenario(esper: Any) -> None:
        apk = Path(make_apk(f"com.example.idiomatic.{mode}"))
        app = await aw(esper.applications.upload(apk, on_progress=lambda s, t: sent.append(t - s)))
        assert sent[-1] == 0 and len(sent) >= 1
        assert (await aw(esper.applications.get(app.id))).package_name == app.package_name
        listed = await collect(esper.applications.list(package_name=app.package_name))
        assert [a.id for a in listed] == [app.id]
        versions = await collect(esper.applications.versions(app.id))
        version = await aw(esper.applications.version(app.id, versions[0].id))
        online = await aw(esper.devices.list(state=1).first())
        command = await aw(esper.commands.run(online.id, "INSTALL", app_version=version.id))
        await aw(esper.commands.wait(command, poll_interval=0.01))
        on = await collect(esper.applications.install_devices(app.id, version.id))
        assert [d.id for d in on] == [online.id]
        await aw(esper.applications.delete_version(app.id, version.id))
        await aw(esper.applications.delete(app.id))
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.applications.get(app.id))

    run(mode, tenant, scenario)


@MODES
def test_groups_and_group_commands(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        group = await aw(esper.groups.create(f"Idiomatic {mode}"))
        assert (await aw(esper.groups.get_by_name(f"Idiomatic {mode}"))).id == group.id
        assert group.id in [g.id for g in await collect(esper.groups.list())]
        online = [d.id for d in await collect(esper.devices.list(state=1, page_size=3))][:3]
        assert (await aw(esper.groups.add_devices(group.id, online))).device_count == 3
        assert (await aw(esper.groups.remove_devices(group.id, online[:1]))).device_count == 2
        renamed = await aw(esper.groups.update(group.id, name=f"Renamed {mode}", device_ids=online))
        assert renamed.name == f"Renamed {mode}" and renamed.device_count == 3
        sent = await aw(esper.group_commands.run(group.id, "REBOOT"))
        done = await aw(esper.group_commands.wait(sent, poll_interval=0.01))
        assert done.state == "Command Success"
        await aw(esper.groups.delete(group.id))
        with pytest.raises(esperclient.NotFoundError):
            await aw(esper.groups.get(group.id))

    run(mode, tenant, scenario)


@MODES
def test_command_requests(mode: str, tenant: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        online = [d.id for d in await collect(esper.devices.list(state=1))][:2]
        request = await aw(esper.command_requests.create("UPDATE_HEARTBEAT", devices=online))
        statuses = await aw(esper.command_requests.wait(request, poll_interval=0.01))
        assert len(await aw(esper.command_requests.statuses(request.id, device=online[0]))) == 1
        assert sorted(s.state for s in statuses) == ["Command Success"] * 2
        history = await aw(esper.command_requests.history(online[0]))
        assert request.id in [s.request for s in history]
        listed = await aw(esper.command_requests.list(command="UPDATE_HEARTBEAT"))
        assert request.id in [r.id for r in listed]

    run(mode, tenant, scenario)


@MODES
def test_enterprise_policies_geofences_subscriptions_content_token(
    mode: str, tenant: Tenant, tmp_path: Path
) -> None:
    async def scenario(esper: Any) -> None:
        assert (await aw(esper.enterprise.get())).id == tenant.enterprise_id
        assert (await aw(esper.enterprise.update(location="Lisbon"))).location == "Lisbon"

        policy = await aw(esper.policies.create("Kiosk", {"cameraDisabled": True}))
        policy_id = int(str(policy.url).rstrip("/").rsplit("/", 1)[1])
        assert (await aw(esper.policies.update(policy_id, description="x"))).description == "x"
        assert [p.name for p in await collect(esper.policies.list(name="Kiosk"))] == ["Kiosk"]
        assert (await aw(esper.policies.get(policy_id))).url == policy.url
        await aw(esper.policies.delete(policy_id))

        fence = await aw(esper.geofences.create("HQ", "38.72", "-9.14", radius=50))
        assert (await aw(esper.geofences.update(fence.id, radius=75))).radius == 75
        assert [g.id for g in await collect(esper.geofences.list(search="HQ"))] == [fence.id]
        assert (await aw(esper.geofences.get(fence.id))).radius == 75
        await aw(esper.geofences.delete(fence.id))

        subscription = await aw(esper.subscriptions.create("210987654321"))
        assert (await aw(esper.subscriptions.get(subscription.id))).aws_account_id == "210987654321"
        assert [x.id for x in await collect(esper.subscriptions.list())] == [subscription.id]
        await aw(esper.subscriptions.delete(subscription.id))

        document = tmp_path / f"guide-{mode}.txt"
        document.write_text("hello")
        content = await aw(esper.content.upload(document))
        updated = await aw(esper.content.update(content.id, tags=["guides"], description="d"))
        assert updated.tags == ["guides"] and updated.description == "d"
        assert (await aw(esper.content.get(content.id))).tags == ["guides"]
        assert [c.id for c in await collect(esper.content.list(search="guide"))] == [content.id]
        await aw(esper.content.delete(content.id))

        info = await aw(esper.token.info())
        assert info.enterprise == tenant.enterprise_id
        renewed = await aw(esper.token.renew())
        assert renewed.token != tenant.api_key
        assert (await aw(esper.token.info())).token == renewed.token  # the client moved on

    run(mode, tenant, scenario)


@MODES
def test_settings_come_from_the_environment_and_the_key_stays_hidden(
    mode: str, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESPER_HOST", tenant.host)
    monkeypatch.setenv("ESPER_API_KEY", tenant.api_key)
    monkeypatch.setenv("ESPER_ENTERPRISE_ID", tenant.enterprise_id)

    async def main() -> None:
        esper = esperclient.Esper() if mode == "sync" else esperclient.AsyncEsper()
        try:
            assert tenant.api_key not in repr(esper) and tenant.enterprise_id in repr(esper)
            answer = await aw(esper.request("GET", "/v1/token-info/"))
            assert answer["enterprise"] == tenant.enterprise_id
            with pytest.raises(esperclient.NotFoundError) as caught:
                await aw(esper.request("GET", "/v1/no-such-thing/"))
            assert tenant.api_key not in str(caught.value)
        finally:
            await aw(esper.close() if mode == "sync" else esper.aclose())

    asyncio.run(main())


@pytest.fixture(scope="module")
def big_fleet(server: EmulatorServer) -> Tenant:
    return new_tenant(server, "Big fleet", devices=2_500)


@MODES
def test_paging_thousands_of_devices_misses_and_repeats_none(mode: str, big_fleet: Tenant) -> None:
    async def scenario(esper: Any) -> None:
        seen = [d.id for d in await collect(esper.devices.list(page_size=250))]
        assert len(seen) == len(set(seen)) == 2_500
        assert set(seen) == set(big_fleet.device_ids)

    run(mode, big_fleet, scenario)


@MODES
def test_run_many_through_v0_requests_splits_at_500_and_reports_each_device(
    mode: str, big_fleet: Tenant, server: EmulatorServer
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"

    async def scenario(esper: Any) -> None:
        online = [d.id for d in await collect(esper.devices.list(state=1, page_size=500))]
        targets = [*online[:1_100], unknown]
        before = len(await aw(esper.command_requests.list()))
        report = await aw(
            esper.commands.run_many(
                targets, "UPDATE_HEARTBEAT", via="v0", timeout=60, poll_interval=0.05
            )
        )
        assert [o.device_id for o in report.outcomes] == targets
        assert {o.status for o in report.outcomes[:-1]} == {"success"}
        assert report.outcomes[-1].status == "error"
        # 3 requests of at most 500; the batch holding the unknown id went device by device
        assert len(await aw(esper.command_requests.list())) - before == 2

    run(mode, big_fleet, scenario)
