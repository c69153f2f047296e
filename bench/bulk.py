"""Bulk command: ``run_many`` REBOOT across 10,000 online devices, to all-final, through
the Commands API, v0 command requests and one command per device."""

from __future__ import annotations

import statistics

from bench.common import Result
from bench.emulator import Fleet
from bench.harness import Context, Variant, log
from bench.report import Row

DEVICES = 10_000
CONCURRENCY = 16  # run_many's default
TIMEOUT_S = 300.0
TARGET_S = {"commands": 5.0}
"""The issue's targets by ``via``: 5 s through the Commands API, 10 s the others."""
DEFAULT_TARGET_S = 10.0


def _round(ctx: Context, variant: Variant, cfg: dict[str, object]) -> Result:
    before = ctx.emulator.requests_served()
    result = ctx.work(variant.python, variant.task, cfg)
    # the worker's one warm-up GET is not part of the run
    result["http_requests"] = ctx.emulator.requests_served() - before - 1
    return result


def run(ctx: Context, rounds: dict[str, int]) -> list[Row]:
    fleet = ctx.fleet_of("bulk", DEVICES, online_ratio=1.0)
    variant = Variant("ours", ctx.ours, "ours.run_many")
    rows = []
    for via, n in rounds.items():
        cfg = fleet.config(
            device_ids=fleet.device_ids,
            command="REBOOT",
            via=via,
            concurrency=CONCURRENCY,
            timeout=TIMEOUT_S,
        )
        results = []
        for i in range(n):
            results.append(_round(ctx, variant, cfg))
            log(f"  bulk via={via}: round {i + 1}/{n} done")
        ctx.raw[f"bulk-{via}"] = results
        assert all(r["succeeded"] == DEVICES for r in results), results
        target = TARGET_S.get(via, DEFAULT_TARGET_S)
        wall = statistics.median(r["wall_s"] for r in results)
        requests = statistics.median(r["http_requests"] for r in results)
        cpu = statistics.median(r["cpu_s"] for r in results)
        time_row = Row(
            f'run_many REBOOT 10k, via="{via}" (concurrency {CONCURRENCY}): s to all-final',
            wall,
            target=f"< {target:g} s",
            met=wall < target,
            rounds=n,
        )
        count_row = Row(f'run_many REBOOT 10k, via="{via}": HTTP requests', requests, rounds=n)
        cpu_row = Row(f'run_many REBOOT 10k, via="{via}": client CPU s', cpu, rounds=n)
        if not time_row.met:
            time_row.profile = _profiles(ctx, variant, cfg, fleet, via)
            ctx.notes.append(
                f'run_many via="{via}": {requests:,.0f} requests in {wall:.1f} s '
                f"({requests / wall:,.0f}/s); the client process was on a CPU {cpu / wall:.0%} "
                "of that time (see the command-creation rows for what the emulator sustains)."
            )
        rows += [time_row, count_row, cpu_row]
    return rows


def _profiles(
    ctx: Context, variant: Variant, cfg: dict[str, object], fleet: Fleet, via: str
) -> str:
    """Client side (the main thread: the phases of run_many), then the server under the
    same kind of load for 3 s (see ``_device_load`` and ``_api_load``)."""
    client = ctx.profile(variant, cfg, f"bulk-{via}")
    load = _api_load(fleet, cfg) if via == "commands" else _device_load(fleet, cfg)
    server = ctx.profile_server(f"bulk-{via}", lambda: ctx.work(ctx.ours, "load.load", load))
    return f"{client}\n\n{server}"


def _device_load(fleet: Fleet, cfg: dict[str, object]) -> dict[str, object]:
    """POST run_command, ``CONCURRENCY`` at a time."""
    urls = [
        f"{fleet.host}/enterprise/{fleet.enterprise_id}/device/{i}/command/"
        for i in fleet.device_ids
    ]
    return _load(fleet, urls, {"command": cfg["command"]}, CONCURRENCY)


def _api_load(fleet: Fleet, cfg: dict[str, object]) -> dict[str, object]:
    """POST a Commands API request of 1,000 devices, one at a time."""
    body = {
        "command_type": "DEVICE",
        "device_type": "all",
        "command": cfg["command"],
        "devices": fleet.device_ids[:1_000],
    }
    return _load(fleet, [f"{fleet.host}/commands/v0/commands/"], body, 1)


def _load(fleet: Fleet, urls: list[str], body: object, concurrency: int) -> dict[str, object]:
    return {
        "method": "POST",
        "urls": urls,
        "headers": {"Authorization": f"Bearer {fleet.api_key}"},
        "body": body,
        "concurrency": concurrency,
        "warmup_s": 0.5,
        "duration_s": 3.0,
    }
