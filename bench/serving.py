"""The emulator itself: list pages from the 100k-device fleet at 50 connections; commands."""

from __future__ import annotations

import functools
import statistics
from typing import Any

from bench import wrk
from bench.common import Result
from bench.emulator import Fleet
from bench.harness import Context, log
from bench.report import Row

CONNECTIONS = 50
SECONDS = 3.0
FAR_OFFSET = 90_000
TARGET_RPS = 3000.0


def _headers(fleet: Fleet) -> dict[str, str]:
    return {"Authorization": f"Bearer {fleet.api_key}", "Accept": "application/json"}


def _list_url(fleet: Fleet, offset: int) -> str:
    return f"{fleet.host}/enterprise/{fleet.enterprise_id}/device/?limit=100&offset={offset}"


def _load(ctx: Context, method: str, urls: list[str], fleet: Fleet, **cfg: Any) -> Result:
    """The aiohttp load generator, in a process of its own."""
    config = {
        "method": method,
        "urls": urls,
        "headers": _headers(fleet),
        "warmup_s": 0.5,
        "duration_s": SECONDS,
        **cfg,
    }
    return ctx.work(ctx.ours, "load.load", config)


def page_load(ctx: Context, tool: str | None, fleet: Fleet, offset: int) -> Result:
    """``CONNECTIONS`` clients asking for the page at ``offset`` for ``SECONDS``: wrk when
    there is one (``tool``), else the aiohttp load generator."""
    url = _list_url(fleet, offset)
    if tool:
        return dict(wrk.run(tool, url, _headers(fleet), CONNECTIONS, SECONDS))
    return _load(ctx, "GET", [url], fleet, concurrency=CONNECTIONS)


def _median(results: list[Result], key: str) -> float:
    return statistics.median(float(r[key]) for r in results)


def lists(ctx: Context, big: Fleet) -> list[Row]:
    """The 100k fleet at offset 0 and 90,000; the 10k fleet at offset 0, for comparison."""
    tool = wrk.ensure_wrk()
    by = "wrk -t2" if tool else "aiohttp load generator"
    cases = {"100k@0": (big, 0), "100k@90k": (big, FAR_OFFSET), "10k@0": (ctx.fleet, 0)}
    samples: dict[str, list[Result]] = {case: [] for case in cases}
    for n in range(ctx.rounds):
        for case, (fleet, offset) in cases.items():
            result = page_load(ctx, tool, fleet, offset)
            assert result["errors"] == 0, result
            samples[case].append(result)
        log(f"  emulator list: round {n + 1}/{ctx.rounds} done")
    ctx.raw["emulator-list"] = {"tool": by, **samples}
    rps = {case: _median(results, "rps") for case, results in samples.items()}
    p99 = {case: _median(results, "p99_ms") for case, results in samples.items()}
    name = f"emulator: GET 100-device page, {CONNECTIONS} conns ({by})"
    near, far = rps["100k@0"], rps["100k@90k"]
    rows = [
        Row(
            f"{name}, 100k fleet, offset 0: req/s",
            near,
            target=f"≥ {TARGET_RPS:,.0f}",
            met=near >= TARGET_RPS,
            rounds=ctx.rounds,
        ),
        Row(
            f"{name}, 100k fleet, offset 90k: req/s",
            far,
            target=f"time/request < 2x offset 0: > {near / 2:,.0f}",
            met=far * 2 > near,
            rounds=ctx.rounds,
        ),
        Row(f"{name}, 10k fleet, offset 0: req/s", rps["10k@0"], rounds=ctx.rounds),
    ]
    rows += [
        Row(f"{name}, {case.replace('@', ' fleet, offset ')}: p99 ms", p99[case], rounds=ctx.rounds)
        for case in cases
    ]
    for row, (fleet, offset) in zip(rows[:2], cases.values(), strict=False):
        if not row.met:
            row.profile = ctx.profile_server(
                f"emulator-list-{offset}", functools.partial(page_load, ctx, tool, fleet, offset)
            )
    return rows


def commands(ctx: Context, fleet: Fleet, rounds: int) -> list[Row]:
    base = f"{fleet.host}/enterprise/{fleet.enterprise_id}/device/"
    urls = [f"{base}{device_id}/command/" for device_id in fleet.device_ids]
    body = {"command": "REBOOT"}
    samples: dict[int, list[Result]] = {1: [], CONNECTIONS: []}
    for n in range(rounds):
        for concurrency in samples:
            result = _load(ctx, "POST", urls, fleet, body=body, concurrency=concurrency)
            assert result["errors"] == 0, result
            samples[concurrency].append(result)
        log(f"  emulator commands: round {n + 1}/{rounds} done")
    ctx.raw["emulator-commands"] = {str(k): v for k, v in samples.items()}
    return [
        Row(
            f"emulator: POST run_command, {c} at a time (aiohttp): commands/s",
            _median(samples[c], "rps"),
            rounds=rounds,
        )
        for c in samples
    ]
