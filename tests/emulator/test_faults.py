"""Faults on purpose, seen from the wire: 503s, dropped and reset connections, latency,
the rate limit, doomed commands, the counters and the side door that sets them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3
from urllib3.exceptions import ProtocolError

from esper_emulator import cli
from esper_emulator.faults import FaultMiddleware, Faults, RateLimiter, too_many_requests
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from tests.conftest import Tenant
from tests.emulator.conftest import call, esper_error, json_of, make_tenant

Start = Callable[..., EmulatorServer]


def side(server: EmulatorServer, path: str, body: Any = None) -> Any:
    """A side-door call: GET without a body, POST with one; the JSON answer."""
    url = f"{server.url}/_emulator{path}"
    return json_of(call("GET", url) if body is None else call("POST", url, json=body))


def stats(server: EmulatorServer) -> dict[str, Any]:
    """``GET /_emulator/stats``."""
    result: dict[str, Any] = side(server, "/stats")
    return result


def devices_url(tenant: Tenant) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"


def command_url(tenant: Tenant, device_id: str) -> str:
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/{device_id}/command/"


def reboot(tenant: Tenant, device_id: str) -> urllib3.BaseHTTPResponse:
    """POST a REBOOT for the device, raw."""
    return call(
        "POST", command_url(tenant, device_id), key=tenant.api_key, json={"command": "REBOOT"}
    )


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """An emulator of this module's own, with no faults (its bodies are checked)."""
    db = tmp_path_factory.mktemp("faults") / "faults.db"
    with EmulatorServer(Settings(db=str(db))) as running:
        yield running


@pytest.fixture
def faulty(start_server: Start) -> Callable[..., tuple[EmulatorServer, Tenant]]:
    """An emulator of its own with the given fault settings, and a tenant of it."""

    def make(**settings: Any) -> tuple[EmulatorServer, Tenant]:
        server = start_server(**settings)
        return server, make_tenant(server, devices=3)

    return make


def test_error_is_a_503_in_the_esper_body_and_nothing_is_done(faulty: Any) -> None:
    server, tenant = faulty(fault_rate=1.0, fault_kinds=("error",))
    body = esper_error(reboot(tenant, tenant.device_ids[0]), 503)
    assert "unavailable" in body["message"].lower()
    esper_error(call("GET", devices_url(tenant), key=tenant.api_key), 503)
    counted = stats(server)
    assert counted["commands"]["total"] == 0
    assert counted["faults"] == {"error": 2, "drop": 0, "reset": 0, "throttle": 0}
    assert counted["faults_by_method"] == {
        "GET": {"error": 1, "drop": 0, "reset": 0, "throttle": 0},
        "POST": {"error": 1, "drop": 0, "reset": 0, "throttle": 0},
    }


def test_drop_handles_the_request_then_breaks_the_answer(faulty: Any) -> None:
    server, tenant = faulty(fault_rate=1.0, fault_kinds=("drop",))
    with pytest.raises(ProtocolError) as broken:
        reboot(tenant, tenant.device_ids[0])
    assert "IncompleteRead" in str(broken.value)  # a Content-Length, then less than that
    assert stats(server)["commands"]["total"] == 1  # the command was created all the same
    assert stats(server)["faults"]["drop"] == 1


def test_reset_drops_the_connection_before_handling(faulty: Any) -> None:
    server, tenant = faulty(fault_rate=1.0, fault_kinds=("reset",))
    with pytest.raises(ProtocolError) as broken:
        reboot(tenant, tenant.device_ids[0])
    assert "IncompleteRead" not in str(broken.value)  # not a byte of an answer
    counted = stats(server)
    assert counted["commands"]["total"] == 0 and counted["faults"]["reset"] == 1


def test_latency_is_added_to_every_api_request_and_counted(faulty: Any) -> None:
    server, tenant = faulty(fault_latency_ms=20)
    for _ in range(3):
        json_of(call("GET", devices_url(tenant), key=tenant.api_key))
    side(server, "/health")  # the side door is never delayed
    counted = stats(server)
    assert counted["requests"] == 3 and counted["delayed"] == 3
    assert counted["latency_ms_total"] == 60.0
    assert counted["faults"] == {"error": 0, "drop": 0, "reset": 0, "throttle": 0}


def test_the_side_door_and_other_paths_meet_no_faults(faulty: Any) -> None:
    server, _ = faulty(fault_rate=1.0, rate_limit=0.001)
    for _ in range(3):
        assert side(server, "/health")["status"] == "ok"
    assert stats(server)["requests"] == 0


def test_over_the_rate_limit_a_429_with_retry_after_and_nothing_done(faulty: Any) -> None:
    server, tenant = faulty(rate_limit=0.01)  # a bucket of one request, refilled in 100 s
    json_of(call("GET", devices_url(tenant), key=tenant.api_key))
    refused = reboot(tenant, tenant.device_ids[0])
    body = esper_error(refused, 429)
    assert refused.headers["Retry-After"] == "100"  # whole seconds, rounded up
    assert 99_000 <= int(refused.headers["retry-after-ms"]) <= 100_000
    assert "throttled" in body["message"]
    other = make_tenant(server, devices=1, name="Other")
    json_of(call("GET", devices_url(other), key=other.api_key))  # a bucket per API key
    counted = stats(server)
    assert counted["rate_limited"] == 1 and counted["requests"] == 3
    assert counted["commands"]["total"] == 0


def test_the_bucket_refills_at_the_rate_and_holds_a_burst() -> None:
    now = [0.0]
    limiter = RateLimiter(2.0, clock=lambda: now[0])
    assert [limiter.take(b"k") for _ in range(3)] == [0.0, 0.0, 0.5]
    now[0] = 0.25
    assert limiter.take(b"k") == 0.25 and limiter.take(b"other") == 0.0
    now[0] = 0.5
    assert limiter.take(b"k") == 0.0
    limiter.rate = None
    assert limiter.take(b"k") == 0.0
    small = RateLimiter(0.5, clock=lambda: now[0])  # a burst of at least one
    assert small.take(b"k") == 0.0 and small.take(b"k") == 2.0


def test_throttle_is_the_rate_limits_429_on_the_seeded_schedule(faulty: Any) -> None:
    server, tenant = faulty()
    side(server, "/faults", {"rate": 0.5, "kinds": ["throttle"]})

    def statuses() -> list[int]:
        side(server, "/faults", {"seed": 5})
        return [reboot(tenant, device_id).status for device_id in tenant.device_ids * 10]

    first = statuses()
    assert statuses() == first and set(first) == {200, 429}  # on any machine, the same 429s
    side(server, "/faults", {"rate": 1.0})
    refused = reboot(tenant, tenant.device_ids[0])
    assert "throttled" in esper_error(refused, 429)["message"]
    assert (refused.headers["Retry-After"], refused.headers["retry-after-ms"]) == ("1", "1000")
    counted = stats(server)
    assert counted["rate_limited"] == counted["faults"]["throttle"] == 2 * first.count(429) + 1
    assert counted["commands"]["total"] == counted["requests"] - counted["rate_limited"]


def test_a_short_wait_still_says_one_second() -> None:
    answer = too_many_requests(0.2)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1" and answer.headers["retry-after-ms"] == "200"


def test_the_same_seed_draws_the_same_faults(faulty: Any) -> None:
    server, tenant = faulty(fault_rate=0.5, fault_kinds=("error",), fault_seed=7)

    def statuses() -> list[int]:
        return [call("GET", devices_url(tenant), key=tenant.api_key).status for _ in range(20)]

    first = statuses()
    assert side(server, "/faults", {"seed": 7})["seed"] == 7
    assert statuses() == first and set(first) == {200, 503}
    assert stats(server)["faults"]["error"] == 2 * first.count(503)


def test_fail_next_commands_dooms_that_many_commands(faulty: Any) -> None:
    server, tenant = faulty()
    enterprise = f"/enterprises/{tenant.enterprise_id}"
    for device_id in tenant.device_ids:
        side(server, f"{enterprise}/devices/{device_id}/online", {"online": True})
    assert side(server, "/faults", {"fail_next_commands": 2})["fail_next_commands"] == 2
    sent = [json_of(reboot(tenant, device_id)) for device_id in tenant.device_ids]
    assert side(server, "/faults")["fail_next_commands"] == 0
    final = [
        json_of(call("GET", command_url(tenant, d) + f"{c['id']}/", key=tenant.api_key))
        for d, c in zip(tenant.device_ids, sent, strict=True)
    ]
    assert [c["state"] for c in final] == ["Command Failure"] * 2 + ["Command Success"]
    assert [c["details"] for c in final[:2]] == ["injected failure"] * 2
    commands = stats(server)["commands"]
    assert commands["injected_failures"] == 2 and commands["most_per_device"] == 1
    assert commands["by_state"] == {"Command Failure": 2, "Command Success": 1}


def test_faults_are_read_and_changed_through_the_side_door(faulty: Any) -> None:
    server, _ = faulty(fault_rate=0.2, fault_kinds=("drop", "error"), fault_seed=3)
    assert side(server, "/faults") == {
        "rate": 0.2,
        "latency_ms": 0.0,
        "kinds": ["error", "drop"],
        "seed": 3,
        "fail_next_commands": 0,
    }
    changed = side(server, "/faults", {"rate": 0.5, "kinds": ["reset"], "latency_ms": 5})
    assert changed["rate"] == 0.5 and changed["kinds"] == ["reset"]
    assert changed["latency_ms"] == 5.0 and changed["seed"] == 3  # the rest is kept
    assert isinstance(side(server, "/faults", {"seed": None})["seed"], int)  # a new one, told
    assert side(server, "/rate-limit") == {"rate": None}
    assert side(server, "/rate-limit", {"rate": 25}) == {"rate": 25.0}
    assert side(server, "/rate-limit", {"rate": None}) == {"rate": None}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/faults", {"rate": 1.5}, "rate"),
        ("/faults", {"rate": "often"}, "rate"),
        ("/faults", {"latency_ms": -1}, "latency_ms"),
        ("/faults", {"kinds": ["boom"]}, "kinds[0]"),
        ("/faults", {"kinds": "error"}, "kinds"),
        ("/faults", {"seed": -1}, "seed"),
        ("/faults", {"fail_next_commands": -2}, "fail_next_commands"),
        ("/faults", {"chaos": True}, "chaos"),
        ("/rate-limit", {"rate": 0}, "rate"),
        ("/rate-limit", {}, "rate"),
        ("/rate-limit", {"rate": "fast"}, "rate"),
    ],
)
def test_side_door_bodies_are_checked(
    plain: EmulatorServer, path: str, body: dict[str, Any], field: str
) -> None:
    server = plain
    refused = esper_error(call("POST", f"{server.url}/_emulator{path}", json=body), 400)
    assert list(refused["errors"][0]) == [field]
    assert side(server, "/faults")["rate"] == 0.0  # nothing changed


def test_stats_count_requests_faults_and_429s(faulty: Any) -> None:
    server, tenant = faulty(fault_rate=0.5, fault_seed=11)
    for _ in range(40):
        with contextlib.suppress(ProtocolError):
            call("GET", devices_url(tenant), key=tenant.api_key)
    counted = stats(server)
    faults = counted["faults"]
    assert counted["requests"] == 40 and counted["rate_limited"] == 0
    assert faults.pop("throttle") == 0  # drawn only when named
    assert all(n > 0 for n in faults.values()) and sum(faults.values()) < 40
    assert counted["faults_by_method"] == {"GET": {**faults, "throttle": 0}}


def test_the_middleware_drops_under_another_server_too() -> None:
    """Without the emulator's own server (no connection handle), a drop still breaks the
    answer: its start with the full Content-Length, half the body, and no end."""
    sent: list[dict[str, Any]] = []
    body = b'{"ok": true}'

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    faults = Faults(Settings(fault_rate=1.0, fault_kinds=("drop",)))
    scope = {"type": "http", "method": "GET", "path": "/api/x", "headers": []}
    asyncio.run(FaultMiddleware(app, faults)(scope, receive, send))
    start, part = sent
    assert (b"content-length", str(len(body)).encode()) in start["headers"]
    assert part == {"type": "http.response.body", "body": body[:6], "more_body": True}


def test_settings_refuse_impossible_faults() -> None:
    for wrong in (
        {"fault_rate": 1.5},
        {"fault_kinds": ("boom",)},
        {"rate_limit": 0.0},
        {"fault_latency_ms": -1.0},
        {"fail_next_commands": -1},
    ):
        with pytest.raises(ValueError):
            Settings(**wrong)  # type: ignore[arg-type]


def test_the_cli_takes_the_fault_flags() -> None:
    flags = "--rate-limit 50 --fault-rate 0.1 --fault-latency-ms 200 --fault-kinds error,drop"
    args = cli.parser().parse_args(["serve", *flags.split(), "--fault-seed", "7"])
    settings = cli.settings_of(args)
    assert settings.rate_limit == 50.0 and settings.fault_rate == 0.1
    assert settings.fault_latency_ms == 200.0 and settings.fault_kinds == ("error", "drop")
    assert settings.fault_seed == 7
    defaults = cli.settings_of(cli.parser().parse_args(["serve", "--db", ":memory:"]))
    assert defaults.rate_limit is None and defaults.fault_rate == 0.0
    assert defaults.fault_kinds == ("error", "drop", "reset")


@pytest.mark.parametrize(
    "flags",
    ["--fault-rate 2", "--fault-kinds error,boom", "--rate-limit 0", "--fault-latency-ms -5"],
)
def test_the_cli_refuses_bad_fault_flags(flags: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.parser().parse_args(["serve", *flags.split()])
    assert stopped.value.code == 2 and flags.split()[0] in capsys.readouterr().err


def test_the_cli_says_which_faults_are_on(tmp_path: Any) -> None:
    from esper_emulator.emulator import Emulator

    settings = Settings(db=str(tmp_path / "x.db"), rate_limit=50, fault_rate=0.1, fault_seed=7)
    emulator = Emulator(settings)
    try:
        line = cli.describe_faults(emulator)
    finally:
        emulator.close()
    assert line is not None and "fault rate 0.1 (error,drop,reset), seed 7" in line
    assert "rate limit 50/s" in line
